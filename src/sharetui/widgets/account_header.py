"""The top band: account name, totals, and a sparkline of the account's shares per interval."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Sparkline, Static

from sharetui import text as fmt
from sharetui.messages import DashboardData


class AccountHeader(Horizontal):
    DEFAULT_CSS = """
    AccountHeader { height: 3; background: $panel; padding: 0 1; }
    AccountHeader > Vertical#account-side { width: 50; }
    AccountHeader > Vertical#trend-side { width: 1fr; }
    AccountHeader #account-name { text-style: bold; color: $text-accent; }
    AccountHeader #totals { color: $text; height: 2; }
    AccountHeader #trend-label { color: $text-muted; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    AccountHeader Sparkline { height: 2; }
    AccountHeader Sparkline > .sparkline--max-color { color: $success; }
    AccountHeader Sparkline > .sparkline--min-color { color: $success 40%; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="account-side"):
            yield Static("loading…", id="account-name", markup=False)
            yield Static("", id="totals", markup=False)
        with Vertical(id="trend-side"):
            yield Static("", id="trend-label", markup=False)
            yield Sparkline([], id="shares-sparkline")

    def show(self, data: DashboardData) -> None:
        account = data.account
        self.query_one("#account-name", Static).update(Content(fmt.safe_text(account.label, 60)))
        live = [r for r in data.rows if not r.gone]
        followers = f" · {account.followers:,} followers" if account.followers is not None else ""
        totals = (
            f"{len(live)} videos{followers}\n"
            f"{fmt.count(sum(r.shares for r in live))} shares · {fmt.count(sum(r.views for r in live))} views"
            f" · {fmt.count(sum(r.likes for r in live))} likes"
        )
        self.query_one("#totals", Static).update(Content(totals))
        if data.daily_shares and any(v is not None for v in data.daily_shares):
            # Imported daily totals reach back further than polling: show the long range.
            days = [v or 0 for v in data.daily_shares]
            label = (f"shares per day, last {len(days)} days (Studio export) · {fmt.count(sum(days))} · "
                     f"peak {fmt.count(max(days))}")
            self.query_one("#trend-label", Static).update(Content(label))
            self.query_one(Sparkline).data = days
            return
        series = data.shares_series
        gains = series.gains
        span = series.end - series.start
        step_seconds = series.step
        label = (
            f"shares per {fmt.duration(step_seconds)} · {fmt.count(sum(gains))} in {fmt.duration(span)} · "
            f"peak {fmt.count(max(gains, default=0))} · last {fmt.count(gains[-1] if gains else 0)}"
        )
        self.query_one("#trend-label", Static).update(Content(label))
        self.query_one(Sparkline).data = list(gains)
