"""Share forecasts: the method on hand-made histories, its invariants on random ones, as-of isolation, the
backtest on the demo's history, and the real `sharetui forecast` command."""

from __future__ import annotations

import json
import math
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sharetui.domain import forecast as fc
from sharetui.domain.forecast.predict import quantile
from sharetui.domain.models import Account, VideoCounts
from sharetui.monitor.poller import Poller
from sharetui.sources.demo import DemoSource
from sharetui.store import Store
from tests.conftest import T0, FakeClock, run_cli

HOUR, DAY = 3600, 86_400
ACCOUNT = Account("tiktok:x", "tiktok", "X")


def video(vid: str, posted_at: int, shares: int) -> VideoCounts:
    return VideoCounts(vid, f"video {vid}", posted_at, "", shares * 10, 0, 0, shares)


def record_lives(store: Store, lives: dict[str, tuple[int, list[tuple[int, int]]]], times: list[int]) -> None:
    """Sweeps at `times`: each video (posted_at, [(age seconds, shares from then on)]) as it stood then."""
    sweeps = []
    for t in times:
        listed = []
        for vid, (posted, steps) in lives.items():
            if posted > t:
                continue
            shares = 0
            for age, value in steps:
                if posted + age <= t:
                    shares = value
            listed.append(video(vid, posted, shares))
        sweeps.append((t, listed))
    store.record_history(ACCOUNT, sweeps)


def hourly(start: int, end: int) -> list[int]:
    return list(range(start, end + 1, HOUR))


def test_identical_peers_give_their_exact_growth_in_a_band_that_is_never_a_point(store: Store) -> None:
    # Ten earlier videos that each had 9 shares from their first minute and 29 from day 5 on: growth to
    # day 7 is (29 + 1) / (9 + 1) = 3 for every one of them, so the median is exactly 3 × (s + 1) - 1, and
    # the band only the minimum width around it (a video still growing never gets a point band).
    now = T0
    lives = {f"p{i}": (now - (20 + i) * DAY, [(60, 9), (5 * DAY, 29)]) for i in range(10)}
    lives["young"] = (now - 2 * DAY, [(60, 19)])
    record_lives(store, lives, hourly(now - 30 * DAY, now))
    found = {f.id: f for f in fc.forecasts(store, ACCOUNT.key, now)}
    band = found["young"].bands["7d"]
    assert band is not None and band.p50 == 59 and band.peers == 10
    assert 19 <= band.p10 < 59 < band.p90 and band.p90 / (band.p10 + 1) < 1.25
    assert found["young"].bands["30d"] is None and "needs" in found["young"].why["30d"]
    assert found["p0"].bands["7d"] is None and found["p0"].why["7d"] == "past day 7"


def test_spread_peers_give_an_ordered_band_around_their_median(store: Store) -> None:
    now = T0
    # Growth ratios 1..9 (shares 9 at first, 10k - 1 on day 5).
    lives = {f"p{k}": (now - (20 + k) * DAY, [(60, 9), (5 * DAY, 10 * k - 1)]) for k in range(1, 10)}
    lives["young"] = (now - 2 * DAY, [(60, 19)])
    record_lives(store, lives, hourly(now - 30 * DAY, now))
    band = next(f for f in fc.forecasts(store, ACCOUNT.key, now) if f.id == "young").bands["7d"]
    assert band is not None
    assert 19 <= band.p10 < band.p50 < band.p90
    # The median ratio is 5: the centre sits near 20 × 5 - 1, the band inside the peers' range 1..9.
    assert abs(math.log((band.p50 + 1) / 100)) < 0.35
    assert band.p10 >= 19 and band.p90 <= 20 * 9 * 1.5


def test_too_few_peers_say_why(store: Store) -> None:
    now = T0
    lives = {f"p{i}": (now - (20 + i) * DAY, [(60, 9), (5 * DAY, 29)]) for i in range(fc.MIN_PEERS - 1)}
    lives["young"] = (now - 2 * DAY, [(60, 19)])
    record_lives(store, lives, hourly(now - 30 * DAY, now))
    young = next(f for f in fc.forecasts(store, ACCOUNT.key, now) if f.id == "young")
    assert young.bands == {"7d": None, "30d": None}
    assert f"{fc.MIN_PEERS - 1} of your videos" in young.why["7d"] and f"needs {fc.MIN_PEERS}" in young.why["7d"]


