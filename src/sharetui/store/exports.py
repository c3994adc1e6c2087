"""The rows `sharetui export` writes."""

from __future__ import annotations

from collections.abc import Iterator

from sharetui.domain.models import COUNT_ORDER, UNKNOWN_BIT
from sharetui.store.connection import Connection

# How an export names an account: its @username when known, else its key ("demo", "tiktok:<open_id>").
ACCOUNT_NAME = "COALESCE(NULLIF(a.username, ''), v.account)"
# A count no source has told yet (models.unknown_bits) is exported empty (CSV) or null (JSON), never 0.
KNOWN_COUNTS = ", ".join(f"CASE WHEN v.unknown & {UNKNOWN_BIT[name]} THEN NULL ELSE v.{name} END"
                         for name in COUNT_ORDER)


class ExportQueries(Connection):
    def latest(self, account_keys: list[str]) -> Iterator[tuple]:
        """account, id, title, posted_at, views, likes, comments, shares, updated_at, gone per video
        (export)."""
        marks = ", ".join("?" * len(account_keys))
        with self._reading():
            rows = self._db.execute(
                f"""SELECT {ACCOUNT_NAME}, v.id, v.title, v.posted_at, {KNOWN_COUNTS}, v.updated_at, v.gone_at IS NOT NULL FROM videos v LEFT JOIN accounts a ON a.key = v.account
                    WHERE v.account IN ({marks}) ORDER BY v.account, v.posted_at DESC, v.id""",
                account_keys).fetchall()
        yield from rows

    def history(self, account_keys: list[str]) -> Iterator[tuple]:
        """account, id, at, views, likes, comments, shares for every stored snapshot (export)."""
        marks = ", ".join("?" * len(account_keys))
        with self._reading():
            rows = self._db.execute(
                f"""SELECT {ACCOUNT_NAME}, v.id, s.at, s.views, s.likes, s.comments, s.shares FROM snapshots s
                    JOIN videos v ON v.vid = s.vid LEFT JOIN accounts a ON a.key = v.account
                    WHERE v.account IN ({marks}) ORDER BY v.account, v.posted_at DESC, v.id, s.at""",
                account_keys).fetchall()
        yield from rows


