"""The model behind share forecasts: growth from an age to a horizon, learned from the account's own videos.

For every grid age `g` and horizon `H`, the peers are the earlier videos whose history is known at `g`, at
the ages before it that describe its start, and at `H`. Each peer's log growth, log(S(H) + 1) - log(S(g) + 1),
is regressed on the trajectory it had by then: its level log(S(g) + 1) and its log increments over the
thirds before `g` (the shape of the early curve, Pinto et al. 2013, of which Szabo and Huberman's
constant growth is the special case with no slope). The fit is weighted least squares with a light ridge,
the weights halving every HALF_LIFE_DAYS of how long ago a peer reached the horizon, so a change in how
TikTok treats the account shows within weeks.

The band is conformal (Romano et al. 2019, weighted for drift as Barber et al. 2023): the recency-weighted
10th, 50th and 90th percentiles of the peers' leave-one-out residuals, at finite-sample positions, added to
the fitted growth. Residuals a fit has not seen are what a coming video will show, so p10–p90 holds about
80 % of outcomes whatever the model gets wrong; second waves among the peers widen the upper tail as often
as they happened. A video with fewer known early ages, or an age with fewer peers, gets a simpler fit
(fewer slopes), down to the peers' plain growth.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from sharetui.domain.figures import DAY
from sharetui.domain.forecast.bands import BAND, HORIZONS, MIN_PEERS, AgedVideo

FEATURES_FROM = (12.0, 24.0, 40.0)  # effective peers a fit of 2, 3 and 4 columns needs
HALF_LIFE_DAYS = 45.0
RIDGE = 1.0  # shrinks the standardised slopes towards "growth as usual" when peers are few
CHAIN_SAMPLES = 101  # quantiles of each step kept for chaining two steps


def _grid() -> list[float]:
    """Ages (hours) at which every video's shares are read: every 25 % of age below a day, every 12 hours to
    day 4 and daily to day 7 (so daily imports at midnight land on the grid), then every 25 % to day 30."""
    ages, age = [], 1.0
    while age < 20:
        ages.append(round(age, 2))
        age *= 1.25
    ages += [24.0, 36.0, 48.0, 60.0, 72.0, 84.0, 96.0, 120.0, 144.0, 168.0]
    age = 168.0 * 1.25
    while age < 700:
        ages.append(round(age, 1))
        age *= 1.25
    return sorted({*ages, *(float(h) for _, h in HORIZONS)})


GRID: list[float] = _grid()


def _nearest_before(i: int, fraction: float) -> int | None:
    """The grid index nearest (in log-age) to `fraction` of grid age i, strictly before i; None below the grid."""
    target = GRID[i] * fraction
    if target < GRID[0] * 0.9 or i == 0:
        return None
    return min(range(i), key=lambda j: abs(math.log(GRID[j] / target)))


def _lags(i: int) -> tuple[int | None, int | None]:
    first = _nearest_before(i, 2 / 3)
    second = _nearest_before(i, 1 / 3)
    if first is None or second is None or second >= first:
        second = None
    return first, second


LAGS: list[tuple[int | None, int | None]] = [_lags(i) for i in range(len(GRID))]


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The q-quantile of weighted values at a finite-sample position: with n effective values, q is moved
    away from the middle by (n + 1) / n, as split conformal prediction does, so a band of few peers is wider."""
    order = np.argsort(values)
    ordered, w = values[order], weights[order]
    n_eff = w.sum() ** 2 / (w * w).sum()
    level = min(max(0.5 + (q - 0.5) * (n_eff + 1) / n_eff, 0.0), 1.0)
    cumulative = (np.cumsum(w) - 0.5 * w) / w.sum()
    return float(np.interp(level, cumulative, ordered))


