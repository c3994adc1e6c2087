"""Data sources behind one small interface. No Textual here.

A source knows one account and answers `fetch(now)` with the counts of every video it can see.
`backfill(now, state)` runs once before the first fetch (the demo produces its simulated past there);
choosing the sources for a config is sharetui.monitor.service's job.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from sharetui.domain.models import Account, Sweep, VideoCounts
from sharetui.errors import SharetuiError


class SourceError(SharetuiError):
    """A fetch failed; the message is one line for the user (with TikTok's log_id where there is one).

    `needs_login` means retrying is pointless until the user logs in again. `kind` names the failure for
    counting (the poller's metrics): login, rate_limited, server, network, clock, incomplete or source.
    """

    def __init__(self, message: str, *, needs_login: bool = False, kind: str = "source") -> None:
        super().__init__(message)
        self.needs_login = needs_login
        self.kind = "login" if needs_login else kind


class Interrupted(BaseException):  # noqa: N818 - like KeyboardInterrupt, which it stands beside
    """A stop request (SIGTERM, Ctrl-C) cut a wait on the network short. Raised only inside `network_wait()`,
    where nothing is being written: a sweep's pages are stored only after the fetch returns."""


_waits = threading.local()


@contextlib.contextmanager
def network_wait() -> Iterator[None]:
    """Marks a wait on the network (a request, a backoff, the rate limiter) that a stop request may cut short
    by raising Interrupted. Not for calls whose answer must not be lost, such as a token refresh: TikTok
    rotates the refresh token on its side whether or not the answer arrives."""
    _waits.depth = getattr(_waits, "depth", 0) + 1
    try:
        yield
    finally:
        _waits.depth -= 1


def in_network_wait() -> bool:
    """Whether this thread is inside `network_wait()` (a signal handler asks, in the main thread)."""
    return getattr(_waits, "depth", 0) > 0


@dataclass(frozen=True)
class BackfillState:
    """What a source may know about its own history in the cache before its first fetch."""

    meta: dict[str, str]  # the cache's values of the source's `meta_keys`
    last_sweep: int | None  # the account's newest stored sweep


@dataclass
class Backfill:
    """History a source produces before its first live fetch. The poller stores it, batch by batch."""

    meta: dict[str, str] = field(default_factory=dict)  # written to the cache first
    reset: bool = False  # drop the account's stored history first (a different simulated account)
    batches: Iterable[tuple[Account, list[tuple[int, list[VideoCounts]]]]] = ()


class Source(Protocol):
    """A source of counts: it produces, the poller stores (no source ever touches the cache)."""

    kind: str  # "demo", "tiktok" or "studio"
    live: bool  # False: nothing to poll (imported data)
    meta_keys: tuple[str, ...]  # cache meta values `backfill` needs

    @property
    def requests_sent(self) -> int:
        """Requests made to the source's service so far (0 for a source with none)."""
        ...

    def account(self) -> Account:
        """The account as last known (may be a placeholder before the first fetch)."""
        ...

    def login_problem(self) -> str | None:
        """Why the account cannot be named yet (no login, a damaged one), in one line; None when it can."""
        ...

    def backfill(self, now: int, state: BackfillState) -> Backfill | None:
        """History to store before the first fetch (the demo's simulated past), or None."""
        ...

    def fetch(self, now: int, full: bool = True) -> Sweep:
        """Counts of every video (`full`), or only of the ones that change fastest (a light sweep)."""
        ...

    def close(self) -> None: ...
