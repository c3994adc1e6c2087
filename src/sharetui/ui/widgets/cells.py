"""Fitting text into terminal cells, for widgets that paint their own lines."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text


def fit(value: str, width: int, right: bool = False) -> str:
    """Pad or cut `value` to exactly `width` cells (wide characters counted properly, an ellipsis
    where it is cut)."""
    length = cell_len(value)
    if length > width:
        text = Text(value)
        text.truncate(width, overflow="ellipsis")
        value = text.plain
        length = cell_len(value)
    padding = " " * (width - length)
    return padding + value if right else value + padding
