"""The account of a creator without API access: fed by `sharetui import` (TikTok Studio exports), not polled."""

from __future__ import annotations

from sharetui.domain.models import Account, Sweep
from sharetui.sources import SourceError

ACCOUNT = Account(key="studio", source="studio", display_name="TikTok Studio import")


class ImportedSource:
    kind = "studio"
    live = False  # nothing to poll: the monitor shows what imports stored
    meta_keys: tuple[str, ...] = ()
    requests_sent = 0

    def account(self) -> Account:
        return ACCOUNT

    def login_problem(self) -> None:
        """No login to have a problem with."""

    def backfill(self, now: int, state: object) -> None:
        """No history to produce: the data arrives by `sharetui import`."""

    def fetch(self, now: int, full: bool = True) -> Sweep:
        raise SourceError("this account is fed by `sharetui import` (TikTok Studio exports), not polled; "
                          "connect TikTok (`sharetui auth login`) for live counts")

    def close(self) -> None:
        """Nothing to release."""
