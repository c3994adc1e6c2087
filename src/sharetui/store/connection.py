"""The cache's connection: opening, marking and migrating the file, transactions, and the one place where
SQLite's errors become StoreError (a one-line message for the user)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sharetui.errors import StoreError
from sharetui.system import disk
from sharetui.system.writer_lock import CacheUsers

APPLICATION_ID = 0x53485455  # "SHTU": marks a file as a sharetui cache (PRAGMA application_id)
OUR_TABLES = {"accounts", "videos", "snapshots", "sweeps", "meta"}

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
    # 4: counts a source has not told yet (a Studio row with `undefined`, a new video with a null count)
    """
    ALTER TABLE videos ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0;
    """,
    # 5: alerts.command delivery: pending until the command succeeded, and how often it was tried
    """
    ALTER TABLE alerts ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE alerts ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    """,
    # 6: the first frame reads the most shared videos and the account's totals without scanning every row
    """
    CREATE INDEX videos_by_shares ON videos (account, shares, id);
    CREATE INDEX videos_totals ON videos (account, gone_at, unknown, shares, views, likes);
    """,
    # 7: triage in the alerts list: an alert acknowledged (when), a video muted (no toast, bell or mark)
    """
    ALTER TABLE alerts ADD COLUMN seen_at INTEGER;
    CREATE TABLE muted_videos (
        account TEXT NOT NULL,
        video_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (account, video_id)
    ) WITHOUT ROWID;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def _split_sql(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


class Connection:
    """One SQLite connection with its own lock. Safe to share between threads, one query at a time; two
    Connection objects never wait for each other except inside SQLite (WAL: readers never wait)."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._users = CacheUsers(self.path)
        if str(path) != ":memory:" and not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:
                raise StoreError(f"cannot create the data directory: {disk.explain(self.path.parent, exc)}") from None
        if str(path) != ":memory:":
            self._users.join()  # before the file is opened: a reset under way finishes first
        try:
            self._open(path, read_only)
        except BaseException:
            self._users.leave()
            raise

    def _open(self, path: Path | str, read_only: bool) -> None:
        try:
            if read_only:
                self._db = self._open_read_only()
            else:
                self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._refuse_foreign()
            if not read_only:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
                self._db.execute("PRAGMA foreign_keys = ON")
                # Snapshots arrive one per video per sweep, scattered over the (vid, at) key: a 32 MB page
                # cache keeps those inserts from thrashing on large accounts.
                self._db.execute("PRAGMA cache_size = -32000")
                self._migrate()
        except sqlite3.DatabaseError as exc:
            problem = None if str(path) == ":memory:" else disk.of_sqlite(self.path.parent, str(exc))
            if problem is not None and not (read_only and problem == "full"):
                raise StoreError(f"{self.path}: cannot open the cache: {disk.advice(self.path.parent, problem)}") from None
            raise StoreError(
                f"{self.path}: cannot open the cache ({exc}); `sharetui --reset-cache` moves it aside "
                "(nothing is deleted) and starts a fresh one"
            ) from None
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the cache: {exc}") from None

    def _open_read_only(self) -> sqlite3.Connection:
        uri = self.path.resolve().as_uri()
        db = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False, isolation_level=None,
                             timeout=10)
        try:
            db.execute("SELECT 1 FROM sqlite_master LIMIT 1")
        except sqlite3.OperationalError:
            if disk.condition(self.path.parent) is None:
                raise
            # A read-only or full disk: a WAL file cannot get its shared-memory index, and nobody can be
            # writing there, so the file is read as it stands.
            db.close()
            db = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=False,
                                 isolation_level=None, timeout=10)
        return db

    def _refuse_foreign(self) -> None:
        """Refuse, before writing anything, a file that is not a sharetui cache: an empty database becomes
        one; a file marked as ours, or an older cache of ours (our tables and a schema version), is ours."""
        app_id = self._db.execute("PRAGMA application_id").fetchone()[0]
        if app_id == APPLICATION_ID:
            return
        tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if app_id == 0 and (not tables or (version >= 1 and OUR_TABLES <= tables)):
            return
        raise StoreError(
            f"{self.path}: this file is not a sharetui cache (another program's database?); it was left "
            "untouched: move it away, point SHARETUI_DATA_DIR elsewhere, or `sharetui --reset-cache` to move it "
            "aside"
        )

    def close(self) -> None:
        with self._lock:
            self._db.close()
            self._users.leave()

    def __enter__(self):  # noqa: ANN204 - the concrete class
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: the cache was written by a newer sharetui (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade sharetui"
            )
        if self._db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            self._db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for number in range(version, SCHEMA_VERSION):
            with self._transaction():
                for statement in _split_sql(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """The connection for one read, with SQLite's errors turned into StoreError."""
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot read the cache: {exc}") from None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        if self.read_only:
            raise StoreError(f"{self.path}: this connection only reads")
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    # SQLite may already have rolled back by itself (e.g. on a full disk): keep that error.
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                problem = disk.of_sqlite(self.path.parent, str(exc))
                reason = disk.advice(self.path.parent, problem) if problem else str(exc)
                raise StoreError(f"{self.path}: cannot write the cache: {reason}") from None

    def get_meta(self, key: str) -> str | None:
        with self._reading() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def data_version(self) -> int:
        """Changes whenever another connection commits: a cheap "is there anything new?" for readers."""
        with self._reading() as db:
            return db.execute("PRAGMA data_version").fetchone()[0]
