"""Messages that workers post to the UI; widgets update on the event loop when they arrive."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from sharetui.models import Account, Series, SweepResult, VideoRow


@dataclass
class DashboardData:
    """Everything the dashboard draws, computed off the event loop."""

    account: Account
    rows: list[VideoRow]
    shares_series: Series
    last_sweep: int | None
    now: int
    daily_shares: list[int | None] | None = None  # per day, from TikTok Studio imports, oldest first
    partial: bool = False  # the first frame's load: gains and trends only for the rows on screen


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
