"""The videos table: a Line API widget that paints only the visible rows.

Rows are kept in a dict keyed by video id; an update swaps the data, re-sorts the key list and repaints
what is on screen. The cursor follows a video (by key), not a position, so it stays on the same video
when a poll re-sorts the table. Column widths are fixed per column, so nothing is measured per cell.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sharetui.domain.models import VideoRow
from sharetui.ui.widgets.cells import fit
from sharetui.views.table import (
    COLUMNS,
    DEFAULT_SORT,
    SORTABLE,
    TREND_BARS,
    Column,
    PreparedRows,
    Shown,
    TableView,
    column_at,
    empty_text,
    header_label,
    layout_columns,
    next_sort,
    prepare,
    row_cells,
    sort_label,
)


class VideoTable(ScrollView, can_focus=True):
    """A sortable, filterable, keyed table of videos."""

    DEFAULT_CSS = """
    VideoTable { height: 1fr; overflow-x: hidden; scrollbar-gutter: stable; }
    VideoTable > .video-table--header { text-style: bold; color: $text-accent; background: $panel; }
    VideoTable > .video-table--cursor { background: $block-cursor-background; color: $block-cursor-foreground;
                                        text-style: bold; }
    VideoTable > .video-table--cursor-blurred { background: $block-cursor-blurred-background; }
    VideoTable > .video-table--shares { color: $text-success; text-style: bold; }
    VideoTable > .video-table--rising { color: $text-warning; text-style: bold; }
    VideoTable > .video-table--muted { color: $text-muted; }
    VideoTable > .video-table--trend { color: $text-primary; }
    VideoTable > .video-table--gone { color: $text-muted; text-style: dim; }
    """
    COMPONENT_CLASSES = {
        "video-table--header", "video-table--cursor", "video-table--cursor-blurred", "video-table--shares",
        "video-table--rising", "video-table--muted", "video-table--trend", "video-table--gone",
    }
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,g", "edge(0)", "First", show=False),
        Binding("end,G", "edge(1)", "Last", show=False),
        Binding("enter", "select", "Open", id="open"),
    ]

    sort_key: reactive[str] = reactive(DEFAULT_SORT, init=False)
    sort_reverse: reactive[bool] = reactive(True, init=False)
    filter_text: reactive[str] = reactive("", init=False)
    hide_gone: reactive[bool] = reactive(False, init=False)  # videos gone from TikTok (private, removed)

    class Selected(Message):
        """The user opened a video (enter or double click)."""

        def __init__(self, row: VideoRow) -> None:
            super().__init__()
            self.row = row

    class Changed(Message):
        """The visible set changed (filter or data): the app shows the count."""

        def __init__(self, shown: int, total: int) -> None:
            super().__init__()
            self.shown = shown
            self.total = total

    def __init__(self, *, id: str | None = None, now: Callable[[], float] | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._shown = Shown()
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._cache: dict[str, Strip] = {}  # rendered rows, dropped when the row or the layout changes
        self._columns: list[Column] = COLUMNS
        self._widths: list[int] = []
        self._layout_width = -1
        self._now = now
        self._render_now = 0.0
        self.cursor_key: str | None = None
        self.marked: set[str] = set()  # videos marked for comparison
        self.hidden: set[str] = set()  # columns the user hid (the column picker, kept in the view state)
        self.column_order: list[str] = []  # the user's order of the columns (the column picker, kept too)
        self.alerted: frozenset[str] = frozenset()  # videos with an alert in the last day: "!" before the title
        self._show_account = False  # the Account column, for the all-accounts view

    # -- data -----------------------------------------------------------------------------------

    @property
    def rows(self) -> dict[str, VideoRow]:
        return self._shown.rows

    @property
    def shown(self) -> Shown:
        """The rows shown now and the ones that rose (what the next update is prepared against)."""
        return self._shown

    @property
    def view(self) -> TableView:
        return TableView(self.sort_key, self.sort_reverse, self.filter_text, self.hide_gone)

    @property
    def order(self) -> list[str]:
        """Keys of the shown rows, in display order."""
        return self._order

    @property
    def cursor_row(self) -> VideoRow | None:
        return self.rows.get(self.cursor_key) if self.cursor_key else None

    def set_rows(self, rows: list[VideoRow], now: float) -> None:
        """Replace the data by a keyed diff: unchanged rows keep their rendered lines."""
        self.apply_prepared(prepare(self._shown, rows, now, self.view))

    def apply_prepared(self, prepared: PreparedRows) -> None:
        if prepared.base is not self._shown:  # another update landed in between: work it out again
            prepared = prepare(self._shown, list(prepared.rows.values()), prepared.now, self.view)
        for key in prepared.stale:
            self._cache.pop(key, None)
        self._shown = prepared.shown
        if int(prepared.now // 60) != int(self._render_now // 60):
            self._cache.clear()  # ages ("5m") moved on
        self._render_now = prepared.now
        if prepared.view == self.view:
            self._set_order(prepared.order)
        else:
            self._reorder()  # the sort or filter changed while it was prepared

    def _reorder(self) -> None:
        self._set_order(self.view.order(list(self.rows.values())))

    def _set_order(self, keys: list[str]) -> None:
        old_position = self._index.get(self.cursor_key, 0) if self.cursor_key else 0
        if bool(keys) != bool(self._order):
            self.refresh_bindings()  # ⏎ Open comes or goes
        self._order = keys
        self._index = {k: i for i, k in enumerate(keys)}
        if self.cursor_key not in self._index:
            # The highlighted video left the view (filtered out, gone): stay at the same height.
            self.cursor_key = keys[min(old_position, len(keys) - 1)] if keys else None
        # Width 0: rows always fit the width (no horizontal scrolling), so a resize never changes it.
        self.virtual_size = Size(0, len(keys) + 1)
        self.post_message(self.Changed(len(keys), len(self.rows)))
        self._scroll_cursor_into_view()
        self.refresh()

    def watch_sort_key(self) -> None:
        self._layout_width = -1  # the sorted column is always shown: choose the columns again
        self._reorder()

    watch_sort_reverse = watch_filter_text = watch_hide_gone = _reorder  # the view changed: order again

    @property
    def gone_count(self) -> int:
        return sum(1 for r in self.rows.values() if r.gone)

    def cycle_sort(self) -> str:
        """Sort by the next column on screen (hidden and dropped columns are skipped)."""
        key = next_sort(self.sort_key, self.visible_columns)
        self.sort_by(key)
        return key

    def sort_by(self, key: str) -> None:
        """Sort by a column: biggest first, except alphabetical; the same column again reverses it. The
        cursor lands on the new top, where the answer to the sort is."""
        if key == self.sort_key:
            self.sort_reverse = not self.sort_reverse
        else:
            self.set_reactive(VideoTable.sort_reverse, key != "title")
            self.sort_key = key
        self._set_cursor_index(0)

    def reverse_sort(self) -> None:
        self.sort_by(self.sort_key)

    def sort_label(self) -> str:
        return sort_label(self.sort_key, self.sort_reverse)

    @property
    def show_account(self) -> bool:
        return self._show_account

    @show_account.setter
    def show_account(self, value: bool) -> None:
        if value != self._show_account:
            self._show_account = value
            self._layout_width = -1  # choose the columns again
            self.refresh()

    def empty_text(self) -> str:
        return empty_text(self.filter_text, len(self.rows))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "select" or bool(self._order)  # nothing to open: the key bar does not offer ⏎ Open

    def forget_lines(self) -> None:
        """Paint every row again (what a row shows changed outside its data: marks, alerts)."""
        self._cache.clear()
        self.refresh()

    def toggle_mark(self, key: str) -> None:
        self.marked ^= {key}
        self._cache.pop(key, None)
        self.refresh()

    def move_to(self, key: str) -> bool:
        """Put the cursor on a video (clearing a filter that hides it)."""
        if key not in self.rows:
            return False
        if key not in self._index:
            self.filter_text = ""
        self.cursor_key = key
        self._scroll_cursor_into_view()
        self.refresh()
        return True

    # -- layout ---------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._layout_width:
            self._layout(self.scrollable_content_region.width)

    def _layout(self, width: int) -> None:
        bars = self.trend_bars
        self._columns, self._widths = layout_columns(width, self.hidden, self._show_account, self.sort_key,
                                                      self.column_order)
        self._layout_width = width
        self._cache.clear()
        if self.trend_bars != bars:  # room for more (or fewer) bars: the app reads that much history
            self.post_message(self.Changed(len(self._order), len(self.rows)))

    @property
    def trend_bars(self) -> int:
        """How many 2-hour bars the sparkline column has room for (one per cell)."""
        return dict(zip((c.key for c in self._columns), self._widths, strict=False)).get("trend", TREND_BARS)

    def restore_view(self, sort: str | None, reverse: bool | None, hidden: set[str], order: list[str],
                     marked: list[str]) -> None:
        """A kept view (sharetui.ui.view_state), before any data: no re-sort, one layout."""
        if sort in SORTABLE:
            self.set_reactive(VideoTable.sort_key, sort)
        if reverse is not None:
            self.set_reactive(VideoTable.sort_reverse, reverse)
        self.marked = set(marked)
        self.set_columns(hidden & {c.key for c in COLUMNS}, order)

    def set_columns(self, hidden: set[str], order: list[str] | None = None) -> None:
        """Hide these columns (the title always shows) and, given an `order`, put the rest in it."""
        self.hidden = set(hidden) - {"title"}
        self.column_order = list(order) if order is not None else self.column_order
        self._layout_width = -1  # choose the columns again
        self.refresh()

    def column_at(self, x: int) -> str | None:
        """The key of the column under screen column `x` of this widget (header clicks)."""
        return column_at(self._columns, self._widths, x)

    @property
    def visible_columns(self) -> list[str]:
        return [c.key for c in self._columns]

    # -- painting -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if width != self._layout_width:
            self._layout(width)  # first paint, or a scrollbar came or went
        if y == 0:
            return self._header_strip(width)
        index = int(self.scroll_offset.y) + y - 1
        if not self._order and index == 0 and self.rows:  # an empty view says why, and how out of it
            muted = self.rich_style + self.get_component_rich_style("video-table--muted")
            return Strip([Segment(fit(" " + self.empty_text(), width, False), muted)], width)
        if index >= len(self._order):
            return Strip.blank(width, self.rich_style)
        key = self._order[index]
        if key == self.cursor_key:
            name = "video-table--cursor" if self.has_focus else "video-table--cursor-blurred"
            return self._row_strip(self.rows[key], width, self.get_component_rich_style(name))
        strip = self._cache.get(key)
        if strip is None:
            strip = self._cache[key] = self._row_strip(self.rows[key], width, None)
        return strip

    def _header_strip(self, width: int) -> Strip:
        style = self.get_component_rich_style("video-table--header")
        cells = []
        for column, w in zip(self._columns, self._widths, strict=True):
            label = header_label(column, w, self.sort_key, self.sort_reverse, self._shown.trend_top)
            cells.append(fit(label, w, column.align_right))
        line = " ".join(cells)
        return Strip([Segment(fit(" " + line, width, False), style)], width)

    def _row_strip(self, row: VideoRow, width: int, cursor: Style | None) -> Strip:
        base = self.rich_style + cursor if cursor else self.rich_style
        line = _Line(base)
        line.add(" ", base)
        cells = row_cells(row, self._columns, self._widths, self._render_now, marked=row.id in self.marked,
                          alerted=row.id in self.alerted, rising=row.id in self._shown.rising,
                          top=self._shown.trend_top)
        for column, w, (text, tone) in zip(self._columns, self._widths, cells, strict=True):
            style = base + self.get_component_rich_style(f"video-table--{tone}") if tone and not cursor else base
            line.add(fit(text, w, column.align_right), style)
            line.add(" ", base)
        return line.strip(width)

    # -- cursor ---------------------------------------------------------------------------------

    def _cursor_index(self) -> int:
        return self._index.get(self.cursor_key, 0) if self.cursor_key else 0

    def _set_cursor_index(self, index: int) -> None:
        if not self._order:
            return
        index = max(0, min(len(self._order) - 1, index))
        self.cursor_key = self._order[index]
        self._scroll_cursor_into_view()
        self.refresh()

    def _scroll_cursor_into_view(self) -> None:
        if self.cursor_key is None or not self.size.height:
            return
        index = self._cursor_index()
        rows_visible = max(1, self.scrollable_content_region.height - 1)
        top = int(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + rows_visible:
            self.scroll_to(y=index - rows_visible + 1, animate=False, immediate=True)

    def action_cursor(self, delta: int) -> None:
        self._set_cursor_index(self._cursor_index() + delta)

    def action_page(self, direction: int) -> None:
        step = max(1, self.scrollable_content_region.height - 2)
        self._set_cursor_index(self._cursor_index() + direction * step)

    def action_edge(self, end: int) -> None:
        self._set_cursor_index(len(self._order) - 1 if end else 0)

    def action_select(self) -> None:
        row = self.cursor_row
        if row is not None:
            self.post_message(self.Selected(row))

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:  # a header: sort by that column (again: reverse)
            key = self.column_at(event.x)
            if key in SORTABLE:
                self.sort_by(key)
            return
        index = int(self.scroll_offset.y) + event.y - 1
        if 0 <= index < len(self._order):
            self._set_cursor_index(index)
            if event.chain >= 2:
                self.action_select()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()  # a theme change: rows are painted again in its colours

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class _Line:
    """A row being built: neighbouring cells of one style become one segment, since every later step
    (Textual's filters, crops and compositor) costs per segment."""

    def __init__(self, base: Style) -> None:
        self._base = base
        self._segments: list[Segment] = []
        self._texts: list[str] = []
        self._style: Style | None = None

    def add(self, text: str, style: Style) -> None:
        if style != self._style:
            self._flush()
            self._style = style
        self._texts.append(text)

    def _flush(self) -> None:
        if self._texts:
            self._segments.append(Segment("".join(self._texts), self._style))
            self._texts = []

    def strip(self, width: int) -> Strip:
        self._flush()
        return Strip(self._segments).adjust_cell_length(width, self._base)
