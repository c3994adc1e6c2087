"""The Textual app: global keys, timers and workers, notifications, and routing data to screens.

What the monitor decides (its role, pause, the interval, when to poll, its status) is the session's
(sharetui.monitor.session); what it shows is worked out by the service and the view models in workers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.timer import Timer

from sharetui import config as config_module
from sharetui import text as fmt
from sharetui.config import ThemeError
from sharetui.monitor.service import MonitorService, Role, ScreenData
from sharetui.monitor.session import INTERVAL_STEPS, MonitorSession, Note, Step
from sharetui.sources import Source
from sharetui.store import Store
from sharetui.ui import idle_gc, view_state
from sharetui.ui.feed import DashboardFeed
from sharetui.ui.message_log import MessageLog, ShownMessage
from sharetui.ui.messages import (
    AlertsArrived,
    CacheWritten,
    DashboardLoaded,
    DashboardReady,
    DataChanged,
    OpenVideo,
    PollFinished,
    ShowAccount,
    ViewChanged,
)
from sharetui.ui.screens.dashboard import DashboardScreen
from sharetui.ui.terminal import LOST, watch_terminal
from sharetui.ui.widgets.status_line import StatusLine
from sharetui.ui.widgets.toast import Notification, replace_toast
from sharetui.ui.widgets.video_table import VideoTable
from sharetui.views.status import table_status
from sharetui.views.table import DEFAULT_SORT, TableModel

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

    from sharetui.system.writer_lock import WriterLock

FOLLOW_EVERY = 2.0  # seconds between checks for what other processes stored


def _video_commands():  # noqa: ANN202 - the palette module loads when the palette first opens
    from sharetui.ui.commands import VideoCommands

    return VideoCommands


def _chosen_theme(app: App[int], config: config_module.Config, state: view_state.ViewState) -> str:
    """ui.theme, checked, or the theme the user last picked over it; the environment (TEXTUAL_THEME) wins for
    this run, since an SSH session may need ANSI colours, but it is never kept."""
    theme = config["ui.theme"]
    from_environment = os.environ.get("TEXTUAL_THEME")
    if from_environment:
        return from_environment if from_environment in app.available_themes else app.theme
    if theme not in app.available_themes:
        raise ThemeError(f"{config.path or 'config'}: ui.theme {theme!r} is not a theme; "
                         f"try one of: {', '.join(sorted(app.available_themes))}")
    kept = state.theme_for(theme)
    return kept if kept in app.available_themes else theme


class ShareApp(App[int]):
    """sharetui's monitor. Constructible with no arguments: it then reads the same config as the CLI."""

    CSS_PATH = "sharetui.tcss"
    TITLE = "sharetui"
    COMMANDS = App.COMMANDS | {_video_commands}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("space", "toggle_pause", "Pause", id="pause"),
        Binding("ctrl+r", "poll_now", "Poll", id="poll-now"),
        Binding("a", "next_account", "Account", id="next-account", show=False),
        Binding("A", "alerts", "Alerts", id="alerts", show=False),
        Binding("plus", "interval(1)", "Poll less often", id="slower", key_display="+", show=False),
        Binding("minus", "interval(-1)", "Poll more often", id="faster", key_display="-", show=False),
    ]

    def __init__(self, config: config_module.Config | None = None, *, force_demo: bool = False,
                 source: Source | None = None, sources: list[Source] | None = None, store: Store | None = None,
                 clock: Callable[[], float] = time.time, poll_on_start: bool = True,
                 lock: WriterLock | None = None) -> None:
        super().__init__()
        self.config = config if config is not None else config_module.load()
        self.theme_from_environment = bool(os.environ.get("TEXTUAL_THEME"))
        fmt.set_zone(self.config["ui.timezone"])
        self.set_keymap(self.config.keymap())  # [keys]: a key per action id (the key bar shows them too)
        self.service = MonitorService(self.config, store=store, sources=sources or ([source] if source else None),
                                      force_demo=force_demo, clock=clock, lock=lock)
        self.store = self.service.store
        # How the user left the monitor last time: sort, hidden columns, theme, interval.
        self._views = view_state.ViewKeeper(self.store.path.with_name(view_state.FILE_NAME))
        self.view_state = self._views.state
        self.theme = _chosen_theme(self, self.config, self.view_state)
        interval = self.view_state.interval_for(self.config["poll.interval"], INTERVAL_STEPS)
        self.session = MonitorSession(self.service, clock=clock, interval=interval)
        self.screen_data = ScreenData(self.service, clock)  # handed down to every screen
        self.table_model = TableModel()  # what the table shows: the workers prepare updates against it
        self.feed = DashboardFeed(self, self.service, self.session, self.table_model)
        self._poll_on_start = poll_on_start
        self._poll_timer: Timer | None = None
        self._follow_timer: Timer | None = None
        self._table: VideoTable | None = None  # the dashboard's table, once mounted
        self._pending: DashboardLoaded | None = None  # data that came before the dashboard could show it
        self._summary: tuple[int, int, int, int, int] | None = None  # its counts of every video
        self._collector = idle_gc.IdleCollector()  # full garbage collections wait for an idle moment
        self._interval_toast: Notification | None = None  # the one toast +/- keep updating
        self.messages = MessageLog()  # every toast shown, to read again
        self._interval_message: ShownMessage | None = None
        self._terminal_lost = False

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """A toast, kept in `messages` too, so what flashed by can be read again."""
        self.messages.add(self.screen_data.clock(), severity, title, message)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def get_default_screen(self) -> DashboardScreen:
        return DashboardScreen(self.screen_data)

    @property
    def dashboard(self) -> DashboardScreen:
        return next(s for s in self.screen_stack if isinstance(s, DashboardScreen))

    def on_mount(self) -> None:
        if self._views.problem:
            self.notify(self._views.problem, severity="warning", markup=False)
        self.set_interval(1.0, self.refresh_status)
        watch_terminal(self, lambda: setattr(self, "_terminal_lost", True))
        self.load_cached()

    def on_dashboard_ready(self, _message: DashboardReady) -> None:
        """The dashboard is mounted: apply data that arrived before it could be shown."""
        self._table = table = self.dashboard.table
        self.screen_data.order = lambda: table.order
        state = self.view_state
        table.restore_view(state.sort, state.reverse, set(state.hidden), state.order, state.marked)
        self.table_model.view = table.view
        self.feed.table_ready = True
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.on_dashboard_loaded(pending)

    def on_unmount(self) -> None:
        self.service.stop()  # a back-fill in a worker stops at its next batch
        self.service.close()
        if self._terminal_lost:
            os._exit(LOST)  # nothing is left to restore: the terminal is gone

    # -- data flow ------------------------------------------------------------------------------

    def load_cached(self) -> None:
        """Show what the cache already knows at once (the first frame's rows); polling starts after."""
        default_order = self.view_state.sort in (None, DEFAULT_SORT) and self.view_state.reverse in (None, True)
        self.feed.first_frame(self.size.height if default_order else None)
        busy = lambda: self.session.polling or any(w.is_running for w in self.workers)  # noqa: E731
        self.call_after_refresh(self._collector.start_ticking, self.set_interval, busy)
        self.call_after_refresh(self._take_role if self._poll_on_start else lambda: self.feed.follow(True))

    def on_event(self, event: events.Event):  # noqa: ANN201 - Textual's handler returns an awaitable
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self._collector.saw_input()
        return super().on_event(event)

    def _take_role(self) -> None:
        """Poll if no other process does; every role follows the cache (another process's writes show)."""
        if self._follow_timer is None:
            self._follow_timer = self.set_interval(FOLLOW_EVERY, self._follow_tick)
        if self.session.take_role() is Role.WRITER:
            self.poll_now()
        elif self.feed.partial:
            self.feed.follow(force=True)
        self.refresh_status()

    def _follow_tick(self) -> None:
        step, note = self.session.follow_tick()
        self._say(note)
        if step is Step.POLL:
            self.poll_now()
        elif step is Step.STAND_IN:
            self.feed.poll()
        elif step is Step.RELOAD:
            self.feed.follow()

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        data = message.data
        if self._table is None:
            self._pending = message
            return
        self.screen_data.rows = message.table.rows if message.table else {row.id: row for row in data.rows}
        self.feed.partial, self._summary = data.partial, data.summary
        self.session.saw_sweep(data.last_sweep)
        self.dashboard.apply(data, message.table, message.header)
        self.table_model.shown, self.table_model.view = self._table.shown, self._table.view
        for screen in self.screen_stack:
            if screen is not self.dashboard:
                screen.post_message(DataChanged())
        self.refresh_status()

    def on_poll_finished(self, message: PollFinished) -> None:
        result = message.result
        if result is not None:
            for problem in result.alert_problems:
                self.notify(problem, title="Alert delivery", severity="error", markup=False)
        for note in self.session.poll_finished(result.at if result else None, message.error, message.needs_login):
            self._say(note)
        self._schedule_next()
        self.refresh_status()

    def on_alerts_arrived(self, message: AlertsArrived) -> None:
        """Alerts reach every monitor, writer or reader: a toast each (a summary for many) and the bell."""
        for note in message.notes:
            self.notify(note.text, title=note.title, severity="warning", timeout=15, markup=False)
        if message.alerts and self.config["alerts.bell"]:
            self.bell()

    def _say(self, note: Note | None) -> None:
        if note is not None:
            self.notify(note.text, title=note.title, severity=note.severity, markup=False)  # type: ignore[arg-type]

    # -- the view, kept across restarts -----------------------------------------------------------

    def remember_view(self) -> None:
        """Keep the view for the next start, if it changed (never a theme set by TEXTUAL_THEME: this run's only)."""
        table = getattr(self, "_table", None)  # (the theme is set while the app is being built)
        if table is None:
            return
        state = self.view_state
        theme, over = (state.theme, state.theme_over) if self.theme_from_environment else (self.theme, self.config["ui.theme"])
        problem = self._views.keep(view_state.ViewState(
            table.sort_key, table.sort_reverse, sorted(table.hidden), theme, over, self.session.interval,
            self.config["poll.interval"], table.column_order, sorted(table.marked)[:view_state.MAX_MARKED]))
        if problem:
            self.notify(problem, severity="warning", markup=False)

    watch_theme = remember_view  # (Textual hands a watcher or handler only the arguments it takes)

    def on_view_changed(self, _message: ViewChanged) -> None:
        if self._table is not None:
            self.feed.table_changed(self._table)
        self.remember_view()

    # -- polling schedule -----------------------------------------------------------------------

    def _schedule_next(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        delay = self.session.schedule()
        if delay is not None:
            self._poll_timer = self.set_timer(delay, self.poll_now)

    def poll_now(self) -> None:
        step = self.session.poll_request()
        if step is Step.RELOAD:
            self.feed.follow(force=True)  # imported data, or another process's schedule: reload what it stored
        elif step is Step.POLL:
            if self._poll_timer is not None:
                self._poll_timer.stop()
                self._poll_timer = None
            self.refresh_status()
            self.feed.poll()

    def action_poll_now(self) -> None:
        """ctrl+r: poll now, and say what happens where this monitor does not poll itself."""
        self._say(self.session.poll_key_note())
        self.poll_now()

    def action_toggle_pause(self) -> None:
        note, resume = self.session.toggle_pause()
        self._say(note)
        if self.session.paused:
            self._schedule_next()  # cancels the pending poll
        elif resume:
            self.poll_now()
        self.refresh_status()

    def action_interval(self, direction: int) -> None:
        note, changed = self.session.step_interval(direction)
        if not changed:
            self._say(note)
            return
        if not self.session.polling:
            self._schedule_next()
        self._interval_toast = replace_toast(self, self._interval_toast, note.text)
        self._interval_message = self.messages.add(self.screen_data.clock(), "information", "", note.text,
                                                   replacing=self._interval_message)
        self.remember_view()
        self.refresh_status()

    # -- accounts and navigation ----------------------------------------------------------------

    def action_next_account(self) -> None:
        """Cycle the dashboard: each account, then all of them together."""
        if len(self.service.sources) < 2:
            self.notify("One account is connected; `sharetui auth login --account NAME` adds another.")
            return
        self.show_account(self.session.next_view())

    def show_account(self, view: int | None) -> None:
        if not self.session.show(view):
            return
        self.dashboard.table.show_account = view is None
        self.feed.shown_version = None
        self.feed.follow(force=True)  # reload from the cache for the new view
        self.notify("All accounts" if view is None else f"Account: {self.session.source.account().label}")
        self.refresh_status()

    def on_open_video(self, message: OpenVideo) -> None:
        self.open_video(message.video_id)

    def on_show_account(self, message: ShowAccount) -> None:
        self.show_account(message.view)

    def on_cache_written(self, _message: CacheWritten) -> None:
        self.feed.follow(force=True)  # the alerts list's triage: the table's ! marks change

    def open_video(self, video_id: str) -> None:
        """Open a video over the screen it was asked from (esc goes back there): a bounded back stack."""
        row = self.screen_data.rows.get(video_id)
        if row is None:
            return
        from sharetui.ui.screens.video import VideoScreen

        if isinstance(self.screen, VideoScreen) and (self.screen.row.id == video_id or len(self.screen_stack) > 8):
            self.pop_screen()
        self.dashboard.table.move_to(video_id)
        self.push_screen(VideoScreen(row, self.screen_data))

    def action_help(self) -> None:
        from sharetui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.BINDINGS, self.config.keymap()))

    def action_alerts(self) -> None:
        from sharetui.ui.screens.alerts import AlertsScreen

        if not isinstance(self.screen, AlertsScreen):
            self.push_screen(AlertsScreen(self.screen_data))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette holds every action, not only Textual's own (themes, quit, keys, screenshot)."""
        from sharetui.ui.commands import action_commands

        yield from (c for c in super().get_system_commands(screen) if c.title not in ("Screenshot", "Theme"))
        yield from action_commands(self, screen)

    def refresh_status(self) -> None:
        """The status line of every screen: the session's state and the dashboard table's view."""
        table = self._table
        if table is None:
            return  # not composed yet
        facts = table_status(table.rows, table.order, table.sort_label(), table.gone_count, table.hide_gone,
                             table.filter_text, self._summary, table.show_account)
        monitor = self.session.status()
        for screen in self.screen_stack:
            for status in screen.query(StatusLine):
                status.show(monitor, facts)

    on_status_wanted = refresh_status
