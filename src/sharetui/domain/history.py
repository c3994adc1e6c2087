"""The history reads the usual curves and the forecast are computed over, as a protocol: the store's reader
connections answer it, and the domain never imports the store."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sharetui.domain.forecast.bands import AgedVideo


class HistoryReads(Protocol):
    def age_samples(self, account_key: str, now: int, ages_hours: list[int]) -> dict[str, dict[int, list[int]]]: ...

    def catalogue(self, account_key: str, now: int) -> dict[str, list[tuple[float, int]]]: ...

    def aged_values(self, account_key: str, as_of: int, ages_hours: list[float]) -> list[AgedVideo]: ...

    def last_sweep_before(self, account_key: str, moment: int) -> int | None: ...

    def last_sweep(self, account_key: str) -> int | None: ...

    def newest_snapshot_at(self, account_key: str) -> int | None: ...
