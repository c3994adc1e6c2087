"""How forecasts would have done: replay the cache as of every past midnight (UTC), forecast each video then
1–3 days old knowing only what the cache knew then, and score the forecasts as the literature does (median
|log error| of p50, Spearman's rank correlation, and the share of outcomes inside p10–p90) next to three
baselines fitted on the same data: "it stays where it is" (persistence), "your median video at the horizon"
(usual) and Szabo and Huberman's constant log growth (2010)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sharetui.domain.figures import DAY, HOUR
from sharetui.domain.forecast.bands import HORIZONS
from sharetui.domain.forecast.model import GRID
from sharetui.domain.forecast.predict import Model

if TYPE_CHECKING:
    from sharetui.domain.history import HistoryReads


@dataclass(frozen=True)
class Backtest:
    """How forecasts made at ages 1-3 days would have done, for one horizon."""

    horizon: str
    eligible: int  # (video, day) pairs aged 1-3 days whose outcome the cache knows
    forecasts: int  # of those, how many got a forecast
    held: int  # how many outcomes fell inside p10..p90
    error: float | None  # median |log error| of p50
    spearman: float | None  # rank correlation of p50 with the outcome
    persistence: float | None  # median |log error| of "it stays where it is"
    usual: float | None  # ... of "your median video at the horizon"
    szabo_huberman: float | None  # ... of constant log growth from this age, fitted on the same peers

    @property
    def coverage(self) -> float | None:
        return self.held / self.forecasts if self.forecasts else None

    def as_json(self) -> dict[str, object]:
        return {"horizon": self.horizon, "eligible": self.eligible, "forecasts": self.forecasts,
                "band_held": self.held, "coverage": _round(self.coverage), "p50_error": _round(self.error),
                "spearman": _round(self.spearman), "persistence_error": _round(self.persistence),
                "usual_error": _round(self.usual), "szabo_huberman_error": _round(self.szabo_huberman)}


@dataclass
class _Scores:
    eligible: int = 0
    held: list[bool] = field(default_factory=list)
    predicted: list[float] = field(default_factory=list)
    truth: list[float] = field(default_factory=list)
    persistence: list[float] = field(default_factory=list)
    usual: list[float] = field(default_factory=list)
    szabo_huberman: list[float] = field(default_factory=list)

    def result(self, horizon: str) -> Backtest:
        errors = [_log_error(p, t) for p, t in zip(self.predicted, self.truth, strict=True)]
        return Backtest(horizon, self.eligible, len(errors), sum(self.held), _median(errors),
                        spearman(self.predicted, self.truth), _median(self.persistence), _median(self.usual),
                        _median(self.szabo_huberman))


def run(store: HistoryReads, account_key: str, now: int, ages: tuple[float, float] = (24.0, 72.0)) -> list[Backtest]:
    truth_table = {v.id: v for v in store.aged_values(account_key, now, GRID)}
    first = min((v.first_at for v in truth_table.values()), default=now)
    scores = {name: _Scores() for name, _ in HORIZONS}
    for day in _days(first, now):
        table = store.aged_values(account_key, day, GRID)
        model = Model(table, day)
        for video in table:
            age_hours = (day - video.posted_at) / HOUR
            outcome = truth_table.get(video.id)
            if not ages[0] <= age_hours <= ages[1] or outcome is None:
                continue
            made = model.forecast(video)
            for name, hours in HORIZONS:
                truth = outcome.at_ages[GRID.index(float(hours))]
                if truth is None:
                    continue
                s = scores[name]
                s.eligible += 1
                band = made.bands[name]
                if band is None:
                    continue
                s.held.append(band.p10 <= truth <= band.p90)
                s.predicted.append(band.p50)
                s.truth.append(truth)
                s.persistence.append(_log_error(video.shares, truth))
                if model.horizon_values[name]:  # (a catalogue forecast may come before any peer's outcome)
                    s.usual.append(_log_error(statistics.median(model.horizon_values[name]), truth))
                constant = model.logs(name, age_hours, video, szabo_huberman=True)
                if constant is not None:
                    s.szabo_huberman.append(_log_error(max(video.shares, math.expm1(constant[0][1])), truth))
    return [scores[name].result(name) for name, _ in HORIZONS]


def spearman(a: list[float], b: list[float]) -> float | None:
    """Spearman's rho (ties take their average rank); None for fewer than three pairs or a constant side."""
    if len(a) < 3:
        return None
    ra, rb = _ranks(a), _ranks(b)
    mean = (len(a) + 1) / 2
    cov = sum((x - mean) * (y - mean) for x, y in zip(ra, rb, strict=True))
    spread = math.sqrt(sum((x - mean) ** 2 for x in ra) * sum((y - mean) ** 2 for y in rb))
    return cov / spread if spread else None


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _log_error(predicted: float, truth: float) -> float:
    return abs(math.log((predicted + 1) / (truth + 1)))


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _days(first: int, now: int) -> Iterable[int]:
    day = (first // DAY + 1) * DAY
    while day <= now:
        yield day
        day += DAY
