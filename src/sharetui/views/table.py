"""The videos table's view model: its columns, order and the diff of an update, with no Textual.

A poll landing on 10,000 rows is worked out in the worker thread that loaded it (`TableModel.prepare`): the
new order for the current sort and filter, which rows changed and which rose, so the event loop only swaps
the result in. The model is owned by the app and read by its workers; the widget paints what it is handed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sharetui import text as fmt
from sharetui.domain.models import VideoRow


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
    # Marks in fixed places, so they survive a narrow terminal and read without colour (see state_text).
    Column("state", "", 3, 0, lambda r: None, lambda r, now: "", align_right=False),
    Column("title", "Title", 0, 0, lambda r: r.title.casefold(), lambda r, now: fmt.safe_text(r.title),
           align_right=False),
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
    # (its cells are trend_cell's: they need the column's width and the scale every row shares)
    Column("trend", "Shares 24h", 12, 9, lambda r: r.gain_24h, lambda r, now: "", align_right=False),
]
SORTABLE = [c.key for c in COLUMNS if c.key not in ("trend", "account", "state")]
FIXED = ("title", "state")  # always shown: never hidden, never dropped for width
LEAD = ("account", "state", "title")  # always first, in this order; the user orders the rest
CHOOSABLE = [c for c in COLUMNS if c.key not in LEAD]  # what the column picker shows and orders
DEFAULT_SORT = "shares"  # most shared first
TITLE_MIN = 18
TITLE_ROOM = 60  # a title wider than this gives the rest to the sparkline (more history, a bar per cell)...
TREND_MAX = 36  # ...up to this wide (72 hours)
TREND_STEP = 2 * 3600  # one bar: shares gained in 2 hours
TREND_BARS = 12  # the column's narrowest: 24 hours
MARKED, ALERTED, RISING, GONE = "●", "!", "▲", "×"
GAP = 1


def ordered_columns(order: list[str] | tuple[str, ...] = ()) -> list[Column]:
    """Every column in the user's `order` (keys; unknown ones ignored, the ones it leaves out after the
    others in their usual places), the account, marks and title first."""
    rank = {key: index for index, key in enumerate(order)}
    rest = sorted(CHOOSABLE, key=lambda c: rank.get(c.key, len(rank) + COLUMNS.index(c)))
    return [c for c in COLUMNS if c.key in LEAD] + rest


def layout_columns(width: int, hidden: set[str], show_account: bool, sort_key: str,
                   order: list[str] | tuple[str, ...] = ()) -> tuple[list[Column], list[int]]:
    """The columns that fit in `width` and their widths: hidden ones go, then the least important ones (never
    the title, the marks or the column the table is sorted by, so its arrow always shows); the title takes
    the rest, and past TITLE_ROOM the sparkline shares it (a bar per cell: more history)."""
    columns = [c for c in ordered_columns(order) if (c.key != "account" or show_account)
               and (c.key in FIXED or c.key not in hidden)]
    while True:
        fixed = sum(c.width + GAP for c in columns if c.key != "title")
        droppable = [c for c in columns if c.key not in (*FIXED, sort_key)]  # the sort column stays
        if width - 2 - fixed >= TITLE_MIN or len(columns) <= 3 or not droppable:
            break
        columns.remove(max(droppable, key=lambda c: c.priority))
    # A row is: one leading space, then each column followed by a one-cell gap.
    title_width = max(8, width - 1 - sum(c.width + GAP for c in columns) - GAP)
    # The sorted column has room for its label and its arrow: the arrow never covers a letter.
    widths = {c.key: max(c.width, len(c.label) + 1) if c.key == sort_key else c.width for c in columns}
    title_width -= sum(widths[c.key] - c.width for c in columns if c.key != "title")
    title_width = max(8, title_width)
    if "trend" in widths and title_width > TITLE_ROOM:
        extra = min(TREND_MAX - widths["trend"], title_width - TITLE_ROOM)
        widths["trend"] += extra
        title_width -= extra
    return columns, [title_width if c.key == "title" else widths[c.key] for c in columns]


def column_at(columns: list[Column], widths: list[int], x: int) -> str | None:
    """The key of the column under cell `x` of a row laid out as `layout_columns` does (header clicks)."""
    position = 1  # the leading space
    for column, width in zip(columns, widths, strict=True):
        if position <= x < position + width + GAP:
            return column.key
        position += width + GAP
    return None


def next_sort(current: str, visible: list[str]) -> str:
    """The column `s` sorts by next: the next sortable one on screen (hidden and dropped ones are skipped)."""
    shown = [key for key in SORTABLE if key in visible or key == current]
    return shown[(shown.index(current) + 1) % len(shown)] if current in shown else shown[0]


def header_label(column: Column, width: int, sort_key: str, reverse: bool, trend_top: int = 0) -> str:
    """A column's heading; the sorted column's arrow always shows (a narrow one shortens its label). The
    sparkline's says the time it spans and what a full bar is (one scale for every row)."""
    if column.key == "trend":
        return trend_label(width, trend_top)
    if column.key != sort_key:
        return column.label
    return column.label[:max(0, width - 1)] + ("↓" if reverse else "↑")  # (cut only in a title column of 8)


