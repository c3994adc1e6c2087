"""The bottom status line: state (LIVE / PAUSED / OFFLINE ...), source, last good poll, next poll, sort and the
videos counted. Too narrow for all of it, the least important parts go first (sharetui.views.status)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static

from sharetui.views.status import SEPARATOR, StatusPart, TableStatus, fit_parts, status_parts

if TYPE_CHECKING:
    from sharetui.monitor.session import MonitorStatus

STATE_STYLES = {"LIVE": "bold $success", "POLLING": "bold $success", "PAUSED": "bold $warning",
                "OFFLINE": "bold $error", "LOGIN": "bold $error"}


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    _shown: tuple | None = None
    _parts: list[StatusPart] | None = None

    @property
    def text(self) -> str:
        """The line as plain text, as a user reads it."""
        return self._shown[0] if self._shown else ""

    def show(self, monitor: MonitorStatus, table: TableStatus) -> None:
        self._parts = status_parts(monitor, table)
        self._paint()

    def on_resize(self) -> None:
        self._paint()

    def _paint(self) -> None:
        if self._parts is None:
            return
        width = self.content_region.width or self.app.size.width - 2
        contents = []
        for part in fit_parts(self._parts, width, cell_len):
            if part.kind == "state":
                contents.append(Content.styled(part.text, STATE_STYLES.get(part.text.split()[0], "bold")))
            elif part.kind == "error":
                contents.append(Content.styled(part.text, "$text-error"))
            else:
                contents.append(Content(part.text))
        line = Content(SEPARATOR).join(contents).truncate(width, ellipsis=True)
        key = (line.plain, tuple(line.spans))  # Content's == compares the text only
        if key != self._shown:  # called every second: repaint only what changed, and never re-layout
            self._shown = key
            self.update(line, layout=False)  # one line, always: the screen's layout cannot change
