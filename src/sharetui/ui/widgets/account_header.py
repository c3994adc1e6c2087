"""The top band: account name, totals, and a two-line sparkline of the account's shares per interval.

One widget painting three lines: the containers, labels and Sparkline it replaces cost a visible share
of the time to first frame, and the band only ever shows these three lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

from sharetui import text as fmt
from sharetui.domain.models import VideoRow
from sharetui.ui.messages import DashboardData
from sharetui.ui.widgets.cells import fit
from sharetui.ui.widgets.spark import paint_row

ACCOUNT_WIDTH = 50  # the left side: name and totals; the sparkline takes the rest
def trend_label(step: int, start: int, end: int, bars: list[int | None], partial: bool, now: int,
                since: int | None = None) -> str:
    """The header's words for its bars: totals and peaks of what the cache watched only. Bars before the
    history began are unknown, so a total over them is a lower bound counted from when watching began, and
    with no watched bar at all there is no total ("–"), never an invented 0."""
    known = [bar for bar in bars if bar is not None]
    span = fmt.duration(end - start)
    head = f"shares per {fmt.duration(step)}"
    if not known:
        return f"{head} · – in {span}: history starts with the next polls"
    first = next(i for i, bar in enumerate(bars) if bar is not None)
    total = fmt.count(sum(known))
    if first > 0 or since is not None:
        total = f"≥{total} since {fmt.when(since if since is not None else start + first * step, now)}"
    last = bars[-1] if bars else None
    return (f"{head} · {total} in {span} · peak {fmt.count(max(known))} · last "
            f"{fmt.count(last) if last is not None else '–'}{' so far' if partial and last is not None else ''}")


def known_total(rows: list[VideoRow], metric: str) -> int:
    """The header's total: the listed videos' known counts (a count not told yet adds nothing)."""
    return sum(value for row in rows if (value := row.known(metric)) is not None)


@dataclass(frozen=True)
class HeaderContent:
    """The header's text and sparkline values for one DashboardData (pure: it runs in a worker thread)."""

    name: str
    totals: tuple[str, str]
    trend_label: str
    trend_values: list[int | None]
    trend_partial: bool

    @classmethod
    def of(cls, data: DashboardData) -> HeaderContent:
        account = data.account
        followers = f" · {account.followers:,} followers" if account.followers is not None else ""
        if data.summary is not None:  # the first frame holds only the rows on screen: totals from the cache
            listed, gone, shares, views, likes = data.summary
        else:
            live = [r for r in data.rows if not r.gone]
            listed, gone = len(live), len(data.rows) - len(live)
            shares, views, likes = (known_total(live, m) for m in ("shares", "views", "likes"))
        totals = (f"{listed} videos{f' · {gone} gone' if gone else ''}{followers}",
                  f"{fmt.count(shares)} shares · {fmt.count(views)} views · {fmt.count(likes)} likes")
        if data.daily_shares and any(v is not None for v in data.daily_shares):
            # Imported daily totals reach back further than polling: show the long range.
            days = data.daily_shares  # a day the export left unknown draws nothing, not a zero
            known = [v for v in days if v is not None]
            label = (f"shares per day, last {len(days)} days (Studio export) · {fmt.count(sum(known))}"
                     f" · peak {fmt.count(max(known))}")
            return cls(fmt.safe_text(account.label, 60), totals, label, list(days), False)
        series = data.shares_series
        partial = series.partial_last
        values: list[int | None] = (series.drawn_gains if len(series.values) == len(series.gains) + 1
                                    else list(series.gains))
        label = trend_label(series.step, series.start, series.end, values, partial, data.now, series.started_at)
        return cls(fmt.safe_text(account.label, 60), totals, label, values, partial)


class AccountHeader(Widget):
    DEFAULT_CSS = """
    AccountHeader { height: 3; background: $panel; padding: 0 1; }
    AccountHeader > .account-header--name { text-style: bold; color: $text-accent; }
    AccountHeader > .account-header--totals { color: $text; }
    AccountHeader > .account-header--label { color: $text-muted; }
    AccountHeader > .account-header--spark-low { color: $success 40%; }
    AccountHeader > .account-header--spark-high { color: $success; }
    AccountHeader > .account-header--spark-partial { color: $text-muted; }
    """
    COMPONENT_CLASSES = {
        "account-header--name", "account-header--totals", "account-header--label",
        "account-header--spark-low", "account-header--spark-high", "account-header--spark-partial",
    }

    def __init__(self) -> None:
        super().__init__()
        self.name_text = "loading…"
        self.totals: tuple[str, str] = ("", "")
        self.trend_label = ""
        self.trend_values: list[int | None] = []
        self.trend_partial = False  # the last value is the bucket still filling
        self._lines: dict[tuple[int, int], Strip] = {}  # painted lines by (width, y), until data or theme change

    def show(self, data: DashboardData, content: HeaderContent | None = None) -> None:
        """Show `data`; `content` when it was already worked out (in a worker thread, off the event loop)."""
        content = content or HeaderContent.of(data)
        self.name_text = content.name
        self.totals = content.totals
        self.trend_label = content.trend_label
        self.trend_values = content.trend_values
        self.trend_partial = content.trend_partial
        self._lines.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()  # a theme change: repaint with its colours

    def plain_lines(self) -> list[str]:
        """The three lines as painted, without styles (what a reader of the screen sees)."""
        return ["".join(segment.text for segment in self.render_line(y)) for y in range(3)]

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        line = self._lines.get((width, y))
        if line is None:
            line = self._lines[width, y] = self._paint(y, width)
        return line

    def _paint(self, y: int, width: int) -> Strip:
        base = self.rich_style
        left_width = min(ACCOUNT_WIDTH, width)
        if y == 0:
            left = Segment(fit(self.name_text, left_width), base + self._style("name"))
        else:
            left = Segment(fit(self.totals[y - 1] if y <= 2 else "", left_width), base + self._style("totals"))
        right_width = width - left_width
        segments = [left]
        if right_width > 0:
            segments += self._right(y, right_width, base)
        return Strip(segments).adjust_cell_length(width, base)

    def _right(self, y: int, width: int, base: Style) -> list[Segment]:
        if y == 0:
            return [Segment(fit(self.trend_label, width), base + self._style("label"))]
        cells, last_from = fmt.spark_cells(self.trend_values, width)
        if not cells:
            return []
        row = fmt.spark_rows(cells, 2)[y - 1] if y <= 2 else " " * width
        low = Color.from_rich_color(self._style("spark-low").color)
        high = Color.from_rich_color(self._style("spark-high").color)
        partial = Color.from_rich_color(self._style("spark-partial").color) if self.trend_partial else None
        return paint_row(cells, row, low, high, partial, last_from, base)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"account-header--{name}")

