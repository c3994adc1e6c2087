"""The SQLite cache: schema, migrations, writes of sweeps, and the queries the UI and exports need.

One file in the platform data directory holds every account's videos and a change-only snapshot
series: a snapshot row is written only when one of a video's counts changed, and `videos.updated_at`
records when the latest counts were last confirmed. Times are Unix seconds, UTC.
"""

from __future__ import annotations

import bisect
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sharetui.models import METRICS, Account, AgedVideo, Series, SweepResult, VideoCounts, VideoRow
from sharetui.timeseries import DAY, HOUR, bucket, bucket_bounds

if TYPE_CHECKING:
    from sharetui.alerts import Alert, Before
    from sharetui.studio import DayTotals, VideoTotals


@dataclass(slots=True)
class _Known:
    """What a sweep needs to know about a stored video while recording."""

    vid: int
    counts: tuple[int, int, int, int]
    gone: bool
    meta: VideoCounts | None  # the latest report of it in this write, if any
    seen_at: int | None


class StoreError(Exception):
    """The cache cannot be used; the message is one line meant for the user."""


MIGRATIONS: list[str] = [
    # 1: initial schema
    """
    CREATE TABLE accounts (
        key TEXT PRIMARY KEY,
        source TEXT NOT NULL,
        display_name TEXT NOT NULL DEFAULT '',
        username TEXT NOT NULL DEFAULT '',
        followers INTEGER,
        likes INTEGER,
        video_count INTEGER,
        updated_at INTEGER
    );
    CREATE TABLE videos (
        vid INTEGER PRIMARY KEY,
        account TEXT NOT NULL REFERENCES accounts(key),
        id TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        posted_at INTEGER NOT NULL,
        share_url TEXT NOT NULL DEFAULT '',
        views INTEGER NOT NULL,
        likes INTEGER NOT NULL,
        comments INTEGER NOT NULL,
        shares INTEGER NOT NULL,
        first_seen INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        gone_at INTEGER,
        UNIQUE (account, id)
    );
    CREATE TABLE snapshots (
        vid INTEGER NOT NULL REFERENCES videos(vid),
        at INTEGER NOT NULL,
        views INTEGER NOT NULL,
        likes INTEGER NOT NULL,
        comments INTEGER NOT NULL,
        shares INTEGER NOT NULL,
        PRIMARY KEY (vid, at)
    ) WITHOUT ROWID;
    CREATE TABLE sweeps (
        account TEXT NOT NULL,
        at INTEGER NOT NULL,
        videos INTEGER NOT NULL,
        changed INTEGER NOT NULL,
        views INTEGER NOT NULL,
        likes INTEGER NOT NULL,
        comments INTEGER NOT NULL,
        shares INTEGER NOT NULL,
        PRIMARY KEY (account, at)
    ) WITHOUT ROWID;
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: alerts, each one stored once
    """
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        account TEXT NOT NULL,
        video_id TEXT NOT NULL,
        rule TEXT NOT NULL,
        detail TEXT NOT NULL,
        at INTEGER NOT NULL,
        title TEXT NOT NULL,
        message TEXT NOT NULL,
        value INTEGER NOT NULL,
        UNIQUE (account, video_id, rule, detail)
    );
    """,
    # 3: daily account totals from TikTok Studio's Overview export (per-day figures; NULL = unknown)
    """
    CREATE TABLE daily_totals (
        account TEXT NOT NULL,
        day TEXT NOT NULL,
        views INTEGER,
        profile_views INTEGER,
        likes INTEGER,
        comments INTEGER,
        shares INTEGER,
        PRIMARY KEY (account, day)
    ) WITHOUT ROWID;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
TREND_SPAN = DAY  # the table's "Shares 24h" sparkline...
TREND_POINTS = 12  # ...in 2-hour bars


