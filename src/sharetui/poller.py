"""Polling: one sweep = fetch from the source, store in one transaction. Shared by the CLI and the UI."""

from __future__ import annotations

import time
from collections.abc import Callable

from sharetui.models import SweepResult
from sharetui.sources import Source, SourceError
from sharetui.store import Store

Clock = Callable[[], float]


class Poller:
    def __init__(self, store: Store, source: Source, clock: Clock = time.time) -> None:
        self.store = store
        self.source = source
        self.clock = clock
        self._prepared = False

    def now(self) -> int:
        return int(self.clock())

    def prepare(self) -> None:
        """Run the source's one-time preparation (the demo's backfill) before the first sweep."""
        if not self._prepared:
            self.source.prepare(self.store, self.now())
            self._prepared = True

    def sweep(self) -> SweepResult:
        """Fetch every video once and store the counts. Raises SourceError on failure."""
        self.prepare()
        now = self.now()
        sweep = self.source.fetch(now)
        result = self.store.record_sweep(sweep.account, now, sweep.videos, complete=sweep.complete)
        if sweep.error:
            # The pages that arrived are stored; the failure is still reported.
            raise SourceError(f"{sweep.error} (kept {len(sweep.videos)} videos read before it)")
        return result
