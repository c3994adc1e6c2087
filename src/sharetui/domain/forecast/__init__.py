"""Share forecasts: where a video's cumulative shares will be at 7 and 30 days, learned from the account's own
history. Pure computation over one store read; no Textual. One function makes every forecast the table, the
video screen, alerts and `sharetui forecast` show: `forecasts()` (through `ForecastCache` in the monitor),
as of one moment per account (`default_as_of`: its newest sweep, or for an imported account its newest data).

The method (model.py): growth from the video's age to the horizon, regressed on its early trajectory over
your earlier videos, weighted towards recent ones, with a conformal band: p10–p90 holds about 80 % of
outcomes, which `--backtest` checks on your own history. Bands never narrow with the horizon, never fall
below the shares now and never collapse to a point. Before the cache has watched videos grow, the band
comes from today's catalogue (its cross-section by age), wider and marked.

What a forecast cannot know: a second wave (a duet, a repost by a big account) or a video made private.
Early counts show neither, for any method; the upper end of the band allows for second waves as often as
your own videos had them. A forecast is a summary of your own past, not a promise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sharetui.domain.figures import DAY, HOUR
from sharetui.domain.forecast.bands import BAND, CATALOGUE, HORIZONS, MIN_PEERS, WATCHED, WIDE, Band, Forecast

if TYPE_CHECKING:
    from sharetui.domain.forecast.backtesting import Backtest
    from sharetui.domain.history import HistoryReads

__all__ = ["BAND", "CATALOGUE", "HORIZONS", "MIN_PEERS", "WATCHED", "WIDE", "Backtest", "Band", "Forecast", "ForecastCache",
           "backtest", "default_as_of", "forecasts", "readiness"]



def default_as_of(store: HistoryReads, account_key: str, now: int) -> int:
    """The moment an account is forecast at: its newest sweep (up to `now`), or, for an account fed only by
    imports, its newest data. Never the wall clock: the monitor and `sharetui forecast` run at different
    seconds but forecast the same data, so they say the same numbers."""
    last = store.last_sweep_before(account_key, now)
    if last is not None:
        return last
    if store.last_sweep(account_key) is not None:
        return now  # (a moment before the first sweep: the cache knew nothing polled then)
    newest = store.newest_snapshot_at(account_key)
    return min(newest, now) if newest is not None else now


class ForecastCache:
    """The account's forecasts at its current moment (`default_as_of`), made again only when that moment or
    the number of videos changes: once a sweep, off the event loop."""

    def __init__(self, store: HistoryReads, account_key: str) -> None:
        self.store = store
        self.account_key = account_key
        self._key: tuple[int, int] | None = None
        self._value: dict[str, Forecast] = {}

    def get(self, now: int, video_count: int = -1) -> dict[str, Forecast]:
        as_of = default_as_of(self.store, self.account_key, now)
        if self._key != (as_of, video_count):
            self._value = {f.id: f for f in forecasts(self.store, self.account_key, as_of)}
            self._key = (as_of, video_count)
        return self._value


def readiness(store: HistoryReads, account_key: str, as_of: int) -> str:
    """One sentence for an account whose videos get no forecast yet: what is missing, and when it will be
    there. Forecasts learn from videos the cache watched from their first day to the horizon."""
    from datetime import UTC, datetime

    from sharetui.domain.forecast.model import GRID

    table = store.aged_values(account_key, as_of, GRID)
    name, hours = HORIZONS[0]
    day = hours // 24
    young = sorted(v.posted_at + hours * HOUR for v in table if v.first_at - v.posted_at <= DAY)
    reached = sum(1 for moment in young if moment <= as_of)
    if len(young) >= MIN_PEERS:
        due = datetime.fromtimestamp(young[MIN_PEERS - 1], UTC).strftime("%Y-%m-%d")
        return (f"Forecasts learn from your own videos watched from their first day to day {day}: {reached} of "
                f"the {MIN_PEERS} needed are there, and the first day-{day} forecasts come on {due} (UTC).")
    missing = MIN_PEERS - len(young)
    return (f"Forecasts learn from your own videos watched from their first day to day {day}, and {MIN_PEERS} "
            f"are needed: {len(young)} so far, so they start {day} days after {missing} more new "
            f"video{'s' if missing > 1 else ''} (TikTok Studio's 'Download data', imported daily, brings them "
            "sooner).")


def forecasts(store: HistoryReads, account_key: str, as_of: int) -> list[Forecast]:
    """Every video of the account, forecast as the cache knew it at `as_of` (newest first)."""
    from sharetui.domain.forecast.model import GRID
    from sharetui.domain.forecast.predict import Model

    table = store.aged_values(account_key, as_of, GRID)
    model = Model(table, as_of)
    return sorted((model.forecast(v) for v in table), key=lambda f: (-f.posted_at, f.id))


def backtest(store: HistoryReads, account_key: str, now: int, ages: tuple[float, float] = (24.0, 72.0)) -> list[Backtest]:
    from sharetui.domain.forecast.backtesting import run

    return run(store, account_key, now, ages)
