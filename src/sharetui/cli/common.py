"""Helpers the commands share: opening the cache and the sources, failing with one line."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from sharetui.errors import CliError

if TYPE_CHECKING:
    from sharetui.config import Config


def open_store(*, reading: bool = False):  # noqa: ANN202 - the store import stays lazy for `config`/`locate`
    """The cache for a command. A command that only reads (`reading`) still works on a read-only disk."""
    from sharetui.store import Reader, Store, StoreError
    from sharetui.system import disk, locations

    path = locations.cache_file()
    try:
        return Store(path)
    except StoreError as exc:
        if reading and path.exists() and disk.condition(path.parent) is not None:  # read-only or full
            with contextlib.suppress(StoreError):  # if even reading fails, the writer's message says more
                return Reader(path)
        raise CliError(str(exc)) from None


def open_sources_or_fail(config: Config, demo: bool):  # noqa: ANN202
    from sharetui.monitor.service import open_sources
    from sharetui.sources import SourceError

    try:
        return open_sources(config, force_demo=demo)
    except SourceError as exc:
        raise CliError(str(exc)) from None


def account_keys_or_fail(config: Config, demo: bool) -> list[str]:
    """The keys of the accounts a command reads; one line when one of them cannot be named (no login, a
    damaged one), rather than reading nothing and saying nothing."""
    keys = []
    for source in open_sources_or_fail(config, demo):
        problem = source.login_problem()
        if problem is not None:
            raise CliError(f"{problem} (or use --all for every account in the cache)")
        keys.append(source.account().key)
    return keys
