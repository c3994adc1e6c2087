"""Every alert of the accounts shown, newest first: when, its state, which rule, which video of which account,
and what happened. Toasts vanish; this list stays (`A`, or "Alerts" in the command palette), and is where
alerts are triaged: acknowledged (the table's "!" goes), a video muted, the list narrowed to one rule."""

from __future__ import annotations

from collections.abc import Callable
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
from sharetui.ui.messages import CacheWritten, DataChanged, OpenVideo, StatusWanted
from sharetui.ui.widgets.cells import fit
from sharetui.ui.widgets.key_bar import KeyBar
from sharetui.ui.widgets.status_line import StatusLine
from sharetui.views.alerts import AlertColumns, ListedAlert, cells, head_text, listed, next_rule, rule_name

if TYPE_CHECKING:
    from sharetui.domain.alerts import Alert
    from sharetui.monitor.service import ScreenData

LIMIT = 500  # the newest; `sharetui alerts --limit N` reaches further back


class AlertsScreen(Screen):
    BINDINGS = [
        Binding("escape,A", "app.pop_screen", "Back", id="back"),
        Binding("enter", "open_video", "Open video", id="open-alerted"),
        Binding("x", "acknowledge", "Acknowledge", id="acknowledge"),
        Binding("X", "acknowledge_all", "Acknowledge all", id="acknowledge-all", show=False),
        Binding("M", "mute", "Mute video", id="mute-video"),
        Binding("f", "next_rule", "Rule", id="filter-rule"),
    ]
    DEFAULT_CSS = """
    AlertsScreen #alerts-head { height: auto; padding: 0 1; background: $panel; color: $text-muted; }
    AlertsScreen DataTable { height: 1fr; }
    AlertsScreen #alerts-empty { padding: 1 2; color: $text-muted; }
    AlertsScreen #alerts-detail { height: auto; max-height: 4; padding: 0 1; background: $panel; }
    """

    def __init__(self, data: ScreenData) -> None:
        super().__init__()
        self.data = data
        self.rule: str | None = None  # None: every rule
        self.everything: list[tuple[Alert, bool]] = []
        self.muted: frozenset[tuple[str, str]] = frozenset()
        self.labels: dict[str, str] = {}
        self.shown: list[ListedAlert] = []

    @property
    def alerts(self) -> list[Alert]:
        """The alerts listed now, in order."""
        return [item.alert for item in self.shown]

    def compose(self) -> ComposeResult:
        yield Static(id="alerts-head", markup=False)
        yield DataTable(id="alerts-table", cursor_type="row", zebra_stripes=True)
        yield Static("No alerts yet. They appear here as the rules fire (see `sharetui alerts` and the README).",
                     id="alerts-empty", markup=False)
        yield Static(id="alerts-detail", markup=False)  # the highlighted alert in full: nothing is cut
        yield StatusLine(id="status")
        yield KeyBar(hidden=self.data.unoffered_actions)

    def on_mount(self) -> None:
        self.query_one("#alerts-empty").display = False
        self.load()
        self.post_message(StatusWanted())

    def on_data_changed(self, _message: DataChanged) -> None:
        self.load()

    def on_resize(self) -> None:
        self._show()

    @work(thread=True, exclusive=True, group="alerts-list")
    def load(self) -> None:
        keys = [account.key for account in self.data.accounts]
        try:
            alerts = self.data.reader.alerts_seen(keys, limit=LIMIT)
            muted = self.data.reader.muted_videos(keys)
            labels = {key: (found.label if (found := self.data.reader.account(key)) else key) for key in keys}
        except StoreError as exc:
            self.app.call_from_thread(self.notify, f"cannot read the alerts: {exc}", severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, alerts, muted, labels)

    def _loaded(self, alerts: list[tuple[Alert, bool]], muted: frozenset[tuple[str, str]],
                labels: dict[str, str]) -> None:
        self.everything, self.muted, self.labels = alerts, muted, labels
        self._show()

    def _show(self) -> None:
        if not self.is_mounted:
            return
        table: DataTable[Text] = self.query_one(DataTable)
        keep = table.cursor_row
        self.shown = listed(self.everything, self.muted, self.rule)
        now = self.data.clock()
        several = len(self.labels) > 1
        rows = [cells(item, now, self.labels.get(item.alert.account, item.alert.account), several)
                for item in self.shown]
        layout = AlertColumns.fit(self.size.width, [r[0] for r in rows], list(self.labels.values()),
                                  [r[-2] for r in rows], several)
        table.clear(columns=True)
        for label, width in zip(layout.labels, layout.widths, strict=True):
            table.add_column(label, width=width)
        for item, row in zip(self.shown, rows, strict=True):
            style = "dim" if item.state != "new" else ""
            # Titles come from TikTok: made safe, and given as Text, so DataTable parses no markup in them;
            # fitted with an ellipsis, so a long message says it goes on.
            table.add_row(*(Text(fit(cell, width), style=style) for cell, width in zip(row, layout.widths, strict=True)))
        new = sum(1 for item in listed(self.everything, self.muted, None) if item.state == "new")  # as listed
        self.query_one("#alerts-head", Static).update(head_text(len(self.shown), len(self.everything), new, self.rule))
        if self.shown:
            table.move_cursor(row=min(keep, len(self.shown) - 1))
        table.display = bool(self.shown)
        self.query_one("#alerts-detail").display = bool(self.shown)
        empty = self.query_one("#alerts-empty", Static)
        empty.display = not self.shown
        if self.rule and self.everything:
            empty.update(f"No {rule_name(self.rule)} alerts: f shows the next rule, then all of them.")
        table.focus()

    def _current(self) -> ListedAlert | None:
        if not self.shown:
            return None
        return self.shown[min(self.query_one(DataTable).cursor_row, len(self.shown) - 1)]

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        item = self._current()
        detail = self.query_one("#alerts-detail", Static)
        detail.display = item is not None
        if item is not None:
            detail.update(f"{fmt.when(item.alert.at, self.data.clock())} · {item.state} · "
                          f"{fmt.safe_text(item.alert.message, 600)}")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_video()

    def action_open_video(self) -> None:
        """enter (DataTable's own select, or this screen's binding when the table is empty)."""
        item = self._current()
        if item is None:
            return
        if self.data.row(item.alert.video_id) is None:
            self.notify("That video is not in the account shown now: press a to switch accounts.",
                        severity="warning")
            return
        self.post_message(OpenVideo(item.alert.video_id))  # over this list: esc comes back to it

    # -- triage -----------------------------------------------------------------------------------

    def action_next_rule(self) -> None:
        self.rule = next_rule(self.rule)
        self._show()

    def action_acknowledge(self) -> None:
        item = self._current()
        if item is not None:
            self._write(lambda: self.data.acknowledge([item.alert]), "")
            self.query_one(DataTable).action_cursor_down()

    def action_acknowledge_all(self) -> None:
        fresh = [item.alert for item in self.shown if not item.seen]
        if fresh:
            self._write(lambda: self.data.acknowledge(fresh), f"Acknowledged {len(fresh)} alerts.")

    def action_mute(self) -> None:
        item = self._current()
        if item is None:
            return
        alert, muting = item.alert, not item.muted
        title = fmt.safe_text(alert.title, 60) or alert.video_id  # (from TikTok: never terminal control)
        note = (f"Muted “{title}”: its alerts are still kept and listed, with no toast, bell or ! mark. "
                "M again unmutes it." if muting else f"Unmuted “{title}”.")
        self._write(lambda: self.data.mute_video(alert.account, alert.video_id, muting), note)

    @work(thread=True, group="alerts-triage")
    def _write(self, change: Callable[[], None], note: str) -> None:
        try:
            change()
        except StoreError as exc:
            self.app.call_from_thread(self.notify, f"cannot change the alert: {exc}", severity="error", markup=False)
            return
        if note:
            self.app.call_from_thread(self.notify, note, markup=False)
        self.app.call_from_thread(self.load)
        self.app.post_message(CacheWritten())
