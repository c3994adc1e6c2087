"""Every figure agrees with the one definition (sharetui.domain.figures) on every screen, in exports and in alerts.

Random histories on a real cache: sweeps with gaps, counts that are unknown (null) or dip, videos that go,
Studio imports before polling began, and retention roll-ups. For each, the table's +1h/+24h equal the
video screen's change over the same window; no gain exceeds what the history proves; the header, the
status line and the export count exactly the rows they say; the export says which videos are gone and
leaves unknown counts empty; and the velocity rule never fires over a window whose start it cannot place.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sharetui.domain.figures import gap_tolerance
from sharetui.domain.models import UNKNOWN, Account, VideoCounts
from sharetui.sources.studio import VideoTotals
from sharetui.store import Store
from sharetui.store.reads import TREND_BARS, TREND_STEP
from sharetui.views.header import known_total
from sharetui.views.table import COLUMNS, sort_rows
from sharetui.views.video import rate_line, read_video

ACCOUNT = Account("tiktok:prop", "tiktok", "Prop")
T0 = 1_790_000_000
VIDEOS = ["a", "b", "c", "d"]

steps = st.lists(st.tuples(
    st.sampled_from([60, 600, 1800, 3600, 5 * 3600, 30 * 3600]),  # time to the next sweep (gaps included)
    st.lists(st.tuples(st.integers(-3, 40), st.booleans()), min_size=4, max_size=4),  # per video: delta, unknown?
    st.sets(st.sampled_from(VIDEOS), max_size=1),  # a video missing from this (complete) sweep: gone
), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(steps, st.booleans(), st.booleans(), st.sampled_from([0, 59, 1800, 7200]))
def test_every_figure_agrees_and_none_exceeds_the_history(plan: list, imported: bool, roll_up: bool,
                                                          after: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "cache.sqlite3")
        try:
            check(store, plan, imported, roll_up, after)
        finally:
            store.close()


def check(store: Store, plan: list, imported: bool, roll_up: bool, after: int) -> None:
    truth = {v: 100 * (i + 1) for i, v in enumerate(VIDEOS)}
    posted = {"a": T0 - 40 * 86_400, "b": T0 - 3 * 86_400, "c": T0 - 3600, "d": T0 + 7200}
    if imported:
        store.import_videos(ACCOUNT, [VideoTotals(at=T0 - 86_400, video_id=v, title=v, link="", posted_at=posted[v],
                                                  likes=1, comments=1, shares=truth[v] // 2, views=1000)
                                      for v in VIDEOS if posted[v] < T0 - 86_400])
    now = T0
    sweeps: list[int] = []
    for gap, changes, missing in plan:
        now += gap
        videos = []
        for (delta, unknown), video in zip(changes, VIDEOS, strict=True):
            if posted[video] > now or video in missing:
                continue
            truth[video] = max(0, truth[video] + delta)  # TikTok may correct a count downwards
            videos.append(VideoCounts(video, video, posted[video], "", 1000, 1, 1, UNKNOWN if unknown else truth[video]))
        store.record_sweep(ACCOUNT, now, videos, complete=True)
        sweeps.append(now)
    if roll_up:
        store.roll_up(now, 0, 1)  # raw points kept 0 days, hourly ones 1 day: the history thinned hard
    moment = now + after
    rows = store.dashboard(ACCOUNT.key, moment)
    history = snapshots(store)
    for row in rows:
        # The video screen's change over the same exact window is the table's figure.
        hour, day = store.window_gains(row, [moment - 3600, moment - 86_400])
        assert (hour.value, hour.lower) == (row.gain_1h, row.gain_1h_lower)
        assert (day.value, day.lower) == (row.gain_24h, row.gain_24h_lower)
        points = history.get(row.vid, [])
        for start, gain in ((moment - 3600, hour), (moment - 86_400, day)):
            if gain.value is None:
                continue
            assert gain.value >= 0
            end = row.known("shares")
            assert end is not None
            if row.posted_at >= start:
                assert gain.value <= end  # posted inside: from zero, never more than it has
                continue
            # Never more than the history proves: at most the rise from the lowest value it holds at or after
            # the last point before the window (before its first point nothing is known).
            known_from = [v for at, v in points if at >= max((a for a, _ in points if a <= start), default=0)]
            assert known_from, "a gain with no history to prove it"
            assert gain.value <= end - min(known_from)
            # A start in a polling gap is never an exact figure.
            before = max((s for s in sweeps if s <= start), default=None)
            if before is None or start - before > gap_tolerance(max(1, row.updated_at - start)):
                assert gain.lower
        # The table's 24 h trend and the video screen's bars over the same edges are the same bars.
        edges = [moment - (TREND_BARS - i) * TREND_STEP for i in range(TREND_BARS + 1)]
        assert store.video_series(row.vid, edges)["shares"].drawn_gains == row.trend
    listed = [r for r in rows if not r.gone]
    exported = {row[1]: row for row in store.latest([ACCOUNT.key])}
    assert set(exported) == {r.id for r in rows}
    for row in rows:
        line = exported[row.id]
        assert bool(line[9]) == row.gone  # the export says which videos are gone
        assert line[7] == row.known("shares")  # unknown stays unknown (None), never 0
    # The header's total is the sum of exactly the rows it says it counts (the listed ones).
    assert known_total(listed, "shares") == sum(r.known("shares") or 0 for r in rows if not r.gone)
    # The stored per-sweep total counts every video ever seen (gone ones at their last count), so a video
    # going never reads as shares lost: the latest one is the sum over all rows, gone included.
    db = sqlite3.connect(store.path)
    last_total = db.execute("SELECT shares FROM sweeps WHERE account = ? ORDER BY at DESC LIMIT 1",
                            (ACCOUNT.key,)).fetchone()[0]
    db.close()
    assert last_total == sum(r.shares for r in rows)


def snapshots(store: Store) -> dict[int, list[tuple[int, int]]]:
    db = sqlite3.connect(store.path)
    found: dict[int, list[tuple[int, int]]] = {}
    for vid, at, shares in db.execute("SELECT vid, at, shares FROM snapshots ORDER BY vid, at"):
        found.setdefault(vid, []).append((at, shares))
    db.close()
    return found


def test_shares_per_thousand_views_is_unknown_at_zero_views_on_every_screen(store: Store) -> None:
    """Shares counted before TikTok counts any views: the table's ‰ cell, its sort, the video screen's rate
    bars and its average over the range all say unknown, never 0 ‰."""
    account = Account("tiktok:z", "tiktok", "Z")
    store.record_sweep(account, T0, [VideoCounts("z", "zero views", T0 - 600, "", 0, 1, 1, 5),
                                      VideoCounts("w", "watched", T0 - 600, "", 2000, 1, 1, 4)])
    store.record_sweep(account, T0 + 3600, [VideoCounts("z", "zero views", T0 - 600, "", 0, 1, 1, 9),
                                            VideoCounts("w", "watched", T0 - 600, "", 4000, 1, 1, 8)])
    rows = {row.id: row for row in store.dashboard(account.key, T0 + 3600)}
    rate = next(c for c in COLUMNS if c.key == "rate")
    assert rows["z"].share_rate is None and rate.cell(rows["z"], T0 + 3600).strip() == "–"
    assert rows["w"].share_rate == 2.0 and rate.cell(rows["w"], T0 + 3600).strip() == "2.0"
    assert sort_rows(list(rows.values()), "rate", reverse=True)[-1].id == "z"  # unknown sorts last
    zero = rate_line(read_video(store, rows["z"], T0 + 3600, "24h", 86_400, 24, with_chart=False))
    assert zero.now is None and zero.over_range is None and zero.peak is None
    assert all(bar is None for bar in zero.bars)
    watched = rate_line(read_video(store, rows["w"], T0 + 3600, "24h", 86_400, 24, with_chart=False))
    assert watched.over_range == 2.0 and watched.peak == 2.0  # 4 more shares over 2,000 more views