def state_text(row: VideoRow, marked: bool, alerted: bool, rising: bool) -> str:
    """The marks before the title, each in its own cell so none is cut or told by colour alone: marked for
    comparison (●), an alert in the last day (!), then its shares grew in the last update (▲) or it is
    gone from TikTok (×)."""
    last = GONE if row.gone else RISING if rising else " "
    return (MARKED if marked else " ") + (ALERTED if alerted else " ") + last


def trend_label(width: int, top: int) -> str:
    """The sparkline's heading: its span (a bar per cell, 2 hours each) and the scale every row shares,
    "Shares 24h █1.2k" (█ = the largest 2-hour gain in the table), shortened to fit."""
    span = fmt.duration(width * TREND_STEP)
    scale = f" █{fmt.compact(top)}" if top > 0 else ""
    for label in (f"Shares {span}{scale}", f"{span}{scale}", f"Shares {span}"):
        if len(label) <= width:
            return label
    return span


def trend_top(rows: list[VideoRow]) -> int:
    """The largest 2-hour gain among the rows' trends: the height of a full bar, for every row alike (a
    video gaining +6 a day no longer draws the same bars as one gaining +1,000)."""
    return max((v for r in rows for v in r.trend if v is not None), default=0)


def trend_cell(row: VideoRow, width: int, top: int) -> str:
    """A row's most recent bars, one per cell, on one logarithmic scale for every row (shares are heavy-
    tailed: linear, all but the top video would be flat); cells older than what was read stay blank (the
    table reads as many bars as it has room for)."""
    bars = [None if v is None else math.log1p(max(0, v)) for v in row.trend[-width:]] if width > 0 else []
    return " " * (width - len(bars)) + fmt.spark_rows(bars, top=math.log1p(top))[0] if bars else ""


def row_cells(row: VideoRow, columns: list[Column], widths: list[int], now: float, *, marked: bool,
              alerted: bool, rising: bool, top: int) -> list[tuple[str, str | None]]:
    """Each cell's text (to be fitted to its width) and its tone (see cell_tone; "gone" for the title and
    marks of a video gone from TikTok): what the table paints for a row."""
    cells: list[tuple[str, str | None]] = []
    for column, width in zip(columns, widths, strict=True):
        if column.key == "state":
            text = state_text(row, marked, alerted, rising)
            tone = "gone" if row.gone else "rising" if rising else None
        elif column.key == "trend":
            text, tone = trend_cell(row, width, top), "trend"
        else:
            text = column.cell(row, now)
            tone = ("gone" if row.gone else None) if column.key == "title" else cell_tone(column, row, text, rising)
        cells.append((text, tone))
    return cells


def row_line(row: VideoRow) -> str:
    """A row to copy: id, title, shares, views, likes, comments and link, tab-separated ("–" unknown)."""
    counts = [str(value) if (value := row.known(m)) is not None else "–"  # exact: never 2.47M
              for m in ("shares", "views", "likes", "comments")]
    return "\t".join([row.id, fmt.safe_text(row.title, 200).replace("\t", " "), *counts, row.share_url])


def sort_label(sort_key: str, reverse: bool) -> str:
    """The sort as the status line says it: the column and its direction."""
    column = next(c for c in COLUMNS if c.key == sort_key)
    return f"{column.label} {'↓' if reverse else '↑'}"


def empty_text(filter_text: str, total: int) -> str:
    """Why no row shows when the table has rows and the view shows none, and the way out."""
    if SHORT_LINK.search(filter_text.strip()):
        return ("A short link (vm.tiktok.com) names no video until TikTok opens it: open it in a browser and "
                "paste the full link. esc clears the filter.")
    if filter_text:
        return f"No video matches “{fmt.safe_text(filter_text, 40)}”: esc clears the filter."
    return f"All {total} videos are gone from TikTok and hidden: h shows them."


def cell_tone(column: Column, row: VideoRow, text: str, rising: bool) -> str | None:
    """How a cell stands out: "shares", "rising" (well ahead of usual, or its shares rising fast), "muted"
    (nothing gained, or far behind usual), "trend", or None (plain)."""
    if column.key == "shares":
        return "rising" if rising else "shares"
    if column.key == "trend":
        return "trend"
    if column.key in ("gain_1h", "gain_24h") and text.strip() in ("0", "–"):
        return "muted"
    if column.key == "usual" and row.vs_usual is not None:
        return "rising" if row.vs_usual >= 2 else "muted" if row.vs_usual < 0.5 else None
    return None


