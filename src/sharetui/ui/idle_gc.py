"""When the monitor collects garbage. No Textual here.

A poll lands 10,000 rows at a time: with Python's default thresholds (700, 10, 10) that triggers full
collections (30-60 ms each, with the GIL held, so the event loop stalls) several times per poll, whichever
thread allocates. Young objects are still collected often and cheaply; the full pass waits for a moment
nobody would notice it: no key, click or scroll for a few seconds and nothing loading.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

THRESHOLDS = (5_000, 10, 1_000_000)  # young generations as usual; the full pass only when idle
CHECK_EVERY = 5.0  # seconds between looks for an idle moment
IDLE_AFTER = 3.0  # seconds without input that make a moment idle
FULL_EVERY = 60.0  # at most one full collection a minute


class IdleCollector:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_input = 0.0
        self.last_full = clock()

    def start(self) -> None:
        """After the first frame: collection back on, the start-up's long-lived objects frozen out of every
        later pass (`sharetui` pauses collection while it starts)."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()
        gc.set_threshold(*THRESHOLDS)

    def start_ticking(self, every: Callable[[float, Callable[[], object]], object], busy: Callable[[], bool]) -> None:
        """`start`, then look for an idle moment every CHECK_EVERY seconds (`every`: the app's set_interval)."""
        self.start()
        every(CHECK_EVERY, lambda: self.tick(busy()))

    def saw_input(self) -> None:
        self.last_input = self.clock()

    def tick(self, busy: bool) -> bool:
        """Collect fully if this is an idle moment and the last full pass is a while ago; True if it did."""
        now = self.clock()
        if busy or now - self.last_input < IDLE_AFTER or now - self.last_full < FULL_EVERY:
            return False
        self.last_full = now
        gc.collect()
        return True
