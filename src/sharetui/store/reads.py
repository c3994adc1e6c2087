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
from sharetui.domain.forecast.bands import AgedVideo
from sharetui.domain.models import METRICS, UNKNOWN_BIT, Account, VideoRow
from sharetui.store.connection import Connection

SHARES_UNKNOWN = UNKNOWN_BIT["shares"]

if TYPE_CHECKING:
    from sharetui.domain.alerts import Before

TREND_SPAN = DAY  # the table's "Shares 24h" sparkline...
TREND_POINTS = 12  # ...in 2-hour bars


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

    def dashboard(self, account_key: str, now: int, *, history: bool = True) -> list[VideoRow]:
        """Every video of the account with its latest counts and, unless `history` is False, its gains
        over 1 h / 24 h and 24 h shares trend (`fill_history` adds those to chosen rows later)."""
        with self._reading():
            rows = self._video_rows("", (account_key,))
            if history:
                self._fill_history(rows, now, "v.account = ?", [account_key])
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

    def fill_history(self, rows: list[VideoRow], now: int) -> None:
        """Add gains and trend to these rows only (the ones on screen first: a fraction of the cost)."""
        if rows:
            with self._reading():
                self._fill_history(rows, now, f"v.vid IN ({', '.join('?' * len(rows))})", [r.vid for r in rows])

    def _fill_history(self, rows: list[VideoRow], now: int, where: str, params: list) -> None:
        """Gains over 1 h and 24 h and the 24 h trend of `rows`, read in one pass over the videos matching
        `where`. The moments read: an hour ago, then the trend's edges from 24 h ago (its last edge is now,
        the latest count, already known)."""
        bounds = _trend_bounds(now)
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

    def age_samples(self, account_key: str, now: int, ages_hours: list[int]) -> dict[str, dict[int, list[int]]]:
        """For each metric (shares, views) and age: the cumulative values of every video known at that age.

        A video counts at an age only if it has reached it and a snapshot at or before that moment exists.
        """
        out: dict[str, dict[int, list[int]]] = {"shares": {}, "views": {}}
        seek = ("(SELECT s.{col} FROM snapshots s WHERE s.vid = v.vid AND s.at <= v.posted_at + ? "
                "ORDER BY s.at DESC LIMIT 1)")
        with self._reading():
            for age in ages_hours:
                offset = age * 3600
                rows = self._db.execute(
                    f"SELECT {seek.format(col='shares')}, {seek.format(col='views')} FROM videos v "
                    "WHERE v.account = ? AND v.posted_at + ? <= ? AND v.posted_at > 0",
                    (offset, offset, account_key, offset, now)).fetchall()
                out["shares"][age] = [r[0] for r in rows if r[0] is not None]
                out["views"][age] = [r[1] for r in rows if r[1] is not None]
        return out

    def catalogue(self, account_key: str, now: int) -> dict[str, list[tuple[float, int]]]:
        """The cross-section for shares and views: every listed video's latest known count with its age in
        hours when that count was confirmed (sharetui.domain.baseline uses it before history has accrued)."""
        out: dict[str, list[tuple[float, int]]] = {"shares": [], "views": []}
        with self._reading() as db:
            for posted_at, updated_at, shares, views, unknown in db.execute(
                    "SELECT posted_at, updated_at, shares, views, unknown FROM videos "
                    "WHERE account = ? AND gone_at IS NULL AND posted_at > 0 AND updated_at <= ?",
                    (account_key, now)):
                age = (updated_at - posted_at) / 3600
                if age <= 0:
                    continue
                if not unknown & UNKNOWN_BIT["shares"]:
                    out["shares"].append((age, shares))
                if not unknown & UNKNOWN_BIT["views"]:
                    out["views"].append((age, views))
        return out

    def aged_values(self, account_key: str, as_of: int, ages_hours: list[float]) -> list[AgedVideo]:
        """Each video of the account as the cache knew it at `as_of`: its shares then, and its shares at each
        age in `ages_hours` (hours since posting) where that moment is known. Nothing recorded after `as_of`
        is read, so an answer for a past moment never changes when later data arrives.

        A moment is known when it is no later than `as_of`, the video's history had begun by then (its first
        snapshot), and the video was still being observed (a later snapshot, a sweep of its account, or its
        counts confirmed unchanged by an import: "unchanged" is known, not unknown). A video first recorded
        within a day of its posting had 0 shares at posting; its counts in between are interpolated.
        A polled account is read with an index seek per (video, age): about 30 ms for 2,000 videos and 20
        ages. An account with no sweeps (imported daily totals, a point a day) is read whole and its values
        between two days interpolated, since a day-old point would misplace a young video's count."""
        with self._reading():
            last_sweep = self._db.execute("SELECT MAX(at) FROM sweeps WHERE account = ? AND at <= ?",
                                          (account_key, as_of)).fetchone()[0]
            # One row per video, its history's bounds computed once (MATERIALIZED: not again per age below).
            base = """WITH v AS MATERIALIZED (
                SELECT vid, id, title, posted_at, gone_at,
                       (SELECT MIN(s.at) FROM snapshots s WHERE s.vid = videos.vid) AS first_at,
                       (SELECT MAX(s.at) FROM snapshots s WHERE s.vid = videos.vid AND s.at <= ?) AS last_at,
                       MIN(updated_at, ?) AS confirmed,
                       (SELECT s.shares FROM snapshots s WHERE s.vid = videos.vid ORDER BY s.at LIMIT 1) AS first_value
                FROM videos WHERE account = ? AND posted_at > 0)
                SELECT vid, id, title, posted_at, gone_at, first_at, last_at, confirmed, first_value"""
            if last_sweep is None:
                videos = self._db.execute(f"{base} FROM v", (as_of, as_of, account_key)).fetchall()
                points = self._db.execute(
                    "SELECT s.vid, s.at, s.shares FROM snapshots s JOIN videos v ON v.vid = s.vid "
                    "WHERE v.account = ? AND s.at <= ? ORDER BY s.vid, s.at", (account_key, as_of)).fetchall()
                return _daily_videos(videos, points, ages_hours)
            # A seek only where its answer can count: inside the video's history and no later than `as_of`
            # (an old video first seen long after posting costs one seek, not one per age).
            seek = ("CASE WHEN v.first_at <= v.posted_at + ? AND v.posted_at + ? <= ? THEN "
                    "(SELECT s.shares FROM snapshots s WHERE s.vid = v.vid AND s.at <= v.posted_at + ? "
                    "ORDER BY s.at DESC LIMIT 1) END")
            offsets = [round(age * 3600) for age in ages_hours]
            params: list[object] = [as_of, as_of, account_key, as_of]
            for offset in offsets:
                params += [offset, offset, as_of, offset]
            rows = self._db.execute(
                f"""{base}, (SELECT s.shares FROM snapshots s WHERE s.vid = v.vid AND s.at <= ?
                             ORDER BY s.at DESC LIMIT 1), {", ".join([seek] * len(offsets))}
                    FROM v""", params).fetchall()
        out = []
        for _vid, video_id, title, posted_at, gone_at, first_at, last_at, confirmed, first_value, shares, *at_ages \
                in rows:
            if first_at is None or first_at > as_of or shares is None or posted_at > as_of:
                continue  # unknown at as_of
            observed = max(last_at, confirmed)
            if not (gone_at is not None and gone_at <= last_sweep):
                observed = max(observed, last_sweep)
            zero_at_posting = first_at - posted_at <= POSTING_ZERO_WITHIN
            if not zero_at_posting and observed >= as_of:
                # (the query already left out what lies outside the history: most videos of a big account)
                out.append(AgedVideo(video_id, title, posted_at, shares, first_at, observed, at_ages))
                continue
            known: list[int | None] = []
            for offset, value in zip(offsets, at_ages, strict=True):
                moment = posted_at + offset
                if first_at <= moment <= observed:
                    known.append(value)
                elif zero_at_posting and moment < first_at:
                    known.append(_from_posting(posted_at, first_at, first_value, moment))
                else:
                    known.append(None)
            out.append(AgedVideo(video_id, title, posted_at, shares, first_at, observed, known))
        return out

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



