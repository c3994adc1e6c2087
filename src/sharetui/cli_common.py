"""Helpers the commands share: opening the cache and the sources, failing with one line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sharetui.errors import CliError

if TYPE_CHECKING:
    from sharetui.config import Config


def open_store():  # noqa: ANN202 - the store import stays lazy for `config`/`locate`
    from sharetui import locations
    from sharetui.store import Store, StoreError

    try:
        return Store(locations.cache_file())
    except StoreError as exc:
        raise CliError(str(exc)) from None


def open_sources_or_fail(config: Config, demo: bool):  # noqa: ANN202
    from sharetui.monitor import open_sources
    from sharetui.sources import SourceError

    try:
        return open_sources(config, force_demo=demo)
    except SourceError as exc:
        raise CliError(str(exc)) from None
