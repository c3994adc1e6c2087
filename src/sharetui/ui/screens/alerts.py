"""Every alert of the accounts shown, newest first: when, which rule, which video of which account, and what
happened. Toasts vanish; this list stays (`A`, or "Alerts" in the command palette)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from sharetui import text as fmt
from sharetui.errors import StoreError
from sharetui.ui.messages import DataChanged, OpenVideo, StatusWanted
from sharetui.ui.widgets.key_bar import KeyBar
from sharetui.ui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from sharetui.domain.alerts import Alert
    from sharetui.monitor.service import ScreenData

LIMIT = 500  # the newest; `sharetui alerts --limit N` reaches further back


class AlertsScreen(Screen):
    BINDINGS = [
        Binding("escape,A", "app.pop_screen", "Back", id="back"),
        Binding("enter", "open_video", "Open video", id="open-alerted"),
    ]
    DEFAULT_CSS = """
    AlertsScreen #alerts-head { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    AlertsScreen DataTable { height: 1fr; }
    AlertsScreen #alerts-empty { padding: 1 2; color: $text-muted; }
    """

    def __init__(self, data: ScreenData) -> None:
        super().__init__()
        self.data = data
        self.alerts: list[Alert] = []

    def compose(self) -> ComposeResult:
        yield Static("Alerts, newest first · enter opens the video · esc back", id="alerts-head")
        table: DataTable[str] = DataTable(id="alerts-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("When", "Rule", "Account", "Video", "What happened")
        yield table
        yield Static("No alerts yet. They appear here as the rules fire (see `sharetui alerts` and the README).",
                     id="alerts-empty")
        yield StatusLine(id="status")
        yield KeyBar(hidden=self.data.unoffered_actions)

    def on_mount(self) -> None:
        self.query_one("#alerts-empty").display = False
        self.load()
        self.post_message(StatusWanted())

    def on_data_changed(self, _message: DataChanged) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="alerts-list")
    def load(self) -> None:
        keys = [account.key for account in self.data.accounts]
        try:
            alerts = self.data.reader.alerts(keys, limit=LIMIT)
            labels = {key: (found.label if (found := self.data.reader.account(key)) else key) for key in keys}
        except StoreError as exc:
            self.app.call_from_thread(self.notify, f"cannot read the alerts: {exc}", severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, alerts, labels)

    def _show(self, alerts: list[Alert], labels: dict[str, str]) -> None:
        table = self.query_one(DataTable)
        keep = table.cursor_row
        self.alerts = alerts
        table.clear()
        now = self.data.clock()
        for alert in alerts:
            # Titles come from TikTok: made safe, and given as Text, so DataTable parses no markup in them.
            table.add_row(*(Text(cell) for cell in (
                fmt.when(alert.at, now), alert.rule.replace("_", " "),
                fmt.safe_text(labels.get(alert.account, alert.account), 30),
                fmt.safe_text(alert.title, 40) or alert.video_id, fmt.safe_text(alert.message, 200))))
        if alerts:
            table.move_cursor(row=min(keep, len(alerts) - 1))
        table.display = bool(alerts)
        self.query_one("#alerts-empty").display = not alerts
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_video()

    def action_open_video(self) -> None:
        """enter (DataTable's own select, or this screen's binding when the table is empty)."""
        table = self.query_one(DataTable)
        if not self.alerts:
            return
        alert = self.alerts[min(table.cursor_row, len(self.alerts) - 1)]
        if self.data.row(alert.video_id) is None:
            self.notify("That video is not in the account shown now: press a to switch accounts.",
                        severity="warning")
            return
        self.app.post_message(OpenVideo(alert.video_id))  # over this list: esc comes back to it
