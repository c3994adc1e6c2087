"""Exactly one writer per cache: an advisory lock file in the data directory.

`sharetui poll` and a monitor that polls both take it; a monitor that finds it held by a live poller only
reads the cache. The lock is an flock(2) on `poller.lock`, so it is released by the kernel when its holder
dies, even by kill -9; the file also records the holder's pid for messages.
"""

from __future__ import annotations

import contextlib
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
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(f"cannot take the writer lock: {disk.explain(self.path.parent, exc)}") from None
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
            text = self.path.read_text().strip()
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
