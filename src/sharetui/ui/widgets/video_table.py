"""The videos table: a Line API widget that paints only the visible rows.

Rows are kept in a dict keyed by video id; an update swaps the data, re-sorts the key list and repaints
what is on screen. The cursor follows a video (by key), not a position, so it stays on the same video
when a poll re-sorts the table. Column widths are fixed per column, so nothing is measured per cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from sharetui import text as fmt
from sharetui.domain.models import VideoRow
from sharetui.ui.widgets.cells import fit


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    width: int
    priority: int  # columns with the highest number are dropped first when the terminal is narrow
    sort: Callable[[VideoRow], object]  # None where the value is unknown: such rows sort last either way
    cell: Callable[[VideoRow, float], str]
    align_right: bool = True


def _day7(row: VideoRow, part: int) -> int | None:
    """p10, p50 or p90 (part 0, 1, 2) of the 7-day forecast; None where there is none."""
    band = row.forecast.bands.get("7d") if row.forecast is not None else None
    return None if band is None else (band.p10, band.p50, band.p90)[part]


def _day7_cell(row: VideoRow) -> str:
    """The 7-day p50, with "~" in front when the band is wide (p90 > 2.5 × p10): a rough guess."""
    band = row.forecast.bands.get("7d") if row.forecast is not None else None
    if band is None:
        return "–"
    return ("~" if band.wide else "") + fmt.count(band.p50)


COLUMNS: list[Column] = [
    Column("account", "Account", 14, 3, lambda r: r.account_label.casefold(),
           lambda r, now: fmt.safe_text(r.account_label, 40), align_right=False),
    Column("title", "Title", 0, 0, lambda r: r.title.casefold(), lambda r, now: r.title, align_right=False),
    Column("posted", "Posted", 6, 4, lambda r: r.posted_at, lambda r, now: fmt.age(r.posted_at, now)),
    Column("views", "Views", 8, 3, lambda r: r.known("views"),
           lambda r, now: fmt.count(r.known("views"))),
    Column("likes", "Likes", 7, 7, lambda r: r.known("likes"),
           lambda r, now: fmt.count(r.known("likes"))),
    Column("comments", "Cmnts", 6, 8, lambda r: r.known("comments"),
           lambda r, now: fmt.count(r.known("comments"))),
    Column("shares", "Shares", 7, 0, lambda r: r.known("shares"),
           lambda r, now: fmt.count(r.known("shares"))),
    Column("rate", "‰Shr", 5, 6, lambda r: r.share_rate, lambda r, now: fmt.rate(r.share_rate)),
    Column("gain_1h", "+1h", 6, 1, lambda r: r.gain_1h, lambda r, now: fmt.gain(r.gain_1h, r.gain_1h_lower)),
    Column("gain_24h", "+24h", 7, 2, lambda r: r.gain_24h,
           lambda r, now: fmt.gain(r.gain_24h, r.gain_24h_lower)),
    Column("usual", "×Usual", 6, 5, lambda r: r.vs_usual,
           lambda r, now: fmt.ratio(r.vs_usual)),
    Column("forecast", "→Day7", 7, 5, lambda r: _day7(r, 1), lambda r, now: _day7_cell(r)),
    Column("trend", "Shares 24h", 12, 9, lambda r: r.gain_24h, lambda r, now: fmt.spark(r.trend),
           align_right=False),
]
SORTABLE = [c.key for c in COLUMNS if c.key not in ("trend", "account")]
DEFAULT_SORT = "shares"  # most shared first
TITLE_MIN = 18
TITLE_ROOM = 60  # a title wider than this gives the rest to the 24 h sparkline...
TREND_MAX = 36  # ...up to this wide
GAP = 1


def sort_rows(rows: list[VideoRow], sort_key: str, reverse: bool) -> list[VideoRow]:
    """Rows in table order by one column; ties broken by id, so equal values never swap between polls.
    Rows whose value is unknown ("–") come last in both directions."""
    column = next(c for c in COLUMNS if c.key == sort_key)
    keyed = [(column.sort(r), r) for r in rows]
    known = sorted((pair for pair in keyed if pair[0] is not None), key=lambda pair: pair[1].id, reverse=reverse)
    known.sort(key=lambda pair: pair[0], reverse=reverse)  # type: ignore[arg-type,return-value]
    unknown = sorted((r for value, r in keyed if value is None), key=lambda r: r.id)
    return [r for _, r in known] + unknown


def table_view(rows: list[VideoRow], sort_key: str, reverse: bool, needle: str, hide_gone: bool) -> list[str]:
    """The keys a table shows, in order, for a sort, a filter and the hide-gone switch (pure: it also runs
    in a worker thread, so a poll landing on 10,000 rows costs the event loop a swap, not a sort)."""
    needle = needle.casefold()
    shown = [r for r in rows if (not needle or needle in r.title.casefold()) and not (hide_gone and r.gone)]
    return [r.id for r in sort_rows(shown, sort_key, reverse)]


@dataclass
class PreparedRows:
    """A table update worked out off the event loop (VideoTable.prepare), applied with a swap."""

    base: dict[str, VideoRow]  # the rows it was prepared against: stale if the table moved on since
    rows: dict[str, VideoRow]
    rising: set[str]
    stale: set[str]  # keys whose painted lines must go
    view: tuple[str, bool, str, bool]  # (sort, reverse, filter, hide gone) the order was made for
    order: list[str]
    now: float


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
    """
    COMPONENT_CLASSES = {
        "video-table--header", "video-table--cursor", "video-table--cursor-blurred", "video-table--shares",
        "video-table--rising", "video-table--muted", "video-table--trend",
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
        self._rows: dict[str, VideoRow] = {}
        self._order: list[str] = []
        self._index: dict[str, int] = {}
        self._rising: set[str] = set()  # videos whose shares grew in the last update
        self._cache: dict[str, Strip] = {}  # rendered rows, dropped when the row or the layout changes
        self._columns: list[Column] = COLUMNS
        self._widths: list[int] = []
        self._layout_width = -1
        self._now = now
        self._render_now = 0.0
        self.cursor_key: str | None = None
        self.marked: set[str] = set()  # videos marked for comparison
        self.hidden: set[str] = set()  # columns the user hid (the column picker, kept in the view state)
        self.alerted: frozenset[str] = frozenset()  # videos with an alert in the last day: "!" before the title
        self._show_account = False  # the Account column, for the all-accounts view

    # -- data -----------------------------------------------------------------------------------

    @property
    def rows(self) -> dict[str, VideoRow]:
        return self._rows

    @property
    def order(self) -> list[str]:
        """Keys of the shown rows, in display order."""
        return self._order

    @property
    def cursor_row(self) -> VideoRow | None:
        return self._rows.get(self.cursor_key) if self.cursor_key else None

    def set_rows(self, rows: list[VideoRow], now: float) -> None:
        """Replace the data by a keyed diff: unchanged rows keep their rendered lines."""
        self.apply_prepared(self.prepare(rows, now))

    def _view(self) -> tuple[str, bool, str, bool]:
        return (self.sort_key, self.sort_reverse, self.filter_text, self.hide_gone)

    def prepare(self, rows: list[VideoRow], now: float) -> PreparedRows:
        """Work out an update against the rows shown now. Reads the table's state, changes nothing: safe to
        call from a worker thread."""
        previous = self._rows
        was_rising = self._rising
        fresh: dict[str, VideoRow] = {}
        rising: set[str] = set()
        stale: set[str] = set()
        for row in rows:
            old = previous.get(row.id)
            if old is not None and old.shares < row.shares:
                rising.add(row.id)
            if old is None or old != row or row.id in was_rising or row.id in rising:
                stale.add(row.id)
            fresh[row.id] = row
        stale |= previous.keys() - fresh.keys()
        view = self._view()
        return PreparedRows(previous, fresh, rising, stale, view, table_view(rows, *view), now)

    def apply_prepared(self, prepared: PreparedRows) -> None:
        if prepared.base is not self._rows:  # another update landed in between: work it out again
            prepared = self.prepare(list(prepared.rows.values()), prepared.now)
        for key in prepared.stale:
            self._cache.pop(key, None)
        self._rows = prepared.rows
        self._rising = prepared.rising
        if int(prepared.now // 60) != int(self._render_now // 60):
            self._cache.clear()  # ages ("5m") moved on
        self._render_now = prepared.now
        if prepared.view == self._view():
            self._set_order(prepared.order)
        else:
            self._reorder()  # the sort or filter changed while it was prepared

    def _reorder(self) -> None:
        self._set_order(table_view(list(self._rows.values()), *self._view()))

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
        self.post_message(self.Changed(len(keys), len(self._rows)))
        self._scroll_cursor_into_view()
        self.refresh()

    def watch_sort_key(self) -> None:
        self._layout_width = -1  # the sorted column is always shown: choose the columns again
        self._reorder()

    def watch_sort_reverse(self) -> None:
        self._reorder()

    def watch_filter_text(self) -> None:
        self._reorder()

    def watch_hide_gone(self) -> None:
        self._reorder()

    @property
    def gone_count(self) -> int:
        return sum(1 for r in self._rows.values() if r.gone)

    def cycle_sort(self) -> str:
        index = SORTABLE.index(self.sort_key)
        key = SORTABLE[(index + 1) % len(SORTABLE)]
        self.sort_by(key)
        return key

    def sort_by(self, key: str) -> None:
        """Sort by a column: biggest first, except alphabetical; the same column again reverses it."""
        if key == self.sort_key:
            self.sort_reverse = not self.sort_reverse
            return
        self.sort_reverse = key != "title"
        self.sort_key = key

    def sort_label(self) -> str:
        column = next(c for c in COLUMNS if c.key == self.sort_key)
        return f"{column.label} {'↓' if self.sort_reverse else '↑'}"

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
        """Why no row shows (the table has rows, the view shows none)."""
        if self.filter_text:
            return f"No video matches “{fmt.safe_text(self.filter_text, 40)}”: esc clears the filter."
        return f"All {len(self._rows)} videos are gone from TikTok and hidden: h shows them."

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "select" and not self._order:
            return False  # nothing to open: the key bar does not offer ⏎ Open
        return True

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
        if key not in self._rows:
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
        """Choose the columns that fit, dropping hidden ones and then low-priority ones (never the title or the
        column the table is sorted by, so its arrow always shows); the title takes the
        rest, and past TITLE_ROOM the 24 h sparkline shares it (more bars' worth of detail per slot)."""
        columns = [c for c in COLUMNS if (c.key != "account" or self._show_account)
                   and (c.key == "title" or c.key not in self.hidden)]
        while True:
            fixed = sum(c.width + GAP for c in columns if c.key != "title")
            droppable = [c for c in columns if c.key not in ("title", self.sort_key)]  # the sort column stays
            if width - 2 - fixed >= TITLE_MIN or len(columns) <= 3 or not droppable:
                break
            columns.remove(max(droppable, key=lambda c: c.priority))
        # A row is: one leading space, then each column followed by a one-cell gap.
        title_width = max(8, width - 1 - sum(c.width + GAP for c in columns) - GAP)
        widths = {c.key: c.width for c in columns}
        if "trend" in widths and title_width > TITLE_ROOM:
            extra = min(TREND_MAX - widths["trend"], title_width - TITLE_ROOM)
            widths["trend"] += extra
            title_width -= extra
        self._columns = columns
        self._layout_width = width
        self._widths = [title_width if c.key == "title" else widths[c.key] for c in columns]
        self._cache.clear()

    def restore_view(self, sort: str | None, reverse: bool | None, hidden: set[str]) -> None:
        """A kept view (sharetui.ui.view_state), before any data: no re-sort, one layout."""
        if sort in SORTABLE:
            self.set_reactive(VideoTable.sort_key, sort)
        if reverse is not None:
            self.set_reactive(VideoTable.sort_reverse, reverse)
        self.set_hidden(hidden & {c.key for c in COLUMNS})

    def set_hidden(self, keys: set[str]) -> None:
        """Hide these columns (the title always shows)."""
        self.hidden = set(keys) - {"title"}
        self._layout_width = -1  # choose the columns again
        self.refresh()

    def column_at(self, x: int) -> str | None:
        """The key of the column under screen column `x` of this widget (header clicks)."""
        position = 1  # the leading space
        for column, w in zip(self._columns, self._widths, strict=True):
            if position <= x < position + w + GAP:
                return column.key
            position += w + GAP
        return None

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
        if not self._order and index == 0 and self._rows:  # an empty view says why, and how out of it
            muted = self.rich_style + self.get_component_rich_style("video-table--muted")
            return Strip([Segment(fit(" " + self.empty_text(), width, False), muted)], width)
        if index >= len(self._order):
            return Strip.blank(width, self.rich_style)
        key = self._order[index]
        if key == self.cursor_key:
            name = "video-table--cursor" if self.has_focus else "video-table--cursor-blurred"
            return self._row_strip(self._rows[key], width, self.get_component_rich_style(name))
        strip = self._cache.get(key)
        if strip is None:
            strip = self._cache[key] = self._row_strip(self._rows[key], width, None)
        return strip

    def _header_strip(self, width: int) -> Strip:
        style = self.get_component_rich_style("video-table--header")
        cells = []
        for column, w in zip(self._columns, self._widths, strict=True):
            label = column.label
            if column.key == self.sort_key:
                # The arrow always shows: a narrow column shortens its label, never the direction.
                label = label[:max(0, w - 1)] + ("↓" if self.sort_reverse else "↑")
            cells.append(fit(label, w, column.align_right))
        line = " ".join(cells)
        return Strip([Segment(fit(" " + line, width, False), style)], width)

    def _row_strip(self, row: VideoRow, width: int, cursor: Style | None) -> Strip:
        base = self.rich_style + cursor if cursor else self.rich_style
        muted = self.get_component_rich_style("video-table--muted")
        line = _Line(base)
        line.add(" ", base)
        now = self._render_now
        for column, w in zip(self._columns, self._widths, strict=True):
            if column.key == "title":
                title = (("● " if row.id in self.marked else "") + ("! " if row.id in self.alerted else "")
                         + fmt.safe_text(row.title) + (" (gone)" if row.gone else ""))
                content = fit(title, w, False)
                style = base + muted if row.gone and not cursor else base
            elif column.key == "trend" and w != column.width:  # a wide slot: the same bars, stretched
                cells, _ = fmt.spark_cells(row.trend, w)
                content = fit(fmt.spark_rows(cells)[0] if cells else "", w, False)
                style = base if cursor else base + self.get_component_rich_style("video-table--trend")
            else:
                content = fit(column.cell(row, now), w, column.align_right)
                style = base
                if not cursor:
                    if column.key == "shares":
                        style = base + self.get_component_rich_style(
                            "video-table--rising" if row.id in self._rising else "video-table--shares")
                    elif column.key == "trend":
                        style = base + self.get_component_rich_style("video-table--trend")
                    elif column.key in ("gain_1h", "gain_24h") and content.strip() in ("0", "–"):
                        style = base + muted
                    elif column.key == "usual" and row.vs_usual is not None:
                        if row.vs_usual >= 2:
                            style = base + self.get_component_rich_style("video-table--rising")
                        elif row.vs_usual < 0.5:
                            style = base + muted
            line.add(content, style)
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
