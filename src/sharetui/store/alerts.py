"""Alerts as stored: each one once, across restarts and processes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sharetui.store.connection import Connection

if TYPE_CHECKING:
    from sharetui.alerts import Alert


class AlertQueries(Connection):
    def record_alerts(self, alerts: list[Alert], *, pending: bool = False) -> list[Alert]:
        """Store alerts; returns those not stored before (each alert fires once, across restarts). `pending`:
        the user's command has yet to get them (sharetui.hooks)."""
        fresh = []
        with self._transaction() as db:
            for alert in alerts:
                cursor = db.execute(
                    """INSERT OR IGNORE INTO alerts (account, video_id, rule, detail, at, title, message, value,
                                                     pending)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (alert.account, alert.video_id, alert.rule, alert.detail, alert.at, alert.title,
                     alert.message, alert.value, int(pending)))
                if cursor.rowcount:
                    fresh.append(alert)
        return fresh

    def mark_delivery(self, alert: Alert, *, delivered: bool) -> None:
        """One try of the user's command for `alert`: it stays pending until one succeeds."""
        with self._transaction() as db:
            db.execute("""UPDATE alerts SET pending = ?, attempts = attempts + 1
                          WHERE account = ? AND video_id = ? AND rule = ? AND detail = ?""",
                       (int(not delivered), alert.account, alert.video_id, alert.rule, alert.detail))

    def pending_alerts(self, account_key: str, max_attempts: int) -> list[tuple[Alert, int]]:
        """Alerts of this account the user's command has not taken yet, with how often it was tried."""
        from sharetui.alerts import Alert

        with self._reading() as db:
            rows = db.execute(
                """SELECT at, account, video_id, title, rule, detail, message, value, attempts FROM alerts
                   WHERE account = ? AND pending = 1 AND attempts < ? ORDER BY id""",
                (account_key, max_attempts)).fetchall()
        return [(Alert(*row[:8]), row[8]) for row in rows]

    def alerts(self, account_keys: list[str] | None = None, limit: int = 50) -> list[Alert]:
        """The most recent alerts of these accounts (or all), newest first."""
        from sharetui.alerts import Alert

        query = "SELECT at, account, video_id, title, rule, detail, message, value FROM alerts"
        params: tuple = ()
        if account_keys is not None:
            query += f" WHERE account IN ({', '.join('?' * len(account_keys))})"
            params = tuple(account_keys)
        with self._reading():
            rows = self._db.execute(query + " ORDER BY at DESC, id DESC LIMIT ?", (*params, limit)).fetchall()
        return [Alert(*row) for row in rows]
