"""The top band: account name, totals, and a two-line sparkline of the account's shares per interval.

One widget painting three lines: the containers, labels and Sparkline it replaces cost a visible share
of the time to first frame, and the band only ever shows these three lines.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from sharetui import text as fmt
from sharetui.domain.models import DashboardData
from sharetui.ui.widgets.cells import fit
from sharetui.ui.widgets.spark import paint_row
from sharetui.views.header import HeaderContent

ACCOUNT_WIDTH = 50  # the left side: name and totals; the sparkline takes the rest
HEADER_BARS = 48  # 30-minute bars: 24 hours at least...
HEADER_BARS_MAX = 336  # ...and up to a week where the terminal has a cell for each
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

    class Room(Message):
        """The sparkline's room changed: as many 30-minute bars as it has cells (see `bars`)."""

    def __init__(self) -> None:
        super().__init__()
        self.name_text = "loading…"
        self.totals: tuple[str, str] = ("", "")
        self.trend_label = ""
        self.trend_values: list[int | None] = []
        self.trend_partial = False  # the last value is the bucket still filling
        self._lines: dict[tuple[int, int], Strip] = {}  # painted lines by (width, y), until data or theme change
        self._bars_posted = HEADER_BARS

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

    @property
    def bars(self) -> int:
        """How many 30-minute bars the sparkline has a cell for: more history on a wide terminal, never fewer
        than a day's."""
        return max(HEADER_BARS, min(HEADER_BARS_MAX, self.size.width - ACCOUNT_WIDTH))

    def on_resize(self) -> None:
        if self.bars != self._bars_posted:
            self._bars_posted = self.bars
            self.post_message(self.Room())

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

