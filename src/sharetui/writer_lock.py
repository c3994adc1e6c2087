"""Exactly one writer per cache: an advisory lock file in the data directory.

`sharetui poll` and a monitor that polls both take it; a monitor that finds it held by a live poller only
reads the cache. The lock is an flock(2) on `poller.lock`, so it is released by the kernel when its holder
dies, even by kill -9; the file also records the holder's pid for messages.

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
from pathlib import Path

from sharetui import disk
from sharetui.errors import StoreError


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
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        # The pid is only for messages: a full disk must not stop a poller that holds the lock.
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        return True

    def holder(self) -> int | None:
        """The pid recorded by the current writer (None when unknown or free)."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                text = os.read(fd, 32).decode("ascii", "replace").strip()
            finally:
                os.close(fd)
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
        finally:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


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
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def leave(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file releases its flock
            self._fd = None
