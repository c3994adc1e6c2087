"""The bottom line of key hints, like htop's: one widget painting one line.

Textual's Footer mounts a widget per key and recomposes on every focus change; at a dozen keys that was
a visible share of start-up time. This bar reads the same active bindings, repaints instead of
recomposing, and maps a click back to its key.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $footer-background; }
    KeyBar > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
    KeyBar > .key-bar--description { color: $footer-description-foreground; }
    KeyBar > .key-bar--disabled { color: $text-disabled; }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--disabled"}

    def __init__(self, hidden: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.hidden = hidden  # actions that do nothing here: not offered (their keys still say why)
        self._hits: list[tuple[int, int, str]] = []  # (start, end, key) of each hint as last painted
        self._painted: tuple[int, Strip] | None = None  # (width, line) until the bindings or theme change

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Screen) -> None:
        self._painted = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._painted = None

    def hints(self) -> tuple[list[tuple[str, str, str, bool]], tuple[str, str, str, bool] | None]:
        """(key, key as shown, description, enabled) for each shown binding, one per action, in order;
        and the command palette's, shown at the right end."""
        seen: set[str] = set()
        hints, palette = [], None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            hint = (binding.key, self.app.get_key_display(binding), binding.description, enabled)
            if binding.key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = hint
            elif binding.show and binding.action not in seen and binding.action not in self.hidden:
                seen.add(binding.action)
                hints.append(hint)
        return hints, palette

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if self._painted is None or self._painted[0] != width:
            self._painted = (width, self._paint(width))
        return self._painted[1]

    def _paint(self, width: int) -> Strip:
        base = self.rich_style
        key_style = base + self.get_component_rich_style("key-bar--key")
        description_style = base + self.get_component_rich_style("key-bar--description")
        disabled_style = base + self.get_component_rich_style("key-bar--disabled")

        def painted(hint: tuple[str, str, str, bool]) -> tuple[str, int, list[Segment]]:
            key, shown, description, enabled = hint
            key_text, description_text = f" {shown} ", f"{description} "
            cells = cell_len(key_text) + cell_len(description_text)
            if not enabled:
                return key, cells, [Segment(key_text + description_text, disabled_style)]
            return key, cells, [Segment(key_text, key_style), Segment(description_text, description_style)]

        hints, palette = self.hints()
        right = painted(palette) if palette else None
        room = width - (right[1] if right else 0)
        segments: list[Segment] = []
        self._hits = []
        x = 0
        for key, cells, parts in map(painted, hints):
            if x + cells > room:
                break  # no half hints: what fits, whole
            segments += parts
            self._hits.append((x, x + cells, key))
            x += cells
        if right is not None and right[1] <= width:
            key, cells, parts = right
            segments.append(Segment(" " * (width - cells - x), base))
            segments += parts
            self._hits.append((width - cells, width, key))
        return Strip(segments).adjust_cell_length(width, base)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._hits:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
