"""Data sources behind one small interface. No Textual here.

A source knows one account and answers `fetch(now)` with the counts of every video it can see.
`prepare(store, now)` runs once before the first fetch (the demo backfills its history there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sharetui.models import Account, Sweep
    from sharetui.store import Store


class SourceError(Exception):
    """A fetch failed; the message is one line for the user (with TikTok's log_id where there is one).

    `needs_login` means retrying is pointless until the user logs in again.
    """

    def __init__(self, message: str, *, needs_login: bool = False) -> None:
        super().__init__(message)
        self.needs_login = needs_login


class Source(Protocol):
    kind: str  # "demo" or "tiktok"

    def account(self) -> Account:
        """The account as last known (may be a placeholder before the first fetch)."""
        ...

    def prepare(self, store: Store, now: int) -> None: ...

    def fetch(self, now: int, full: bool = True) -> Sweep:
        """Counts of every video (`full`), or only of the ones that change fastest (a light sweep)."""
        ...

    def close(self) -> None: ...


def open_source(config: object, *, force_demo: bool = False) -> Source:
    """The first of `open_sources` (commands that work on one account)."""
    return open_sources(config, force_demo=force_demo)[0]


def open_sources(config: object, *, force_demo: bool = False) -> list[Source]:
    """Every source the config asks for: each connected TikTok account (one client-side rate limiter for
    all, since TikTok's limit is per app), or else imported Studio data, or else the demo."""
    from sharetui.config import Config

    assert isinstance(config, Config)
    choice = "demo" if force_demo else config["source"]
    if choice == "auto":
        from sharetui import locations
        from sharetui.sources.imported import has_imports
        from sharetui.sources.tiktok import is_connected

        choice = "tiktok" if is_connected() else "studio" if has_imports(locations.cache_file()) else "demo"
    if choice == "studio":
        from sharetui.sources.imported import ImportedSource

        return [ImportedSource()]
    if choice == "tiktok":
        from sharetui.sources.tiktok import TikTokSource, credentials
        from sharetui.sources.tiktok.client import RateLimiter

        limiter = RateLimiter()
        return [TikTokSource.from_config(config, name, limiter)
                for name in credentials.names() or [credentials.DEFAULT_ACCOUNT]]
    from sharetui.sources.demo import DemoSource

    return [DemoSource(seed=config["demo.seed"], videos=config["demo.videos"],
                       history_days=config["demo.history_days"])]
