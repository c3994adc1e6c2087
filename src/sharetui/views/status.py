"""The status line's parts, in the order they read and ranked by what a user needs most when the terminal is
too narrow for all of them: the state first, then a problem, the videos counted, the source, the last poll,
the countdown, the sort. Textual-free: the widget only styles and paints the parts it is handed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sharetui import text as fmt
from sharetui.domain.models import VideoRow
from sharetui.views.header import video_counts

if TYPE_CHECKING:
    from sharetui.monitor.session import MonitorStatus

SEPARATOR = " · "


@dataclass(frozen=True)
class TableStatus:
    """What the dashboard's table shows: its sort, its filter and the videos it counts."""

    sort: str
    shown: int
    total: int
    gone: int = 0
    gone_hidden: bool = False
    filter_text: str = ""
    shares: int | None = None  # the known shares of the videos the filter shows
    by_account: tuple[tuple[str, int], ...] = ()  # the all-accounts view: (account, its shares) each


def table_status(rows: dict[str, VideoRow], order: list[str], sort: str, gone: int, hide_gone: bool,
                 filter_text: str, summary: tuple[int, ...] | None, several: bool) -> TableStatus:
    """The status of the table: the counts (see video_counts), the shares of what a filter shows ("4 of 40 ·
    1,234 shares") and, with several accounts in one table, each one's shares."""
    shown, total, gone = video_counts(len(order), len(rows), gone, None if filter_text else summary, hide_gone)
    shares, by_account = _SHOWN_SHARES.of(rows, order, bool(filter_text), several)
    return TableStatus(sort, shown, total, gone, hide_gone, filter_text, shares, by_account)


class _ShownShares:
    """The shares of the rows shown, worked out once per table update, not on every tick of the status line
    (the table replaces its rows and its order whole when they change, so identity says when)."""

    def __init__(self) -> None:
        self._key: tuple[object, object, bool, bool] | None = None
        self._value: tuple[int | None, tuple[tuple[str, int], ...]] = (None, ())

    def of(self, rows: dict[str, VideoRow], order: list[str], filtered: bool,
           several: bool) -> tuple[int | None, tuple[tuple[str, int], ...]]:
        key = (rows, order, filtered, several)
        if self._key is None or any(a is not b for a, b in zip(self._key, key, strict=True)):
            shares = sum(rows[k].known("shares") or 0 for k in order) if filtered else None
            by_account: dict[str, int] = {}
            if several:
                for k in order:
                    row = rows[k]
                    by_account[row.account_label] = by_account.get(row.account_label, 0) + (row.known("shares") or 0)
            self._key, self._value = key, (shares, tuple(by_account.items()))
        return self._value


_SHOWN_SHARES = _ShownShares()


@dataclass(frozen=True)
class StatusPart:
    text: str
    rank: int  # 0 is kept longest; the highest rank goes first when the line is too narrow
    kind: str = ""  # "state", "error" or "" (plain): how the widget styles it


def status_parts(monitor: MonitorStatus, table: TableStatus) -> list[StatusPart]:
    parts = [StatusPart(monitor.state, 0, "state"), StatusPart(f"source {monitor.source}", 3),
             StatusPart(f"last poll {fmt.clock(monitor.last_ok)}", 4)]
    if monitor.next_in is not None:
        parts.append(StatusPart(f"next in {fmt.duration(monitor.next_in)} (every {fmt.duration(monitor.interval)})",
                                5))
    parts.append(StatusPart(f"sort {table.sort}", 6))
    if table.filter_text:
        shares = f" · {fmt.count(table.shares)} shares" if table.shares is not None else ""
        parts.append(StatusPart(f"filter “{fmt.safe_text(table.filter_text, 40)}”: {table.shown} of {table.total}"
                                + shares, 2))
    else:
        videos = f"{table.total - table.gone} videos" if table.gone else f"{table.total} videos"
        if table.gone:  # the same count as the header's: listed videos, and the gone ones apart
            videos += f" · {table.gone} gone" + (" (hidden: h)" if table.gone_hidden else "")
        parts.append(StatusPart(videos, 2))
    if table.by_account:
        parts.append(StatusPart(", ".join(f"{fmt.safe_text(name, 20)} {fmt.compact(shares)}"
                                          for name, shares in table.by_account) + " shares", 4))
    if monitor.error:
        parts.append(StatusPart(fmt.safe_text(monitor.error, 200), 1, "error"))
    return parts


def fit_parts(parts: list[StatusPart], width: int, measure: Callable[[str], int] = len) -> list[StatusPart]:
    """The parts that fit in `width` cells (`measure`: a text's width in cells), in reading order: the least
    important go first; the most important one is never dropped (the widget shortens it with …)."""
    kept = list(parts)
    while len(kept) > 1 and sum(measure(p.text) for p in kept) + len(SEPARATOR) * (len(kept) - 1) > width:
        kept.remove(max(kept, key=lambda part: part.rank))
    return kept
