"""Messages that workers post to the UI; widgets update on the event loop when they arrive."""

from __future__ import annotations

from textual.message import Message

from sharetui.models import DashboardData, SweepResult


class DashboardLoaded(Message):
    def __init__(self, data: DashboardData) -> None:
        super().__init__()
        self.data = data


class PollFinished(Message):
    """A sweep ended: `result` on success, `error` (one line for the user) on failure."""

    def __init__(self, result: SweepResult | None, error: str | None = None, needs_login: bool = False) -> None:
        super().__init__()
        self.result = result
        self.error = error
        self.needs_login = needs_login


class DataChanged(Message):
    """Sent to every open screen after new data was stored, so open views refresh themselves."""
