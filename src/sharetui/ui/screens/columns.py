"""The column picker (C, or "Choose columns" in the palette): show, hide and order the dashboard's columns,
like htop's setup or k9s's column views. The choice is kept for the next start."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from sharetui.views.table import CHOOSABLE, ordered_columns


def choice_line(label: str, shown: bool) -> str:
    """One column's line: its state in words-like glyphs ([x] / [ ]), readable without colour."""
    return f"[{'x' if shown else ' '}] {label}"


class ColumnPicker(ModalScreen[tuple[set[str], list[str]] | None]):
    """Dismissed with (hidden columns, column order), or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel-columns"),
        Binding("enter", "done", "Done", id="done-columns", priority=True),
        Binding("space", "toggle_column", "Show/hide", priority=True),  # (over the app's pause)
        Binding("shift+up", "move(-1)", "Move up"),
        Binding("shift+down", "move(1)", "Move down"),
    ]
    DEFAULT_CSS = """
    ColumnPicker { align: center middle; }
    ColumnPicker > Vertical { width: 56; max-width: 100%; height: auto; max-height: 90%;
                              border: round $accent; background: $surface; padding: 0 1; }
    ColumnPicker OptionList { height: auto; max-height: 20; }
    ColumnPicker .hint { color: $text-muted; }
    """

    def __init__(self, hidden: set[str], order: list[str]) -> None:
        super().__init__()
        self.hidden = set(hidden)
        self.order = [c.key for c in ordered_columns(order) if c in CHOOSABLE]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Columns", markup=False)
            yield OptionList(*self._options(), id="columns")
            yield Static("space: show / hide · shift+↑ ↓: move · enter: done · esc: cancel · narrow terminals "
                         "still drop the least important ones", classes="hint", markup=False)

    def _options(self) -> list[Option]:
        labels = {c.key: c.label for c in CHOOSABLE}
        # Content, not a markup string: "[x]" would be read as a markup tag and vanish.
        return [Option(Content(choice_line(labels[key], key not in self.hidden)), id=key) for key in self.order]

    def lines(self) -> list[str]:
        """The picker's lines as shown, in order."""
        return [choice_line(c.label, c.key not in self.hidden) for c in ordered_columns(self.order) if c in CHOOSABLE]

    def _redraw(self, highlighted: int) -> None:
        options = self.query_one(OptionList)
        options.set_options(self._options())
        options.highlighted = highlighted

    def action_toggle_column(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None:
            self.hidden ^= {self.order[index]}
            self._redraw(index)

    def action_move(self, step: int) -> None:
        index = self.query_one(OptionList).highlighted
        if index is None or not 0 <= index + step < len(self.order):
            return
        self.order[index], self.order[index + step] = self.order[index + step], self.order[index]
        self._redraw(index + step)

    def action_done(self) -> None:
        self.dismiss((self.hidden, list(self.order)))

    def action_cancel(self) -> None:
        self.dismiss(None)