def test_peers_whose_history_starts_late_are_not_used(store: Store) -> None:
    # Videos found by the cache only at day 10 of their life cannot say how they grew from day 2.
    now = T0
    lives = {f"p{i}": (now - (20 + i) * DAY, [(60, 9), (5 * DAY, 29)]) for i in range(10)}
    lives["young"] = (now - 2 * DAY, [(60, 19)])
    record_lives(store, lives, hourly(now - 10 * DAY, now))
    young = next(f for f in fc.forecasts(store, ACCOUNT.key, now) if f.id == "young")
    assert young.bands["7d"] is None and "0 of your videos" in young.why["7d"]


def demo_store(path: Path, clock: FakeClock, days: int = 60) -> Store:
    store = Store(path)
    Poller(store, DemoSource(seed=7, videos=40, history_days=days), clock=clock).sweep()
    return store


def test_demo_forecasts_are_ordered_and_the_backtest_beats_both_baselines(tmp_path: Path, clock: FakeClock) -> None:
    store = demo_store(tmp_path / "demo.sqlite3", clock)
    now = int(clock())
    found = fc.forecasts(store, "demo", now)
    made = [f for f in found if f.bands["7d"] is not None]
    assert made, "the demo's 60 days of history should give 7-day forecasts"
    for f in found:
        for name, hours in fc.HORIZONS:
            band = f.bands[name]
            if f.age_hours >= hours:
                assert band is None
            if band is not None:
                assert f.shares <= band.p10 <= band.p50 <= band.p90
    seven = next(b for b in fc.backtest(store, "demo", now) if b.horizon == "7d")
    assert seven.forecasts >= 20 and seven.coverage is not None
    assert 0.6 <= seven.coverage <= 1.0
    assert seven.error is not None and seven.persistence is not None and seven.usual is not None
    assert seven.szabo_huberman is not None and seven.spearman is not None and seven.spearman > 0.5
    assert seven.error <= 0.6 * min(seven.persistence, seven.usual) and seven.error < seven.szabo_huberman
    store.close()


def test_as_of_ignores_everything_recorded_later(tmp_path: Path, clock: FakeClock) -> None:
    store = demo_store(tmp_path / "demo.sqlite3", clock, days=40)
    as_of = int(clock()) - 3 * DAY
    before = [f.as_json() for f in fc.forecasts(store, "demo", as_of)]
    poller = Poller(store, DemoSource(seed=7, videos=40, history_days=40), clock=clock)
    for _ in range(5):
        clock.advance(6 * HOUR)
        poller.sweep()
    assert [f.as_json() for f in fc.forecasts(store, "demo", as_of)] == before
    assert any(f["p50_7d"] is not None for f in before)
    store.close()


