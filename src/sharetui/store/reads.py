"""Read queries, each returning plain models (sharetui.domain.models), never rows or cursors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sharetui.domain.figures import (
    DAY,
    HOUR,
    Gain,
    Series,
    bars,
    bucket,
    bucket_bounds,
    edge_value,
    window_gain,
)
from sharetui.domain.models import METRICS, UNKNOWN_BIT, Account, VideoRow
from sharetui.store.connection import Connection

SHARES_UNKNOWN = UNKNOWN_BIT["shares"]

if TYPE_CHECKING:
    from sharetui.domain.alerts import Before

TREND_STEP = 2 * HOUR  # the table's sparkline is in 2-hour bars...
TREND_BARS = 12  # ...12 of them (24 h) unless the table has room for more


class Reads(Connection):
    def account(self, key: str) -> Account | None:
        with self._reading():
            row = self._db.execute(
                "SELECT key, source, display_name, username, followers, likes, video_count FROM accounts "
                "WHERE key = ?", (key,)).fetchone()
        return Account(*row) if row else None

    def account_keys(self) -> list[str]:
        with self._reading():
            return [row[0] for row in self._db.execute("SELECT key FROM accounts ORDER BY key")]

    def last_sweep_before(self, account_key: str, moment: int) -> int | None:
        """The account's last sweep at or before `moment`."""
        with self._reading() as db:
            return db.execute("SELECT MAX(at) FROM sweeps WHERE account = ? AND at <= ?",
                              (account_key, moment)).fetchone()[0]

    def last_sweep(self, account_key: str) -> int | None:
        with self._reading():
            row = self._db.execute("SELECT MAX(at) FROM sweeps WHERE account = ?", (account_key,)).fetchone()
        return row[0]

    def dashboard(self, account_key: str, now: int, *, history: bool = True,
                  trend_bars: int = TREND_BARS) -> list[VideoRow]:
        """Every video of the account with its latest counts and, unless `history` is False, its gains
        over 1 h / 24 h and its shares trend, `trend_bars` 2-hour bars up to now (`fill_history` adds those
        to chosen rows later)."""
        with self._reading():
            rows = self._video_rows("", (account_key,))
            if history:
                self._fill_history(rows, now, "v.account = ?", [account_key], trend_bars)
        return rows

    def top_rows(self, account_key: str, limit: int) -> list[VideoRow]:
        """The `limit` most shared videos (the table's default order: most shares first, ties by id, unknown
        last), without gains: what a fresh table shows before it scrolls."""
        with self._reading():
            # Along the (account, shares, id) index, backwards: no scan of every video. A count not told yet
            # is stored as 0, so those rows come last here too.
            rows = self._video_rows("ORDER BY shares DESC, id DESC LIMIT ?", (account_key, limit))
        return sorted(rows, key=lambda r: r.known("shares") is None)  # stable: unknown last, order kept

    def summary(self, account_key: str) -> tuple[int, int, int, int, int]:
        """(listed videos, gone videos, shares, views, likes) of the account's listed videos' known counts:
        the header's totals without loading every row."""
        known = ", ".join(f"SUM(CASE WHEN gone_at IS NULL AND unknown & {UNKNOWN_BIT[m]} = 0 THEN {m} ELSE 0 END)"
                          for m in ("shares", "views", "likes"))
        with self._reading():
            row = self._db.execute(
                f"SELECT COUNT(*) - COUNT(gone_at), COUNT(gone_at), {known} FROM videos WHERE account = ?",
                (account_key,)).fetchone()
        return (row[0], row[1], row[2] or 0, row[3] or 0, row[4] or 0)

    def _video_rows(self, tail: str, params: tuple) -> list[VideoRow]:
        return [
            VideoRow(vid, vid_id, title, posted_at, url, views, likes, comments, shares, updated,
                     gone is not None, unknown)
            for vid, vid_id, title, posted_at, url, views, likes, comments, shares, updated, gone, unknown
            in self._db.execute(
                f"""SELECT vid, id, title, posted_at, share_url, views, likes, comments, shares,
                           updated_at, gone_at, unknown FROM videos WHERE account = ? {tail}""", params)
        ]

    def fill_history(self, rows: list[VideoRow], now: int, trend_bars: int = TREND_BARS) -> None:
        """Add gains and trend to these rows only (the ones on screen first: a fraction of the cost)."""
        if rows:
            with self._reading():
                self._fill_history(rows, now, f"v.vid IN ({', '.join('?' * len(rows))})", [r.vid for r in rows],
                                   trend_bars)

    def _fill_history(self, rows: list[VideoRow], now: int, where: str, params: list, trend_bars: int) -> None:
        """Gains over 1 h and 24 h and the 24 h trend of `rows`, read in one pass over the videos matching
        `where`. The moments read: an hour ago, then the trend's edges from 24 h ago (its last edge is now,
        the latest count, already known)."""
        bounds = _trend_bounds(now, trend_bars)
        windows = [now - HOUR, now - DAY]
        account = rows[0].account if rows and rows[0].account else None
        gains = self._window_gains(windows, where, params, account)
        history = self._shares_at(bounds[:-1], where, params, key="vid")
        missing = (None,) * (len(bounds) - 1)
        for row in rows:
            at_bounds = history.get(row.vid) or missing
            hour, day = gains.of(row)
            row.gain_1h, row.gain_1h_lower = hour.value, hour.lower
            row.gain_24h, row.gain_24h_lower = day.value, day.lower
            first_at = gains.first_at(row)
            known = [edge_value(value, t, row.posted_at, first_at) for value, t in zip(at_bounds, bounds, strict=False)]
            known.append(row.known("shares"))
            row.trend = bars(known, gains.first_value(row))

    def window_gains(self, row: VideoRow, starts: list[int], metric: str = "shares") -> list[Gain]:
        """One video's gain of `metric` from each of `starts` to now: the same definition as the table's."""
        with self._reading():
            return self._window_gains(starts, "v.vid = ?", [row.vid], row.account or None, metric).of(row)

    def _window_gains(self, starts: list[int], where: str, params: list,
                      account: str | None, metric: str = "shares") -> _WindowGains:
        """Each row's share gain from each of `starts` to now (sharetui.domain.figures.window_gain): the values the
        history holds at the start and at the first observation after it, and when the account was
        observed around it (its sweeps; for an account fed only by imports, each video's own points)."""
        if account is None:
            account = self._db.execute(f"SELECT v.account FROM videos v WHERE {where} LIMIT 1", params).fetchone()
            account = account[0] if account else ""
        seen = []
        for start in starts:
            before, after = self._db.execute(
                "SELECT (SELECT MAX(at) FROM sweeps WHERE account = ? AND at <= ?), "
                "(SELECT MIN(at) FROM sweeps WHERE account = ? AND at > ?)", (account, start, account, start)).fetchone()
            seen.append((before, after))
        polled = any(before is not None or after is not None for before, after in seen)
        if metric not in METRICS:
            raise ValueError(metric)
        value = ("(SELECT s." + metric + " FROM snapshots s WHERE s.vid = v.vid AND s.at <= {at} "
                 "ORDER BY s.at DESC LIMIT 1)")
        columns = ["(SELECT MIN(s.at) FROM snapshots s WHERE s.vid = v.vid)",
                   f"(SELECT s.{metric} FROM snapshots s WHERE s.vid = v.vid ORDER BY s.at LIMIT 1)"]
        values: list[object] = []
        for start, (_before, after) in zip(starts, seen, strict=True):
            if polled:
                columns += [value.format(at="?"), value.format(at="?")]
                values += [start, after if after is not None else -1]
            else:  # points are the observations: the ones around the start, and the value after it
                before_at = "(SELECT MAX(s.at) FROM snapshots s WHERE s.vid = v.vid AND s.at <= ?)"
                after_at = "(SELECT MIN(s.at) FROM snapshots s WHERE s.vid = v.vid AND s.at > ?)"
                columns += [value.format(at="?"), before_at, after_at, value.format(at=after_at)]
                values += [start, start, start, start]
        found = {row[0]: row[1:] for row in self._db.execute(
            f"SELECT v.vid, {', '.join(columns)} FROM videos v WHERE {where}", (*values, *params))}

        def gains(row: VideoRow) -> list[Gain]:
            first_at, first_value, *rest = found.get(row.vid) or (None,) * (2 + (2 if polled else 4) * len(starts))
            out = []
            for i, (start, (before, after)) in enumerate(zip(starts, seen, strict=True)):
                if polled:
                    at_start, at_after = rest[2 * i], rest[2 * i + 1]
                else:
                    at_start, before, after, at_after = rest[4 * i:4 * i + 4]
                out.append(window_gain(start=start, end_value=row.known(metric), end_seen=row.updated_at,
                                       posted_at=row.posted_at, first_at=first_at, start_value=at_start,
                                       seen_before_start=before, seen_after_start=after,
                                       value_after_start=at_after if after is not None else None,
                                       first_value=first_value))
            return out

        def first_watched(row: VideoRow) -> int | None:
            """The first recorded value, once a later confirmation exists (one observation: nothing to
            subtract, so no bar)."""
            first_at, first_value = (found.get(row.vid) or (None, None))[:2]
            return first_value if first_at is not None and first_at < row.updated_at else None

        return _WindowGains(gains, first_watched, lambda row: (found.get(row.vid) or (None,))[0])

    def total_series(self, account_key: str, bounds: list[int], metric: str = "shares") -> Series:
        """The account's total of `metric` at each boundary, from the per-sweep totals."""
        if metric not in METRICS:
            raise ValueError(metric)
        start, end = bounds[0], bounds[-1]
        with self._reading():
            before = self._db.execute(
                f"SELECT at, {metric} FROM sweeps WHERE account = ? AND at <= ? ORDER BY at DESC LIMIT 1",
                (account_key, start)).fetchall()
            inside = self._db.execute(
                f"SELECT at, {metric} FROM sweeps WHERE account = ? AND at > ? AND at <= ? ORDER BY at",
                (account_key, start, end)).fetchall()
        return bucket(metric, bounds, before + inside)

    def imported_total_series(self, account_key: str, bounds: list[int]) -> Series:
        """An account fed only by imports (no sweeps): the sum of its videos' shares at each boundary, from
        their snapshots; unknown where no video of it was known yet."""
        seek = "(SELECT s.shares FROM snapshots s WHERE s.vid = v.vid AND s.at <= ? ORDER BY s.at DESC LIMIT 1)"
        points = []
        with self._reading() as db:
            for moment in bounds:
                total, known = db.execute(f"SELECT SUM(x), COUNT(x) FROM (SELECT {seek} AS x FROM videos v "
                                          "WHERE v.account = ?)", (moment, account_key)).fetchone()
                if known:
                    points.append((moment, total))
        return bucket("shares", bounds, points)

    def video_series(self, vid: int, bounds: list[int]) -> dict[str, Series]:
        """Each metric of one video at each boundary; reads only the snapshots inside the range."""
        start, end = bounds[0], bounds[-1]
        with self._reading():
            known = self._db.execute("SELECT posted_at, (SELECT MIN(at) FROM snapshots WHERE vid = ?), updated_at "
                                     "FROM videos WHERE vid = ?", (vid, vid)).fetchone()
            before = self._db.execute(
                "SELECT at, views, likes, comments, shares FROM snapshots WHERE vid = ? AND at <= ? "
                "ORDER BY at DESC LIMIT 1", (vid, start)).fetchall()
            inside = self._db.execute(
                "SELECT at, views, likes, comments, shares FROM snapshots WHERE vid = ? AND at > ? AND at <= ? "
                "ORDER BY at", (vid, start, end)).fetchall()
        points = before + inside
        # Before its first point a video's value follows figures.edge_value: zero before it was posted, and
        # up to that point when the history began at posting; found later, unknown (never a bar).
        columns = {"views": 1, "likes": 2, "comments": 3, "shares": 4}
        return {
            metric: bucket(metric, bounds, [(p[0], p[index]) for p in points], *(known or (None, None, None)))
            for metric, index in columns.items()
        }

    def video_states(self, account_key: str) -> dict[str, Before]:
        """Each video's shares, gone flag and title as stored now (before the next sweep is written)."""
        from sharetui.domain.alerts import Before  # alert rules load with the first sweep, not with the UI

        with self._reading():
            return {vid_id: Before(None if unknown & SHARES_UNKNOWN else shares, gone is not None, title)
                    for vid_id, shares, gone, title, unknown in self._db.execute(
                        "SELECT id, shares, gone_at, title, unknown FROM videos WHERE account = ?", (account_key,))}

    def shares_at(self, account_key: str, moments: list[int]) -> dict[str, tuple[int | None, ...]]:
        """Each video's shares (by video id) as last recorded at or before each moment."""
        with self._reading():
            return self._shares_at(moments, "v.account = ?", [account_key], key="id")

    def _shares_at(self, moments: list[int], where: str, params: list, key: str) -> dict:
        """One pass over the videos matching `where`, one index seek per (video, moment): far cheaper than
        a query per moment on thousands of videos. Unknown (nothing recorded yet) is None."""
        seek = "(SELECT s.shares FROM snapshots s WHERE s.vid = v.vid AND s.at <= ? ORDER BY s.at DESC LIMIT 1)"
        return {row[0]: tuple(row[1:]) for row in self._db.execute(
            f"SELECT v.{key}, {', '.join([seek] * len(moments))} FROM videos v WHERE {where}", (*moments, *params))}

    def age_curve(self, vid: int, posted_at: int, now: int, points: int = 100) -> tuple[list[float], list[int]]:
        """Cumulative shares by hours since posting, only where the cache knows them: before the first
        snapshot (a video found long after it was posted) nothing is drawn rather than a made-up zero."""
        bounds = bucket_bounds(now, max(3600, now - posted_at), points, min_step=60)
        values = self.video_series(vid, bounds)["shares"].values
        first = self.first_snapshot_at(vid)
        known_from = posted_at if first is None or first - posted_at <= 3600 else first
        ages, known = [], []
        for t, value in zip(bounds, values, strict=True):
            if value is not None and t >= known_from:
                ages.append((t - posted_at) / 3600)
                known.append(value)
        return ages, known

    def first_snapshot_at(self, vid: int) -> int | None:
        with self._reading():
            return self._db.execute("SELECT MIN(at) FROM snapshots WHERE vid = ?", (vid,)).fetchone()[0]

    def newest_snapshot_at(self, account_key: str) -> int | None:
        with self._reading():
            return self._db.execute("SELECT MAX(s.at) FROM snapshots s JOIN videos v ON v.vid = s.vid "
                                    "WHERE v.account = ?", (account_key,)).fetchone()[0]

    def first_sweep_at(self, account_key: str) -> int | None:
        with self._reading():
            return self._db.execute("SELECT MIN(at) FROM sweeps WHERE account = ?", (account_key,)).fetchone()[0]

    def daily_shares(self, account_key: str, days: int, today: date) -> list[int | None]:
        """Shares per day for the `days` days up to `today` (None where the export had no figure)."""
        start = today - timedelta(days=days - 1)
        with self._reading():
            found = dict(self._db.execute(
                "SELECT day, shares FROM daily_totals WHERE account = ? AND day >= ? AND day <= ?",
                (account_key, start.isoformat(), today.isoformat())).fetchall())
        return [found.get((start + timedelta(days=i)).isoformat()) for i in range(days)]

    def has_daily_totals(self, account_key: str) -> bool:
        with self._reading():
            return self._db.execute("SELECT 1 FROM daily_totals WHERE account = ? LIMIT 1",
                                    (account_key,)).fetchone() is not None



@dataclass(frozen=True)
class _WindowGains:
    """Per row: its gains over each window, and the value of its first recorded point."""

    of: Callable[[VideoRow], list[Gain]]
    first_value: Callable[[VideoRow], int | None]
    first_at: Callable[[VideoRow], int | None]  # when its history begins


def _trend_bounds(now: int, count: int) -> list[int]:
    """The edges of the trend's `count` bars: every 2 hours, up to now."""
    return [now - (count - i) * TREND_STEP for i in range(count + 1)]