POSTING_ZERO_WITHIN = 86_400  # a video first recorded within this of its posting: 0 shares at posting is known


def _from_posting(posted_at: int, first_at: int, first_value: int, moment: int) -> int:
    """A count between posting (0) and a first record soon after it, interpolated: the truth lies between."""
    if moment <= posted_at:
        return 0
    return round(first_value * (moment - posted_at) / (first_at - posted_at))


def _daily_videos(videos: list[tuple], points: list[tuple[int, int, int]], ages_hours: list[float]) -> list[AgedVideo]:
    """The videos of an account fed by daily imports: shares at each age interpolated between their points
    (sorted by video, then time), known up to the last import that listed each (an import repeating a count
    confirms it, a fact the change-only points alone do not hold); a video imported within a day of its
    posting starts from 0 at posting. Vectorised: one search over every point for every (video, age)."""
    import numpy as np  # (forecasts and backtests only: never at start-up)

    if not points or not videos:
        return []
    table = np.array(points, dtype=np.int64)
    keys = (table[:, 0] << 32) | table[:, 1]  # (video, time), sorted
    vid = np.array([row[0] for row in videos], dtype=np.int64)
    posted = np.array([row[3] for row in videos], dtype=np.int64)
    start, end = np.searchsorted(table[:, 0], vid, "left"), np.searchsorted(table[:, 0], vid, "right")
    listed = end > start
    start_c, last_c = np.minimum(start, len(table) - 1), np.maximum(end - 1, 0)
    first_at, last_at = table[start_c, 1], table[last_c, 1]
    first_value, newest = table[start_c, 2], table[last_c, 2]
    # `confirmed` is capped at `as_of`: confirmed later (by a later import) means unchanged through `as_of`.
    observed = np.maximum(last_at, np.array([row[7] for row in videos], dtype=np.int64))
    moments = posted[:, None] + np.round(np.asarray(ages_hours) * 3600).astype(np.int64)[None, :]
    at = np.searchsorted(keys, (vid[:, None] << 32) | np.clip(moments, 0, 2**32 - 1), "right") - 1
    at = np.clip(at, start_c[:, None], last_c[:, None])
    after = np.minimum(at + 1, last_c[:, None])
    t0, v0, t1, v1 = table[at, 1], table[at, 2], table[after, 1], table[after, 2]
    span = np.where(t1 > t0, t1 - t0, 1)
    values = np.where(t1 > t0, v0 + np.floor((v1 - v0) * (moments - t0) / span + 0.5), v0).astype(float)
    zero = ((first_at - posted > 0) & (first_at - posted <= POSTING_ZERO_WITHIN))[:, None]
    before = moments < first_at[:, None]
    from_zero = np.floor(first_value[:, None] * np.maximum(moments - posted[:, None], 0)
                         / np.maximum(first_at - posted, 1)[:, None] + 0.5)
    values = np.where(before & zero, from_zero, values)
    values[(before & ~zero) | (moments > observed[:, None])] = np.nan  # before its history, or after last seen
    out = []
    for k, row in enumerate(videos):
        if not listed[k] or row[3] > last_at[k]:
            continue
        known = [None if v != v else int(v) for v in values[k].tolist()]
        # "Now" for such an account is its newest data: the age is measured there, not at the wall clock.
        out.append(AgedVideo(row[1], row[2], row[3], int(newest[k]), int(first_at[k]), int(observed[k]), known))
    return out


@dataclass(frozen=True)
class _WindowGains:
    """Per row: its gains over each window, and the value of its first recorded point."""

    of: Callable[[VideoRow], list[Gain]]
    first_value: Callable[[VideoRow], int | None]
    first_at: Callable[[VideoRow], int | None]  # when its history begins


def _trend_bounds(now: int) -> list[int]:
    """The edges of the trend's bars: 24 h ago, then every 2 hours, up to now."""
    step = TREND_SPAN // TREND_POINTS
    return [now - TREND_SPAN + i * step for i in range(TREND_POINTS + 1)]
