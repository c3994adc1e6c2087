"""Age-aligned baselines: is this video doing better than the creator's usual at the same age?

For every video with known history, its cumulative count is sampled at fixed ages (hours since posting).
At each age, the account's median and 90th percentile over the videos known at that age form the
baseline curves; a video's "vs usual" is its count now over the median at its current age (interpolated
between the sampled ages, in log-age). Pure functions plus store queries; no Textual.

From the first sweep: a catalogue is already a cross-section. Each video's latest count at the age it had
when it was counted is one observation of "this metric at that age". Until the cache has watched enough
videos through an age, the curves there come from that cross-section (`origin` "catalogue"): a local
linear fit of log(count + 1) on log(age), weighted towards the videos nearest in age, with the median and
p90 of the residuals around it; watched history takes over age by age as it accrues. What a cross-section
gets wrong, and is said on screen: the older videos were posted to the audience the account had then (a
growing account's usual is understated at old ages), and only videos still public are in it (survivors).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from sharetui.domain.slow_cache import SlowCache

if TYPE_CHECKING:
    from sharetui.domain.history import HistoryReads

AGES_HOURS = [1, 2, 3, 4, 6, 8, 12, 18, 24, 36, 48, 72, 96, 120, 168, 240, 336, 504, 720, 1440, 2160, 4320,
              8760]
MIN_PEERS = 5  # fewer videos known at an age: no baseline there (not enough to call anything "usual")
WATCHED, CATALOGUE = "watched", "catalogue"  # where an age's curves come from
BANDWIDTHS = (0.35, 0.5, 0.7, 1.0, 1.4)  # in ln(age): the narrowest holding enough videos is used


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
    origin: list[str] = field(default_factory=list)  # per age: WATCHED history or today's CATALOGUE

    def origin_at(self, age_hours: float) -> str | None:
        """Where the curves at this age come from (the nearest sampled age at or below it)."""
        i = bisect.bisect_right(self.ages, age_hours) - 1
        if not self.origin or not self.ages:
            return None
        return self.origin[max(i, 0)]

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


def build(metric: str, samples_by_age: dict[int, list[int]],
          catalogue: list[tuple[float, int]] | None = None) -> Baseline:
    """Curves from watched history where at least MIN_PEERS videos were watched through an age, else from
    the catalogue's cross-section (`catalogue`: (age in hours when counted, count) per listed video)."""
    by_age: dict[int, tuple[list[int], str]] = {}
    pairs = [(math.log(a), math.log(v + 1)) for a, v in catalogue or [] if a > 0]
    logged = Logged.of(pairs) if pairs else None
    for age in sorted(set(samples_by_age) | set(AGES_HOURS)):
        watched = samples_by_age.get(age, [])
        if len(watched) >= MIN_PEERS:
            by_age[age] = (watched, WATCHED)
        elif logged is not None and (section := cross_section(logged, age)) is not None:
            by_age[age] = (section, CATALOGUE)
    ages = sorted(by_age)
    return Baseline(
        metric=metric, ages=ages,
        median=[percentile(by_age[a][0], 0.5) for a in ages],
        p90=[percentile(by_age[a][0], 0.9) for a in ages],
        peers=[len(by_age[a][0]) for a in ages],
        samples={a: by_age[a][0] for a in ages},
        origin=[by_age[a][1] for a in ages],
    )


def cross_section(usable: list[tuple[float, float]] | Logged, age: float) -> list[int] | None:
    """The catalogue's counts carried to `age`: a local linear fit of log(count + 1) on log(age) (`usable`
    holds both logs per video), weighted by nearness in log-age, and each video's residual added back at
    `age`; None when too few videos are near enough (an effective number of MIN_PEERS within the widest
    bandwidth)."""
    fit = local_fit(usable, age)
    if fit is None:
        return None
    level, residuals = fit
    return [max(0, round(math.exp(level + r) - 1)) for r in residuals]


def local_fit(usable: list[tuple[float, float]] | Logged, age: float) -> tuple[float, list[float]] | None:
    """The cross-section's usual log(count + 1) at `age`, and the residuals of the videos nearest in age
    around it (see `cross_section`). `usable`: (log age, log count + 1) per video, or the same as `Logged`
    arrays when many ages are fitted over one catalogue."""
    import numpy as np  # (only once a catalogue is fitted: never at start-up)

    x, y = usable if isinstance(usable, Logged) else Logged.of(usable)
    if not len(x):
        return None
    centre = math.log(age)
    for width in BANDWIDTHS:
        w = np.exp(-0.5 * ((x - centre) / width) ** 2)
        near = w > 0.05
        wx, wy, ww = x[near], y[near], w[near]
        total = float(ww.sum())
        if not len(ww) or total ** 2 / float((ww * ww).sum()) < MIN_PEERS:
            continue
        x_mean, y_mean = float((wx * ww).sum()) / total, float((wy * ww).sum()) / total
        spread = float((ww * (wx - x_mean) ** 2).sum())
        slope = float((ww * (wx - x_mean) * (wy - y_mean)).sum()) / spread if spread > 1e-9 else 0.0
        slope = min(max(slope, 0.0), 2.0)  # counts only grow with age; a wild fit must not say otherwise
        level = y_mean + slope * (centre - x_mean)
        # Each video's standing (its residual) carried to this age: the peers a video of this age is ranked
        # among. Only the nearer videos count, so a distant age's spread does not leak in.
        close = ww > 0.3
        residuals = (wy[close] - (y_mean + slope * (wx[close] - x_mean))).tolist()
        if len(residuals) >= MIN_PEERS:
            return level, residuals
    return None


class Logged(NamedTuple):
    """A catalogue as two arrays, log(age in hours) and log(count + 1), for fitting it at many ages."""

    x: Any
    y: Any

    @classmethod
    def of(cls, usable: list[tuple[float, float]]) -> Logged:
        import numpy as np

        pairs = np.array(usable, dtype=float).reshape(-1, 2)
        return cls(pairs[:, 0], pairs[:, 1])


class BaselineCache:
    """Baselines move slowly: recompute at most every `max_age` seconds (or when the catalogue grows)."""

    def __init__(self, store: HistoryReads, account_key: str, max_age: int = 900) -> None:
        self.store = store
        self.account_key = account_key
        self._cache: SlowCache[dict[str, Baseline]] = SlowCache(self._build, max_age)

    def _build(self, now: int) -> dict[str, Baseline]:
        samples = self.store.age_samples(self.account_key, now, AGES_HOURS)
        catalogue = self.store.catalogue(self.account_key, now)
        return {m: build(m, by_age, catalogue[m]) for m, by_age in samples.items()}

    def get(self, now: int, metric: str = "shares", video_count: int | None = None) -> Baseline:
        return self._cache.get(now, video_count)[metric]
