"""The forecast on imported data as a creator's daily TikTok Studio imports feed it: "unchanged" read as known,
0 at posting, forecasts for the young videos, calibrated bands that are never points and never narrow with
the horizon, a backtest that scores like the literature, and one answer from the monitor and the command."""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

import pytest

from sharetui.cli import main
from sharetui.config import load
from sharetui.domain import forecast as fc
from sharetui.domain.forecast.model import GRID
from sharetui.monitor.poller import Poller
from sharetui.monitor.service import MonitorService
from sharetui.sources.demo import DemoSource
from sharetui.sources.imported import ACCOUNT as STUDIO
from sharetui.sources.studio import VideoTotals
from sharetui.store import Store
from tests.conftest import T0
from tests.trajectories import DAY, Life, daily_rows, lives, replay

START = T0 // DAY * DAY - 200 * DAY


def totals(life: Life, at: int, shares: int) -> VideoTotals:
    return VideoTotals(at, life.id, f"video {life.id}", "", life.posted_at, shares * 5, shares // 3, shares,
                       shares * 40)


def import_day(store: Store, every: list[Life], day: int) -> int:
    """Day `day`'s Content export imported; returns the midnight after it."""
    day_end = START + (day + 1) * DAY - 1
    store.import_videos(STUDIO, [totals(life, at, shares) for life, at, shares in daily_rows(every, day_end)])
    return day_end + 1


def test_a_repeated_count_is_known_unchanged_not_unknown(store: Store) -> None:
    # A video posted on day 0 that stops growing on day 2; imports go on daily to day 40.
    life = Life("v1", START, 3600, 0, 1, 1, None)
    for day in range(41):
        at = START + (day + 1) * DAY - 1
        store.import_videos(STUDIO, [totals(life, at, min(day + 1, 3) * 10)])
    (video,) = store.aged_values(STUDIO.key, START + 41 * DAY, GRID)
    assert video.observed_until == START + 41 * DAY - 1
    # Day 7 and day 30 are known (30 shares), not unknown because nothing changed after day 2.
    assert video.at_ages[GRID.index(168.0)] == 30 and video.at_ages[GRID.index(720.0)] == 30
    # Imported on its posting day: 0 at posting is known, the hours before the first row interpolated.
    assert video.at_ages[0] is not None and video.at_ages[0] <= 1
    # As of day 10, what was known then: nothing past day 10.
    (then,) = store.aged_values(STUDIO.key, START + 10 * DAY, GRID)
    assert then.at_ages[GRID.index(168.0)] == 30 and then.at_ages[GRID.index(720.0)] is None
    # The same file again changes nothing.
    store.import_videos(STUDIO, [totals(life, START + 41 * DAY - 1, 30)])
    assert store.aged_values(STUDIO.key, START + 41 * DAY, GRID)[0] == video


def test_an_older_file_imported_later_moves_a_count_earlier(store: Store) -> None:
    life = Life("v1", START, 3600, 0, 1, 1, None)
    store.import_videos(STUDIO, [totals(life, START + 5 * DAY - 1, 50)])
    store.import_videos(STUDIO, [totals(life, START + 2 * DAY - 1, 50)])  # the same count, three days earlier
    (video,) = store.aged_values(STUDIO.key, START + 5 * DAY, GRID)
    assert video.first_at == START + 2 * DAY - 1 and video.at_ages[GRID.index(72.0)] == 50


def test_a_video_first_seen_weeks_after_posting_has_no_invented_start(store: Store) -> None:
    life = Life("v1", START, 3600, 0, 1, 1, None)
    store.import_videos(STUDIO, [totals(life, START + 20 * DAY - 1, 500)])
    (video,) = store.aged_values(STUDIO.key, START + 20 * DAY, GRID)
    assert video.at_ages[GRID.index(168.0)] is None and video.at_ages[0] is None


def error(p50: float, truth: int) -> float:
    return abs(math.log((p50 + 1) / (truth + 1)))


@pytest.mark.parametrize("family", ["usual", "harsh"])
def test_young_imported_videos_get_calibrated_honest_bands(tmp_path: Path, family: str) -> None:
    scored, eligible, made = replay(tmp_path / "cache.sqlite3", lives(family, 80, 2.0, START, 5), START, 80, 40)
    # Forecasts for (nearly) every eligible video aged 1–3 days, at both horizons.
    for name in ("7d", "30d"):
        assert sum(1 for s in scored if s.horizon == name) >= 0.95 * eligible[name] > 0
    # p10–p90 holds about 80 % of outcomes (a few hundred forecasts: ±7 points is the sampling noise).
    held = [(band := s.forecast.bands[s.horizon]) is not None and band.p10 <= s.truth <= band.p90 for s in scored]
    assert 0.70 <= sum(held) / len(held) <= 0.90, sum(held) / len(held)
    # Never a point, always ordered, never below the shares now, and monotone in the horizon.
    for f in made:
        seven, thirty = f.bands["7d"], f.bands["30d"]
        assert seven is not None and thirty is not None
        for band in (seven, thirty):
            assert f.shares <= band.p10 <= band.p50 < band.p90
        assert thirty.p10 >= seven.p10 and thirty.p50 >= seven.p50 and thirty.p90 >= seven.p90


