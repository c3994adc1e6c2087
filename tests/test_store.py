from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sharetui.domain.figures import bucket_bounds
from sharetui.domain.models import Account, VideoCounts
from sharetui.store import SCHEMA_VERSION, Store, StoreError

ACCOUNT = Account(key="tiktok:abc", source="tiktok", display_name="Someone")


def video(vid: str, shares: int, views: int = 1000, posted_at: int = 1_000, title: str = "t") -> VideoCounts:
    return VideoCounts(id=vid, title=title, posted_at=posted_at, share_url="", views=views, likes=10,
                       comments=1, shares=shares)


def snapshot_count(store: Store) -> int:
    return sqlite3.connect(store.path).execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]


def test_snapshots_only_when_a_count_changes(store: Store) -> None:
    store.record_sweep(ACCOUNT, 10_000, [video("a", 5), video("b", 7)])
    store.record_sweep(ACCOUNT, 10_060, [video("a", 5), video("b", 7)])
    result = store.record_sweep(ACCOUNT, 10_120, [video("a", 6), video("b", 7)])
    assert snapshot_count(store) == 3
    assert (result.changed, result.new, result.videos) == (1, 0, 2)
    # The time the counts were last confirmed moves on even without a snapshot.
    latest = {row[1]: row for row in store.latest([ACCOUNT.key])}
    assert latest["b"][8] == 10_120 and latest["b"][0] == ACCOUNT.key  # no username: named by its key


def test_video_missing_from_complete_sweep_is_marked_gone_not_deleted(store: Store) -> None:
    store.record_sweep(ACCOUNT, 10_000, [video("a", 5), video("b", 7)])
    partial = store.record_sweep(ACCOUNT, 10_060, [video("a", 5)], complete=False)
    assert partial.gone == 0
    full = store.record_sweep(ACCOUNT, 10_120, [video("a", 5)])
    assert full.gone == 1 and full.totals[3] == 5
    rows = {r.id: r for r in store.dashboard(ACCOUNT.key, 10_120)}
    assert rows["b"].gone and rows["b"].shares == 7
    back = store.record_sweep(ACCOUNT, 10_180, [video("a", 5), video("b", 8)])
    assert back.totals[3] == 13
    assert not {r.id: r for r in store.dashboard(ACCOUNT.key, 10_180)}["b"].gone


def test_repeated_video_in_one_sweep_counts_once(store: Store) -> None:
    result = store.record_sweep(ACCOUNT, 10_000, [video("a", 5), video("a", 5)])
    assert result.videos == 1 and result.totals[3] == 5


def test_dashboard_gains(store: Store) -> None:
    now = 200_000
    store.record_sweep(ACCOUNT, now - 90_000, [video("a", 10)])  # older than a day
    store.record_sweep(ACCOUNT, now - 7_200, [video("a", 40)])
    store.record_sweep(ACCOUNT, now - 1_800, [video("a", 55), video("new", 3, posted_at=now - 2_000)])
    store.record_sweep(ACCOUNT, now, [video("a", 70), video("new", 9, posted_at=now - 2_000)])
    rows = {r.id: r for r in store.dashboard(ACCOUNT.key, now)}
    # An hour ago falls in a 90-minute gap between polls: the value then is not known, so +1h is a lower
    # bound counted from the first poll after it (55 → 70), never the 2-hour gain presented as one hour.
    assert (rows["a"].gain_1h, rows["a"].gain_1h_lower) == (70 - 55, True)
    # A day ago sits an hour after a poll: close enough (a quarter of the window) to place it.
    assert (rows["a"].gain_24h, rows["a"].gain_24h_lower) == (70 - 10, False)
    assert (rows["new"].gain_1h, rows["new"].gain_1h_lower) == (9, False)  # posted within the hour: all of it
    assert sum(gain or 0 for gain in rows["a"].trend) == 60
    assert rows["a"].share_rate == pytest.approx(70.0)


def test_history_for_chosen_rows_matches_the_full_dashboard(store: Store) -> None:
    now = 200_000
    for step, at in enumerate(range(now - 100_000, now + 1, 3_600)):
        store.record_sweep(ACCOUNT, at, [video("a", 10 + step * 3), video("b", step * step),
                                         video("c", 5, posted_at=now - 5_000)])
    full = {r.id: r for r in store.dashboard(ACCOUNT.key, now)}
    # b has i² shares at the i-th hourly sweep; the trend's edges fall on sweeps 3, 5, ... 25, then now (27).
    assert full["b"].trend == [(5 + 2 * k) ** 2 - (3 + 2 * k) ** 2 for k in range(12)]
    bare = {r.id: r for r in store.dashboard(ACCOUNT.key, now, history=False)}
    assert all(r.gain_1h is None and r.gain_24h is None and r.trend == [] for r in bare.values())
    store.fill_history([bare["b"], bare["c"]], now)  # the rows on screen first
    for key in ("b", "c"):
        assert (bare[key].gain_1h, bare[key].gain_24h, bare[key].trend) == \
            (full[key].gain_1h, full[key].gain_24h, full[key].trend)
    assert bare["a"].trend == [] and full["a"].gain_24h == 24 * 3