class Store:
    """A connection to the cache. Safe to share between the UI thread and one worker at a time."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        if str(path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:
                raise StoreError(f"{self.path.parent}: cannot create the data directory: {exc.strerror}") from None
        try:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            # Snapshots arrive one per video per sweep, scattered over the (vid, at) key: a 32 MB page
            # cache keeps those inserts from thrashing on large accounts.
            self._db.execute("PRAGMA cache_size = -32000")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path}: cannot open the cache ({exc}); `sharetui --reset-cache` moves it aside "
                "(nothing is deleted) and starts a fresh one"
            ) from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the cache was written by a newer sharetui (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade sharetui"
            )
        for number in range(version, SCHEMA_VERSION):
            with self._transaction():
                for statement in _split_sql(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                # SQLite may already have rolled back by itself (e.g. on a full disk): keep that error.
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- meta -----------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- writes ---------------------------------------------------------------------------------

    def delete_account(self, key: str) -> None:
        """Remove everything stored for one account (used for the simulated demo account only)."""
        with self._transaction() as db:
            db.execute("DELETE FROM snapshots WHERE vid IN (SELECT vid FROM videos WHERE account = ?)", (key,))
            db.execute("DELETE FROM videos WHERE account = ?", (key,))
            db.execute("DELETE FROM sweeps WHERE account = ?", (key,))
            db.execute("DELETE FROM accounts WHERE key = ?", (key,))

    @staticmethod
    def _upsert_account(db: sqlite3.Connection, account: Account, at: int) -> None:
        db.execute(
            """INSERT INTO accounts (key, source, display_name, username, followers, likes, video_count,
                                     updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (key) DO UPDATE SET source = excluded.source,
                   display_name = excluded.display_name, username = excluded.username,
                   followers = excluded.followers, likes = excluded.likes,
                   video_count = excluded.video_count, updated_at = excluded.updated_at""",
            (account.key, account.source, account.display_name, account.username, account.followers,
             account.likes, account.video_count, at),
        )

    def record_sweep(self, account: Account, at: int, videos: list[VideoCounts],
                     complete: bool = True) -> SweepResult:
        """Store one sweep in one transaction: upsert videos, snapshot the ones whose counts changed."""
        return self.record_history(account, [(at, videos)], complete=complete)[-1]

    def record_history(self, account: Account, sweeps: Iterable[tuple[int, list[VideoCounts]]],
                       complete: bool = True) -> list[SweepResult]:
        """Store many sweeps (oldest first) in one transaction; the demo backfill uses this.

        Snapshots and per-sweep totals are written for every sweep; the videos table only needs each
        video's final state, so it is written once at the end.
        """
        results: list[SweepResult] = []
        with self._transaction() as db:
            self._upsert_account(db, account, 0)
            known: dict[str, _Known] = {
                vid_id: _Known(vid, (v, li, c, s), gone is not None, None, None)
                for vid, vid_id, v, li, c, s, gone in db.execute(
                    "SELECT vid, id, views, likes, comments, shares, gone_at FROM videos WHERE account = ?",
                    (account.key,),
                )
            }
            gone_at: dict[int, int] = {}
            for at, videos in sweeps:
                results.append(self._apply_sweep(db, account.key, at, videos, complete, known, gone_at))
            updates = [(k.meta.title, k.meta.posted_at, k.meta.share_url, *k.counts, k.seen_at, k.vid)
                       for k in known.values() if k.meta is not None and k.seen_at is not None]
            db.executemany(
                """UPDATE videos SET title = ?, posted_at = ?, share_url = ?, views = ?, likes = ?,
                       comments = ?, shares = ?, updated_at = ?, gone_at = NULL WHERE vid = ?""",
                updates,
            )
            still_gone = {k.vid for k in known.values() if k.gone}
            db.executemany("UPDATE videos SET gone_at = ? WHERE vid = ?",
                           [(at, vid) for vid, at in gone_at.items() if vid in still_gone])
            db.execute("UPDATE accounts SET updated_at = ? WHERE key = ?",
                       (results[-1].at if results else 0, account.key))
        return results

    def _apply_sweep(self, db: sqlite3.Connection, account_key: str, at: int, videos: list[VideoCounts],
                     complete: bool, known: dict[str, _Known], gone_at: dict[int, int]) -> SweepResult:
        new = changed = 0
        snapshot_rows: list[tuple[int, int, int, int, int, int]] = []
        seen: set[str] = set()
        append = snapshot_rows.append  # this loop runs once per video per sweep: keep it lean
        for video in videos:
            video_id = video.id
            if video_id in seen:
                continue  # a source that repeats a video across pages must not double-count it
            seen.add(video_id)
            counts = (video.views, video.likes, video.comments, video.shares)
            entry = known.get(video_id)
            if entry is None:
                cursor = db.execute(
                    """INSERT INTO videos (account, id, title, posted_at, share_url, views, likes, comments,
                                           shares, first_seen, updated_at)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (account_key, video.id, video.title, video.posted_at, video.share_url, *counts, at, at),
                )
                entry = known[video.id] = _Known(int(cursor.lastrowid or 0), counts, False, video, at)
                new += 1
                snapshot_rows.append((entry.vid, at, *counts))
                continue
            if counts != entry.counts:
                changed += 1
                append((entry.vid, at, *counts))
                entry.counts = counts
            entry.meta = video
            entry.seen_at = at
            entry.gone = False
        if snapshot_rows:
            db.executemany(
                "INSERT OR REPLACE INTO snapshots (vid, at, views, likes, comments, shares) VALUES (?,?,?,?,?,?)",
                snapshot_rows,
            )
        gone = 0
        if complete:
            for vid_id, entry in known.items():
                if vid_id not in seen and not entry.gone:
                    entry.gone = True
                    gone_at[entry.vid] = at
                    gone += 1
        totals = [0, 0, 0, 0]
        listed = 0
        for entry in known.values():
            if entry.gone:
                continue
            listed += 1
            views, likes, comments, shares = entry.counts
            totals[0] += views
            totals[1] += likes
            totals[2] += comments
            totals[3] += shares
        db.execute(
            """INSERT OR REPLACE INTO sweeps (account, at, videos, changed, views, likes, comments, shares)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (account_key, at, listed, changed + new, *totals),
        )
        return SweepResult(at=at, videos=listed, new=new, changed=changed, gone=gone,
                           totals=(totals[0], totals[1], totals[2], totals[3]))

    # -- TikTok Studio imports -------------------------------------------------------------------

    def import_days(self, account: Account, days: list[DayTotals]) -> int:
        """Store daily account totals (one transaction); returns how many rows were new or different."""
        changed = 0
        with self._transaction() as db:
            self._ensure_account(db, account)
            for item in days:
                row = (item.views, item.profile_views, item.likes, item.comments, item.shares)
                old = db.execute("SELECT views, profile_views, likes, comments, shares FROM daily_totals "
                                 "WHERE account = ? AND day = ?", (account.key, item.day.isoformat())).fetchone()
                if old != row:
                    db.execute("INSERT OR REPLACE INTO daily_totals VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (account.key, item.day.isoformat(), *row))
                    changed += 1
        return changed

    def import_videos(self, account: Account, rows: list[VideoTotals]) -> tuple[int, int, int]:
        """Store per-video totals as snapshots at their day (one transaction), keeping the series change-only.

        A missing count carries the video's previous value; a row with nothing known is skipped.
        Returns (snapshots added, videos added, rows skipped). Importing the same file again adds nothing.
        """
        added = new_videos = skipped = 0
        with self._transaction() as db:
            self._ensure_account(db, account)
            for item in sorted(rows, key=lambda r: r.at):
                found = db.execute("SELECT vid, updated_at FROM videos WHERE account = ? AND id = ?",
                                   (account.key, item.video_id)).fetchone()
                previous = None
                if found:
                    previous = db.execute(
                        "SELECT views, likes, comments, shares FROM snapshots WHERE vid = ? AND at <= ? "
                        "ORDER BY at DESC LIMIT 1", (found[0], item.at)).fetchone()
                reported = (item.views, item.likes, item.comments, item.shares)
                if previous is None and None in reported:
                    skipped += 1  # unknown is not zero: nothing to carry over yet
                    continue
                counts = tuple(v if v is not None else previous[i] for i, v in enumerate(reported))  # type: ignore[index]
                if not found:
                    cursor = db.execute(
                        """INSERT INTO videos (account, id, title, posted_at, share_url, views, likes, comments,
                                               shares, first_seen, updated_at)
                           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        (account.key, item.video_id, item.title, item.posted_at, item.link, *counts, item.at,
                         item.at))
                    found = (int(cursor.lastrowid or 0), item.at)
                    new_videos += 1
                elif item.at >= found[1]:
                    db.execute("""UPDATE videos SET title = ?, views = ?, likes = ?, comments = ?, shares = ?,
                                  updated_at = ? WHERE vid = ?""", (item.title, *counts, item.at, found[0]))
                if previous == counts:
                    continue  # change-only: the same counts are already recorded
                added += db.execute(
                    "INSERT OR IGNORE INTO snapshots (vid, at, views, likes, comments, shares) VALUES (?,?,?,?,?,?)",
                    (found[0], item.at, *counts)).rowcount
        return added, new_videos, skipped

    @staticmethod
    def _ensure_account(db: sqlite3.Connection, account: Account) -> None:
        db.execute("INSERT OR IGNORE INTO accounts (key, source, display_name, username) VALUES (?, ?, ?, ?)",
                   (account.key, account.source, account.display_name, account.username))

    def daily_shares(self, account_key: str, days: int, today: date) -> list[int | None]:
        """Shares per day for the `days` days up to `today` (None where the export had no figure)."""
        start = today - timedelta(days=days - 1)
        with self._lock:
            found = dict(self._db.execute(
                "SELECT day, shares FROM daily_totals WHERE account = ? AND day >= ? AND day <= ?",
                (account_key, start.isoformat(), today.isoformat())).fetchall())
        return [found.get((start + timedelta(days=i)).isoformat()) for i in range(days)]

    def has_daily_totals(self, account_key: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM daily_totals WHERE account = ? LIMIT 1",
                                    (account_key,)).fetchone() is not None

    # -- retention ------------------------------------------------------------------------------

    def roll_up(self, now: int, raw_days: int, hourly_days: int) -> int:
        """Thin old history: every snapshot up to `raw_days` old, one per hour up to `hourly_days`, one per
        day beyond. What is kept is the last point at or before each whole hour (day), i.e. the value at
        every hour (day) boundary, so totals and deltas at that resolution never change. Returns rows removed.
        """
        raw_cut = (now - raw_days * DAY) // HOUR * HOUR
        hourly_cut = (now - hourly_days * DAY) // DAY * DAY
        removed = 0
        with self._transaction() as db:
            done = {key: int(value) for key, value in db.execute(
                "SELECT key, value FROM meta WHERE key IN ('rollup.hourly', 'rollup.daily')")}
            zones = [(HOUR, done.get("rollup.hourly", 0), raw_cut, "rollup.hourly"),
                     (DAY, done.get("rollup.daily", 0), hourly_cut, "rollup.daily")]
            vids = [row[0] for row in db.execute("SELECT vid FROM videos")]
            for grain, low, high, key in zones:
                if high <= low:
                    continue
                for vid in vids:  # per video: the primary key (vid, at) makes each delete a range seek
                    removed += db.execute(
                        """DELETE FROM snapshots WHERE vid = ? AND at >= ? AND at < ? AND EXISTS (
                               SELECT 1 FROM snapshots later WHERE later.vid = snapshots.vid
                               AND later.at > snapshots.at AND later.at <= (snapshots.at + ? - 1) / ? * ?)""",
                        (vid, low, high, grain, grain, grain)).rowcount
                removed += db.execute(
                    """DELETE FROM sweeps WHERE at >= ? AND at < ? AND EXISTS (
                           SELECT 1 FROM sweeps later WHERE later.account = sweeps.account
                           AND later.at > sweeps.at AND later.at <= (sweeps.at + ? - 1) / ? * ?)""",
                    (low, high, grain, grain, grain)).rowcount
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(high)))
        return removed

    # -- reads ----------------------------------------------------------------------------------

    def account(self, key: str) -> Account | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key, source, display_name, username, followers, likes, video_count FROM accounts "
                "WHERE key = ?", (key,)).fetchone()
        return Account(*row) if row else None

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap "is there anything new?" for readers."""
        with self._lock:
            return self._db.execute("PRAGMA data_version").fetchone()[0]

    def account_keys(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT key FROM accounts ORDER BY key")]

    def last_sweep(self, account_key: str) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT MAX(at) FROM sweeps WHERE account = ?", (account_key,)).fetchone()
        return row[0]

    def dashboard(self, account_key: str, now: int, *, history: bool = True) -> list[VideoRow]:
        """Every video of the account with its latest counts and, unless `history` is False, its gains
        over 1 h / 24 h and 24 h shares trend (`fill_history` adds those to chosen rows later)."""
        with self._lock:
            rows = [
                VideoRow(vid, vid_id, title, posted_at, url, views, likes, comments, shares, updated,
                         gone is not None)
                for vid, vid_id, title, posted_at, url, views, likes, comments, shares, updated, gone
                in self._db.execute(
                    """SELECT vid, id, title, posted_at, share_url, views, likes, comments, shares,
                              updated_at, gone_at FROM videos WHERE account = ?""",
                    (account_key,),
                )
            ]
            if history:
                self._fill_history(rows, now, "v.account = ?", [account_key])
        return rows

    def fill_history(self, rows: list[VideoRow], now: int) -> None:
        """Add gains and trend to these rows only (the ones on screen first: a fraction of the cost)."""
        if rows:
            with self._lock:
                self._fill_history(rows, now, f"v.vid IN ({', '.join('?' * len(rows))})", [r.vid for r in rows])

    def _fill_history(self, rows: list[VideoRow], now: int, where: str, params: list) -> None:
        """Gains over 1 h and 24 h and the 24 h trend of `rows`, read in one pass over the videos matching
        `where`. The moments read: an hour ago, then the trend's edges from 24 h ago (its last edge is now,
        the latest count, already known)."""
        bounds = _trend_bounds(now)
        moments = [now - 3600, *bounds[:-1]]
        history = self._shares_at(moments, where, params, key="vid")
        missing = (None,) * len(moments)
        for row in rows:
            hour_ago, *at_bounds = history.get(row.vid) or missing
            row.gain_1h = _gain(row, hour_ago, now - 3600)
            row.gain_24h = _gain(row, at_bounds[0], bounds[0])
            known = [_known_value(row, value, t) for value, t in zip(at_bounds, bounds, strict=False)]
            known.append(row.shares)
            # Before the first recorded snapshot the count is unknown: draw it flat, not as a jump.
            for i in range(len(known) - 2, -1, -1):
                if known[i] is None:
                    known[i] = known[i + 1]
            row.trend = [max(0, b - a) for a, b in zip(known, known[1:], strict=False)]  # type: ignore[operator]

    def total_series(self, account_key: str, bounds: list[int], metric: str = "shares") -> Series:
        """The account's total of `metric` at each boundary, from the per-sweep totals."""
        if metric not in METRICS:
            raise ValueError(metric)
        start, end = bounds[0], bounds[-1]
        with self._lock:
            before = self._db.execute(
                f"SELECT at, {metric} FROM sweeps WHERE account = ? AND at <= ? ORDER BY at DESC LIMIT 1",
                (account_key, start)).fetchall()
            inside = self._db.execute(
                f"SELECT at, {metric} FROM sweeps WHERE account = ? AND at > ? AND at <= ? ORDER BY at",
                (account_key, start, end)).fetchall()
        return bucket(metric, bounds, before + inside, baseline=None)

    def video_series(self, vid: int, bounds: list[int]) -> dict[str, Series]:
        """Each metric of one video at each boundary; reads only the snapshots inside the range."""
        start, end = bounds[0], bounds[-1]
        with self._lock:
            posted = self._db.execute("SELECT posted_at FROM videos WHERE vid = ?", (vid,)).fetchone()
            before = self._db.execute(
                "SELECT at, views, likes, comments, shares FROM snapshots WHERE vid = ? AND at <= ? "
                "ORDER BY at DESC LIMIT 1", (vid, start)).fetchall()
            inside = self._db.execute(
                "SELECT at, views, likes, comments, shares FROM snapshots WHERE vid = ? AND at > ? AND at <= ? "
                "ORDER BY at", (vid, start, end)).fetchall()
        points = before + inside
        # A video posted after the range began had zero of everything at its start.
        baseline = 0 if posted and posted[0] >= start else None
        columns = {"views": 1, "likes": 2, "comments": 3, "shares": 4}
        return {
            metric: bucket(metric, bounds, [(p[0], p[index]) for p in points], baseline)
            for metric, index in columns.items()
        }

    def age_samples(self, account_key: str, now: int, ages_hours: list[int]) -> dict[str, dict[int, list[int]]]:
        """For each metric (shares, views) and age: the cumulative values of every video known at that age.

        A video counts at an age only if it has reached it and a snapshot at or before that moment exists.
        """
        out: dict[str, dict[int, list[int]]] = {"shares": {}, "views": {}}
        seek = ("(SELECT s.{col} FROM snapshots s WHERE s.vid = v.vid AND s.at <= v.posted_at + ? "
                "ORDER BY s.at DESC LIMIT 1)")
        with self._lock:
            for age in ages_hours:
                offset = age * 3600
                rows = self._db.execute(
                    f"SELECT {seek.format(col='shares')}, {seek.format(col='views')} FROM videos v "
                    "WHERE v.account = ? AND v.posted_at + ? <= ? AND v.posted_at > 0",
                    (offset, offset, account_key, offset, now)).fetchall()
                out["shares"][age] = [r[0] for r in rows if r[0] is not None]
                out["views"][age] = [r[1] for r in rows if r[1] is not None]
        return out

    def aged_values(self, account_key: str, as_of: int, ages_hours: list[float]) -> list[AgedVideo]:
        """Each video of the account as the cache knew it at `as_of`: its shares then, and its shares at each
        age in `ages_hours` (hours since posting) where that moment is known. Nothing recorded after `as_of`
        is read, so an answer for a past moment never changes when later data arrives.

        A moment is known when it is no later than `as_of`, the video's history had begun by then (its first
        snapshot), and the video was still being observed (a later snapshot or a sweep of its account).
        A polled account is read with an index seek per (video, age): about 30 ms for 2,000 videos and 20
        ages. An account with no sweeps (imported daily totals, a point a day) is read whole and its values
        between two days interpolated, since a day-old point would misplace a young video's count."""
        with self._lock:
            last_sweep = self._db.execute("SELECT MAX(at) FROM sweeps WHERE account = ? AND at <= ?",
                                          (account_key, as_of)).fetchone()[0]
            videos = self._db.execute(
                """SELECT v.vid, v.id, v.title, v.posted_at, v.gone_at,
                          (SELECT MIN(s.at) FROM snapshots s WHERE s.vid = v.vid),
                          (SELECT MAX(s.at) FROM snapshots s WHERE s.vid = v.vid AND s.at <= ?),
                          CASE WHEN v.updated_at <= ? THEN v.updated_at END
                   FROM videos v WHERE v.account = ? AND v.posted_at > 0""",
                (as_of, as_of, account_key)).fetchall()
            if last_sweep is None:
                points: dict[int, list[tuple[int, int]]] = {}
                for vid, at, shares in self._db.execute(
                        "SELECT s.vid, s.at, s.shares FROM snapshots s JOIN videos v ON v.vid = s.vid "
                        "WHERE v.account = ? AND s.at <= ? ORDER BY s.vid, s.at", (account_key, as_of)):
                    points.setdefault(vid, []).append((at, shares))
                return [video for row in videos if (video := _daily_video(row, points.get(row[0], []), ages_hours))]
            seek = ("(SELECT s.shares FROM snapshots s WHERE s.vid = v.vid AND s.at <= MIN(v.posted_at + ?, ?) "
                    "ORDER BY s.at DESC LIMIT 1)")
            offsets = [round(age * 3600) for age in ages_hours]
            params: list[object] = [as_of]
            for offset in offsets:
                params += [offset, as_of]
            values = {row[0]: row[1:] for row in self._db.execute(
                f"""SELECT v.vid, (SELECT s.shares FROM snapshots s WHERE s.vid = v.vid AND s.at <= ?
                                  ORDER BY s.at DESC LIMIT 1), {", ".join([seek] * len(offsets))}
                    FROM videos v WHERE v.account = ? AND v.posted_at > 0""", (*params, account_key))}
        out = []
        for vid, video_id, title, posted_at, gone_at, first_at, last_at, updated_at in videos:
            shares, *at_ages = values[vid]
            if first_at is None or first_at > as_of or shares is None or posted_at > as_of:
                continue  # unknown at as_of
            observed = max(last_at, updated_at or 0)
            if not (gone_at is not None and gone_at <= last_sweep):
                observed = max(observed, last_sweep)
            known = [value if first_at <= posted_at + offset <= observed else None
                     for offset, value in zip(offsets, at_ages, strict=True)]
            out.append(AgedVideo(video_id, title, posted_at, shares, first_at, observed, known))
        return out

    def video_states(self, account_key: str) -> dict[str, Before]:
        """Each video's shares, gone flag and title as stored now (before the next sweep is written)."""
        from sharetui.alerts import Before  # alert rules load with the first sweep, not with the UI

        with self._lock:
            return {vid_id: Before(shares, gone is not None, title) for vid_id, shares, gone, title in self._db.execute(
                "SELECT id, shares, gone_at, title FROM videos WHERE account = ?", (account_key,))}

    def shares_at(self, account_key: str, moments: list[int]) -> dict[str, tuple[int | None, ...]]:
        """Each video's shares (by video id) as last recorded at or before each moment."""
        with self._lock:
            return self._shares_at(moments, "v.account = ?", [account_key], key="id")

    def _shares_at(self, moments: list[int], where: str, params: list, key: str) -> dict:
        """One pass over the videos matching `where`, one index seek per (video, moment): far cheaper than
        a query per moment on thousands of videos. Unknown (nothing recorded yet) is None."""
        seek = "(SELECT s.shares FROM snapshots s WHERE s.vid = v.vid AND s.at <= ? ORDER BY s.at DESC LIMIT 1)"
        return {row[0]: tuple(row[1:]) for row in self._db.execute(
            f"SELECT v.{key}, {', '.join([seek] * len(moments))} FROM videos v WHERE {where}", (*moments, *params))}

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
        with self._lock:
            rows = self._db.execute(query + " ORDER BY at DESC, id DESC LIMIT ?", (*params, limit)).fetchall()
        return [Alert(*row) for row in rows]

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
        with self._lock:
            return self._db.execute("SELECT MIN(at) FROM snapshots WHERE vid = ?", (vid,)).fetchone()[0]

    def newest_snapshot_at(self, account_key: str) -> int | None:
        with self._lock:
            return self._db.execute("SELECT MAX(s.at) FROM snapshots s JOIN videos v ON v.vid = s.vid "
                                    "WHERE v.account = ?", (account_key,)).fetchone()[0]

    def first_sweep_at(self, account_key: str) -> int | None:
        with self._lock:
            return self._db.execute("SELECT MIN(at) FROM sweeps WHERE account = ?", (account_key,)).fetchone()[0]

    def latest(self, account_keys: list[str]) -> Iterator[tuple]:
        """account, id, title, posted_at, views, likes, comments, shares, updated_at per video (export)."""
        marks = ", ".join("?" * len(account_keys))
        with self._lock:
            rows = self._db.execute(
                f"""SELECT {ACCOUNT_NAME}, v.id, v.title, v.posted_at, v.views, v.likes, v.comments, v.shares,
                           v.updated_at FROM videos v LEFT JOIN accounts a ON a.key = v.account
                    WHERE v.account IN ({marks}) ORDER BY v.account, v.posted_at DESC, v.id""",
                account_keys).fetchall()
        yield from rows

    def history(self, account_keys: list[str]) -> Iterator[tuple]:
        """account, id, at, views, likes, comments, shares for every stored snapshot (export)."""
        marks = ", ".join("?" * len(account_keys))
        with self._lock:
            rows = self._db.execute(
                f"""SELECT {ACCOUNT_NAME}, v.id, s.at, s.views, s.likes, s.comments, s.shares FROM snapshots s
                    JOIN videos v ON v.vid = s.vid LEFT JOIN accounts a ON a.key = v.account
                    WHERE v.account IN ({marks}) ORDER BY v.account, v.posted_at DESC, v.id, s.at""",
                account_keys).fetchall()
        yield from rows


