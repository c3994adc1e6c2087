"""The account of a creator without API access: fed by `sharetui import` (TikTok Studio exports), not polled."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sharetui.models import Account, Sweep
from sharetui.sources import SourceError

ACCOUNT = Account(key="studio", source="studio", display_name="TikTok Studio import")


def has_imports(cache: Path) -> bool:
    """Whether the cache holds imported data (read-only peek; no cache yet means no)."""
    if not cache.exists():
        return False
    try:
        with sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=2) as db:
            return db.execute("SELECT 1 FROM videos WHERE account = 'studio' LIMIT 1").fetchone() is not None
    except sqlite3.Error:
        return False  # an unusable cache is reported by the store when it is opened


class ImportedSource:
    kind = "studio"
    live = False  # nothing to poll: the monitor shows what imports stored

    def account(self) -> Account:
        return ACCOUNT

    def prepare(self, store: object, now: int) -> None:
        """Nothing to prepare: the data arrives by `sharetui import`."""

    def fetch(self, now: int, full: bool = True) -> Sweep:
        raise SourceError("this account is fed by `sharetui import` (TikTok Studio exports), not polled; "
                          "connect TikTok (`sharetui auth login`) for live counts")

    def close(self) -> None:
        """Nothing to release."""
