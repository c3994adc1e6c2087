"""The real App under run_test()/Pilot, on a real cache, with an injected clock and source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sharetui import text as fmt
from sharetui.config import Config
from sharetui.domain.models import Account, Sweep, VideoCounts
from sharetui.monitor.poller import Poller
from sharetui.sources import BackfillState, SourceError
from sharetui.sources.demo import DemoSource
from sharetui.store import Store
from sharetui.ui.app import ShareApp, ThemeError
from sharetui.ui.screens.dashboard import DashboardScreen
from sharetui.ui.screens.help import HelpScreen
from sharetui.ui.screens.video import VideoScreen
from sharetui.ui.widgets.account_header import AccountHeader
from sharetui.ui.widgets.key_bar import KeyBar
from sharetui.ui.widgets.status_line import StatusLine
from sharetui.ui.widgets.video_table import VideoTable
from tests.conftest import T0, FakeClock, painted, settle

HOSTILE = ["[bold]", "[", "[/]", "[@click=app.quit]x", "\x1b[31mred\x1b[0m\x1b]52;c;aGk=\x07", "[link=x]y[/link]",
           "مرحبا بالعالم 👩‍👩‍👧 ✨", "=1+2 " + "long " * 2_000]


class ScriptedSource:
    """A source whose answers the test controls."""

    kind = "tiktok"
    live = True
    meta_keys: tuple[str, ...] = ()

    def __init__(self, videos: list[VideoCounts]) -> None:
        self.videos = videos
        self.fail: str | None = None
        self.crash: Exception | None = None
        self.fetches = 0

    requests_sent = 0

    def login_problem(self) -> str | None:
        return None

    def account(self) -> Account:
        return Account(key="tiktok:test", source="tiktok", display_name="[b]Test[/b] Creator", username="tester")

    def backfill(self, now: int, state: BackfillState) -> None:
        return None

    def fetch(self, now: int, full: bool = True) -> Sweep:
        self.fetches += 1
        if self.fail:
            raise SourceError(self.fail)
        if self.crash:
            raise self.crash
        return Sweep(account=self.account(), videos=list(self.videos))

    def close(self) -> None:
        return None


def demo_app(store: Store, clock: FakeClock, videos: int = 30, days: int = 2, **kwargs: Any) -> ShareApp:
    return ShareApp(Config(), source=DemoSource(seed=7, videos=videos, history_days=days), store=store, clock=clock,
                    **kwargs)


def table_of(app: ShareApp) -> VideoTable:
    return app.dashboard.query_one(VideoTable)


async def test_cached_data_shows_before_any_poll(store: Store, clock: FakeClock) -> None:
    Poller(store, DemoSource(seed=7, videos=12, history_days=1), clock=clock).sweep()
    source = DemoSource(seed=7, videos=12, history_days=1)
    app = ShareApp(Config(), source=source, store=store, clock=clock, poll_on_start=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = table_of(app)
        assert len(table.order) == 12
        assert app.session.last_ok == T0
        assert store.last_sweep("demo") == T0  # nothing new was polled
        header_line = table.render_line(0).text
        assert "Shares" in header_line and "Title" in header_line


async def test_poll_on_start_then_live_updates_keep_the_cursor_on_its_video(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = table_of(app)
        assert len(table.order) == 30 and app.session.state == "LIVE"
        await pilot.press("s", "s")  # shares → ‰ → +1h
        assert table.sort_key == "gain_1h"
        await pilot.press("down", "down")
        chosen = table.cursor_key
        assert chosen is not None
        position = table.order.index(chosen)
        # Hours later the viral video has overtaken others: order changes, the cursor follows the video.
        before = list(table.order)
        clock.advance(3 * 3600)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert table.cursor_key == chosen
        assert table.order != before
        assert position >= 0
        assert store.last_sweep("demo") == int(clock.now)


async def test_cursor_follows_its_video_when_a_poll_reorders(store: Store, clock: FakeClock) -> None:
    videos = [VideoCounts(str(i), f"video {i}", T0 - 3600 * (i + 1), f"https://x/{i}", 1000, 10, 1, 100 - i)
              for i in range(10)]
    source = ScriptedSource(videos)
    app = ShareApp(Config(), source=source, store=store, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = table_of(app)
        await pilot.press("down")
        assert table.cursor_key == "1" and table.order.index("1") == 1
        source.videos = [VideoCounts(v.id, v.title, v.posted_at, v.share_url, v.views, v.likes, v.comments,
                                     v.shares + (500 if v.id != "1" else 0)) for v in videos]
        clock.advance(60)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert table.order.index("1") == 9  # every other video overtook it...
        assert table.cursor_key == "1"  # ...and the highlight went with it
        highlighted = table.render_line(9 + 1 - int(table.scroll_offset.y)).text
        assert "video 1 " in highlighted


async def test_enter_opens_video_and_escape_returns(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        chosen = table_of(app).cursor_row
        assert chosen is not None
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VideoScreen) and app.screen.row.id == chosen.id
        assert painted(app.screen).range_name == "24h"
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_video_screen_ranges_copy_and_live_refresh(store: Store, clock: FakeClock,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    app = demo_app(store, clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, VideoScreen)
        spans = {}
        for key, name in zip("12345", ["1h", "24h", "7d", "30d", "all"], strict=True):
            await pilot.press(key)
            await settle(app, pilot)
            assert painted(screen).range_name == name
            spans[name] = painted(screen).end - painted(screen).start
        assert spans["1h"] == 3600 and spans["24h"] == 86_400
        assert 7 * 86_400 <= spans["7d"] < 7 * 86_400 + 6 * 3600  # starts on a 6-hour boundary
        assert 30 * 86_400 <= spans["30d"] < 31 * 86_400
        await pilot.press("y")
        assert app.clipboard == screen.row.share_url and "/video/" in app.clipboard

        def no_browser() -> None:
            raise webbrowser.Error("none")

        monkeypatch.setattr(webbrowser, "get", no_browser)
        await pilot.press("o")
        assert any("press y to copy the link" in m.text for m in app.messages)  # the key that does it
        # Live: a poll while the screen is open refreshes its figures.
        await pilot.press("2")
        await settle(app, pilot)
        shares_before = painted(screen).row.shares
        clock.advance(2 * 3600)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert painted(screen).end >= int(clock.now)
        assert painted(screen).row.shares >= shares_before
        assert painted(screen).row.updated_at == int(clock.now)


async def test_filter_and_clear(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = table_of(app)
        assert table.cursor_row is not None
        word = table.cursor_row.title.split()[-1].lower()
        await pilot.press("slash")
        await pilot.press(*word)
        shown = [table.rows[k].title.lower() for k in table.order]
        assert shown and all(word in t for t in shown) and len(shown) < 30
        await pilot.press("enter")
        assert table.has_focus and table.filter_text == word
        await pilot.press("escape")
        assert table.filter_text == "" and len(table.order) == 30


async def test_sort_cycle_and_reverse(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = table_of(app)
        shares = [table.rows[k].shares for k in table.order]
        assert shares == sorted(shares, reverse=True)
        await pilot.press("r")
        shares = [table.rows[k].shares for k in table.order]
        assert shares == sorted(shares)
        await pilot.press("s")
        rates = [table.rows[k].share_rate or 0.0 for k in table.order]
        assert table.sort_key == "rate" and rates == sorted(rates, reverse=True)
        seen = {table.sort_key}
        for _ in range(10):
            await pilot.press("s")
            seen.add(table.sort_key)
        assert {"title", "posted", "views", "likes", "comments", "shares", "gain_1h", "gain_24h"} <= seen


async def test_pause_resume_poll_now_and_interval(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert app.session.next_poll_at is not None
        await pilot.press("space")
        assert app.session.state == "PAUSED" and app.session.next_poll_at is None
        clock.advance(600)
        await pilot.press("ctrl+r")  # poll now works while paused, and stays paused
        await settle(app, pilot)
        assert store.last_sweep("demo") == int(clock.now) and app.session.state == "PAUSED"
        clock.advance(600)
        await pilot.press("space")
        await settle(app, pilot)
        assert app.session.state == "LIVE" and store.last_sweep("demo") == int(clock.now)
        assert app.session.interval == 60
        await pilot.press("plus")
        assert app.session.interval == 120
        await pilot.press("minus", "minus", "minus")
        assert app.session.interval == 15


async def test_help_and_quit(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


async def test_palette_jumps_to_a_video(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = table_of(app)
        target = table.rows[table.order[-1]]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*f"jump {target.title[:25]}")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VideoScreen)
        assert app.screen.row.id == target.id
        assert table.cursor_key == target.id


async def test_poll_failure_shows_offline_and_keeps_cached_rows(store: Store, clock: FakeClock) -> None:
    videos = [VideoCounts(str(i), f"video {i}", T0 - 3600 * i, f"https://x/{i}", 100, 10, 1, i)
              for i in range(1, 6)]
    source = ScriptedSource(videos)
    app = ShareApp(Config(), source=source, store=store, clock=clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        assert len(table_of(app).order) == 5
        source.fail = "TikTok /v2/video/list/: internal_error: boom (log_id 2026XYZ)"
        clock.advance(60)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.session.state == "OFFLINE (cached)"
        assert len(table_of(app).order) == 5
        assert app.session.next_poll_at is not None  # retried on schedule
        messages = [m.text for m in app.messages]
        assert any("log_id 2026XYZ" in m for m in messages)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert sum("log_id 2026XYZ" in m.text for m in app.messages) == 1  # notified once
        source.fail = None
        source.crash = KeyError("surprise")  # a bug in a source is reported, not a stuck POLLING state
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.session.state == "OFFLINE (cached)" and "KeyError" in (app.session.last_error or "")
        source.crash = None
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.session.state == "LIVE"


async def test_hostile_titles_render_literally_everywhere(store: Store, clock: FakeClock) -> None:
    videos = [VideoCounts(str(i), title, T0 - 3600 * (i + 1), f"https://x/{i}", 1000 - i, 10, 1, 100 - i)
              for i, title in enumerate(HOSTILE)]
    app = ShareApp(Config(), source=ScriptedSource(videos), store=store, clock=clock)
    async with app.run_test(size=(160, 36), notifications=True) as pilot:
        await settle(app, pilot)
        table = table_of(app)
        lines = [table.render_line(y).text for y in range(1, len(HOSTILE) + 1)]
        for title in HOSTILE[:4] + HOSTILE[5:7]:
            assert any(line.lstrip().startswith(title) for line in lines), (title, lines)
        long_line = next(line for line in lines if line.lstrip().startswith("=1+2 long long"))
        assert "…" in long_line and len(long_line) <= 160  # 10,000 characters, cut to the column
        assert not any("\x1b" in line or "\x07" in line for line in lines)
        assert any("red" in line and "\ufffd[31m" in line for line in lines)
        assert app.is_running  # [@click=app.quit] did nothing
        header = app.dashboard.query_one(AccountHeader).plain_lines()
        assert "[b]Test[/b] Creator" in header[0] and not any("\x1b" in line for line in header)
        # The video screen and the palette too.
        for index in range(len(HOSTILE)):
            table.move_to(table.order[index])
            await pilot.press("enter")
            await settle(app, pilot)
            title_widget = app.screen.query_one("#video-title")
            assert "\x1b" not in str(title_widget.render())
            await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.press(*"jump")
        await pilot.pause(0.5)
        await pilot.press("escape")
        svg = app.export_screenshot()
        assert "\x1b" not in svg
        assert app.is_running


async def test_works_at_80x24_with_ansi_theme_and_no_color(store: Store, clock: FakeClock,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    config = Config({"ui.theme": "ansi-dark"})
    app = ShareApp(config, source=DemoSource(seed=7, videos=30, history_days=1), store=store, clock=clock)
    assert app.theme == "ansi-dark"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = table_of(app)
        assert "shares" in table.visible_columns and "title" in table.visible_columns
        header = table.render_line(0).text
        assert len(header) <= 80 and "+1h" in header
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VideoScreen)


def test_unknown_theme_is_a_clear_error(store: Store) -> None:
    with pytest.raises(ThemeError, match="not a theme"):
        ShareApp(Config({"ui.theme": "no-such-theme"}), source=DemoSource(), store=store)


def test_app_constructible_with_no_arguments(isolated_dirs: Path) -> None:
    app = ShareApp()
    assert app.session.source.kind == "demo"
    assert app.store.path == isolated_dirs / "data" / "sharetui" / "sharetui.sqlite3"
    app.store.close()


async def test_usual_column_chart_and_compare(store: Store, clock: FakeClock) -> None:
    from sharetui.ui.screens.compare import CompareScreen
    from sharetui.ui.widgets.age_chart import AgeChart, GainsChart

    app = demo_app(store, clock, videos=40, days=14)
    async with app.run_test(size=(130, 46), notifications=True) as pilot:
        await settle(app, pilot)
        table = table_of(app)
        usual = app.service.baseline_for(app.session.source.account().key)
        assert usual is not None and usual.ages
        ratios = [table.rows[k].vs_usual for k in table.order]
        assert sum(r is not None for r in ratios) >= 10
        assert "×Usual" in table.render_line(0).text
        while table.sort_key != "usual":
            await pilot.press("s")
        ordered = [ratio for k in table.order if (ratio := table.rows[k].vs_usual) is not None]
        assert ordered == sorted(ordered, reverse=True)
        # The video screen on a tall terminal shows the charts; g switches back to sparklines only.
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, VideoScreen) and screen.chart_mode
        await pilot.pause()
        assert screen.query_one(AgeChart).display and screen.query_one(GainsChart).display
        meta = str(screen.query_one("#video-meta").render())
        assert "vs usual: shares ×" in meta and "views ×" in meta
        await pilot.press("v")
        assert not screen.query_one(AgeChart).display
        await pilot.press("escape")
        # Compare: nothing marked yet, then two marked videos.
        await pilot.press("c")
        assert isinstance(app.screen, DashboardScreen)
        assert any("Mark videos with m" in m.text for m in app.messages)
        await pilot.press("home", "m", "m")
        assert len(table.marked) == 2
        assert table.render_line(1).text.lstrip().startswith("● ")
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, CompareScreen) and app.screen.video_ids == [k for k in table.order
                                                                                  if k in table.marked]
        listing = str(app.screen.query_one("#compare-list").render())
        assert all(fmt_title[:20] in listing for fmt_title in (table.rows[k].title for k in table.marked))
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_alerts_reach_the_monitor(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock, videos=40, days=14)
    bells = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        for _ in range(12):  # twelve minutes of polling
            clock.advance(60)
            await pilot.press("ctrl+r")
            await settle(app, pilot)
        toasts = [(m.title, m.text) for m in app.messages]
        announced = {title.removeprefix("Alert: ") for title, _ in toasts if title.startswith("Alert: ")}
        for title, message in toasts:  # many at once come as one summary, naming the rules
            if title == "Alerts":
                announced |= {rule for rule in ("velocity", "milestone", "beat p90", "gone") if rule in message}
                assert "press A" in message
        assert {"velocity", "milestone", "beat p90", "gone"} <= announced
        assert bells
        assert any(r.gone for r in app.screen_data.rows.values())
        # The alerts list: every alert, newest first; enter opens the video.
        await pilot.press("A")
        await settle(app, pilot)
        from sharetui.ui.screens.alerts import AlertsScreen

        screen = app.screen
        assert isinstance(screen, AlertsScreen)
        stored = app.service.reader("ui").alerts([app.session.source.account().key], limit=500)
        assert [a.at for a in screen.alerts] == sorted((a.at for a in stored), reverse=True)
        assert {a.rule for a in screen.alerts} >= {"velocity", "milestone", "beat_p90", "gone"}
        first_live = next(i for i, a in enumerate(screen.alerts) if a.rule != "gone")
        screen.query_one("#alerts-table").move_cursor(row=first_live)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, VideoScreen) and app.screen.row.id == screen.alerts[first_live].video_id
        # The table marks videos with a recent alert.
        await pilot.press("escape")
        table = table_of(app)
        assert screen.alerts[first_live].video_id in table.alerted


async def test_key_bar_shows_the_focused_keys_and_a_click_presses_one(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        bar = app.dashboard.query_one(KeyBar)
        line = bar.render_line(0).text
        for hint in ("⏎ Open", "/ Filter", "s Sort", "q Quit", "? Help", "space Pause", "^r Poll"):
            assert hint in line
        assert line.rstrip().endswith("^p palette")  # the palette at the right end
        start = line.index("? Help")
        await pilot.click(KeyBar, offset=(start + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        # Focus moves to the filter box: the table's keys leave the bar.
        await pilot.press("slash")
        await pilot.pause()
        assert "⏎ Open" not in bar.render_line(0).text
    small = demo_app(store, clock)
    async with small.run_test(size=(40, 12)) as pilot:
        await settle(small, pilot)
        narrow = small.dashboard.query_one(KeyBar).render_line(0).text
        # What fits, whole hints only, and the palette kept at the end.
        assert len(narrow) == 40 and narrow.rstrip().endswith("^p palette")
        assert "s Sort" in narrow and "Mark" not in narrow and "m " not in narrow


def test_one_sparkline_renderer_scales_from_zero_in_one_or_two_rows() -> None:
    upper, lower = fmt.spark_rows([0, 8, 16, 4, None], 2)
    assert lower == "▁██▅ " and upper == " ▁█  "  # 0 is the baseline, unknown draws nothing
    assert fmt.spark_rows([0, 8, 16, 4])[0] == fmt.spark([0, 8, 16, 4]) == "▁▅█▃"  # the table's, same scale
    # A ±3 % wobble stays a wobble: every bar near full height (min–max scaling would draw ▁█▁█).
    assert set(fmt.spark([97, 103, 97, 103])) <= {"▇", "█"}
    # More values than cells: each cell shows the largest of its share; fewer: values are stretched.
    assert fmt.spark_cells([1, 5, 2, 2], 2) == ([5, 2], 1)
    assert fmt.spark_cells([3, 6], 4) == ([3, 3, 6, 6], 2)
    assert fmt.spark_cells([], 5) == ([], 0)


async def test_collection_paused_for_start_up_resumes_after_the_first_frame(store: Store, clock: FakeClock) -> None:
    import gc

    Poller(store, DemoSource(seed=7, videos=30, history_days=2), clock=clock).sweep()
    gc.disable()  # as `sharetui` does before loading Textual (cli.monitor_app)
    try:
        app = demo_app(store, clock, poll_on_start=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            assert len(table_of(app).order) == 30
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0  # start-up's objects kept out of later collections
    finally:
        gc.unfreeze()
        gc.enable()


async def test_a_theme_change_repaints_the_cached_lines(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table, header = table_of(app), app.dashboard.query_one(AccountHeader)

        def colours() -> tuple:
            row = table.render_line(2)  # a row that is not under the cursor
            spark = header.render_line(2)
            return ({s.style.color for s in row if s.style}, {s.style.color for s in spark if s.style})

        before = colours()
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        after = colours()
        assert after[0] != before[0] and after[1] != before[1]


async def test_a_gone_video_is_marked_counted_alike_everywhere_and_can_be_hidden(store: Store, clock: FakeClock) -> None:
    """The demo turns one video private ten minutes in: its row says so, the header and the status line
    count the same videos, the header's last bar still shows the others' gains, and h hides it."""
    app = demo_app(store, clock, videos=40, days=1)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(app, pilot)
        for _ in range(12):
            clock.advance(60)
            app.poll_now()
            await settle(app, pilot)
        table = app.dashboard.table
        gone = [r for r in table.rows.values() if r.gone]
        assert len(gone) == 1
        header = "\n".join(app.dashboard.query_one(AccountHeader).plain_lines())
        status = app.dashboard.query_one(StatusLine).text
        assert "39 videos · 1 gone" in header and "39 videos · 1 gone" in status
        assert table.move_to(gone[0].id)  # wherever the sort put it, its row on screen says so
        await pilot.pause()
        # The mark sits in its own cell before the title (▲ would say it grew; × says it is gone).
        marked = [line for y in range(table.size.height) if (line := table.render_line(y).text)[3] == "×"]
        assert len(marked) == 1 and gone[0].title[:12] in marked[0]
        header_widget = app.dashboard.query_one(AccountHeader)
        assert (header_widget.trend_values[-1] or 0) > 0  # the vanished video does not blank the others' gains
        await pilot.press("h")
        await pilot.pause()
        assert gone[0].id not in table.order and len(table.order) == 39
        status = app.dashboard.query_one(StatusLine).text
        assert "(hidden: h)" in status
        await pilot.press("h")
        await pilot.pause()
        assert gone[0].id in table.order


async def test_video_screen_scrolls_by_keyboard_with_its_status_line_at_the_bottom(store: Store,
                                                                                   clock: FakeClock) -> None:
    from sharetui.ui.widgets.spark import SparkBars
    from sharetui.ui.widgets.status_line import StatusLine

    app = demo_app(store, clock, videos=12, days=2)
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, VideoScreen)
        body = screen.query_one("#video-body")
        status = screen.query_one(StatusLine)
        assert status.region.y == 10  # above the key bar, at the bottom, not under the content
        assert body.scroll_y == 0
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y > 0 and body.scroll_y == body.max_scroll_y  # the last lines are in reach
        await pilot.press("home")
        await pilot.pause()
        assert body.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0
        # The bar still filling is drawn apart (the same renderer as the table's, scaled from zero).
        shares = screen.query_one("#spark-shares", SparkBars)
        assert shares.partial_last == painted(screen).series["shares"].partial_last
        assert shares.plain() and all(set(line) <= set("▁▂▃▄▅▆▇█ ") for line in shares.plain())
