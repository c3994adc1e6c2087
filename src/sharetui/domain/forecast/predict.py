"""Bands for one account at one moment: the fits of model.py applied to each video, chained to day 30 when
few videos were watched that long, from the catalogue before anything was watched, and then made honest in
one place (`_finish`): never below the shares now, never narrower at a later horizon, never a point."""

from __future__ import annotations

import math

import numpy as np

from sharetui.domain.baseline import Logged, local_fit
from sharetui.domain.figures import HOUR
from sharetui.domain.forecast.bands import BAND, CATALOGUE, HORIZONS, AgedVideo, Band, Forecast
from sharetui.domain.forecast.model import GRID, MIN_PEERS, Peers, grid_position, growth

MIN_AGE_HOURS = 1.0  # younger than this, a video's count says too little
CATALOGUE_MIN_WIDTH = 1.5  # a catalogue forecast's p90 is at least this × its p50
MIN_LOG_WIDTH = 0.05  # every band reaches at least 5 % either side of its p50 (and p90 > p10 always)


def quantile(ordered: list[float], q: float) -> float:
    """The q-quantile of sorted values at position (n + 1)·q (clamped to the ends), interpolated."""
    n = len(ordered)
    position = min(max((n + 1) * q, 1.0), float(n)) - 1
    low = math.floor(position)
    high = min(low + 1, n - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class Model:
    """Forecasts for the videos of `table`, learned from the same table as of `as_of`."""

    def __init__(self, table: list[AgedVideo], as_of: int) -> None:
        self.as_of = as_of
        self.peers = Peers(table, as_of)
        self.horizon_index = {name: GRID.index(float(hours)) for name, hours in HORIZONS}
        # Today's cross-section (log age in hours, log shares + 1), for accounts without watched history.
        self.catalogue = Logged.of([(math.log(age), math.log1p(v.shares)) for v in table
                                    if (age := (as_of - v.posted_at) / HOUR) > 0])
        self._catalogue_fits: dict[int, tuple[float, list[float]] | None] = {}
        self.horizon_values = {name: [math.expm1(v) for v in self.peers.known(h)]
                               for name, h in self.horizon_index.items()}

    def forecast(self, video: AgedVideo) -> Forecast:
        age_hours = (self.as_of - video.posted_at) / HOUR
        bands: dict[str, Band | None] = {}
        why: dict[str, str] = {}
        for name, hours in HORIZONS:
            bands[name], reason = self._raw(name, hours, age_hours, video)
            if reason:
                why[name] = reason
        return Forecast(video.id, video.title, video.posted_at, age_hours, video.shares,
                        _finish(bands, video.shares), why)

    def logs(self, name: str, age_hours: float, video: AgedVideo,
             szabo_huberman: bool = False) -> tuple[list[float], int] | None:
        """log(shares + 1) at the horizon for p10, p50, p90 from the fits at the grid ages either side of the
        video's age (blended in log-age), and the fewest peers behind them; None without a fit.
        `szabo_huberman`: instead, the unweighted mean log growth (three times), the backtest's baseline."""
        h = self.horizon_index[name]
        i, t = grid_position(age_hours)
        found = [(k, g) for k in (i, i + 1)
                 if k < h and (g := growth(self.peers, k, h, video, not szabo_huberman, szabo_huberman))]
        if not found:
            return None
        level = math.log1p(video.shares)
        curves = [[fit.centre(level, lags)] * 3 if szabo_huberman else
                  [fit.centre(level, lags) + offset for offset in fit.offsets] for _, (fit, lags) in found]
        if len(curves) == 2:
            logs = [level + a + (b - a) * t for a, b in zip(curves[0], curves[1], strict=True)]
        else:
            logs = [level + c for c in curves[0]]
        return logs, min(fit.peers for _, (fit, _) in found)

    def _raw(self, name: str, hours: int, age_hours: float, video: AgedVideo) -> tuple[Band | None, str]:
        if age_hours >= hours:
            return None, f"past day {hours // 24}"
        if age_hours < MIN_AGE_HOURS:
            return None, "younger than an hour"
        made = self.logs(name, age_hours, video)
        if made is not None:
            logs, peers = made
            p10, p50, p90 = (max(video.shares, round(math.expm1(v))) for v in logs)
            return Band(p10, p50, p90, peers), ""
        chained = self._chained(name, age_hours, video)
        if chained is not None:
            return chained, ""
        # The catalogue only to the first horizon: a month ahead its cross-section misjudges growth by far
        # more than its band allows (on the demo's backtest, 29 % of outcomes inside p10–p90).
        catalogue = self._from_catalogue(hours, age_hours, video.shares) if name == HORIZONS[0][0] else None
        if catalogue is not None:
            return catalogue, ""
        h = self.horizon_index[name]
        i, _ = grid_position(age_hours)
        have = self.peers.count(min(i, h - 1), h)
        return None, (f"{have} of your videos have history from {_age(age_hours)} to day {hours // 24} "
                      f"(needs {MIN_PEERS})")

    def _chained(self, name: str, age_hours: float, video: AgedVideo) -> Band | None:
        """Growth to the first horizon (from this video's age), then on to `name` (from the first horizon,
        over the videos known at both): every sum of one outcome of each step."""
        first_name, first_hours = HORIZONS[0]
        if name == first_name or age_hours >= first_hours:
            return None
        first, later = self.horizon_index[first_name], self.horizon_index[name]
        both = self.peers.logs[:, [first, later]]
        both = both[~np.isnan(both).any(axis=1)]
        if len(both) < MIN_PEERS:
            return None
        i, _ = grid_position(age_hours)
        step = growth(self.peers, min(i, first - 1), first, video)
        if step is None:
            return None
        fit, lags = step
        bridge = sorted((b - a) for a, b in both.tolist())
        bridge = [quantile(bridge, q) for q in _even(len(fit.spread))]
        centre = math.log1p(video.shares) + fit.centre(math.log1p(video.shares), lags)
        sums = sorted(centre + r + b for r in fit.spread for b in bridge)
        p10, p50, p90 = (max(video.shares, round(math.expm1(quantile(sums, q)))) for q in BAND)
        return Band(p10, p50, p90, min(fit.peers, len(both)))

    def _from_catalogue(self, hours: int, age_hours: float, shares: int) -> Band | None:
        """Before watched history: growth from this age to the horizon as the catalogue's cross-section shows
        it (its usual at the horizon over its usual at this age), with a band as wide as the spread of your
        videos at the horizon, since a cross-section cannot tell how much a video keeps its rank."""
        at_age = self._catalogue_fit(age_hours)
        at_horizon = self._catalogue_fit(float(hours))
        if at_age is None or at_horizon is None:
            return None
        spread = sorted(at_horizon[1])
        centre = math.log1p(shares) + max(0.0, at_horizon[0] - at_age[0])
        p10, p50, p90 = (max(shares, round(math.expm1(centre + d))) for d in
                         (quantile(spread, 0.1), 0.0, quantile(spread, 0.9)))
        # Never a point: nobody watched this one grow, so at least ×/÷ CATALOGUE_MIN_WIDTH around p50.
        p90 = max(p90, round((p50 + 1) * CATALOGUE_MIN_WIDTH))
        p10 = max(shares, min(p10, round((p50 + 1) / CATALOGUE_MIN_WIDTH)))
        return Band(p10, p50, p90, len(spread), CATALOGUE)

    def _catalogue_fit(self, age_hours: float) -> tuple[float, list[float]] | None:
        """The cross-section's fit at an age, in steps of about 5 % of age: one pass over the catalogue per
        step, not per video (10,000 videos would otherwise cost minutes)."""
        step = round(math.log(age_hours) * 20)
        if step not in self._catalogue_fits:
            self._catalogue_fits[step] = local_fit(self.catalogue, math.exp(step / 20))
        return self._catalogue_fits[step]


def _even(count: int) -> list[float]:
    return [k / (count - 1) for k in range(count)] if count > 1 else [0.5]


def _finish(raw: dict[str, Band | None], shares: int) -> dict[str, Band | None]:
    """The promises every band keeps, applied once: p10 ≥ the shares now; p10 ≤ p50 ≤ p90; at least
    MIN_LOG_WIDTH either side of p50 and p90 > p10 (a video still growing never gets a point band); and
    each quantile at a later horizon ≥ the same quantile at an earlier one."""
    out: dict[str, Band | None] = {}
    floor = (shares, shares, shares)
    for name, _ in HORIZONS:
        band = raw.get(name)
        if band is None:
            out[name] = None
            continue
        p10 = max(band.p10, floor[0])
        p50 = max(band.p50, p10, floor[1])
        p90 = max(band.p90, p50, floor[2], math.ceil((p50 + 1) * math.exp(MIN_LOG_WIDTH)) - 1, p10 + 1)
        p10 = max(floor[0], min(p10, math.floor((p50 + 1) * math.exp(-MIN_LOG_WIDTH)) - 1))
        out[name] = Band(p10, p50, p90, band.peers, band.origin)
        floor = (p10, p50, p90)
    return out


def _age(hours: float) -> str:
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} d"