@st.composite
def histories(draw: st.DrawFn) -> dict[str, tuple[int, list[tuple[int, int]]]]:
    lives = {}
    for i in range(draw(st.integers(0, 14))):
        posted = T0 - draw(st.integers(0, 45 * DAY))
        steps, shares, age = [], 0, 0
        for _ in range(draw(st.integers(1, 6))):
            age += draw(st.integers(60, 10 * DAY))
            # Counts mostly grow, sometimes dip: TikTok's counts are not guaranteed monotonic.
            shares = max(0, shares + draw(st.integers(-50, 5_000)))
            steps.append((age, shares))
        lives[f"v{i}"] = (posted, steps)
    return lives


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          derandomize=True)
@given(lives=histories(), start_days=st.integers(1, 40), cut_hours=st.integers(0, 30 * 24))
def test_random_histories_keep_every_promise(tmp_path_factory, lives, start_days: int, cut_hours: int) -> None:  # noqa: ANN001
    path = tmp_path_factory.mktemp("f") / "cache.sqlite3"
    with Store(path) as store:
        times = list(range(T0 - start_days * DAY, T0 + 1, 6 * HOUR))
        as_of = T0 - cut_hours * HOUR
        record_lives(store, lives, [t for t in times if t <= as_of])
        before = [f.as_json() for f in fc.forecasts(store, ACCOUNT.key, as_of)]
        for f in fc.forecasts(store, ACCOUNT.key, as_of):
            assert f.age_hours >= 0
            for name, hours in fc.HORIZONS:
                band = f.bands[name]
                assert (band is None) == (name in f.why)
                if f.age_hours >= hours:
                    assert band is None
                if band is not None:
                    assert f.shares <= band.p10 <= band.p50 < band.p90  # ordered, and never a point
            seven, thirty = f.bands["7d"], f.bands["30d"]
            if seven is not None and thirty is not None:  # never narrower or lower at the later horizon
                assert (thirty.p10, thirty.p50, thirty.p90) >= (seven.p10, seven.p50, seven.p90)
                assert thirty.p10 >= seven.p10 and thirty.p50 >= seven.p50 and thirty.p90 >= seven.p90
        record_lives(store, lives, [t for t in times if t > as_of])
        assert [f.as_json() for f in fc.forecasts(store, ACCOUNT.key, as_of)] == before


def test_quantile_positions_give_a_prediction_interval() -> None:
    values = [float(v) for v in range(1, 10)]  # n = 9: positions (n + 1)·q are 1, 5 and 9
    assert [quantile(values, q) for q in fc.BAND] == [1.0, 5.0, 9.0]
    assert quantile([4.0], 0.1) == quantile([4.0], 0.9) == 4.0


def test_forecast_command(tmp_path: Path) -> None:
    run_cli("config", "set", "demo.history_days", "60")
    assert run_cli("poll", "--once").returncode == 0
    out = run_cli("forecast", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    keys = {"id", "title", "posted_at", "age_hours", "shares", "p10_7d", "p50_7d", "p90_7d", "p10_30d", "p50_30d",
            "p90_30d"}
    assert rows and all(keys <= set(row) for row in rows)
    assert any(row["p50_7d"] is not None for row in rows)
    for row in rows:
        for h in ("7d", "30d"):
            trio = [row[f"p10_{h}"], row[f"p50_{h}"], row[f"p90_{h}"]]
            assert trio == [None] * 3 or row["shares"] <= trio[0] <= trio[1] <= trio[2]
    # As of a time before any video was posted: nothing to forecast.
    past = json.loads(run_cli("forecast", "--json", "--as-of", "2000-01-01T00:00:00Z").stdout)
    assert past == []
    text = run_cli("forecast")
    assert text.returncode == 0 and "Day 7" in text.stdout
    backtest = run_cli("forecast", "--backtest", "--json")
    assert backtest.returncode == 0, backtest.stderr
    assert {row["horizon"] for row in json.loads(backtest.stdout)} == {"7d", "30d"}
    for bad in (("--as-of", "yesterday"), ("--account", "nobody")):
        wrong = run_cli("forecast", *bad)
        assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1 and "Traceback" not in wrong.stderr


def test_imported_account_forecasts_from_its_newest_data(tmp_path: Path, data_dir: Path) -> None:
    """An account fed only by daily imports: "now" is its newest point, not the wall clock (which is
    years later here), and its daily points are enough for forecasts."""
    from sharetui.sources.demo import _lives
    from sharetui.sources.imported import ACCOUNT as STUDIO
    from sharetui.sources.studio import VideoTotals

    end = T0 // DAY * DAY
    lives = _lives(7, 40, end)
    rows = []
    for day in range(60, 0, -1):
        at = end - day * DAY - 1
        for life in lives:
            if life.posted_at <= at:
                c = life.counts(at)
                rows.append(VideoTotals(at, life.id, life.title, "", life.posted_at, c.likes, c.comments, c.shares,
                                        c.views))
    with Store(data_dir / "sharetui.sqlite3") as store:
        store.import_videos(STUDIO, rows)
    out = run_cli("forecast", "--json")
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert min(row["age_hours"] for row in found) < 24 * 3  # measured at the newest data, not today
    assert any(row["p50_7d"] is not None for row in found)
