"""Alerts as stored: each one once, across restarts and processes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sharetui.store.connection import Connection

if TYPE_CHECKING:
    from sharetui.domain.alerts import Alert


# An Alert's fields, its account named as exports name it (sharetui.store.exports.ACCOUNT_NAME).
COLUMNS = ("a.at, a.account, a.video_id, a.title, a.rule, a.detail, a.message, a.value, "
           "COALESCE(NULLIF(c.username, ''), a.account)")


class AlertQueries(Connection):
    def record_alerts(self, alerts: list[Alert], *, pending: bool = False) -> list[Alert]:
        """Store alerts; returns those not stored before (each alert fires once, across restarts). `pending`:
        the user's command has yet to get them (sharetui.monitor.hooks)."""
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
        from sharetui.domain.alerts import Alert

        with self._reading() as db:
            rows = db.execute(
                f"""SELECT {COLUMNS}, a.attempts FROM alerts a LEFT JOIN accounts c ON c.key = a.account
                    WHERE a.account = ? AND a.pending = 1 AND a.attempts < ? ORDER BY a.id""",
                (account_key, max_attempts)).fetchall()
        return [(Alert(*row[:9]), row[9]) for row in rows]

    def alerts(self, account_keys: list[str] | None = None, limit: int = 50) -> list[Alert]:
        """The most recent alerts of these accounts (or all), newest first."""
        return [alert for alert, _seen in self.alerts_seen(account_keys, limit)]

    def alerts_seen(self, account_keys: list[str] | None = None, limit: int = 50) -> list[tuple[Alert, bool]]:
        """The most recent alerts, newest first, each with whether it was acknowledged."""
        from sharetui.domain.alerts import Alert

        query = f"SELECT {COLUMNS}, a.seen_at IS NOT NULL FROM alerts a LEFT JOIN accounts c ON c.key = a.account"
        params: tuple = ()
        if account_keys is not None:
            query += f" WHERE a.account IN ({', '.join('?' * len(account_keys))})"
            params = tuple(account_keys)
        with self._reading():
            rows = self._db.execute(query + " ORDER BY a.at DESC, a.id DESC LIMIT ?", (*params, limit)).fetchall()
        return [(Alert(*row[:9]), bool(row[9])) for row in rows]

    def acknowledge(self, alerts: list[Alert], at: int) -> None:
        """Mark alerts seen: the table's "!" goes once a video's recent alerts are all acknowledged."""
        with self._transaction() as db:
            db.executemany("""UPDATE alerts SET seen_at = COALESCE(seen_at, ?)
                              WHERE account = ? AND video_id = ? AND rule = ? AND detail = ?""",
                           [(at, a.account, a.video_id, a.rule, a.detail) for a in alerts])

    def mute_video(self, account_key: str, video_id: str, muted: bool, at: int) -> None:
        """Mute (or unmute) a video's alerts in the monitor: still stored and listed, no toast, bell or mark."""
        with self._transaction() as db:
            if muted:
                db.execute("INSERT OR IGNORE INTO muted_videos (account, video_id, at) VALUES (?, ?, ?)",
                           (account_key, video_id, at))
            else:
                db.execute("DELETE FROM muted_videos WHERE account = ? AND video_id = ?", (account_key, video_id))

    def muted_videos(self, account_keys: list[str]) -> frozenset[tuple[str, str]]:
        """(account, video id) of every muted video of these accounts."""
        marks = ", ".join("?" * len(account_keys))
        with self._reading() as db:
            return frozenset((row[0], row[1]) for row in db.execute(
                f"SELECT account, video_id FROM muted_videos WHERE account IN ({marks})", account_keys))

    def alerts_after(self, after_id: int, account_keys: list[str]) -> tuple[int, list[Alert]]:
        """Alerts of these accounts stored after `after_id` (oldest first) and the newest id seen: how a
        monitor learns of alerts any process raised, each once."""
        from sharetui.domain.alerts import Alert

        marks = ", ".join("?" * len(account_keys))
        with self._reading() as db:
            rows = db.execute(
                f"""SELECT {COLUMNS} FROM alerts a LEFT JOIN accounts c ON c.key = a.account
                    WHERE a.id > ? AND a.account IN ({marks}) ORDER BY a.id""", (after_id, *account_keys)).fetchall()
            newest = db.execute("SELECT COALESCE(MAX(id), 0) FROM alerts").fetchone()[0]
        return max(newest, after_id), [Alert(*row) for row in rows]

    def last_alert_id(self) -> int:
        with self._reading() as db:
            return db.execute("SELECT COALESCE(MAX(id), 0) FROM alerts").fetchone()[0]

    def alerted_videos(self, account_keys: list[str], since: int) -> frozenset[str]:
        """Videos of these accounts with an alert at or after `since` not yet acknowledged, and not muted (the
        table marks them)."""
        marks = ", ".join("?" * len(account_keys))
        with self._reading() as db:
            return frozenset(row[0] for row in db.execute(
                f"""SELECT DISTINCT a.video_id FROM alerts a
                    WHERE a.at >= ? AND a.account IN ({marks}) AND a.seen_at IS NULL AND NOT EXISTS
                        (SELECT 1 FROM muted_videos m WHERE m.account = a.account AND m.video_id = a.video_id)""",
                (since, *account_keys)))
