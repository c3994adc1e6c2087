"""Exactly one writer per account: advisory lock files in the data directory.

`sharetui poll` and a monitor that polls both take the locks of the accounts they show (AccountLocks); a
monitor that finds an account's lock held by a live poller only reads that account. A lock is an flock(2) on
`poller-<account>.lock`, so it is released by the kernel when its holder dies, even by kill -9; the file
also records the holder's pid, its poll interval and when its last poll started, so a reader can tell a
writer that stopped answering (SIGSTOP, a hang) from one that is merely between polls.

Every connection to the cache also holds a shared flock on `<cache>.users` (`CacheUsers`), so that
`--reset-cache` can tell whether any process still has the file open, and refuse instead of moving a file
that a monitor would go on writing into.

Lock files are opened with O_NOFOLLOW: a link planted in their place is refused, never written through.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sharetui.errors import StoreError
from sharetui.system import disk


@dataclass(frozen=True)
class Holder:
    """What the writer of an account records in its lock file: who, how often it polls, when it last did."""

    pid: int
    interval: int | None = None  # seconds between its polls
    beat: float | None = None  # when it last started a poll (Unix time)

    def silent_for(self, now: float) -> float | None:
        """Seconds since its last poll started, when it has said how often it polls."""
        return None if self.beat is None else max(0.0, now - self.beat)

    def stopped_answering(self, now: float) -> bool:
        """Three intervals (and a little) without a poll: stopped (SIGSTOP), hung, or its machine asleep."""
        silent = self.silent_for(now)
        return silent is not None and self.interval is not None and silent > 3 * self.interval + 10


class WriterLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock if it is free; True when this process is now the writer."""
        if self._fd is not None:
            return True
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = _open_lock(self.path)
        except OSError as exc:
            raise StoreError(f"cannot take the writer lock: {_why(self.path, exc)}") from None
        if not _exclusive(fd):
            return False
        self._fd = fd
        self._record(f"{os.getpid()}\n")
        return True

    def beat(self, interval: int, now: float) -> None:
        """A poll starts: record it (readers tell a live writer from a stopped one by it)."""
        if self._fd is not None:
            self._record(f"{os.getpid()} {interval} {now:.0f}\n")

    def _record(self, text: str) -> None:
        # Only for messages and staleness: a full disk must not stop a poller that holds the lock.
        with contextlib.suppress(OSError):
            assert self._fd is not None
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, text.encode(), 0)

    def holder_info(self) -> Holder | None:
        """What the current writer recorded (None when unknown or free)."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                parts = os.read(fd, 64).decode("ascii", "replace").split()
            finally:
                os.close(fd)
        except OSError:
            return None
        if not parts or not parts[0].isdigit() or not all(p.isdigit() for p in parts[1:3]):
            return None
        return Holder(int(parts[0]), int(parts[1]) if len(parts) > 1 else None,
                      float(parts[2]) if len(parts) > 2 else None)

    def holder(self) -> int | None:
        """The pid recorded by the current writer (None when unknown or free)."""
        found = self.holder_info()
        return found.pid if found else None

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class AccountLocks:
    """One writer per account, not per cache: a monitor of the demo and a monitor (or `sharetui poll`) of a
    TikTok login on the same cache each poll their own accounts, and one showing both polls whichever the
    other does not. Each account's lock is a WriterLock of its own file beside the cache."""

    def __init__(self, folder: Path, keys: Callable[[], list[str]]) -> None:
        self.folder = folder
        self.keys = keys  # the live accounts this process shows (a login's key is known once it is read)
        self._locks: dict[str, WriterLock] = {}

    def lock(self, key: str) -> WriterLock:
        found = self._locks.get(key)
        if found is None:
            found = self._locks[key] = WriterLock(self.folder / f"poller-{_file_name(key)}.lock")
        return found

    @property
    def path(self) -> Path:
        return self.folder

    @property
    def held(self) -> bool:
        return any(lock.held for lock in self._locks.values())

    def holds(self, key: str) -> bool:
        return key in self._locks and self._locks[key].held

    def acquire(self) -> bool:
        """Take every free lock of these accounts; True when this process now polls at least one."""
        self.take_free()
        return self.held

    def take_free(self) -> list[str]:
        """Take the locks of these accounts that nobody holds; the keys taken now."""
        taken = []
        for key in self.keys():
            lock = self.lock(key)
            if not lock.held and lock.acquire():
                taken.append(key)
        return taken

    def holder(self) -> int | None:
        """The pid of another process polling one of these accounts (None when this one polls them all)."""
        for key in self.keys():
            if not self.holds(key) and (pid := self.lock(key).holder()) is not None:
                return pid
        return None

    def holder_info(self, key: str) -> Holder | None:
        return None if self.holds(key) else self.lock(key).holder_info()

    def beat(self, interval: int, now: float) -> None:
        for lock in self._locks.values():
            lock.beat(interval, now)

    def release(self) -> None:
        for lock in self._locks.values():
            lock.release()


def _file_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key)[:80] or "_"


def _exclusive(fd: int) -> bool:
    """flock `fd` exclusively if nobody else holds it; closes it when somebody does."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    return True


def _open_lock(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)


def _why(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return f"{path} is a symbolic link, which sharetui never writes through; remove it and try again"
    return disk.explain(path.parent, exc)


class CacheUsers:
    """The shared lock every open connection of one cache holds (see the module's docstring)."""

    def __init__(self, cache: Path) -> None:
        self.path = cache.with_name(cache.name + ".users")
        self._fd: int | None = None

    def join(self) -> None:
        """Hold the shared lock (waits while a reset holds it exclusively). Where the lock file cannot be
        made (a read-only disk), nobody can reset the cache either: then nothing is held."""
        try:
            fd = _open_lock(self.path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise StoreError(f"cannot open the cache: {_why(self.path, exc)}") from None
            return
        fcntl.flock(fd, fcntl.LOCK_SH)
        self._fd = fd

    def alone(self) -> bool:
        """Take the lock exclusively, if no connection holds it; True when this process now has the cache to
        itself (until `leave()`)."""
        try:
            fd = _open_lock(self.path)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise StoreError(f"cannot check who uses the cache: {_why(self.path, exc)}") from None
            return True  # no lock file can exist there, so nobody holds one
        if not _exclusive(fd):
            return False
        self._fd = fd
        return True

    def leave(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file releases its flock
            self._fd = None