def sort_rows(rows: list[VideoRow], sort_key: str, reverse: bool) -> list[VideoRow]:
    """Rows in table order by one column; ties broken by id, so equal values never swap between polls.
    Rows whose value is unknown ("–") come last in both directions."""
    column = next(c for c in COLUMNS if c.key == sort_key)
    keyed = [(column.sort(r), r) for r in rows]
    known = sorted((pair for pair in keyed if pair[0] is not None), key=lambda pair: pair[1].id, reverse=reverse)
    known.sort(key=lambda pair: pair[0], reverse=reverse)  # type: ignore[arg-type,return-value]
    unknown = sorted((r for value, r in keyed if value is None), key=lambda r: r.id)
    return [r for _, r in known] + unknown


VIDEO_LINK = re.compile(r"tiktok\.com/(?:@[^/?#\s]*/)?(?:video|photo|v)/(\d+)", re.IGNORECASE)
SHORT_LINK = re.compile(r"^(?:https?://)?(?:vm|vt)\.tiktok\.com/", re.IGNORECASE)


def matcher(needle: str) -> Callable[[VideoRow], bool]:
    """What the filter box matches: a pasted TikTok link (its video id), a video id (or the start of one),
    or else words of the title, case-insensitive."""
    needle = needle.strip()
    link = VIDEO_LINK.search(needle)
    if link:
        return lambda row: row.id == link.group(1)
    folded = needle.casefold()
    if needle.isdigit() and len(needle) >= 6:
        return lambda row: row.id.startswith(needle) or folded in row.title.casefold()
    return lambda row: folded in row.title.casefold()


def table_view(rows: list[VideoRow], sort_key: str, reverse: bool, needle: str, hide_gone: bool) -> list[str]:
    """The keys a table shows, in order, for a sort, a filter and the hide-gone switch (pure: it also runs
    in a worker thread, so a poll landing on 10,000 rows costs the event loop a swap, not a sort)."""
    matches = matcher(needle) if needle.strip() else None
    shown = [r for r in rows if (matches is None or matches(r)) and not (hide_gone and r.gone)]
    return [r.id for r in sort_rows(shown, sort_key, reverse)]


@dataclass(frozen=True)
class TableView:
    """How the table is looked at: sort column and direction, the title filter, and the hide-gone switch."""

    sort: str = DEFAULT_SORT
    reverse: bool = True
    filter: str = ""
    hide_gone: bool = False

    def order(self, rows: list[VideoRow]) -> list[str]:
        return table_view(rows, self.sort, self.reverse, self.filter, self.hide_gone)


@dataclass(frozen=True)
class Shown:
    """What the table shows now: its rows and the ones that rose in the last update (immutable, so a worker
    can read it while the event loop moves on)."""

    rows: dict[str, VideoRow] = field(default_factory=dict)
    rising: frozenset[str] = frozenset()
    trend_top: int = 0  # the sparklines' shared scale (trend_top)


@dataclass(frozen=True)
class PreparedRows:
    """A table update worked out off the event loop, applied with a swap."""

    base: Shown  # what it was prepared against: stale if the table moved on since
    rows: dict[str, VideoRow]
    rising: frozenset[str]
    stale: frozenset[str]  # keys whose painted lines must go
    view: TableView  # the view the order was made for
    order: list[str]
    now: float

    trend_top: int = 0

    @property
    def shown(self) -> Shown:
        return Shown(self.rows, self.rising, self.trend_top)


def prepare(base: Shown, rows: list[VideoRow], now: float, view: TableView) -> PreparedRows:
    """The update from `base` to `rows`: which rows rose (more shares), which painted lines are stale, and
    the order for `view`. Pure."""
    previous, was_rising = base.rows, base.rising
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
    top = trend_top(rows)
    if top != base.trend_top:
        stale |= fresh.keys()  # the shared scale moved: every row's bars are drawn again
    return PreparedRows(base, fresh, frozenset(rising), frozenset(stale), view, view.order(rows), now, top)


class TableModel:
    """What the dashboard's table shows and how it is looked at, as the app last applied them. Workers read
    it to prepare the next update; only the event loop changes it (each field is replaced whole, never
    changed in place, so a worker always reads a consistent value)."""

    def __init__(self) -> None:
        self.shown = Shown()
        self.view = TableView()

    def prepare(self, rows: list[VideoRow], now: float) -> PreparedRows:
        return prepare(self.shown, rows, now, self.view)
