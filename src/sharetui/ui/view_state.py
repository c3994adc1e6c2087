"""How the user left the monitor (sort, columns, marks, theme, poll interval), kept across restarts in a
small JSON file in the data directory. config.toml stays the user's own: this file is sharetui's.

A theme or interval is remembered together with the config value it replaced, so a later change to
config.toml wins over what was chosen in the monitor before it. A damaged file is ignored (and replaced
on the next change), never a reason not to start. No Textual here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sharetui.system.disk import DamagedFile, parse_json, read_bounded, write_new_file

MAX_FILE = 64 * 1024  # a view file is a few hundred bytes

FILE_NAME = "view.json"
MAX_MARKED = 500  # marks kept across restarts (a comparison of more is unreadable anyway)


@dataclass
class ViewState:
    sort: str | None = None
    reverse: bool | None = None
    hidden: list[str] = field(default_factory=list)
    theme: str | None = None
    theme_over: str | None = None  # the ui.theme it was chosen over
    interval: int | None = None
    interval_over: int | None = None  # the poll.interval it was chosen over
    order: list[str] = field(default_factory=list)  # the column picker's order of the columns
    marked: list[str] = field(default_factory=list)  # videos marked for comparison (ids)

    def theme_for(self, configured: str) -> str | None:
        return self.theme if self.theme and self.theme_over == configured else None

    def interval_for(self, configured: int, allowed: Sequence[int]) -> int:
        """The interval the user last chose over `configured` (one of `allowed`), else `configured`."""
        kept = self.interval if self.interval and self.interval_over == configured else None
        return kept if kept is not None and kept in allowed else configured


def load(path: Path) -> tuple[ViewState, str | None]:
    """The saved view, and a one-line note when the file could not be used (the defaults apply then)."""
    try:
        found = read_bounded(path, MAX_FILE)
        if found is None:
            return ViewState(), None
        raw = parse_json(found)
    except DamagedFile as exc:
        return ViewState(), f"{path}: ignored ({exc}); it is rewritten on the next change"
    except OSError as exc:
        return ViewState(), f"{path}: ignored ({exc.strerror}); it is rewritten on the next change"
    if not isinstance(raw, dict):
        return ViewState(), f"{path}: ignored (not a JSON object); it is rewritten on the next change"
    return ViewState(
        sort=_typed(raw.get("sort"), str),
        reverse=_typed(raw.get("reverse"), bool),
        hidden=_strings(raw.get("hidden")),
        theme=_typed(raw.get("theme"), str),
        theme_over=_typed(raw.get("theme_over"), str),
        interval=_typed(raw.get("interval"), int),
        interval_over=_typed(raw.get("interval_over"), int),
        order=_strings(raw.get("order")),
        marked=_strings(raw.get("marked"))[:MAX_MARKED],
    ), None


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _typed(value: Any, kind: type) -> Any:
    if kind is int and isinstance(value, bool):
        return None
    return value if isinstance(value, kind) else None


def save(path: Path, state: ViewState) -> str | None:
    """Write atomically; a one-line problem if the disk refuses (the view still works, it just won't stick)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with write_new_file(path) as handle:
            json.dump(asdict(state), handle)
    except OSError as exc:
        return f"cannot keep the view settings in {path}: {exc.strerror}"
    return None


class ViewKeeper:
    """The view file of one cache: what it held at start, and writes of changes only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.state, self.problem = load(path)
        self._saved: ViewState | None = None

    def keep(self, state: ViewState) -> str | None:
        """Write `state` if it differs from the last one written; a one-line problem the first time the disk
        refuses (None otherwise, also when nothing changed)."""
        if state == self._saved:
            return None
        self._saved = state
        problem = save(self.path, state)
        if problem is None or problem == self.problem:
            return None
        self.problem = problem
        return problem