def test_gain_is_a_lower_bound_when_history_starts_inside_the_window(store: Store) -> None:
    """A video first seen 10 minutes ago, long after it was posted: what it gained before is unknown, so
    +1h and +24h count only from the first sighting and say so; its 50 shares are never a gain."""
    now = 200_000
    store.record_sweep(ACCOUNT, now - 600, [video("a", 50, posted_at=1_000)])
    store.record_sweep(ACCOUNT, now, [video("a", 58, posted_at=1_000)])
    row = store.dashboard(ACCOUNT.key, now)[0]
    assert (row.gain_1h, row.gain_1h_lower) == (8, True)
    assert (row.gain_24h, row.gain_24h_lower) == (8, True)
    # No bar for the hours before it was first seen (not a flat ▁: nobody watched), 8 in the bar it starts in.
    assert row.trend[-1] == 8 and row.trend[:-1] == [None] * (len(row.trend) - 1)


def test_gain_is_unknown_when_nothing_was_observed_in_the_window(store: Store) -> None:
    """Imported daily data seen last two days ago: no gain over the last hour or day can be claimed."""
    from sharetui.domain.figures import Gain, window_gain

    now = 200_000
    gain = window_gain(start=now - 3600, end_value=50, end_seen=now - 2 * 86_400, posted_at=1_000, first_at=5_000,
                       start_value=50, seen_before_start=now - 2 * 86_400, seen_after_start=None,
                       value_after_start=None)
    assert gain == Gain(None)


def test_video_series_buckets(store: Store) -> None:
    store.record_sweep(ACCOUNT, 1_000, [video("a", 0, views=0, posted_at=1_000)])
    store.record_sweep(ACCOUNT, 1_500, [video("a", 4, views=100, posted_at=1_000)])
    store.record_sweep(ACCOUNT, 2_500, [video("a", 10, views=300, posted_at=1_000)])
    vid = store.dashboard(ACCOUNT.key, 3_000)[0].vid
    series = store.video_series(vid, [1_000, 1_500, 2_000, 2_500, 3_000])
    assert series["shares"].values == [0, 4, 4, 10, 10]
    assert series["shares"].drawn_gains == [4, 0, 6, 0]
    assert series["views"].drawn_gains == [100, 0, 200, 0]


def test_total_series_from_sweeps(store: Store) -> None:
    store.record_sweep(ACCOUNT, 1_000, [video("a", 1), video("b", 1)])
    store.record_sweep(ACCOUNT, 2_000, [video("a", 3), video("b", 2)])
    series = store.total_series(ACCOUNT.key, [1_000, 1_500, 2_000])
    assert series.values == [2, 2, 5] and series.drawn_gains == [0, 3]


def test_bucket_bounds_short_steps_end_now() -> None:
    bounds = bucket_bounds(100_000, 3600, 120, min_step=60)
    assert bounds[-1] == 100_000 and len(bounds) == 61 and bounds[1] - bounds[0] == 60


def test_bucket_bounds_long_steps_sit_on_the_roll_up_grid() -> None:
    now = 1_790_000_123
    bounds = bucket_bounds(now, 7 * 86_400, 48, min_step=900)
    assert bounds[-1] == now and bounds[1] - bounds[0] == 6 * 3600
    assert all(b % 3600 == 0 for b in bounds[:-1]) and bounds[0] <= now - 7 * 86_400
    daily = bucket_bounds(now, 30 * 86_400, 48, min_step=900)
    assert all(b % 86_400 == 0 for b in daily[:-1]) and daily[1] - daily[0] == 86_400
    assert daily[0] <= now - 30 * 86_400 < daily[1]


def test_accounts_are_kept_apart(store: Store) -> None:
    other = Account(key="demo", source="demo", display_name="Demo")
    store.record_sweep(ACCOUNT, 1_000, [video("a", 1)])
    store.record_sweep(other, 1_000, [video("a", 9)])
    assert [r.shares for r in store.dashboard(ACCOUNT.key, 1_000)] == [1]
    store.delete_account("demo")
    assert store.dashboard("demo", 1_000) == []
    assert len(store.dashboard(ACCOUNT.key, 1_000)) == 1


