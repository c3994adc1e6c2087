"""Painting the one sparkline renderer (sharetui.text.spark_rows) in colour: the header's band and the video
screen's metric rows share it, so the same gains look the same everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

from sharetui import text as fmt


def paint_row(cells: Sequence[float | None], chars: str, low: Color, high: Color, partial: Color | None,
              last_from: int, base: Style) -> list[Segment]:
    """One row of a sparkline: each bar coloured from `low` to `high` by its height; the cells of the
    current, unfinished bucket (from `last_from`) in `partial`, so a bucket still filling never reads as a
    collapse."""
    top = max((v for v in cells if v is not None), default=0) or 1
    segments = []
    for index, (value, char) in enumerate(zip(cells, chars, strict=True)):
        if partial is not None and index >= last_from:
            color = partial
        else:
            color = low.blend(high, (value or 0) / top)
        segments.append(Segment(char, base + Style(color=color.rich_color)))
    return segments


class SparkBars(Widget):
    """A sparkline of `rows` lines filling its width, scaled from zero."""

    DEFAULT_CSS = """
    SparkBars { height: 2; }
    SparkBars > .spark-bars--low { color: $success 40%; }
    SparkBars > .spark-bars--high { color: $success; }
    SparkBars > .spark-bars--partial { color: $text-muted; }
    """
    COMPONENT_CLASSES = {"spark-bars--low", "spark-bars--high", "spark-bars--partial"}

    def __init__(self, *, rows: int = 2, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.rows = rows
        self.values: list[float | None] = []
        self.partial_last = False

    def show(self, values: Sequence[float | None], partial_last: bool = False) -> None:
        self.values = list(values)
        self.partial_last = partial_last
        self.refresh()

    def plain(self) -> list[str]:
        """The rows as drawn, without colour (what a reader of the screen sees)."""
        cells, _ = fmt.spark_cells(self.values, self.size.width)
        return fmt.spark_rows(cells, self.rows) if cells else []

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        width = self.size.width
        cells, last_from = fmt.spark_cells(self.values, width)
        if not cells or y >= self.rows:
            return Strip.blank(width, base)
        chars = fmt.spark_rows(cells, self.rows)[y]
        style = self.get_component_rich_style
        low = Color.from_rich_color(style("spark-bars--low").color)
        high = Color.from_rich_color(style("spark-bars--high").color)
        partial = Color.from_rich_color(style("spark-bars--partial").color) if self.partial_last else None
        return Strip(paint_row(cells, chars, low, high, partial, last_from, base)).adjust_cell_length(width, base)
