"""The main screen: account header, the videos table, a filter box, the status line."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from sharetui import text as fmt
from sharetui.domain.models import DashboardData
from sharetui.ui.messages import DashboardReady, OpenVideo, StatusWanted, ViewChanged
from sharetui.ui.widgets.account_header import AccountHeader
from sharetui.ui.widgets.key_bar import KeyBar
from sharetui.ui.widgets.status_line import StatusLine
from sharetui.ui.widgets.video_table import VideoTable
from sharetui.views.header import HeaderContent
from sharetui.views.table import PreparedRows, row_line

if TYPE_CHECKING:
    from textual.widgets import Input

    from sharetui.monitor.service import ScreenData


class DashboardScreen(Screen):
    AUTO_FOCUS = "VideoTable"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="clear-filter"),
        Binding("s", "cycle_sort", "Sort", id="sort"),
        Binding("r", "reverse", "Reverse", id="reverse", show=False),
        Binding("m", "mark", "Mark", id="mark"),
        Binding("c", "compare", "Compare", id="compare"),
        Binding("h", "toggle_gone", "Hide gone", id="toggle-gone", show=False),
        Binding("C", "pick_columns", "Columns", id="pick-columns", show=False),
        Binding("y", "copy_row", "Copy row", id="copy-row", show=False),
    ]

    def __init__(self, data: ScreenData) -> None:
        super().__init__()
        self.data = data
        self._typed_ahead: list[str] | None = None  # keys typed while the filter box is being mounted

    def compose(self) -> ComposeResult:
        yield AccountHeader()
        yield VideoTable(id="videos")  # the filter box is mounted above it on first use
        yield StatusLine(id="status")
        yield KeyBar(hidden=self.data.unoffered_actions)

    @property
    def table(self) -> VideoTable:
        return self.query_one(VideoTable)

    def on_mount(self) -> None:
        self.post_message(DashboardReady())  # children are mounted: data can be shown now

    def apply(self, data: DashboardData, table: PreparedRows | None = None,
              header: HeaderContent | None = None) -> None:
        self.query_one(AccountHeader).show(data, header)
        if data.alerted != self.table.alerted:
            self.table.alerted = data.alerted
            self.table.forget_lines()  # the marks changed: repaint the rows
        if table is not None:
            self.table.apply_prepared(table)
        else:
            self.table.set_rows(data.rows, data.now)

    # -- filter ---------------------------------------------------------------------------------

    def _filter_keys(self) -> set[str]:
        return {b.binding.key for b in self.active_bindings.values() if b.binding.action == "filter"}

    def _filter_box(self) -> Input | None:
        found = self.query("#filter")
        return cast("Input", found.first()) if found else None

    async def action_filter(self) -> None:
        box = self._filter_box()
        if box is None:
            from textual.widgets import Input  # most sessions never filter: not loaded at start

            box = Input(placeholder="filter by title, video id or TikTok link (enter: keep, esc: clear)", id="filter",
                        select_on_focus=False)  # (reopened, it goes on from what it holds)
            await self.mount(box, before=self.table)
        box.add_class("-open")
        box.focus()
        if self._typed_ahead:
            box.insert_text_at_cursor("".join(self._typed_ahead))
            self._typed_ahead.clear()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.table.filter_text = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self._typed_ahead = None
            if not event.value:
                event.input.remove_class("-open")
            self.table.focus()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if event.widget is self._filter_box():
            self._typed_ahead = None  # focus moved on (a click on the table): its keys are its own again

    def action_clear_filter(self) -> None:
        self._typed_ahead = None
        box = self._filter_box()
        if box is not None:
            box.value = ""
            box.remove_class("-open")
        self.table.filter_text = ""
        self.table.focus()

    def on_key(self, event) -> None:  # noqa: ANN001
        # Keys typed right after / reach the table before the box has focus (a space in "/my cat" would
        # pause polling): from / until enter or esc, a printable key that gets here belongs to the filter
        # (the box itself never lets one through).
        box = self._filter_box()
        if event.key in self._filter_keys() and (box is None or not box.has_focus):
            self._typed_ahead = []
        elif self._typed_ahead is not None and event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            if box is not None and box.has_focus:
                box.insert_text_at_cursor(event.character)
            else:
                self._typed_ahead.append(event.character)
            return
        # esc inside the filter box clears it (Input has no escape binding of its own).
        if event.key == "escape" and self.focused is not None and self.focused is box:
            event.stop()
            self.action_clear_filter()

    # -- sorting --------------------------------------------------------------------------------

    def action_cycle_sort(self) -> None:
        self.table.cycle_sort()
        self.post_message(StatusWanted())

    def action_sort_by(self, key: str) -> None:
        self.table.sort_by(key)
        self.post_message(StatusWanted())

    def action_reverse(self) -> None:
        self.table.reverse_sort()
        self.post_message(StatusWanted())

    def action_toggle_gone(self) -> None:
        """Hide or show videos gone from TikTok (made private or removed); their history stays."""
        self.table.hide_gone = not self.table.hide_gone
        gone = self.table.gone_count
        self.notify(f"{'Hiding' if self.table.hide_gone else 'Showing'} {fmt.plural(gone, 'gone video')}.")
        self.post_message(StatusWanted())

    def action_mark(self) -> None:
        row = self.table.cursor_row
        if row is None:
            return
        self.table.toggle_mark(row.id)
        self.table.action_cursor(1)
        self.post_message(ViewChanged())  # marks are kept for the next start

    def action_copy_row(self) -> None:
        """The highlighted row as one tab-separated line (pastes into a spreadsheet's cells)."""
        row = self.table.cursor_row
        if row is None:
            self.notify("No video is highlighted.")
            return
        line = row_line(row)
        self.app.copy_to_clipboard(line)
        self.notify(f"Sent to the terminal's clipboard (OSC 52; if your terminal ignores it, copy it from here): "
                    f"{line.replace(chr(9), ' · ')}", markup=False)

    def action_compare(self) -> None:
        marked = [key for key in self.table.order if key in self.table.marked] or \
            [key for key in self.table.rows if key in self.table.marked]
        if not marked:
            self.notify("Mark videos with m first (the highlighted one is marked with ●).")
            return
        from sharetui.ui.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(marked, self.data))

    def on_video_table_selected(self, event: VideoTable.Selected) -> None:
        self.post_message(OpenVideo(event.row.id))

    @property
    def rooms(self) -> tuple[int, int]:
        """Bars of history the table's and the header's sparklines have room for (one per cell)."""
        return self.table.trend_bars, self.query_one(AccountHeader).bars

    def on_account_header_room(self, _event: AccountHeader.Room) -> None:
        self.post_message(ViewChanged())  # the app reads as many bars as there is room for

    def on_video_table_changed(self, event: VideoTable.Changed) -> None:
        self.post_message(StatusWanted())
        self.post_message(ViewChanged())  # a sort or column change is kept for the next start

    def action_pick_columns(self) -> None:
        from sharetui.ui.screens.columns import ColumnPicker

        def chosen(picked: tuple[set[str], list[str]] | None) -> None:
            if picked is not None:
                self.table.set_columns(*picked)
                self.post_message(ViewChanged())

        self.app.push_screen(ColumnPicker(self.table.hidden, self.table.column_order), chosen)
