"""Messages that workers post to the UI; widgets update on the event loop when they arrive."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from sharetui.domain.models import DashboardData, SweepResult

if TYPE_CHECKING:
    from sharetui.views.header import HeaderContent
    from sharetui.views.table import PreparedRows


class DashboardLoaded(Message):
    """New data for the dashboard; `table` and `header`, when set, were worked out in the worker thread so
    the event loop only swaps them in."""

    def __init__(self, data: DashboardData, table: PreparedRows | None = None,
                 header: HeaderContent | None = None) -> None:
        super().__init__()
        self.data = data
        self.table = table
        self.header = header


class CacheWritten(Message):
    """A screen changed the cache (the alerts list's triage): the dashboard reads it again now."""


class AlertsArrived(Message):
    """Alerts that reached the cache since the last look (from this monitor's poller or another's), and the
    toasts that say them (worked out in the worker: naming an account reads the cache)."""

    def __init__(self, alerts: list, notes: list) -> None:
        super().__init__()
        self.alerts = alerts
        self.notes = notes


class PollFinished(Message):
    """A sweep ended: `result` on success, `error` (one line for the user) on failure."""

    def __init__(self, result: SweepResult | None, error: str | None = None, needs_login: bool = False) -> None:
        super().__init__()
        self.result = result
        self.error = error
        self.needs_login = needs_login


class DataChanged(Message):
    """Sent to every open screen after new data was stored, so open views refresh themselves."""


class OpenVideo(Message):
    """Open one video's screen (from the table, the palette or the alerts list)."""

    def __init__(self, video_id: str) -> None:
        super().__init__()
        self.video_id = video_id


class ShowAccount(Message):
    """Show one account (its index) or all of them (None) on the dashboard."""

    def __init__(self, view: int | None) -> None:
        super().__init__()
        self.view = view


class StatusWanted(Message):
    """A screen or widget changed what the status line shows (sort, filter, a new screen): repaint it."""


class DashboardReady(Message):
    """The dashboard's widgets are mounted: data that arrived before can be shown now."""


class ViewChanged(Message):
    """The user changed how the dashboard looks (sort, columns): the app keeps it for the next start."""