@pytest.mark.slow
@pytest.mark.parametrize("family", ["usual", "harsh"])
def test_the_p50_is_no_worse_than_the_standard_methods_fitted_on_the_same_data(tmp_path: Path, family: str) -> None:
    scored, _, _ = replay(tmp_path / "cache.sqlite3", lives(family, 120, 2.0, START, 11), START, 120, 45,
                          baselines=True)
    for name in ("7d", "30d"):
        same = [s for s in scored if s.horizon == name and s.standard is not None]
        assert len(same) > 100
        ours = statistics.median(error(s.forecast.bands[name].p50, s.truth) for s in same)  # type: ignore[union-attr]
        for method in ("szabo_huberman", "pinto", "cqr"):
            theirs = statistics.median(error(s.standard[method][1 if method == "cqr" else 0], s.truth)  # type: ignore[index]
                                       for s in same)
            assert ours <= theirs * 1.02, (name, method, ours, theirs)


def test_the_backtest_scores_like_the_literature_and_says_when_there_is_nothing(tmp_path: Path) -> None:
    every = lives("usual", 70, 2.0, START, 3)
    with Store(tmp_path / "cache.sqlite3") as store:
        assert all(b.eligible == 0 for b in fc.backtest(store, STUDIO.key, START))
        for day in range(70):
            midnight = import_day(store, every, day)
        seven, thirty = fc.backtest(store, STUDIO.key, midnight)
    assert seven.forecasts >= 0.95 * seven.eligible > 50 and thirty.eligible > 20
    assert seven.coverage is not None and 0.65 <= seven.coverage <= 0.95
    assert seven.spearman is not None and seven.spearman > 0.8
    assert None not in (seven.error, seven.szabo_huberman, seven.persistence, seven.usual)
    assert seven.error < seven.szabo_huberman < seven.persistence  # type: ignore[operator]


def test_nothing_to_backtest_is_one_clear_sentence(isolated_dirs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set", "demo.history_days", "0"]) == 0
    assert main(["poll", "--once", "--demo"]) == 0
    capsys.readouterr()
    assert main(["forecast", "--backtest", "--demo"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nothing to backtest yet") and out.count("\n") == 1


def monitor_forecasts(data_dir: Path, demo: bool) -> dict[str, dict[str, object]]:
    with Store(data_dir / "sharetui.sqlite3") as store:
        service = MonitorService(load(), store=store, force_demo=demo)
        try:
            rows = service.dashboard(0).rows
        finally:
            service.close()
    return {r.id: {k: v for k, v in r.forecast.as_json().items() if k != "age_hours"} for r in rows if r.forecast}


def cli_forecasts(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert main(["forecast", "--json", *args]) == 0
    return {row["id"]: {k: v for k, v in row.items() if k not in ("age_hours", "account")}
            for row in json.loads(capsys.readouterr().out)}


def test_the_monitor_and_the_command_give_one_forecast(isolated_dirs: Path, data_dir: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The demo (polled, with history) and an imported-only account: the table's forecasts are the
    command's, number for number, though they run at different seconds."""
    assert main(["config", "set", "demo.history_days", "40"]) == 0
    assert main(["poll", "--once", "--demo"]) == 0
    shown = monitor_forecasts(data_dir, demo=True)
    assert any(f["p50_7d"] is not None for f in shown.values())
    assert cli_forecasts(capsys, "--demo") == shown
    every = lives("usual", 60, 2.0, START, 4)
    with Store(data_dir / "sharetui.sqlite3") as store:
        for day in range(60):
            import_day(store, every, day)
    shown = monitor_forecasts(data_dir, demo=False)
    assert any(f["p50_30d"] is not None for f in shown.values())
    assert cli_forecasts(capsys, "--account", STUDIO.key) == shown


def test_a_new_demo_backtests_without_a_monitor_first(isolated_dirs: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A fresh install: `forecast --backtest --demo` has a demo with history to replay, not "0 of 0"."""
    assert main(["forecast", "--backtest", "--demo", "--json"]) == 0
    seven = next(row for row in json.loads(capsys.readouterr().out) if row["horizon"] == "7d")
    assert seven["eligible"] > 0 and seven["forecasts"] > 0


@pytest.mark.slow
def test_demo_backtest_is_calibrated(tmp_path: Path) -> None:
    with Store(tmp_path / "demo.sqlite3") as store:
        Poller(store, DemoSource(seed=7, videos=150, history_days=120), clock=lambda: float(T0)).sweep()
        seven = fc.backtest(store, "demo", T0)[0]
    assert seven.forecasts == seven.eligible > 100
    assert seven.coverage is not None and 0.65 <= seven.coverage <= 0.95
    assert seven.error is not None and seven.szabo_huberman is not None and seven.error < seven.szabo_huberman


def test_the_monitor_starts_without_the_numeric_library() -> None:
    """NumPy loads with the first forecast, in a worker; importing the monitor and its widgets never pulls it."""
    import subprocess
    import sys

    probe = "import sys, sharetui.ui.app, sharetui.cli, sharetui.monitor.poller; print('numpy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