@dataclass(frozen=True)
class Fit:
    """Log growth from a grid age to a horizon = beta · features + offset, the features clamped to the peers'
    range (never extrapolated: a video growing faster than any peer did is forecast like the fastest)."""

    size: int  # columns used (ORDER[:size])
    beta: tuple[float, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    offsets: tuple[float, float, float]  # p10, p50, p90 of the leave-one-out residuals
    peers: int
    spread: tuple[float, ...]  # CHAIN_SAMPLES quantiles of the residuals, for chaining to a later horizon

    def centre(self, level: float, lags: list[float]) -> float:
        """The fitted log growth for a video at `level` with these lags (one column: Szabo and Huberman's
        mean log growth)."""
        x = log_features(level, lags, self.size)
        return sum(b * min(max(v, lo), hi) for b, v, lo, hi in zip(self.beta, x, self.low, self.high, strict=True))


# The columns of [1, level, level - lag1, lag1 - lag2] a fit of each size uses, most telling first: the
# recent log growth says most about what is to come, then the level, then the growth before.
ORDER = (0, 2, 1, 3)


def lags_needed(size: int) -> int:
    return max((0, 0, 1, 2)[c] for c in ORDER[:size])


def log_features(level: float, lags: list[float], size: int) -> list[float]:
    """The columns ORDER[:size] of [1, level, level - lag1, lag1 - lag2]."""
    full = [1.0, level, 0.0, 0.0]
    previous = level
    for k, lag in enumerate(lags[:lags_needed(size)]):
        full[2 + k] = previous - lag
        previous = lag
    return [full[c] for c in ORDER[:size]]


class Peers:
    """Every video's log(shares + 1) at the grid ages (NaN where unknown), and fits over them on demand."""

    def __init__(self, table: list[AgedVideo], as_of: int) -> None:
        self.as_of = as_of
        counts = np.array([v.at_ages for v in table], dtype=object).reshape(len(table), len(GRID))
        self.logs = np.log1p(np.where(counts == None, np.nan, counts).astype(float))  # noqa: E711 - per cell
        self.posted = np.array([v.posted_at for v in table], dtype=float)
        self._fits: dict[tuple[int, int, int, bool], Fit | None] = {}

    def known(self, h: int) -> np.ndarray:
        return self.logs[~np.isnan(self.logs[:, h]), h]

    def count(self, i: int, h: int) -> int:
        """How many videos are known at both grid ages."""
        return int((~np.isnan(self.logs[:, i]) & ~np.isnan(self.logs[:, h])).sum())

    def fit(self, i: int, h: int, size: int, weighted: bool = True) -> Fit | None:
        key = (i, h, size, weighted)
        if key not in self._fits:
            self._fits[key] = self._fit(i, h, size, weighted)
        return self._fits[key]

    def _fit(self, i: int, h: int, size: int, weighted: bool) -> Fit | None:
        lags = [j for j in LAGS[i][:lags_needed(size)] if j is not None]
        if len(lags) < lags_needed(size):
            return None  # this age has no such lag
        mask = ~np.isnan(self.logs[:, h]) & ~np.isnan(self.logs[:, i])
        for c in lags:
            mask &= ~np.isnan(self.logs[:, c])
        n = int(mask.sum())
        if n < MIN_PEERS:
            return None
        values = self.logs[mask]
        level = values[:, i]
        full = [np.ones(n), level, np.zeros(n), np.zeros(n)]
        previous = level
        for k, c in enumerate(lags):
            full[2 + k] = previous - values[:, c]
            previous = values[:, c]
        x = np.column_stack([full[c] for c in ORDER[:size]])
        if weighted:
            since = np.maximum(0.0, (self.as_of - self.posted[mask]) / DAY - GRID[h] / 24)
            w = 0.5 ** (since / HALF_LIFE_DAYS)
        else:
            w = np.ones(n)
        n_eff = w.sum() ** 2 / (w * w).sum()
        if size > 1 and n_eff < FEATURES_FROM[size - 2]:
            return None  # too few peers to learn this many slopes
        return _solve(size, x, values[:, h] - level, w)


def _solve(size: int, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> Fit:
    """Weighted ridge least squares on standardised columns, then the quantiles of the leave-one-out
    residuals (each divided by 1 - its leverage): how far a video the fit has not seen falls from it, which
    is what the band must cover (in-sample residuals are too narrow). The p50 offset is their median, so a
    skewed spread (second waves) moves the median forecast too."""
    n = len(w)
    mean = np.average(x, axis=0, weights=w)
    scale = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=w))
    mean[0], scale[0] = 0.0, 1.0
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    penalty = np.full(x.shape[1], RIDGE * w.sum() / n)
    penalty[0] = 0.0
    inverse = np.linalg.pinv(z.T @ (z * w[:, None]) + np.diag(penalty))
    coef = inverse @ (z.T @ (w * y))
    leverage = np.einsum("ij,jk,ik->i", z, inverse, z) * w
    residuals = (y - z @ coef) / np.maximum(1 - leverage, 0.05)
    beta = coef / scale
    beta[0] = coef[0] - float(np.sum(coef[1:] * mean[1:] / scale[1:]))
    offsets = tuple(weighted_quantile(residuals, w, q) for q in BAND)
    spread = tuple(float(v) for v in np.quantile(residuals, np.linspace(0, 1, CHAIN_SAMPLES)))
    return Fit(size, tuple(float(b) for b in beta), tuple(float(v) for v in x.min(axis=0)),
               tuple(float(v) for v in x.max(axis=0)), offsets, n, spread)  # type: ignore[arg-type]


def grid_position(age_hours: float) -> tuple[int, float]:
    """The grid index at or below `age_hours` and how far (0-1, in log-age) it is towards the next."""
    i = max(0, bisect.bisect_right(GRID, age_hours) - 1)
    if i + 1 >= len(GRID) or age_hours <= GRID[0]:
        return i, 0.0
    return i, (math.log(age_hours) - math.log(GRID[i])) / (math.log(GRID[i + 1]) - math.log(GRID[i]))


def lag_values(video: AgedVideo, i: int) -> list[float | None]:
    return [None if j is None or (s := video.at_ages[j]) is None else math.log1p(s) for j in LAGS[i]]


def growth(peers: Peers, i: int, h: int, video: AgedVideo, weighted: bool = True,
           simplest: bool = False) -> tuple[Fit, list[float]] | None:
    """The richest fit at grid age i for horizon h that this video's known start allows, with its lags."""
    lags = lag_values(video, i)
    for size in ((1,) if simplest else (4, 3, 2, 1)):
        needed = lags[:lags_needed(size)]
        if any(lag is None for lag in needed):
            continue
        fit = peers.fit(i, h, size, weighted)
        if fit is not None:
            return fit, needed  # type: ignore[return-value]
    return None
