"""A value that moves slowly (baselines, forecasts): rebuilt at most every `max_age` seconds, when the clock
goes back, or when the catalogue's size changes; otherwise the last one is handed out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class SlowCache(Generic[T]):
    def __init__(self, build: Callable[[int], T], max_age: int = 900) -> None:
        self._build = build
        self.max_age = max_age
        self._built_at: int | None = None
        self._count: int | None = None
        self._value: T | None = None

    def get(self, now: int, count: int | None = None) -> T:
        """The value as of `now`; `count` (the number of videos) rebuilds it when it differs from last time
        (None: the count does not matter)."""
        built = self._built_at
        stale = built is None or not 0 <= now - built < self.max_age
        if stale or (count is not None and count != self._count) or self._value is None:
            self._value = self._build(now)
            self._built_at, self._count = now, count
        return self._value
