"""Synthetic share trajectories with a known future, for scoring forecasts as daily TikTok Studio imports
would feed them, and the standard methods fitted on the same data (Szabo–Huberman, Pinto's multivariate
linear model, conformalised linear quantile regression).

Families: "usual" (saturating growth, log-normal sizes); "slow" (the same, growing for weeks, as YouTube
videos did for Szabo and Huberman); "harsh" (Pareto sizes, second waves on 15 % of
videos, and a regime change two thirds of the way in, after which new videos grow twice as fast and twice as
large)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sharetui.domain.forecast import Forecast

HOUR, DAY = 3600, 86_400
HORIZON_DAYS = {"7d": 7, "30d": 30}


@dataclass(frozen=True)
class Life:
    id: str
    posted_at: int  # the start of its posting day (what Studio's "Post time" gives)
    offset: int  # seconds after that midnight when it really went up
    size: float
    scale_days: float
    shape: float
    wave: tuple[float, float, float] | None  # (start day, size, scale days)

    def shares(self, at: int) -> int:
        t = (at - self.posted_at - self.offset) / DAY
        if t <= 0:
            return 0
        value = self.size * (1 - math.exp(-((t / self.scale_days) ** self.shape)))
        if self.wave is not None and t > self.wave[0]:
            value += self.wave[1] * (1 - math.exp(-(t - self.wave[0]) / self.wave[2]))
        return int(value)


def lives(family: str, days: int, per_day: float, start: int, seed: int) -> list[Life]:
    rng = random.Random(seed)
    out = []
    change = start + int(days * 2 / 3) * DAY
    for day in range(days):
        midnight = start + day * DAY
        for k in range(_poisson(rng, per_day)):
            if family in ("usual", "slow"):
                size = math.exp(rng.gauss(5.5, 1.2))
                scale = math.exp(rng.gauss(math.log(2.5 if family == "usual" else 9.0), 0.5))
                wave = None
            else:
                size = 60 * rng.paretovariate(1.3)
                scale = math.exp(rng.gauss(math.log(2.5), 0.7))
                wave = ((rng.uniform(4, 25), size * rng.uniform(0.5, 4), rng.uniform(0.5, 3))
                        if rng.random() < 0.15 else None)
                if midnight >= change:
                    size, scale = size * 2, scale / 2
            out.append(Life(f"{seed}{day:04d}{k:02d}", midnight, rng.randrange(0, DAY - HOUR), size, scale,
                            rng.uniform(0.6, 1.3), wave))
    return out


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def daily_rows(all_lives: list[Life], day_end: int) -> list[tuple[Life, int, int]]:
    """A day's Content export: every video posted by then, with its totals at the end of the day."""
    return [(life, day_end, life.shares(day_end)) for life in all_lives if life.posted_at <= day_end]


@dataclass(frozen=True)
class Scored:
    """One forecast made at a midnight for a video aged 1–3 days, and what really happened."""

    horizon: str
    forecast: Forecast
    truth: int
    standard: dict[str, tuple] | None  # the standard methods' forecasts, when asked for and trainable


