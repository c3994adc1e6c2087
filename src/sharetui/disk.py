"""Why writing to the data directory failed, in words a user can act on. No Textual here.

A read-only or full disk is not a damaged cache: the advice differs (make it writable, free space) and
nothing stored is at risk, so the messages say so instead of suggesting `--reset-cache`.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

FULL_BELOW = 256 * 1024  # bytes free under which SQLite cannot even start a transaction's journal
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL = {errno.ENOSPC, errno.EDQUOT}


def condition(folder: Path) -> str | None:
    """"read-only" or "full" when the filesystem holding `folder` is so (or will not let us write), else
    None."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        stats = os.statvfs(probe)
    except OSError:
        return None
    if stats.f_flag & os.ST_RDONLY or not os.access(probe, os.W_OK):
        return "read-only"
    if stats.f_bavail * stats.f_frsize < FULL_BELOW:
        return "full"
    return None


def of_sqlite(folder: Path, message: str) -> str | None:
    """"read-only" or "full" for an SQLite failure under `folder` (SQLite says "database or disk is full"
    when a page limit or the disk runs out), else None: then the message itself is the reason."""
    return condition(folder) or ("full" if "full" in message else None)


def of_errno(number: int | None) -> str | None:
    if number in _READ_ONLY:
        return "read-only"
    if number in _FULL:
        return "full"
    return None


def advice(folder: Path, problem: str) -> str:
    """The second half of a one-line message: what is wrong with `folder` and what to do."""
    if problem == "read-only":
        return (f"{folder} is read-only; sharetui keeps its cache and logins there: make it writable or set "
                "XDG_DATA_HOME to a writable folder (nothing stored was changed)")
    return f"the disk holding {folder} is full; free some space and try again (nothing stored was lost)"


def explain(folder: Path, exc: OSError) -> str:
    """An OSError met while writing under `folder`, as advice; its own words when it is neither."""
    problem = of_errno(exc.errno) or condition(folder)
    return advice(folder, problem) if problem else (exc.strerror or str(exc))
