"""Alerts as stored: each one once, across restarts and processes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sharetui.store.connection import Connection

if TYPE_CHECKING:
    from sharetui.alerts import Alert


class AlertQueries(Connection):
    def record_alerts(self, alerts: list[Alert]) -> list[Alert]:
        """Store alerts; returns those not stored before (each alert fires once, across restarts)."""
        fresh = []
        with self._transaction() as db:
            for alert in alerts:
                cursor = db.execute(
                    """INSERT OR IGNORE INTO alerts (account, video_id, rule, detail, at, title, message, value)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (alert.account, alert.video_id, alert.rule, alert.detail, alert.at, alert.title,
                     alert.message, alert.value))
                if cursor.rowcount:
                    fresh.append(alert)
        return fresh

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