def replay(path: Path, every: list[Life], start: int, days: int, warmup: int, baselines: bool = False,
           ) -> tuple[list[Scored], dict[str, int], list[Forecast]]:
    """Daily Content exports of `every` imported into a real cache at `path`; from day `warmup`, every video
    aged 1–3 days forecast at each midnight as `sharetui forecast --as-of` would. Returns the scored
    forecasts, how many were eligible per horizon (outcome inside the replay) and every forecast made."""
    from sharetui.domain import forecast as fc
    from sharetui.sources.imported import ACCOUNT
    from sharetui.sources.studio import VideoTotals
    from sharetui.store import Store

    scored, eligible, made_all = [], {name: 0 for name in HORIZON_DAYS}, []
    with Store(path) as store:
        for day in range(days):
            day_end = start + (day + 1) * DAY - 1
            store.import_videos(ACCOUNT, [VideoTotals(at, life.id, f"video {life.id}", "", life.posted_at,
                                                      shares * 5, shares // 3, shares, shares * 40)
                                          for life, at, shares in daily_rows(every, day_end)])
            midnight = day_end + 1
            if day < warmup:
                continue
            made = {f.id: f for f in fc.forecasts(store, ACCOUNT.key, midnight)}
            for life in every:
                age_days = (midnight - life.posted_at) // DAY
                if not 1 <= age_days <= 3:
                    continue
                made_all.append(made[life.id])
                for name, horizon in HORIZON_DAYS.items():
                    if life.posted_at + horizon * DAY > start + days * DAY:
                        continue  # the outcome is after the replay ends
                    eligible[name] += 1
                    if made[life.id].bands[name] is None:
                        continue
                    train = [v for v in every if v.posted_at + horizon * DAY <= midnight]
                    standard = (standard_forecasts(train, life, age_days, horizon)
                                if baselines and len(train) >= 8 else None)
                    scored.append(Scored(name, made[life.id], life.shares(life.posted_at + horizon * DAY - 1),
                                         standard))
    return scored, eligible, made_all


# -- the standard methods, fitted on the same daily points ----------------------------------------------------


def _daily(life: Life, days: int) -> list[int]:
    """Shares at the end of each of the first `days` days (day 1 = the end of the posting day)."""
    return [life.shares(life.posted_at + d * DAY - 1) for d in range(1, days + 1)]


def standard_forecasts(train: list[Life], video: Life, age_days: int, horizon_days: int) -> dict[str, tuple]:
    """p50 by Szabo–Huberman and Pinto's ML; (p10, p50, p90) by conformalised quantile regression; from
    `train` (videos whose outcome is known), for `video` seen for `age_days` days."""
    x_train = np.array([_daily(v, age_days) for v in train], dtype=float)
    y_train = np.array([v.shares(v.posted_at + horizon_days * DAY - 1) for v in train], dtype=float)
    x = np.array(_daily(video, age_days), dtype=float)
    out: dict[str, tuple] = {}
    # Szabo–Huberman: ln N(t_r) = ln N(t_i) + beta.
    beta = np.mean(np.log1p(y_train) - np.log1p(x_train[:, -1]))
    out["szabo_huberman"] = (float(np.expm1(np.log1p(x[-1]) + beta)),)
    # Pinto et al.: N(t_r) = theta . daily increments, minimising the relative squared error.
    increments = np.diff(np.column_stack([np.zeros(len(train)), x_train]), axis=1)
    w = 1 / (y_train + 1)
    theta, *_ = np.linalg.lstsq(increments * w[:, None], y_train * w, rcond=None)
    own = np.diff(np.concatenate([[0.0], x]))
    out["pinto"] = (float(max(x[-1], own @ theta)),)
    # Linear quantile regression on the log trajectory, calibrated on the most recent quarter.
    features = np.column_stack([np.ones(len(train)), np.log1p(x_train)])
    target = np.log1p(y_train) - np.log1p(x_train[:, -1])
    order = np.argsort([v.posted_at for v in train])
    split = int(len(train) * 0.75)
    fit_rows, cal_rows = order[:split], order[split:]
    lo = _quantile_regression(features[fit_rows], target[fit_rows], 0.1)
    mid = _quantile_regression(features[fit_rows], target[fit_rows], 0.5)
    hi = _quantile_regression(features[fit_rows], target[fit_rows], 0.9)
    scores = np.maximum(features[cal_rows] @ lo - target[cal_rows], target[cal_rows] - features[cal_rows] @ hi)
    n = len(cal_rows)
    widen = float(np.quantile(scores, min(1.0, 0.8 * (n + 1) / n))) if n else 0.0
    f = np.concatenate([[1.0], np.log1p(x)])
    base = math.log1p(x[-1])
    out["cqr"] = tuple(max(x[-1], float(np.expm1(base + v))) for v in (f @ lo - widen, f @ mid, f @ hi + widen))
    return out


def _quantile_regression(x: np.ndarray, y: np.ndarray, q: float, iterations: int = 60) -> np.ndarray:
    """Linear quantile regression by iteratively reweighted least squares (check loss, smoothed at 0)."""
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    for _ in range(iterations):
        r = y - x @ beta
        w = np.where(r >= 0, q, 1 - q) / np.maximum(np.abs(r), 1e-4)
        beta = np.linalg.solve(x.T @ (x * w[:, None]) + 1e-8 * np.eye(x.shape[1]), x.T @ (w * y))
    return beta