def test_schema_is_versioned_and_wal(store: Store) -> None:
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused_not_downgraded(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(StoreError, match="newer sharetui"):
        Store(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 5


def test_foreign_file_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a-db.sqlite3"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="cannot open the cache"):
        Store(path)
    assert path.read_bytes().startswith(b"this is not sqlite")


def test_reopen_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Store(path) as first:
        first.record_sweep(ACCOUNT, 1_000, [video("a", 1, title="kept")])
    with Store(path) as second:
        assert [r.title for r in second.dashboard(ACCOUNT.key, 1_000)] == ["kept"]


def test_roll_ups_keep_every_total_and_delta_at_their_resolution(tmp_path: Path) -> None:
    """Raw for 2 days, hourly to 5 days, daily after: values at every hour/day boundary are unchanged."""
    import random

    from sharetui.domain.figures import DAY, HOUR

    rng = random.Random(3)
    now = 1_789_948_800  # a UTC midnight, so the hourly and daily bounds below sit on the roll-up grid
    path = tmp_path / "r.sqlite3"
    store = Store(path)
    counts = {"a": 0, "b": 0, "c": 0}
    sweeps = []
    for at in range(now - 10 * DAY, now + 1, 900):
        for key in counts:
            if rng.random() < 0.6:
                counts[key] += rng.randint(0, 20)
        sweeps.append((at, [video(k, v, views=v * 10, posted_at=now - 20 * DAY) for k, v in counts.items()]))
    store.record_history(ACCOUNT, sweeps)
    vids = {r.id: r.vid for r in store.dashboard(ACCOUNT.key, now)}
    hourly_bounds = list(range(now - 5 * DAY, now + 1, HOUR))
    daily_bounds = list(range(now - 10 * DAY, now + 1, DAY))
    raw_bounds = list(range(now - 2 * DAY, now + 1, 900))
    before = {(k, name): store.video_series(vid, b)["shares"].values
              for k, vid in vids.items() for name, b in (("h", hourly_bounds), ("d", daily_bounds),
                                                         ("r", raw_bounds))}
    totals_before = store.total_series(ACCOUNT.key, daily_bounds).values
    rows_before = snapshot_count(store)

    removed = store.roll_up(now, raw_days=2, hourly_days=5)
    assert removed > 0
    after = {(k, name): store.video_series(vid, b)["shares"].values
             for k, vid in vids.items() for name, b in (("h", hourly_bounds), ("d", daily_bounds),
                                                        ("r", raw_bounds))}
    assert after == before
    assert store.total_series(ACCOUNT.key, daily_bounds).values == totals_before
    assert {r.id: r.shares for r in store.dashboard(ACCOUNT.key, now)} == counts
    # Older than 5 days: at most one snapshot per video per day; 2-5 days: at most one per hour.
    db = sqlite3.connect(path)
    per_day = db.execute("SELECT MAX(n) FROM (SELECT COUNT(*) n FROM snapshots WHERE at < ? "
                         "GROUP BY vid, (at + ? - 1) / ?)", (now - 5 * DAY, DAY, DAY)).fetchone()[0]
    per_hour = db.execute("SELECT MAX(n) FROM (SELECT COUNT(*) n FROM snapshots WHERE at >= ? AND at < ? "
                          "GROUP BY vid, (at + ? - 1) / ?)", (now - 5 * DAY, now - 2 * DAY, HOUR, HOUR)).fetchone()[0]
    assert per_day == 1 and per_hour == 1
    assert snapshot_count(store) < rows_before / 3
    # A second pass over the same time removes nothing more.
    assert store.roll_up(now, raw_days=2, hourly_days=5) == 0


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path) -> None:  # noqa: ANN001
    import sqlite3

    path = tmp_path / "cache.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (body TEXT)")
    other.execute("INSERT INTO notes VALUES ('mine')")
    other.commit()
    other.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a sharetui cache"):
        Store(path)
    assert path.read_bytes() == before and not (tmp_path / "cache.sqlite3-wal").exists()
    # A cache of ours is marked, so the check never depends on guessing from table names.
    fresh = Store(tmp_path / "ours.sqlite3")
    fresh.close()
    assert sqlite3.connect(tmp_path / "ours.sqlite3").execute("PRAGMA application_id").fetchone()[0] != 0


def test_a_clock_behind_the_stored_history_writes_nothing(store: Store) -> None:
    from sharetui.monitor.poller import Poller
    from sharetui.sources import SourceError
    from sharetui.sources.demo import DemoSource
    from tests.conftest import FakeClock

    clock = FakeClock()
    poller = Poller(store, DemoSource(seed=7, videos=5, history_days=0), clock=clock)
    poller.sweep()
    stored = store.last_sweep("demo")
    clock.advance(-3600)  # the clock jumps an hour back
    with pytest.raises(SourceError, match="earlier than the last stored sweep"):
        poller.sweep()
    assert store.last_sweep("demo") == stored
    clock.advance(3660)
    poller.sweep()
    assert stored is not None and store.last_sweep("demo") == stored + 60
