"""Polling: one sweep = fetch from the source, store in one transaction. Shared by the CLI and the UI."""

from __future__ import annotations

import time
from collections.abc import Callable

from sharetui.models import SweepResult
from sharetui.sources import Source, SourceError
from sharetui.store import Store

Clock = Callable[[], float]


ROLL_UP_EVERY = 3600  # seconds between retention passes


class Poller:
    """Runs sweeps: full ones every `full_sweep_every` polls (and first), light ones between them."""

    def __init__(self, store: Store, source: Source, clock: Clock = time.time, *, full_sweep_every: int = 1,
                 retention: tuple[int, int] | None = None) -> None:
        self.store = store
        self.source = source
        self.clock = clock
        self.full_sweep_every = max(1, full_sweep_every)
        self.retention = retention  # (raw_days, hourly_days), or None to keep everything
        self.sweeps = 0
        self._prepared = False
        self._rolled_up_at = 0

    @classmethod
    def from_config(cls, store: Store, source: Source, config: object, clock: Clock = time.time) -> Poller:
        from sharetui.config import Config

        assert isinstance(config, Config)
        return cls(store, source, clock, full_sweep_every=config["poll.full_sweep_every"],
                   retention=(config["retention.raw_days"], config["retention.hourly_days"]))

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
        full = self.sweeps % self.full_sweep_every == 0
        self.sweeps += 1
        sweep = self.source.fetch(now, full=full)
        result = self.store.record_sweep(sweep.account, now, sweep.videos, complete=sweep.complete)
        if self.retention is not None and now - self._rolled_up_at >= ROLL_UP_EVERY:
            self._rolled_up_at = now
            self.store.roll_up(now, *self.retention)
        if sweep.error:
            # The pages that arrived are stored; the failure is still reported.
            raise SourceError(f"{sweep.error} (kept {len(sweep.videos)} videos read before it)")
        return result
