"""Retention: old history rolled up to hours, then days, at the boundaries charts read."""

from __future__ import annotations

import threading

from sharetui.domain.figures import DAY, HOUR
from sharetui.store.connection import Connection

ROLL_UP_BATCH = 250  # videos thinned per transaction


class Retention(Connection):
    def roll_up(self, now: int, raw_days: int, hourly_days: int, stop: threading.Event | None = None) -> int:
        """Thin old history: every snapshot up to `raw_days` old, one per hour up to `hourly_days`, one per
        day beyond. What is kept is the last point at or before each whole hour (day), i.e. the value at
        every hour (day) boundary, so totals and deltas at that resolution never change. Returns rows removed.

        Committed a few hundred videos at a time, so neither a reader nor a stop request waits for a whole
        pass; a pass cut short by `stop` is simply done again next time (thinning is idempotent).
        """
        raw_cut = (now - raw_days * DAY) // HOUR * HOUR
        hourly_cut = (now - hourly_days * DAY) // DAY * DAY
        removed = 0
        with self._reading() as db:
            done = {key: int(value) for key, value in db.execute(
                "SELECT key, value FROM meta WHERE key IN ('rollup.hourly', 'rollup.daily')")}
            vids = [row[0] for row in db.execute("SELECT vid FROM videos")]
        zones = [(HOUR, done.get("rollup.hourly", 0), raw_cut, "rollup.hourly"),
                 (DAY, done.get("rollup.daily", 0), hourly_cut, "rollup.daily")]
        for grain, low, high, key in zones:
            if high <= low:
                continue
            for first in range(0, len(vids), ROLL_UP_BATCH):
                if stop is not None and stop.is_set():
                    return removed
                with self._transaction() as db:
                    for vid in vids[first:first + ROLL_UP_BATCH]:  # the key (vid, at) makes each a range seek
                        removed += db.execute(
                            """DELETE FROM snapshots WHERE vid = ? AND at >= ? AND at < ? AND EXISTS (
                                   SELECT 1 FROM snapshots later WHERE later.vid = snapshots.vid
                                   AND later.at > snapshots.at AND later.at <= (snapshots.at + ? - 1) / ? * ?)""",
                            (vid, low, high, grain, grain, grain)).rowcount
            with self._transaction() as db:
                removed += db.execute(
                    """DELETE FROM sweeps WHERE at >= ? AND at < ? AND EXISTS (
                           SELECT 1 FROM sweeps later WHERE later.account = sweeps.account
                           AND later.at > sweeps.at AND later.at <= (sweeps.at + ? - 1) / ? * ?)""",
                    (low, high, grain, grain, grain)).rowcount
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(high)))
        return removed
