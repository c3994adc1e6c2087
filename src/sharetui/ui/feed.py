"""The monitor's one data path: every read of the cache and every sweep runs in a worker thread, and what it
finds reaches the app as a message. The event loop only swaps what arrives and paints it."""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from sharetui.errors import StoreError
from sharetui.monitor.session import Note
from sharetui.ui.messages import AlertsArrived, DashboardLoaded, PollFinished
from sharetui.ui.screens.dashboard import DashboardScreen
from sharetui.views.header import HeaderContent

if TYPE_CHECKING:
    from textual.app import App

    from sharetui.domain.alerts import Alert
    from sharetui.domain.models import DashboardData
    from sharetui.monitor.service import MonitorService, ScreenReader
    from sharetui.monitor.session import MonitorSession
    from sharetui.ui.widgets.video_table import VideoTable
    from sharetui.views.table import TableModel


ALERT_TOASTS = 2  # more alerts at once than this become one summary toast


class DashboardFeed:
    """Loads the dashboard from the cache and runs the poll cycle, off the event loop."""

    def __init__(self, app: App[int], service: MonitorService, session: MonitorSession,
                 table_model: TableModel) -> None:
        self.app, self.service, self.session, self.table_model = app, service, session, table_model
        self.table_ready = False  # until the dashboard's table is mounted, updates are not prepared for it
        self.partial = False  # what is shown is the first frame's partial load
        self.shown_version: int | None = None  # the cache's data_version the screen shows
        self.reading = False  # a follow worker is on its way or reading the dashboard

    def _data(self, with_baseline: bool = True, first_rows: int | None = None, reader: str = "data") -> DashboardData:
        return self.service.dashboard(self.session.view, with_baseline=with_baseline, first_rows=first_rows,
                                      reader=reader, trend_bars=self.session.trend_bars,
                                      header_bars=self.session.header_bars)

    def first_frame(self, first_rows: int | None) -> None:
        """What the cache already knows, before the first frame: only the rows on screen (`first_rows`, or all
        of them for an order the index cannot give), no baselines; the rest comes right after.

        This query runs on the event loop: a worker thread would only fight the screen being built for the
        GIL and finish later (measured: 3-4x slower at 2,000 videos)."""
        with contextlib.suppress(StoreError):  # (a cache that cannot be read says so just below)
            self.service.take_new_alerts()  # alerts stored before this start are history, not news
        try:
            data = self._data(with_baseline=False, first_rows=first_rows, reader="ui")
        except StoreError as exc:
            self.app.post_message(PollFinished(None, f"cannot read the cache: {exc}"))
            return
        self.partial = True
        self.app.post_message(DashboardLoaded(dataclasses.replace(data, partial=True)))

    def table_changed(self, table: VideoTable) -> None:
        """The table's rows, view or room changed: updates are prepared for what it is now, and where the
        table's or the header's sparkline has room for more (or fewer) bars of history, the dashboard is read
        again with that many."""
        self.table_model.shown, self.table_model.view = table.shown, table.view
        board = table.parent  # the dashboard (a message can arrive while the app closes: then none)
        if not isinstance(board, DashboardScreen):
            return
        rooms = board.rooms
        if rooms != self._rooms():
            self.session.trend_bars, self.session.header_bars = rooms
            # A read under way (or the first frame's rest, still to come) reads with these itself.
            if self.table_ready and not self.reading and not self.partial:
                self.follow(force=True)

    def _rooms(self) -> tuple[int, int]:
        return self.session.trend_bars, self.session.header_bars

    def follow(self, force: bool = False) -> None:
        """Reload when another process stored something (or when `force`d)."""
        self.reading = True  # from now: a room change meanwhile is read by this worker, not another
        self.app.run_worker(lambda: self._follow(force), thread=True, exclusive=True, group="follow",
                            exit_on_error=False)

    def poll(self) -> None:
        """Sweep every account this process polls (one after the other: they share the rate limiter), then
        reload."""
        self.app.run_worker(self._poll, thread=True, exclusive=True, group="poll", exit_on_error=False)

    def _follow(self, force: bool) -> None:
        try:
            version = self.service.reader().data_version()
            if version == self.shown_version and not force:
                return  # nobody committed anything since the last look
            if self.partial:  # every row first (sorting and End work at once); the usual curves follow
                self.app.post_message(self._loaded(self._data(with_baseline=False)))
            rooms = None
            while rooms != self._rooms():  # the sparklines' room changed during the read: read that much
                rooms = self._rooms()
                data = self._data()
        except StoreError as exc:
            self.app.post_message(PollFinished(None, f"cannot read the cache: {exc}"))
            return
        finally:
            self.reading = False
        if not get_current_worker().is_cancelled:
            # Seen only once shown: a read cancelled by a newer one (exclusive) leaves the version unseen, so
            # the next look reads it rather than taking it for shown.
            self.shown_version = version
            self.app.post_message(self._loaded(data))
            self._post_new_alerts()

    def _post_new_alerts(self) -> None:
        """Alerts any process stored since the last look, each announced once."""
        try:
            fresh = self.service.take_new_alerts()
        except StoreError:
            return  # the next look tries again; the reload that failed has already said why
        if fresh:
            several = len(self.service.sources) > 1
            self.app.post_message(AlertsArrived(fresh, alert_notes(fresh, self.service.reader() if several else None)))

    def _poll(self) -> None:
        try:
            worker = get_current_worker()
            if self.partial:  # after the first frame: every row, then the usual curves (slower), then the sweep
                with contextlib.suppress(StoreError):  # the reload after the sweep reports it
                    self.app.post_message(self._loaded(self._data(with_baseline=False)))
                    self.app.post_message(self._loaded(self._data()))
            cycle = self.service.poll_cycle(interval=self.session.interval)
            message = PollFinished(cycle.result, cycle.error, needs_login=cycle.needs_login)
            data = None
            try:
                # Marked as seen before reading: the follow timer then reloads only for what others commit.
                self.shown_version = self.service.reader().data_version()
                data = self._data()
            except StoreError as exc:
                message = PollFinished(None, f"cannot read the cache: {exc}")
            if worker.is_cancelled:
                return
            if data is not None:
                self.app.post_message(self._loaded(data))
            self._post_new_alerts()
            self.app.post_message(message)
        except Exception as exc:  # a bug must not leave the monitor stuck in POLLING
            self.app.log.error("poll failed", exc_info=exc)
            self.app.post_message(PollFinished(None, f"internal error while polling: {type(exc).__name__}: {exc}"))

    def _loaded(self, data: DashboardData) -> DashboardLoaded:
        """The data with the table's update and the header's text worked out against the table model, so a
        poll landing on 10,000 rows costs the event loop a swap."""
        prepared = self.table_model.prepare(data.rows, data.now) if self.table_ready else None
        return DashboardLoaded(data, prepared, HeaderContent.of(data))


def alert_notes(alerts: list[Alert], reader: ScreenReader | None) -> list[Note]:
    """A toast per alert, or one summary for many; `reader` names the account when there are several."""
    if len(alerts) > ALERT_TOASTS:
        rules = sorted({a.rule.replace("_", " ") for a in alerts})
        return [Note(f"{len(alerts)} new alerts ({', '.join(rules)}): press A to see them.", "Alerts")]
    notes = []
    for alert in alerts:
        title = f"Alert: {alert.rule.replace('_', ' ')}"
        if reader is not None:
            known = reader.account(alert.account)
            title += f" · {known.label if known else alert.account}"
        notes.append(Note(alert.message, title))
    return notes
