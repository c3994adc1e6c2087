"""The table read at a glance: sparklines on one scale that use the width for more history, and marks in
fixed cells that survive narrow terminals, NO_COLOR and 16-colour themes, on a freshly connected account
(the fake TikTok, a fresh cache) as on the demo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events

from sharetui.cli import main
from sharetui.config import Config, load
from sharetui.domain.models import VideoRow
from sharetui.sources.demo import DemoSource
from sharetui.store import Store
from sharetui.ui.app import ShareApp
from sharetui.ui.widgets.video_table import VideoTable
from sharetui.views.table import trend_cell, trend_label, trend_top
from tests.conftest import FakeClock, connect, settle
from tests.fake_tiktok import FakeTikTok


def row(trend: list[int | None]) -> VideoRow:
    found = VideoRow(1, "v1", "A video", 0, "", 0, 0, 0, 0, 0, False, 0)
    found.trend = trend
    return found


def test_every_row_shares_one_scale_so_small_gains_look_small() -> None:
    small, big = row([6] * 12), row([1_000] * 12)
    top = trend_top([small, big])
    assert top == 1_000
    small_bars, big_bars = trend_cell(small, 12, top), trend_cell(big, 12, top)
    assert set(big_bars) == {"█"} and "█" not in small_bars  # alike on their own scales; not on one
    assert small_bars != big_bars
    assert trend_cell(row([0, None, 3]), 3, top) == "▁ ▂"  # nothing gained: the baseline; not watched: blank
    # Fewer bars read than the cell has room for (before the wider read lands): blank on the left.
    assert trend_cell(row([1_000, 1_000]), 4, top) == "  ██"
    # The heading says the span (2 hours a cell) and the scale, shortened to fit.
    assert trend_label(12, 1_234) == "24h █1.2k" and trend_label(36, 1_234) == "Shares 3d █1.2k"
    assert trend_label(12, 0) == "Shares 24h"


@pytest.mark.parametrize(("width", "bars", "span"), [(120, 12, "24h"), (200, 36, "3d")])
async def test_a_wide_table_reads_and_shows_more_history(store: Store, clock: FakeClock, width: int, bars: int,
                                                         span: str) -> None:
    app = ShareApp(Config(), source=DemoSource(seed=7, videos=20, history_days=5), store=store, clock=clock)
    async with app.run_test(size=(width, 36)) as pilot:
        await settle(app, pilot)
        table = app.dashboard.query_one(VideoTable)
        assert table.trend_bars == bars
        assert all(len(r.trend) == bars for r in table.rows.values())  # read with as many bars as it shows
        header = table.render_line(0).text
        assert f"Shares {span} █" in header or f"{span} █" in header
        start = header.rindex(span) - (7 if f"Shares {span}" in header else 0)
        cells = [table.render_line(y).text[start:start + bars] for y in range(1, 6)]
        assert all(len(cell.strip()) >= bars - 1 for cell in cells), cells  # a bar per cell, none stretched
        assert len(set(cells)) > 1  # different videos draw differently on the shared scale
        # The header's sparkline too: a 30-minute bar per cell, more than a day of them where there is room.
        from sharetui.ui.widgets.account_header import AccountHeader

        band = app.dashboard.query_one(AccountHeader)
        assert band.bars == width - 52 and len(band.trend_values) == band.bars  # (its padding: 2)
        spark = band.plain_lines()[2][50:]
        assert len(spark.strip()) >= band.bars - 2  # one cell per bar, none stretched or squeezed


@pytest.fixture
def connected(isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTikTok]:
    with FakeTikTok(videos=12) as fake:
        connect(fake, monkeypatch)
        yield fake


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_marks_keep_their_own_cells_without_colour(connected: FakeTikTok, data_dir: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         size: tuple[int, int]) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["config", "set", "ui.theme", "ansi-dark"]) == 0
    app = ShareApp(load(), store=Store(data_dir / "sharetui.sqlite3"))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        table = app.dashboard.query_one(VideoTable)
        assert len(table.order) == 12
        gone_video, growing = connected.user.videos[0], connected.user.videos[1]
        connected.user.videos.remove(gone_video)  # made private: TikTok stops listing it
        growing.share_count += 50
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        def line_of(title: str) -> str:
            lines = [table.render_line(y).text for y in range(1, table.size.height)]
            assert all(len(line) <= size[0] for line in lines)
            return next(line for line in lines if line[5:].startswith(title + " "))

        assert line_of(gone_video.title)[3] == "×"  # gone: a mark in its own cell, never cut (! its alert)
        gone_strip = next(strip for y in range(1, table.size.height)
                          if (strip := table.render_line(y)).text[5:].startswith(gone_video.title + " "))
        title_style = next(seg.style for seg in gone_strip if gone_video.title in seg.text)
        assert title_style is not None and title_style.dim  # dimmed by style, not only by a colour ansi-dark lacks
        assert line_of(growing.title)[1:4] == "  ▲"  # grew in this poll: told by a glyph, not colour alone
        assert table.move_to(table.order[0])
        await pilot.press("m")
        await pilot.pause()
        assert line_of(table.rows[table.order[0]].title)[1] == "●"


async def test_help_lists_every_binding_with_the_keys_set_and_a_legend(isolated_dirs: Path, clock: FakeClock) -> None:
    from textual.binding import Binding

    from sharetui.ui.screens.help import HelpScreen, screens

    assert main(["config", "set", "keys.pick-columns", "K"]) == 0
    app = ShareApp(load(), source=DemoSource(seed=7, videos=10, history_days=1),
                   store=Store(isolated_dirs / "cache.sqlite3"), clock=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        lines = help_screen.lines()
        names = {"escape": "esc", "question_mark": "?", "plus": "+", "minus": "-", "slash": "/", "up": "↑",
                 "down": "↓", "pageup": "pgup", "pagedown": "pgdn", "shift+up": "shift+↑", "shift+down": "shift+↓"}
        bindings = [b for _, found in [("Everywhere", ShareApp.BINDINGS), *screens()] for b in found
                    if isinstance(b, Binding)]
        keyed = [line.split("  ", 1) for line in lines if "  " in line]
        assert len(keyed) >= len(bindings)  # a row per binding, at least
        for binding in bindings:
            key = "K" if binding.id == "pick-columns" else names.get(first := binding.key.split(",")[0], first)
            assert any(key in keys.split(" ") and what.strip() for keys, what in keyed), binding
        assert any(line.startswith("K  columns") for line in lines)  # the key the user set, not C
        assert not any(line.startswith("C  columns") for line in lines)
        legend = "\n".join(lines)
        for sign in ("●", "!", "▲", "×", "≥", "–", "~", "amber", "█"):
            assert sign in legend


async def test_filter_by_id_or_pasted_link_with_totals_and_copy(connected: FakeTikTok, data_dir: Path) -> None:
    app = ShareApp(load(), store=Store(data_dir / "sharetui.sqlite3"))
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(app, pilot)
        table = app.dashboard.query_one(VideoTable)
        wanted = connected.user.videos[3]
        for needle in (f"https://www.tiktok.com/@fake/video/{wanted.id}?is_from_webapp=1", wanted.id,
                       wanted.id[:14]):
            table.filter_text = needle
            await pilot.pause()
            matched = [table.rows[k].id for k in table.order]
            assert wanted.id in matched and (len(matched) == 1 or needle == wanted.id[:14]), needle
        table.filter_text = f"https://www.tiktok.com/@fake/video/{wanted.id}"
        await pilot.pause()
        app.refresh_status()
        status = app.dashboard.query_one("#status").text  # type: ignore[attr-defined]
        assert f"1 of 12 · {wanted.share_count} shares" in status
        table.filter_text = "https://vm.tiktok.com/ZMabc123/"
        await pilot.pause()
        assert not table.order and "short link" in table.render_line(1).text
        table.filter_text = ""
        await pilot.pause()
        assert table.move_to(wanted.id)
        await pilot.press("y")
        await pilot.pause()
        copied = app.clipboard.split("\t")
        assert copied[0] == wanted.id and copied[1] == wanted.title and copied[2] == str(wanted.share_count)
        assert copied[-1].endswith(wanted.id)


async def open_alerts_after_polls(app: ShareApp, pilot, clock: FakeClock) -> None:  # noqa: ANN001
    """Twelve minutes of polling the demo (its alerts fire), then the alerts list."""
    await settle(app, pilot)
    for _ in range(12):
        clock.advance(60)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
    await pilot.press("A")
    await settle(app, pilot)


async def test_esc_from_a_video_opened_from_the_alerts_list_goes_back_to_it(store: Store, clock: FakeClock) -> None:
    from sharetui.ui.screens.alerts import AlertsScreen
    from sharetui.ui.screens.video import VideoScreen

    app = ShareApp(Config(), source=DemoSource(seed=7, videos=30, history_days=2), store=store, clock=clock)
    async with app.run_test(size=(140, 36)) as pilot:
        await open_alerts_after_polls(app, pilot, clock)
        assert isinstance(app.screen, AlertsScreen) and app.screen.alerts
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VideoScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AlertsScreen)  # back where it was opened from
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.dashboard


async def test_the_alerts_list_reads_whole_and_triages(store: Store, clock: FakeClock) -> None:
    from textual.widgets import DataTable

    from sharetui.ui.screens.alerts import AlertsScreen

    app = ShareApp(Config(), source=DemoSource(seed=7, videos=40, history_days=14), store=store, clock=clock)
    async with app.run_test(size=(80, 30), notifications=True) as pilot:
        await open_alerts_after_polls(app, pilot, clock)
        screen = app.screen
        assert isinstance(screen, AlertsScreen) and len(screen.alerts) >= 4
        table: DataTable = screen.query_one(DataTable)
        labels = [str(column.label) for column in table.columns.values()]
        assert "Account" not in labels and labels[-1] == "What happened"  # one account: no Account column
        cells = [str(table.get_row_at(i)[-1]) for i in range(len(screen.alerts))]
        full = [a.message for a in screen.alerts]
        assert any(cell.endswith("…") for cell, message in zip(cells, full, strict=True) if len(message) > len(cell))
        assert all(len(str(c)) <= 80 for row in range(len(screen.alerts)) for c in table.get_row_at(row))
        # x acknowledges the highlighted alert; once a video's alerts are all seen, its ! goes from the table.
        dashboard_table = app.dashboard.query_one(VideoTable)
        first = screen.alerts[0]
        assert first.video_id in dashboard_table.alerted
        for index, alert in enumerate(screen.alerts):
            if alert.video_id == first.video_id:
                table.move_cursor(row=index)
                await pilot.press("x")
                await settle(app, pilot)
        states = {str(table.get_row_at(i)[1]).strip() for i, a in enumerate(screen.alerts)
                  if a.video_id == first.video_id}
        assert states == {"seen"}
        assert first.video_id not in dashboard_table.alerted
        # M mutes a video: listed as muted, and its new alerts make no toast.
        table.move_cursor(row=0)
        muted = screen.alerts[0]
        await pilot.press("M")
        await settle(app, pilot)
        assert str(table.get_row_at(0)[1]).strip() == "muted"
        listed_states = [str(table.get_row_at(i)[1]).strip() for i in range(len(screen.alerts))]
        head = str(screen.query_one("#alerts-head").render())
        assert f"· {listed_states.count('new')} new ·" in head  # the head counts what the list calls new
        assert any("Muted" in m.text for m in app.messages)
        # f narrows to one rule at a time, then all again.
        await pilot.press("f")
        await pilot.pause()
        assert {a.rule for a in screen.alerts} <= {"velocity"}
        for _ in range(5):
            await pilot.press("f")
            await pilot.pause()
        assert len(screen.alerts) == len(screen.everything)
        # Kept in the cache: a restart still knows what was acknowledged and muted.
        assert store.muted_videos([first.account]) == {(muted.account, muted.video_id)}
        seen = {(a.video_id, s) for a, s in store.alerts_seen([first.account], 500)}
        assert (first.video_id, True) in seen


def test_a_muted_videos_new_alerts_make_no_toast(store: Store, clock: FakeClock) -> None:
    from sharetui.domain.alerts import Alert
    from sharetui.monitor.service import MonitorService

    service = MonitorService(Config(), store=store, sources=[DemoSource(seed=7, videos=5, history_days=1)],
                             clock=clock)
    key = service.sources[0].account().key
    assert service.take_new_alerts() == []  # the first look only sets the mark
    store.mute_video(key, "v-muted", True, int(clock()))
    alerts = [Alert(int(clock()), key, video, video, "milestone", "100", f"{video} passed 100 shares", 100)
              for video in ("v-muted", "v-loud")]
    store.record_alerts(alerts)
    assert [a.video_id for a in service.take_new_alerts()] == ["v-loud"]
    assert {a.video_id for a, _seen in store.alerts_seen([key])} == {"v-muted", "v-loud"}  # still kept
    assert store.alerted_videos([key], 0) == {"v-loud"}  # and no ! for it in the table
    store.mute_video(key, "v-muted", False, int(clock()))
    assert store.alerted_videos([key], 0) == {"v-loud", "v-muted"}
    service.close()


def test_the_all_accounts_status_gives_each_accounts_shares() -> None:
    from sharetui.views.status import table_status

    rows = {}
    for index, (label, shares) in enumerate([("mara", 3_000), ("lisbon", 400), ("mara", 500)]):
        found = VideoRow(index, f"v{index}", f"Video {index}", 0, "", 10, 0, 0, shares, 0, False, 0)
        found.account_label = label
        rows[found.id] = found
    status = table_status(rows, list(rows), "Shares ↓", 0, False, "", None, several=True)
    assert status.by_account == (("mara", 3_500), ("lisbon", 400)) and status.shares is None
    filtered = table_status(rows, ["v1"], "Shares ↓", 0, False, "lisbon", None, several=False)
    assert (filtered.shown, filtered.total, filtered.shares, filtered.by_account) == (1, 3, 400, ())


async def test_keys_typed_right_after_slash_reach_the_filter(store: Store, clock: FakeClock) -> None:
    app = ShareApp(Config(), source=DemoSource(seed=7, videos=20, history_days=1), store=store, clock=clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        # Keys posted back to back, as the terminal sends a fast typist's (or a paste): no pause between them.
        for key, char in (("slash", "/"), ("c", "c"), ("a", "a"), ("space", " "), ("t", "t")):
            event = events.Key(key, char)
            event.set_sender(app)
            app.post_message(event)
        await pilot.pause(0.5)
        assert app.dashboard.table.filter_text == "ca t"
        assert not app.session.paused  # the space went to the box, not to pause
        await pilot.press("s", "space", "x")  # typed into the box itself: once each
        assert app.dashboard.table.filter_text == "ca ts x"
        await pilot.press("enter", "space")  # kept; the table has the keys again
        await pilot.pause()
        assert app.dashboard.table.filter_text == "ca ts x" and app.session.paused
        await pilot.press("space", "slash", "d", "escape")  # the box again, then cleared
        await pilot.pause()
        assert app.dashboard.table.filter_text == "" and not app.session.paused
        await pilot.press("slash", "z")
        app.dashboard.table.focus()  # (a click on the table) leaving the box open: keys are the table's again
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        assert app.session.paused and app.dashboard.table.filter_text == "z"


async def test_an_imported_accounts_header_counts_shares_per_day(isolated_dirs: Path, tmp_path: Path,
                                                                  data_dir: Path) -> None:
    """No polls will ever fill 30-minute bars of imported data: its header counts shares per day from the
    imported snapshots, and never promises "the next polls"."""
    from datetime import UTC, datetime, timedelta

    from sharetui.ui.widgets.account_header import AccountHeader

    header = "Time,Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views\n"
    today = datetime.now(UTC)
    for back in (3, 2, 1):
        day = today - timedelta(days=back)
        label = day.strftime("%B %-d")
        rows = "".join(f"{label},Imported {i},https://www.tiktok.com/@me/video/749900000000000000{i},"
                       f"{(today - timedelta(days=5)).strftime('%B %-d')},5,1,{10 + i + 20 * (3 - back)},100\n"
                       for i in range(4))
        path = tmp_path / f"Content-{back}.csv"
        path.write_text(header + rows, encoding="utf-8")
        assert main(["import", str(path), "--export-date", day.date().isoformat()]) == 0
    app = ShareApp(load(), store=Store(data_dir / "sharetui.sqlite3"))
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        shown = app.dashboard.query_one(AccountHeader)
        text = "\n".join(shown.plain_lines())
        assert "shares per 24h" in text and "next polls" not in text
        known = [v for v in shown.trend_values if v is not None]
        assert sum(known) == 2 * 20 * 4  # two days of 20 more shares on each of four videos


def test_a_copied_row_has_exact_counts() -> None:
    from sharetui.views.table import row_line

    found = VideoRow(1, "7301", "A\ttabbed [bold]title", 0, "https://www.tiktok.com/@me/video/7301", 2_470_123,
                     125_700, 24_350, 48_359, 0, False, 0)
    assert row_line(found).split("\t") == ["7301", "A tabbed [bold]title", "48359", "2470123", "125700", "24350",
                                           "https://www.tiktok.com/@me/video/7301"]


def test_triage_in_one_monitor_reaches_another_on_the_same_cache(tmp_path: Path, clock: FakeClock) -> None:
    """Two monitors on one cache: what one acknowledges or mutes, the other's table marks follow (both read
    the cache through connections of their own)."""
    from sharetui.domain.alerts import Alert
    from sharetui.store import Reader

    path = tmp_path / "cache.sqlite3"
    first = Store(path)
    alerts = [Alert(int(clock()), "demo", video, video, "milestone", "1000", f"{video} passed 1,000 shares", 1000)
              for video in ("v1", "v2", "v3")]
    first.record_alerts(alerts)
    other = Reader(path)
    assert other.alerted_videos(["demo"], 0) == {"v1", "v2", "v3"}
    first.acknowledge(alerts[:1], int(clock()))
    first.mute_video("demo", "v2", True, int(clock()))
    assert other.alerted_videos(["demo"], 0) == {"v3"}
    assert {(a.video_id, seen) for a, seen in other.alerts_seen(["demo"])} == {("v1", True), ("v2", False),
                                                                             ("v3", False)}
    other.close()
    first.close()
