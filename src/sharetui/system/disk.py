"""sharetui's own files on disk: why writing failed, in words a user can act on; writing a file whole and
never through a link; reading one with limits. No Textual here.

A read-only or full disk is not a damaged cache: the advice differs (make it writable, free space) and
nothing stored is at risk, so the messages say so instead of suggesting `--reset-cache`.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@contextlib.contextmanager
def write_new_file(target: Path, *, mode: int = 0o644, binary: bool = False, sync: bool = False) -> Iterator[Any]:
    """Write `target` whole or not at all, and never through a link: the text goes to a fresh file of a random
    name beside it (O_EXCL | O_NOFOLLOW, so nothing planted there is followed), then replaces `target`
    (a link at `target` is replaced, not followed). `mode` (less the umask) applies from the start, so a
    secret is never readable by others, not even for a moment."""
    tmp = target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        out: Any = os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="")
        with out:
            yield out
            out.flush()
            if sync:
                os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise



class DamagedFile(ValueError):
    """A file of ours that cannot be what we wrote: too large, not UTF-8, not JSON, nested absurdly deep."""


def read_bounded(path: Path, limit: int) -> bytes | None:
    """The file's bytes (None when it does not exist); DamagedFile when it is larger than `limit`, which no
    file sharetui writes comes near. OSError for everything else."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        return None
    if len(raw) > limit:
        raise DamagedFile(f"larger than {limit // 1024} KiB")
    return raw


def parse_json(raw: bytes) -> Any:
    """JSON from bytes we wrote; DamagedFile for anything else (bad UTF-8, bad JSON, deep nesting)."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise DamagedFile("not UTF-8 text") from None
    except RecursionError:
        raise DamagedFile("nested too deeply") from None
    except ValueError:
        raise DamagedFile("not valid JSON") from None
