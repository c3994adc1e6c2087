"""The column picker (C, or "Choose columns" in the palette): show or hide each column of the dashboard,
like htop's setup or k9s's column views. The choice is kept for the next start."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static

from sharetui.views.table import COLUMNS

# The title always shows; the account column comes and goes with the all-accounts view.
CHOOSABLE = [c for c in COLUMNS if c.key not in ("title", "account")]


class ColumnPicker(ModalScreen[set[str] | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel-columns"),
        Binding("enter", "done", "Done", id="done-columns", priority=True),  # (space toggles)
    ]
    DEFAULT_CSS = """
    ColumnPicker { align: center middle; }
    ColumnPicker > Vertical { width: 50; max-width: 100%; height: auto; max-height: 90%;
                              border: round $accent; background: $surface; padding: 0 1; }
    ColumnPicker SelectionList { height: auto; max-height: 20; }
    ColumnPicker .hint { color: $text-muted; }
    """

    def __init__(self, hidden: set[str]) -> None:
        super().__init__()
        self.hidden = set(hidden)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Columns", markup=False)
            yield SelectionList[str](*[(f"{c.label}", c.key, c.key not in self.hidden) for c in CHOOSABLE],
                                     id="columns")
            yield Static("space: show / hide · enter: done · esc: cancel · narrow terminals still drop "
                         "the least important ones", classes="hint", markup=False)

    def action_done(self) -> None:
        shown = set(self.query_one(SelectionList).selected)
        self.dismiss({c.key for c in CHOOSABLE} - shown)

    def action_cancel(self) -> None:
        self.dismiss(None)
