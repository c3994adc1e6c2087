"""OAuth credentials on disk: one JSON file in the data dir, mode 0600, replaced atomically.

Tokens never leave this module as text for display: `Credentials.__repr__` hides them.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sharetui.system import locations
from sharetui.system.disk import DamagedFile, parse_json, read_bounded, write_new_file


class CredentialsError(Exception):
    """The credentials file is unreadable; the message is one line for the user."""


DEFAULT_ACCOUNT = "default"
ACCOUNT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


def check_name(name: str) -> str:
    if not ACCOUNT_NAME.fullmatch(name):
        raise CredentialsError(f"account name {name!r}: use 1-32 lower-case letters, digits, - or _")
    return name


def path_for(name: str = DEFAULT_ACCOUNT) -> Path:
    """Where an account's login lives. The default account keeps the single-account file name, so a
    cache and login from before several accounts existed keep working as they are."""
    check_name(name)
    if name == DEFAULT_ACCOUNT:
        return locations.credentials_file()
    return locations.data_dir() / "accounts" / f"{name}.json"


LAST_MOMENT = 253_402_300_799  # 9999-12-31 23:59:59 UTC: any later expiry is not a real one


def names() -> list[str]:
    """The accounts logged in on this machine, the default one first."""
    found = [DEFAULT_ACCOUNT] if locations.credentials_file().exists() else []
    folder = locations.data_dir() / "accounts"
    if folder.is_dir():
        found += sorted(p.stem for p in folder.glob("*.json") if ACCOUNT_NAME.fullmatch(p.stem))
    return found


@dataclass
class Credentials:
    open_id: str
    scope: str
    access_token: str = field(repr=False)
    access_expires_at: float  # Unix seconds
    refresh_token: str = field(repr=False)
    refresh_expires_at: float
    display_name: str = ""
    username: str = ""

    @property
    def scopes(self) -> set[str]:
        return {s.strip() for s in self.scope.split(",") if s.strip()}

    @property
    def account_key(self) -> str:
        return f"tiktok:{self.open_id}"


MAX_FILE = 64 * 1024  # a login is well under a kilobyte


def load(path: Path | None = None) -> Credentials | None:
    path = path or locations.credentials_file()
    damaged = CredentialsError(f"{path}: credentials file is damaged; run `sharetui auth login` again")
    try:
        raw = read_bounded(path, MAX_FILE)
        if raw is None:
            return None
        data = parse_json(raw)
    except DamagedFile as exc:
        raise CredentialsError(f"{path}: credentials file is damaged ({exc}); run `sharetui auth login` "
                               "again") from None
    except OSError as exc:
        raise CredentialsError(f"{path}: cannot read credentials: {exc.strerror}") from None
    if not isinstance(data, dict):
        raise damaged
    values: dict[str, Any] = {}
    for name, spec in Credentials.__dataclass_fields__.items():
        value = data.get(name, "" if spec.type == "str" and name in ("display_name", "username") else None)
        wanted = (int, float) if spec.type == "float" else str
        if isinstance(value, bool) or not isinstance(value, wanted):
            raise damaged
        if isinstance(value, (int, float)) and not 0 <= value <= LAST_MOMENT:  # NaN fails this too
            raise damaged
        values[name] = value
    return Credentials(**values)


RESERVE_SIZE = 4096  # bytes kept allocated beside each login for a save on a full disk


def reserve_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.reserve")


def save(credentials: Credentials, path: Path | None = None) -> None:
    """Write atomically (temp file + rename) with mode 0600, so a crash never leaves half a token.

    TikTok rotates the refresh token on every refresh, so a renewed login that cannot be saved is a login
    lost when the process ends. A file of RESERVE_SIZE bytes is therefore kept allocated beside each login:
    on a full disk the new login is written into those blocks (no new space needed) and renamed over the old
    one, whose freed blocks make the next reserve."""
    path = path or locations.credentials_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps(asdict(credentials))
    try:
        with write_new_file(path, mode=0o600, sync=True) as handle:
            handle.write(text)
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT) or not _save_into_reserve(text, path):
            raise
    _make_reserve(path)


def _save_into_reserve(text: str, path: Path) -> bool:
    """Write `text` into the reserve's own blocks and rename it over `path`; False if there is no reserve to
    use (then the caller's error stands)."""
    reserve = reserve_for(path)
    data = text.encode().ljust(RESERVE_SIZE)  # JSON allows the trailing spaces
    try:
        fd = os.open(reserve, os.O_WRONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        if os.fstat(fd).st_size < len(data):
            return False
        os.pwrite(fd, data, 0)
        os.fsync(fd)
    except OSError:
        return False
    finally:
        os.close(fd)
    os.replace(reserve, path)
    return True


def _make_reserve(path: Path) -> None:
    """Best effort: without space for it the next save on a full disk has none, which is said then."""
    reserve = reserve_for(path)
    with contextlib.suppress(OSError):
        if reserve.is_file() and not reserve.is_symlink() and reserve.stat().st_size >= RESERVE_SIZE:
            return
        with write_new_file(reserve, mode=0o600, binary=True, sync=True) as handle:
            handle.write(b" " * RESERVE_SIZE)


def delete(path: Path | None = None) -> bool:
    path = path or locations.credentials_file()
    with contextlib.suppress(OSError):
        reserve_for(path).unlink()
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise CredentialsError(f"{path}: cannot delete the credentials ({exc.strerror}); "
                               "delete the file by hand") from None
    return True
