"""The Textual app: global keys, the polling loop (in a worker), and routing data to screens."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.timer import Timer
from textual.worker import get_current_worker

from sharetui import config as config_module
from sharetui import text as fmt
from sharetui.config import ThemeError
from sharetui.domain.models import DashboardData, VideoRow
from sharetui.monitor.service import MonitorService, ScreenData
from sharetui.sources import Source
from sharetui.store import Reader, Store, StoreError
from sharetui.system.writer_lock import Holder, WriterLock
from sharetui.ui import idle_gc, view_state
from sharetui.ui.messages import (
    AlertsArrived,
    DashboardLoaded,
    DashboardReady,
    DataChanged,
    OpenVideo,
    PollFinished,
    ShowAccount,
    StatusWanted,
    ViewChanged,
)
from sharetui.ui.screens.dashboard import DashboardScreen
from sharetui.ui.widgets.status_line import StatusLine
from sharetui.ui.widgets.toast import Notification, replace_toast
from sharetui.ui.widgets.video_table import VideoTable
from sharetui.views.header import HeaderContent
from sharetui.views.table import DEFAULT_SORT, TableModel

if TYPE_CHECKING:
    from textual.screen import Screen

    from sharetui.domain.baseline import Baseline
    from sharetui.monitor.poller import Poller

ALERT_TOASTS = 2  # more alerts at once than this become one summary toast
FOLLOW_EVERY = 2.0  # seconds between checks for new data in reader mode
INTERVAL_STEPS = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]


def _video_commands():  # noqa: ANN202 - the palette module loads when the palette first opens
    from sharetui.ui.commands import VideoCommands

    return VideoCommands


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

    # What the status line shows: any change repaints it.
    paused: reactive[bool] = reactive(False, init=False)
    polling: reactive[bool] = reactive(False, init=False)
    last_ok: reactive[float | None] = reactive(None, init=False)
    last_error: reactive[str | None] = reactive(None, init=False)
    needs_login: reactive[bool] = reactive(False, init=False)
    fed_by: reactive[int | None] = reactive(None, init=False)  # pid of the process polling for us (reader)
    interval: reactive[int] = reactive(60, init=False)

    def _status_changed(self) -> None:
        self.refresh_status()

    watch_paused = watch_polling = watch_last_ok = watch_last_error = _status_changed
    watch_needs_login = watch_fed_by = watch_interval = _status_changed

    def __init__(
        self,
        config: config_module.Config | None = None,
        *,
        force_demo: bool = False,
        source: Source | None = None,
        sources: list[Source] | None = None,
        store: Store | None = None,
        clock: Callable[[], float] = time.time,
        poll_on_start: bool = True,
        lock: WriterLock | None = None,
    ) -> None:
        super().__init__()
        self.config = config if config is not None else config_module.load()
        theme = self.config["ui.theme"]
        if not os.environ.get("TEXTUAL_THEME"):  # the environment wins: an SSH session may need ANSI
            if theme not in self.available_themes:
                raise ThemeError(
                    f"{self.config.path or 'config'}: ui.theme {theme!r} is not a theme; "
                    f"try one of: {', '.join(sorted(self.available_themes))}"
                )
            self.theme = theme
        self.clock = clock
        fmt.set_zone(self.config["ui.timezone"])
        # [keys] in the config: a key per action id, onto Textual's keymap (the key bar shows them too).
        self.set_keymap({action: keys for action in config_module.KEY_ACTIONS
                         if (keys := self.config[f"keys.{action}"])})
        if sources is None and source is not None:
            sources = [source]
        self.service = MonitorService(self.config, store=store, sources=sources, force_demo=force_demo, clock=clock,
                                      lock=lock)
        self.store = self.service.store
        # How the user left the monitor last time: sort, hidden columns, theme, interval.
        self._views = view_state.ViewKeeper(self.store.path.with_name(view_state.FILE_NAME))
        self.view_state = self._views.state
        if not os.environ.get("TEXTUAL_THEME") and (kept := self.view_state.theme_for(theme)) in self.available_themes:
            self.theme = kept
        self.sources = self.service.sources
        self.lock = self.service.lock
        self.view: int | None = 0  # which account the dashboard shows; None: all of them together
        self.set_reactive(ShareApp.interval, self.config["poll.interval"])
        if (kept_interval := self.view_state.interval_for(self.config["poll.interval"])) in INTERVAL_STEPS:
            self.set_reactive(ShareApp.interval, kept_interval)
        self.screen_data = ScreenData(self.service, clock)  # handed down to every screen
        self._poll_on_start = poll_on_start
        self._next_poll_at: float | None = None  # monotonic
        self._poll_timer: Timer | None = None
        self._dashboard_ready = False
        self._terminal_lost = False  # set when the terminal goes away (SSH drop, closed pane)
        self._pending: DashboardLoaded | None = None  # data that came before the dashboard could show it
        self._table: VideoTable | None = None  # the dashboard's table, once mounted
        self.table_model = TableModel()  # what the table shows, as the workers prepare updates against it
        self._partial = False  # what is shown is the first frame's partial load
        self._summary: tuple[int, int, int, int, int] | None = None  # its counts of every video
        self._collector = idle_gc.IdleCollector()  # full garbage collections wait for an idle moment
        self._interval_toast: Notification | None = None  # the one toast +/- keep updating
        self._follow_timer: Timer | None = None
        self.feeder: Holder | None = None  # the process polling the account on screen, when not this one
        self._stand_in_at: float | None = None  # when this monitor last polled for a writer that stopped
        self._shown_sweep: int | None = None
        self._shown_version: int | None = None

    @property
    def pollers(self) -> list[Poller]:
        return self.service.pollers

    @property
    def reader(self) -> Reader | Store:
        """The screens' own read connection: a query from the event loop never waits behind a sweep."""
        return self.service.reader("ui")

    @property
    def latest_rows(self) -> dict[str, VideoRow]:
        return self.screen_data.rows

    @property
    def source(self) -> Source:
        """The account on screen (the first one in the all-accounts view)."""
        return self.sources[self.view or 0]

    def baseline_for(self, account_key: str, metric: str = "shares") -> Baseline | None:
        return self.service.baseline_for(account_key, metric)

    def get_default_screen(self) -> DashboardScreen:
        return DashboardScreen(self.screen_data)

    @property
    def dashboard(self) -> DashboardScreen:
        return next(s for s in self.screen_stack if isinstance(s, DashboardScreen))

    def on_mount(self) -> None:
        if self._views.problem:
            self.notify(self._views.problem, severity="warning", markup=False)
        self.set_interval(1.0, self.refresh_status)
        self._watch_terminal()
        self.load_cached()

    def _watch_terminal(self) -> None:
        """Exit when the terminal goes away (SSH drop, closed tmux pane), even if SIGHUP is ignored (nohup):
        otherwise a TUI with no terminal keeps running, reading end-of-file in a loop."""
        if self.is_headless or not sys.__stdin__ or not sys.__stdin__.isatty():
            return
        fd = sys.__stdin__.fileno()

        def terminal_lost() -> None:
            if self._terminal_lost:
                return
            self._terminal_lost = True
            # Textual's output thread dies on the first write to a closed terminal, and its shutdown then
            # waits forever on a full queue. So on_unmount ends the process once our own clean-up is done,
            # and a timer does it should the clean-up stall: every sweep is one committed transaction, so
            # nothing stored can be lost by it.
            fallback = threading.Timer(3.0, os._exit, args=(129,))
            fallback.daemon = True
            fallback.start()
            self.exit(return_code=129)

        with contextlib.suppress(RuntimeError):  # not the main thread: the watchdog below still works
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, terminal_lost)

        def check() -> None:
            try:
                termios.tcgetattr(fd)
            except (termios.error, OSError):
                terminal_lost()

        self.set_interval(2.0, check)

    def on_dashboard_ready(self, _message: DashboardReady) -> None:
        """The dashboard is mounted: apply data that arrived before it could be shown."""
        self._dashboard_ready = True
        self._table = table = self.dashboard.table
        self.screen_data.order = lambda: table.order
        self._apply_view(table)
        self.table_model.view = table.view
        if self._pending is not None:
            pending, self._pending = self._pending, None
            self.on_dashboard_loaded(pending)

    def on_unmount(self) -> None:
        self.service.stop()  # a back-fill in a worker stops at its next batch
        self.service.close()
        if self._terminal_lost:
            os._exit(129)  # nothing is left to restore: the terminal is gone

    # -- data flow ------------------------------------------------------------------------------

    def _dashboard_data(self, with_baseline: bool = True, first_rows: int | None = None,
                        reader: str = "data") -> DashboardData:
        return self.service.dashboard(self.view, with_baseline=with_baseline, first_rows=first_rows, reader=reader)

    def load_cached(self) -> None:
        """Show what the cache already knows at once; polling starts after.

        This first query runs on the event loop, before the first frame: a worker thread would only
        fight the screen being built for the GIL and finish later (measured: 3-4x slower at 2,000 videos).
        """
        with contextlib.suppress(StoreError):  # (a cache that cannot be read says so just below)
            self.service.take_new_alerts()  # alerts stored before this start are history, not news
        try:
            # Only what the first frame shows: gains and trends of the rows on screen, no baselines.
            # The rows on screen are the most shared ones unless the kept sort says otherwise.
            default_order = self.view_state.sort in (None, DEFAULT_SORT) and self.view_state.reverse in (None, True)
            data = self._dashboard_data(with_baseline=False, first_rows=self.size.height if default_order else None,
                                        reader="ui")
        except StoreError as exc:
            self.post_message(PollFinished(None, f"cannot read the cache: {exc}"))
        else:
            self._partial = True
            self.post_message(DashboardLoaded(dataclasses.replace(data, partial=True)))
        # The rest (every row, baselines) comes with the first poll, or the first reload of a reader.
        self.call_after_refresh(self._resume_collection)
        if self._poll_on_start:
            self.call_after_refresh(self._take_role)
        else:
            self.call_after_refresh(self._follow, True)

    def _resume_collection(self) -> None:
        self._collector.start()
        self.set_interval(idle_gc.CHECK_EVERY, self._collect_when_idle)

    def on_event(self, event: events.Event):  # noqa: ANN201 - Textual's handler returns an awaitable
        if isinstance(event, (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)):
            self._collector.saw_input()
        return super().on_event(event)

    def _collect_when_idle(self) -> None:
        self._collector.tick(busy=self.polling or any(worker.is_running for worker in self.workers))

    @property
    def live(self) -> bool:
        """False when the account on screen is fed only by imports: there is nothing to poll there (another
        account of this monitor may still be polled)."""
        if self.view is None:
            return self.service.live
        return self.source.live

    def _take_role(self) -> None:
        """Poll if no other process does; otherwise follow the cache that process writes."""
        if not self.service.live:
            # Imported data: nothing to poll, but pick up what a `sharetui import` elsewhere stores.
            if self._follow_timer is None:
                self._follow_timer = self.set_interval(FOLLOW_EVERY, self._follow_tick)
            if self._partial:
                self._follow(force=True)
            self.refresh_status()
            return
        # Every role follows the cache: what another process commits (an import, a poller's sweep of an
        # account shown here) is on screen within FOLLOW_EVERY seconds.
        if self._follow_timer is None:
            self._follow_timer = self.set_interval(FOLLOW_EVERY, self._follow_tick)
        if self.lock.acquire():
            self._update_feeder()
            self.poll_now()
            return
        self._update_feeder()
        if self._partial:
            self._follow(force=True)
        self.refresh_status()

    def _follow_tick(self) -> None:
        if self.paused or self.polling:
            return  # (a poll in progress reloads when it ends)
        if self.service.live and self.service.take_free():
            # A poller went away: take over its accounts so the data keeps flowing.
            self.notify("The poller stopped; this monitor polls now.")
            self._take_role()
            return
        self._update_feeder()
        if self.service.standing_in() and not self.paused:
            # A writer stopped answering: this monitor polls its accounts meanwhile, at its own pace.
            if self._stand_in_at is None or time.monotonic() - self._stand_in_at >= self.interval:
                self._stand_in_at = time.monotonic()
                self.polling = True
                self._poll()
                return
        self._follow()

    @work(thread=True, exclusive=True, group="follow", exit_on_error=False)
    def _follow(self, force: bool = False) -> None:
        """Reader mode: reload when the poller has stored a new sweep."""
        try:
            version = self.service.reader().data_version()
            if version == self._shown_version and not force:
                return  # nobody committed anything since the last look
            self._shown_version = version
            data = self._dashboard_data()
        except StoreError as exc:
            self.post_message(PollFinished(None, f"cannot read the cache: {exc}"))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._loaded(data))
            self._post_new_alerts()

    def _post_new_alerts(self) -> None:
        """In a worker: alerts any process stored since the last look, each announced once."""
        try:
            fresh = self.service.take_new_alerts()
        except StoreError:
            return  # the next look tries again; the reload that failed has already said why
        if fresh:
            self.post_message(AlertsArrived(fresh))

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self) -> None:
        try:
            self._poll_once()
        except Exception as exc:  # a bug must not leave the monitor stuck in POLLING
            self.log.error("poll failed", exc_info=exc)
            self.post_message(PollFinished(None, f"internal error while polling: {type(exc).__name__}: {exc}"))

    def _poll_once(self) -> None:
        """Sweep every account (one after the other: they share the rate limiter), then reload."""
        worker = get_current_worker()
        if self._partial:
            # Straight after the first frame: every row's gains and the baselines before the sweep,
            # which may take a while on a slow network.
            with contextlib.suppress(StoreError):  # the reload after the sweep reports it
                self.post_message(self._loaded(self._dashboard_data()))
        cycle = self.service.poll_cycle(interval=self.interval)
        message = PollFinished(cycle.result, cycle.error, needs_login=cycle.needs_login)
        try:
            # Marked as seen before reading: the follow timer then reloads only for what others commit later.
            self._shown_version = self.service.reader().data_version()
            data = self._dashboard_data()
        except StoreError as exc:
            message = PollFinished(None, f"cannot read the cache: {exc}")
            data = None
        if worker.is_cancelled:
            return
        if data is not None:
            self.post_message(self._loaded(data))
        self._post_new_alerts()
        self.post_message(message)

    def _loaded(self, data: DashboardData) -> DashboardLoaded:
        """In a worker thread: the data with the table's update and the header's text worked out, so a poll
        landing on 10,000 rows costs the event loop a swap (the table only reads its state here)."""
        prepared = self.table_model.prepare(data.rows, data.now) if self._table is not None else None
        return DashboardLoaded(data, prepared, HeaderContent.of(data))

    # -- the view, kept across restarts -----------------------------------------------------------

    def _apply_view(self, table: VideoTable) -> None:
        state = self.view_state
        table.restore_view(state.sort, state.reverse, set(state.hidden))

    def remember_view(self) -> None:
        """Keep the sort, hidden columns, theme and interval for the next start (only when they changed)."""
        table = getattr(self, "_table", None)  # (the theme is set while the app is being built)
        if table is None:
            return
        problem = self._views.keep(view_state.ViewState(
            sort=table.sort_key, reverse=table.sort_reverse, hidden=sorted(table.hidden),
            theme=self.theme, theme_over=self.config["ui.theme"],
            interval=self.interval, interval_over=self.config["poll.interval"]))
        if problem:
            self.notify(problem, severity="warning", markup=False)

    def watch_theme(self) -> None:
        self.remember_view()

    def on_view_changed(self, _message: ViewChanged) -> None:
        if self._table is not None:
            self.table_model.view = self._table.view
            self.table_model.shown = self._table.shown
        self.remember_view()

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        data = message.data
        if not self._dashboard_ready:
            self._pending = message
            return
        self.screen_data.rows = message.table.rows if message.table else {row.id: row for row in data.rows}
        self._partial = data.partial
        self._summary = data.summary
        self._shown_sweep = data.last_sweep
        if data.last_sweep is not None and (self.last_ok is None or data.last_sweep > self.last_ok):
            self.last_ok = data.last_sweep
        self.dashboard.apply(data, message.table, message.header)
        self.table_model.shown, self.table_model.view = self.dashboard.table.shown, self.dashboard.table.view
        for screen in self.screen_stack:
            if screen is not self.dashboard:
                screen.post_message(DataChanged())
        self.refresh_status()

    def on_poll_finished(self, message: PollFinished) -> None:
        self.polling = False
        if message.result is not None:
            for problem in message.result.alert_problems:
                self.notify(problem, title="Alert delivery", severity="error", markup=False)
            self.last_ok = message.result.at
        if message.result is not None and message.error is None:
            if self.last_error:
                self.notify("Back online.", title="sharetui")
            self.last_error = None
            self.needs_login = False
        else:
            if message.error != self.last_error:  # notify once, not on every failed poll
                self.notify(message.error or "poll failed", title="Poll failed", severity="error", markup=False)
            self.last_error = message.error
            self.needs_login = message.needs_login
        self._schedule_next()
        self.refresh_status()

    def on_alerts_arrived(self, message: AlertsArrived) -> None:
        """Alerts reach every monitor, writer or reader: a toast each (a summary for many) and the bell."""
        alerts = message.alerts
        if len(alerts) > ALERT_TOASTS:
            rules = sorted({a.rule.replace("_", " ") for a in alerts})
            self.notify(f"{len(alerts)} new alerts ({', '.join(rules)}): press A to see them.", title="Alerts",
                        severity="warning", timeout=15, markup=False)
        else:
            for alert in alerts:
                title = f"Alert: {alert.rule.replace('_', ' ')}"
                if len(self.sources) > 1:  # name the account when there are several
                    known = self.reader.account(alert.account)
                    title += f" · {known.label if known else alert.account}"
                self.notify(alert.message, title=title, severity="warning", timeout=15, markup=False)
        if alerts and self.config["alerts.bell"]:
            self.bell()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette holds every action, not only Textual's own (themes, quit, keys, screenshot)."""
        from sharetui.ui.commands import action_commands

        yield from super().get_system_commands(screen)
        yield from action_commands(self, screen)

    def action_alerts(self) -> None:
        from sharetui.ui.screens.alerts import AlertsScreen

        if not isinstance(self.screen, AlertsScreen):
            self.push_screen(AlertsScreen(self.screen_data))

    # -- polling schedule -----------------------------------------------------------------------

    def _schedule_next(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        self._next_poll_at = None
        if self.paused or self.needs_login:
            return
        self._next_poll_at = time.monotonic() + self.interval
        self._poll_timer = self.set_timer(self.interval, self.poll_now)

    def poll_now(self) -> None:
        if not self.service.live:
            self._follow(force=True)  # imported data: reload what `sharetui import` stored
            return
        held = self.lock.acquire()
        self._update_feeder()
        if not held:
            self._follow(force=True)  # reader mode: the poller sets the pace; reload what it stored
            return
        if self.polling:
            return
        if self._poll_timer is not None:
            self._poll_timer.stop()
            self._poll_timer = None
        self._next_poll_at = None
        self.polling = True
        self.refresh_status()
        self._poll()

    def action_poll_now(self) -> None:
        """ctrl+r: poll now, and say what happens where this monitor does not poll itself."""
        if not self.live:
            self.notify("Imported data: nothing to poll. Reloaded what `sharetui import` stored.")
        elif not self.lock.acquire() or self.fed_by is not None:
            self._update_feeder()
            self.notify(f"Another sharetui (pid {self.fed_by or '?'}) polls this account on its own schedule; "
                        "reloaded what it has stored.")
        elif self.polling:
            self.notify("A poll is already running.")
        self.poll_now()

    def action_toggle_pause(self) -> None:
        if not self.live:
            self.notify("Imported data is not live: there is nothing to pause. New imports still show up.")
            return
        self.paused = not self.paused
        if self.paused:
            self._schedule_next()  # cancels the pending poll
            self.notify("Paused: no updates until you press space.")
        elif self.fed_by is not None:
            self.notify(f"Resumed: following what sharetui (pid {self.fed_by}) stores for this account.")
            self.poll_now()
        else:
            self.notify(f"Resumed live updates: polling every {fmt.duration(self.interval)}.")
            self.poll_now()
        self.refresh_status()

    def action_interval(self, direction: int) -> None:
        if not self.live:
            self.notify("Imported data: nothing is polled, so there is no interval to change.")
            return
        if self.fed_by is not None:
            self.notify(f"Another sharetui (pid {self.fed_by}) polls this account and sets its pace: change the "
                        "interval there.")
            return
        steps = INTERVAL_STEPS
        if direction > 0:
            self.interval = next((s for s in steps if s > self.interval), steps[-1])
        else:
            self.interval = next((s for s in reversed(steps) if s < self.interval), steps[0])
        if not self.polling:
            self._schedule_next()
        edge = steps[-1] if direction > 0 else steps[0]
        limit = f" (the {'longest' if direction > 0 else 'shortest'})" if self.interval == edge else ""
        self._interval_toast = replace_toast(self, self._interval_toast,
                                             f"Polling every {fmt.duration(self.interval)}{limit}.")
        self.remember_view()
        self.refresh_status()

    # -- accounts -------------------------------------------------------------------------------

    def action_next_account(self) -> None:
        """Cycle the dashboard: each account, then all of them together."""
        if len(self.sources) < 2:
            self.notify("One account is connected; `sharetui auth login --account NAME` adds another.")
            return
        views: list[int | None] = [*range(len(self.sources)), None]
        self.show_account(views[(views.index(self.view) + 1) % len(views)])

    def show_account(self, view: int | None) -> None:
        if view == self.view:
            return
        self.view = view
        self._update_feeder()
        self.dashboard.table.show_account = view is None
        self._shown_version = None
        self._follow(force=True)  # reload from the cache for the new view
        self.notify("All accounts" if view is None else f"Account: {self.source.account().label}")
        self.refresh_status()

    # -- navigation -----------------------------------------------------------------------------

    def on_open_video(self, message: OpenVideo) -> None:
        self.open_video(message.video_id)

    def on_show_account(self, message: ShowAccount) -> None:
        self.show_account(message.view)

    def on_status_wanted(self, _message: StatusWanted) -> None:
        self.refresh_status()

    def open_video(self, video_id: str) -> None:
        row = self.latest_rows.get(video_id)
        if row is None:
            return
        while not isinstance(self.screen, DashboardScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        self.dashboard.table.move_to(video_id)
        from sharetui.ui.screens.video import VideoScreen

        self.push_screen(VideoScreen(row, self.screen_data))

    def action_help(self) -> None:
        from sharetui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # -- status ---------------------------------------------------------------------------------

    def _update_feeder(self) -> None:
        """Who polls the account on screen when this monitor does not (all accounts: any other poller)."""
        if self.view is None:
            self.feeder = None
            self.fed_by = self.lock.holder()
            return
        self.feeder = self.service.holder_of(self.source.account().key) if self.source.live else None
        self.fed_by = self.feeder.pid if self.feeder is not None else None

    def stale_reason(self) -> str | None:
        """Why the account on screen is not live although nothing failed, or None: LIVE is said only when it
        was polled within two intervals."""
        now = self.clock()
        if self.feeder is not None:
            if self.feeder.stopped_answering(now):
                silent = self.feeder.silent_for(now) or 0
                return (f"poller pid {self.feeder.pid} stopped answering (last poll {fmt.duration(int(silent))} "
                        "ago); this monitor polls meanwhile")
            return None
        if self.fed_by is None and self.last_ok is not None and not self.polling and not self.paused:
            if now - self.last_ok > 2 * self.interval + 10:
                return f"no poll for {fmt.duration(int(now - self.last_ok))}"
        return None

    @property
    def state(self) -> str:
        if not self.live:
            return "IMPORTED"
        if self.needs_login:
            return "LOGIN NEEDED"
        if self.paused:
            return "PAUSED"
        if self.last_error:
            return "OFFLINE (cached)"
        if self.polling:
            return "POLLING"
        if self.stale_reason() is not None:
            return "STALE"
        return "LIVE"

    def refresh_status(self) -> None:
        dashboard = next((s for s in self.screen_stack if isinstance(s, DashboardScreen)), None)
        tables = dashboard.query(VideoTable) if dashboard is not None else None
        if not tables:
            return  # not composed yet
        table = tables.first()
        next_in = self._next_poll_at - time.monotonic() if self._next_poll_at is not None else None
        kind = self.source.kind
        source = "DEMO" if kind == "demo" else kind
        if len(self.sources) > 1:
            source += " · all accounts" if self.view is None else f" · {self.source.account().label}"
        stale = self.stale_reason()
        if stale is not None:
            source += f" · {stale}"
        elif self.fed_by is not None:
            source += f" · fed by poller (pid {self.fed_by})"
        shown, total, gone = len(table.order), len(table.rows), table.gone_count
        if self._summary is not None and not table.filter_text:
            # The first frame holds only the rows on screen: count every video, as the header does.
            listed, gone = self._summary[0], self._summary[1]
            total = listed + gone
            shown = listed if table.hide_gone else total
        for screen in self.screen_stack:
            for status in screen.query(StatusLine):
                status.show(source=source, state=self.state, last_ok=self.last_ok, next_in=next_in,
                            interval=self.interval, sort=table.sort_label(), shown=shown, total=total,
                            error=self.last_error, filter_text=table.filter_text, gone=gone,
                            gone_hidden=table.hide_gone)
