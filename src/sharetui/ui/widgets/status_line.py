"""The bottom status line: source, state (LIVE / PAUSED / OFFLINE), last good poll, next poll."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from sharetui import text as fmt


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """

    _shown: tuple | None = None

    @property
    def text(self) -> str:
        """The line as plain text, as a user reads it."""
        return self._shown[0] if self._shown else ""

    def show(self, *, source: str, state: str, last_ok: float | None, next_in: float | None,
             interval: int, sort: str, shown: int, total: int, error: str | None, filter_text: str,
             gone: int = 0, gone_hidden: bool = False) -> None:
        styles = {"LIVE": "bold $success", "POLLING": "bold $success", "PAUSED": "bold $warning",
                  "OFFLINE": "bold $error", "LOGIN": "bold $error"}
        parts: list[Content] = [
            Content.styled(state, styles.get(state.split()[0], "bold")),
            Content(f"source {source}"),
            Content(f"last poll {fmt.clock(last_ok)}"),
        ]
        if next_in is not None:
            parts.append(Content(f"next in {fmt.duration(next_in)} (every {fmt.duration(interval)})"))
        parts.append(Content(f"sort {sort}"))
        if filter_text:
            parts.append(Content(f"filter “{fmt.safe_text(filter_text, 40)}”: {shown} of {total}"))
        else:
            videos = f"{total - gone} videos" if gone else f"{total} videos"
            if gone:  # the same count as the header's: listed videos, and the gone ones apart
                videos += f" · {gone} gone" + (" (hidden: h)" if gone_hidden else "")
            parts.append(Content(videos))
        if error:
            parts.append(Content.styled(fmt.safe_text(error, 200), "$text-error"))
        line = Content(" · ").join(parts)
        key = (line.plain, tuple(line.spans))  # Content's == compares the text only
        if key != self._shown:  # called every second: repaint only what changed, and never re-layout
            self._shown = key
            self.update(line, layout=False)  # one line, always: the screen's layout cannot change
