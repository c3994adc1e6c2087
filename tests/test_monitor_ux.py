"""The monitor's ergonomics, through the real App under Pilot on a real cache: alerts wherever the user is,
moving around, the view kept across restarts, and screens that say what is going on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList

from sharetui.config import Config, ConfigError
from sharetui.domain.alerts import Alert
from sharetui.domain.models import Account, VideoCounts
from sharetui.monitor.poller import Poller
from sharetui.sources.demo import DemoSource
from sharetui.store import Store
from sharetui.system.writer_lock import WriterLock
from sharetui.ui.app import ShareApp
from sharetui.ui.screens.columns import ColumnPicker
from sharetui.ui.screens.compare import CompareScreen
from sharetui.ui.screens.help import HelpScreen
from sharetui.ui.screens.video import VideoScreen
from sharetui.ui.widgets.key_bar import KeyBar
from sharetui.ui.widgets.status_line import StatusLine
from sharetui.ui.widgets.video_table import VideoTable
from sharetui.views.table import COLUMNS, sort_rows
from tests.conftest import FakeClock, painted, run_cli, settle


def demo_app(store: Store, clock: FakeClock, config: Config | None = None, **kwargs: Any) -> ShareApp:
    return ShareApp(config or Config(), source=DemoSource(seed=7, videos=20, history_days=2), store=store,
                    clock=clock, **kwargs)


def toasts(app: ShareApp) -> list[str]:
    return [f"{m.title}: {m.text}" for m in app.messages]


async def test_a_reader_monitor_announces_alerts_another_process_stored(store: Store, clock: FakeClock,
                                                                        tmp_path: Path) -> None:
    """`sharetui poll` holds the writer lock and raises the alerts; the monitor only reads, and still shows
    each new one once (alerts from before it started are history, in the list only)."""
    Poller(store, DemoSource(seed=7, videos=20, history_days=2), clock=clock).sweep()
    old = Alert(int(clock()) - 60, "demo", "x", "before", "milestone", "1000", "an old alert", 1000)
    store.record_alerts([old])
    poller_lock = WriterLock(tmp_path / "poller.lock")
    assert poller_lock.acquire()  # "another process" polls
    app = demo_app(store, clock, lock=WriterLock(tmp_path / "poller.lock"))
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.session.fed_by is not None and not any("an old alert" in t for t in toasts(app))
        fresh = Alert(int(clock()), "demo", "v1", "A title", "velocity", "d1", "gained 300 shares in 60 min", 300)
        store.record_alerts([fresh])
        clock.advance(60)
        Poller(store, DemoSource(seed=7, videos=20, history_days=2), clock=clock).sweep()  # the poller writes
        for _ in range(40):
            await pilot.pause(0.1)
            if any("gained 300 shares" in t for t in toasts(app)):
                break
        assert sum("gained 300 shares" in t for t in toasts(app)) == 1
        await pilot.press("ctrl+r")  # a reader says who polls, instead of nothing
        await settle(app, pilot)
        assert any("polls this account on its own schedule" in t for t in toasts(app))
        assert sum("gained 300 shares" in t for t in toasts(app)) == 1  # still once
    poller_lock.release()


async def test_n_and_p_step_through_the_dashboards_order(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.dashboard.query_one(VideoTable)
        await pilot.press("r")  # the order n/p follow is the one on screen, reversed here
        order = list(table.order)
        await pilot.press("home", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, VideoScreen) and screen.row.id == order[0]
        await pilot.press("n", "n")
        await settle(app, pilot)
        assert screen.row.id == order[2] and painted(screen).row.id == order[2]
        await pilot.press("p")
        await settle(app, pilot)
        assert screen.row.id == order[1]
        await pilot.press("p", "p")
        await settle(app, pilot)
        assert screen.row.id == order[0] and any("first video" in t for t in toasts(app))


async def test_the_palette_holds_every_action(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        for title in ("Pause / resume live polling", "Poll now", "Alerts", "Sort by Views", "Sort by +24h",
                      "Reverse the sort", "Filter by title", "Compare the marked videos", "Choose columns",
                      "Poll less often"):
            assert title in commands, title
        commands["Sort by Views"].callback()
        await pilot.pause()
        table = app.dashboard.query_one(VideoTable)
        assert table.sort_key == "views" and table.sort_reverse
        await pilot.press("enter")
        await settle(app, pilot)
        on_video = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Range: 30 days", "Next video", "Chart on / off"} <= on_video


async def test_interval_keys_update_one_toast_and_say_the_limit(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(app, pilot)
        for _ in range(12):
            await pilot.press("plus")
            await pilot.pause()
        interval_toasts = [t for t in toasts(app) if "Polling every" in t]
        assert interval_toasts == [": Polling every 1h (the longest)."]
        assert "every 1h" in app.dashboard.query_one(StatusLine).text  # the status line's units


async def test_an_imported_account_says_there_is_nothing_to_poll(store: Store, clock: FakeClock) -> None:
    from sharetui.sources.imported import ImportedSource
    from sharetui.sources.studio import VideoTotals

    store.import_videos(ImportedSource().account(), [VideoTotals(
        at=int(clock()) - 86_400, video_id="7400000000000000001", title="t", link="", posted_at=int(clock()) - 5 * 86_400,
        likes=1, comments=1, shares=10, views=100)])
    app = ShareApp(Config(), source=ImportedSource(), store=store, clock=clock)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+r", "space", "plus")
        await settle(app, pilot)
        said = " ".join(toasts(app))
        assert "nothing to poll" in said and "nothing to pause" in said and "Resumed" not in said
        assert not app.session.paused
        bar = app.dashboard.query_one(KeyBar).render_line(0).text
        assert "Pause" not in bar and "Poll" not in bar and "Sort" in bar  # not offered; the keys still explain
        await pilot.press("enter")
        await settle(app, pilot)
        video_bar = app.screen.query_one(KeyBar).render_line(0).text
        assert "Back" in video_bar and "Pause" not in video_bar
    live = demo_app(Store(store.path.with_name("live.sqlite3")), clock)
    async with live.run_test(size=(120, 30)) as pilot:
        await settle(live, pilot)
        bar = live.dashboard.query_one(KeyBar).render_line(0).text
        assert "Pause" in bar and "Poll" in bar  # a polled account offers both


async def test_the_view_is_kept_across_restarts(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "cache.sqlite3"
    store = Store(path)
    app = demo_app(store, clock)
    async with app.run_test(size=(140, 30)) as pilot:
        await settle(app, pilot)
        table = app.dashboard.query_one(VideoTable)
        while table.sort_key != "views":
            await pilot.press("s")
        await pilot.press("r")  # ascending
        await pilot.press("C")  # the column picker: hide Likes
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, ColumnPicker)
        options = picker.query_one("#columns", OptionList)
        index = next(i for i in range(options.option_count) if options.get_option_at_index(i).id == "likes")
        options.highlighted = index
        await pilot.press("space")
        await pilot.pause()
        assert "[ ] Likes" in picker.lines() and "[x] Views" in picker.lines()  # told without colour
        options.highlighted = next(i for i in range(options.option_count)
                                   if options.get_option_at_index(i).id == "gain_24h")
        await pilot.press("shift+up", "shift+up", "enter")  # +24h moves before ‰Shr and Shares... of the kept
        await pilot.pause()
        assert "likes" in table.hidden and "likes" not in table.visible_columns
        shown = table.visible_columns
        assert shown.index("gain_24h") < shown.index("rate") and shown.index("gain_24h") < shown.index("gain_1h")
        await pilot.press("home", "m")  # a mark, kept too
        marked = set(table.marked)
        assert len(marked) == 1
        await pilot.press("minus")
        app.theme = "nord"
        await settle(app, pilot)
    saved = json.loads((tmp_path / "view.json").read_text())
    assert (saved["sort"], saved["reverse"], saved["hidden"], saved["theme"]) == ("views", False, ["likes"], "nord")
    store = Store(path)
    again = demo_app(store, clock)
    async with again.run_test(size=(140, 30)) as pilot:
        await settle(again, pilot)
        table = again.dashboard.query_one(VideoTable)
        assert (table.sort_key, table.sort_reverse, again.theme) == ("views", False, "nord")
        assert "likes" not in table.visible_columns and again.session.interval == 30
        shown = table.visible_columns
        assert shown.index("gain_24h") < shown.index("gain_1h") and table.marked == marked
        assert table.render_line(1).text[1] == "●"  # the kept mark shows where it was
        views = [table.rows[k].views for k in table.order]
        assert views == sorted(views)


async def test_a_header_click_sorts_and_the_arrow_always_shows(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(100, 20)) as pilot:
        await settle(app, pilot)
        table = app.dashboard.query_one(VideoTable)
        header = table.render_line(0).text
        shares_x = next(x for x in range(100) if table.column_at(x) == "shares")
        await pilot.click(VideoTable, offset=(shares_x + 1, 0))  # the same column again: reverse
        assert table.sort_key == "shares" and not table.sort_reverse
        assert "↑" in table.render_line(0).text and "↓" in header
        posted_x = next(x for x in range(100) if table.column_at(x) == "posted")
        await pilot.click(VideoTable, offset=(posted_x + 1, 0))
        assert table.sort_key == "posted" and "↓" in table.render_line(0).text
    narrow = demo_app(store, clock)
    async with narrow.run_test(size=(44, 20)) as pilot:  # narrow: labels shorten, the direction stays
        await settle(narrow, pilot)
        table = narrow.dashboard.query_one(VideoTable)
        await pilot.press("r")
        assert "↑" in table.render_line(0).text


def test_unknown_values_sort_last_in_both_directions() -> None:
    from sharetui.domain.models import VideoRow

    rows = [VideoRow(i, str(i), "t", 0, "", 10, 1, 1, 5, 0, gain_1h=None if i % 2 else i) for i in range(6)]
    for reverse in (True, False):
        ordered = sort_rows(rows, "gain_1h", reverse)
        assert [r.gain_1h for r in ordered][-3:] == [None, None, None]
        known = [r.gain_1h for r in ordered if r.gain_1h is not None]
        assert known == sorted(known, reverse=reverse)


async def test_keys_can_be_remapped_in_the_config(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock, Config({"keys.quit": "x", "keys.alerts": "f2"}))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert type(app.screen).__name__ == "AlertsScreen"
        await pilot.press("escape", "x")
        await pilot.pause()
    assert app.return_code == 0
    with pytest.raises(ConfigError, match="keys.quit has keys Textual does not know"):
        Config({"keys.quit": "ctrl+q, not a key"})
    assert run_cli("config", "set", "keys.quit", "ctrl+q").returncode == 0


async def test_empty_views_say_why_and_offer_no_open(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(app, pilot)
        table = app.dashboard.query_one(VideoTable)
        assert table.check_action("select", ())
        await pilot.press("slash", *"zzzz no such title", "enter")
        await pilot.pause()
        assert table.order == [] and "No video matches “zzzz no such title”" in table.render_line(1).text
        assert table.check_action("select", ()) is False  # the key bar drops ⏎ Open


async def test_help_wraps_on_words_at_40_columns(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(40, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen) and screen.has_class("-narrow")
        row = screen.query(".help-what").first()
        assert row.size.width >= 30  # the description has the width, not what the key column leaves


async def test_compare_names_one_video_right_and_keeps_emoji_titles_aligned(store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("home", "m", "c")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert "Comparing 1 video by age" in str(screen.query_one("#compare-head").render())
        await pilot.press("l")
        assert screen.log_scale


def test_alerts_name_the_account_as_exports_do(data_dir: Path) -> None:
    run_cli("config", "set", "demo.videos", "20")
    run_cli("config", "set", "demo.history_days", "2")
    assert run_cli("poll", "--once", "--demo").returncode == 0
    exported = {line["account"] for line in json.loads(run_cli("export", "--demo", "--format", "json").stdout)}
    alerts = [json.loads(line) for line in run_cli("alerts", "--demo", "--json").stdout.splitlines()]
    logged = [json.loads(line) for line in (data_dir / "alerts.log").read_text().splitlines()]
    assert alerts and exported == {"sharetui.demo"}
    assert {a["account"] for a in alerts} == {a["account"] for a in logged} == exported


def test_an_account_without_a_username_is_named_by_its_key_everywhere(store: Store) -> None:
    account = Account("tiktok:x", "tiktok", "X")
    store.record_sweep(account, 1_000, [VideoCounts("v", "t", 0, "", 1, 1, 1, 1)])
    store.record_alerts([Alert(1_000, account.key, "v", "t", "gone", "1", "m", 0)])
    assert [a.as_json()["account"] for a in store.alerts([account.key])] == ["tiktok:x"]
    assert [row[0] for row in store.latest([account.key])] == ["tiktok:x"]


async def test_a_sort_lands_on_its_top_cycles_only_visible_columns_and_keeps_every_letter(
        store: Store, clock: FakeClock) -> None:
    app = demo_app(store, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        table = app.dashboard.query_one(VideoTable)
        table.set_columns({"likes", "comments"})
        await pilot.pause()
        for _ in range(8):
            await pilot.press("down")
        seen = []
        for _ in range(len(table.visible_columns) + 2):
            await pilot.press("s")
            await pilot.pause()
            seen.append(table.sort_key)
            # The new top is where the cursor is, and on screen: enter opens the answer to the sort.
            assert table.cursor_key == table.order[0] and table.scroll_offset.y == 0
            header = table.render_line(0).text
            column = next(c for c in COLUMNS if c.key == table.sort_key)
            assert column.label + ("↓" if table.sort_reverse else "↑") in header  # the arrow covers no letter
            await pilot.press("down", "down")
        assert "likes" not in seen and "comments" not in seen  # hidden with C: never sorted by s
        assert set(seen) <= set(table.visible_columns)
        await pilot.press("r")
        await pilot.pause()
        assert table.cursor_key == table.order[0]


async def test_copy_says_what_it_sent_and_a_screenshot_says_where_it_went(
        store: Store, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sharetui.ui.commands import take_screenshot

    app = demo_app(store, clock)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        row = painted(app.screen).row
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == row.share_url
        assert "Sent to the terminal's clipboard" in toasts(app)[-1] and row.share_url in toasts(app)[-1]
        assert not any("copied" in t.lower() for t in toasts(app))  # OSC 52 never confirms a copy
        # No Downloads folder: the screenshot goes to the current folder, and the toast says so.
        monkeypatch.chdir(tmp_path)
        saved = take_screenshot(app, downloads=tmp_path / "Downloads")
        assert saved is not None and saved.parent == tmp_path and saved.read_text().startswith("<svg")
        assert toasts(app)[-1] == f"Screenshot: Saved to {saved}"
        downloads = tmp_path / "Downloads"
        downloads.mkdir()
        assert (saved := take_screenshot(app, downloads=downloads)) is not None and saved.parent == downloads
        assert take_screenshot(app, downloads=Path("/proc")) is None  # a folder nobody can write to
        assert toasts(app)[-1].startswith("Screenshot: cannot save the screenshot in /proc: ")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("Screenshot") == 1  # ours, in place of Textual's
