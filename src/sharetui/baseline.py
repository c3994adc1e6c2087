"""Age-aligned baselines: is this video doing better than the creator's usual at the same age?

For every video with known history, its cumulative count is sampled at fixed ages (hours since posting).
At each age, the account's median and 90th percentile over the videos known at that age form the
baseline curves; a video's "vs usual" is its count now over the median at its current age (interpolated
between the sampled ages, in log-age). Pure functions plus one store query; no Textual.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from sharetui.slow_cache import SlowCache

AGES_HOURS = [1, 2, 3, 4, 6, 8, 12, 18, 24, 36, 48, 72, 96, 120, 168, 240, 336, 504, 720, 1440, 2160]
MIN_PEERS = 5  # fewer videos known at an age: no baseline there (not enough to call anything "usual")


def percentile(values: list[int], fraction: float) -> float:
    """Linear-interpolated percentile of sorted-or-not `values` (fraction 0..1)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Baseline:
    """Median and p90 of a cumulative metric by age, over the account's own videos."""

    metric: str
    ages: list[int]  # hours, where there were enough peers
    median: list[float]
    p90: list[float]
    peers: list[int]
    samples: dict[int, list[int]]  # age -> the peer values there (for percentile ranks)

    def _at(self, curve: list[float], age_hours: float) -> float | None:
        if not self.ages or age_hours <= 0:
            return None
        if age_hours <= self.ages[0]:
            return curve[0] * age_hours / self.ages[0]  # from zero at posting
        if age_hours >= self.ages[-1]:
            return curve[-1] if age_hours <= self.ages[-1] * 1.5 else None
        i = bisect.bisect_right(self.ages, age_hours)
        a0, a1 = self.ages[i - 1], self.ages[i]
        t = (math.log(age_hours) - math.log(a0)) / (math.log(a1) - math.log(a0))
        return curve[i - 1] + (curve[i] - curve[i - 1]) * t

    def median_at(self, age_hours: float) -> float | None:
        return self._at(self.median, age_hours)

    def p90_at(self, age_hours: float) -> float | None:
        return self._at(self.p90, age_hours)

    def ratio(self, value: int, age_hours: float) -> float | None:
        """value / median at that age; None when there is no meaningful baseline."""
        median = self.median_at(age_hours)
        if median is None or median < 1:
            return None
        return value / median

    def rank(self, value: int, age_hours: float) -> int | None:
        """Percentile rank (0-100) among the peers at the nearest sampled age at or below `age_hours`."""
        i = bisect.bisect_right(self.ages, age_hours) - 1
        if i < 0:
            return None
        peers = self.samples[self.ages[i]]
        below = sum(1 for p in peers if p < value) + 0.5 * sum(1 for p in peers if p == value)
        return round(100 * below / len(peers))


def build(metric: str, samples_by_age: dict[int, list[int]]) -> Baseline:
    ages = [a for a in sorted(samples_by_age) if len(samples_by_age[a]) >= MIN_PEERS]
    return Baseline(
        metric=metric, ages=ages,
        median=[percentile(samples_by_age[a], 0.5) for a in ages],
        p90=[percentile(samples_by_age[a], 0.9) for a in ages],
        peers=[len(samples_by_age[a]) for a in ages],
        samples={a: samples_by_age[a] for a in ages},
    )


class BaselineCache:
    """Baselines move slowly: recompute at most every `max_age` seconds (or when the catalogue grows)."""

    def __init__(self, store: object, account_key: str, max_age: int = 900) -> None:
        self.store = store
        self.account_key = account_key
        self._cache: SlowCache[dict[str, Baseline]] = SlowCache(self._build, max_age)

    def _build(self, now: int) -> dict[str, Baseline]:
        samples = self.store.age_samples(self.account_key, now, AGES_HOURS)  # type: ignore[attr-defined]
        return {m: build(m, by_age) for m, by_age in samples.items()}

    def get(self, now: int, metric: str = "shares", video_count: int | None = None) -> Baseline:
        return self._cache.get(now, video_count)[metric]