# How an export names an account: its @username when known, else its key ("demo", "tiktok:<open_id>").
ACCOUNT_NAME = "COALESCE(NULLIF(a.username, ''), v.account)"


def _daily_video(row: tuple, points: list[tuple[int, int]], ages_hours: list[float]) -> AgedVideo | None:
    """A video of an account fed by daily imports: shares at each age interpolated between its points."""
    _vid, video_id, title, posted_at, _gone, _first, _last, _updated = row
    if not points or posted_at > points[-1][0]:
        return None
    times = [t for t, _ in points]
    known: list[int | None] = []
    for age in ages_hours:
        moment = posted_at + round(age * 3600)
        i = bisect.bisect_right(times, moment)
        if i == 0 or moment > times[-1]:
            known.append(None)  # before its history, or after the last point
        elif times[i - 1] == moment or i == len(times):
            known.append(points[i - 1][1])
        else:
            (t0, v0), (t1, v1) = points[i - 1], points[i]
            known.append(round(v0 + (v1 - v0) * (moment - t0) / (t1 - t0)))
    # "Now" for such an account is its newest point: the age is measured there, not at the wall clock.
    return AgedVideo(video_id, title, posted_at, points[-1][1], points[0][0], points[-1][0], known)


def _gain(row: VideoRow, then: int | None, at: int) -> int | None:
    if then is None:
        return row.shares if row.posted_at >= at else None
    return row.shares - then


def _known_value(row: VideoRow, value: int | None, at: int) -> int | None:
    if value is not None:
        return value
    return 0 if row.posted_at >= at else None


def _trend_bounds(now: int) -> list[int]:
    """The edges of the trend's bars: 24 h ago, then every 2 hours, up to now."""
    step = TREND_SPAN // TREND_POINTS
    return [now - TREND_SPAN + i * step for i in range(TREND_POINTS + 1)]


def _split_sql(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
