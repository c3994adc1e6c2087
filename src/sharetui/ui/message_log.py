"""The toasts the monitor showed, kept so that what flashed by can be read again. No Textual here."""

from __future__ import annotations

import collections
from dataclasses import dataclass

MESSAGES_KEPT = 200


@dataclass(frozen=True)
class ShownMessage:
    """A toast as it was shown: when, how severe, its title and its text."""

    at: float
    severity: str
    title: str
    text: str


class MessageLog(collections.deque[ShownMessage]):
    """The last MESSAGES_KEPT toasts, oldest first."""

    def __init__(self) -> None:
        super().__init__(maxlen=MESSAGES_KEPT)

    def add(self, at: float, severity: str, title: str, text: str,
            replacing: ShownMessage | None = None) -> ShownMessage:
        """Keep a toast; one that updates `replacing` in place (the interval under + and -) takes its entry
        when that is still the newest, as it does on screen."""
        if replacing is not None and self and self[-1] is replacing:
            self.pop()
        message = ShownMessage(at, severity, title, text)
        self.append(message)
        return message
