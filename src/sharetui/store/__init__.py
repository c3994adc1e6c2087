"""The SQLite cache, split by concern: the connection and migrations (connection.py), writes of sweeps and
imports (writes.py), retention (retention.py), read queries returning plain models (reads.py), the
reads behind the usual curves and the forecast (curves.py), alerts
(alerts.py) and export rows (exports.py). Nothing outside this package imports sqlite3: every SQLite error
leaves it as StoreError.

One file in the platform data directory holds every account's videos and a change-only snapshot series: a
snapshot row is written only when one of a video's counts changed, and `videos.updated_at` records when the
latest counts were last confirmed. Times are Unix seconds, UTC.
"""

from __future__ import annotations

from pathlib import Path

from sharetui.store.alerts import AlertQueries
from sharetui.store.connection import SCHEMA_VERSION, StoreError
from sharetui.store.curves import CurveReads
from sharetui.store.exports import ExportQueries
from sharetui.store.reads import Reads
from sharetui.store.retention import Retention
from sharetui.store.writes import Writes

__all__ = ["SCHEMA_VERSION", "Reader", "Store", "StoreError"]


class Reader(Reads, CurveReads, AlertQueries, ExportQueries):
    """A read-only connection: the monitor's screens and workers read through these, so a query never waits
    behind the writer's transaction (in WAL mode SQLite lets readers and one writer work side by side)."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(path, read_only=True)


class Store(Writes, Retention, Reads, CurveReads, AlertQueries, ExportQueries):
    """The writer's connection (it reads too)."""

    def reader(self) -> Reader | Store:
        """A connection of its own for reading; this one where the file cannot be opened read-only."""
        if str(self.path) == ":memory:":
            return self
        try:
            return Reader(self.path)
        except StoreError:
            return self
