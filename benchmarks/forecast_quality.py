"""How good are sharetui's forecasts next to the published methods? Replays daily TikTok Studio imports of
synthetic trajectory families with a known future into a real cache, forecasts every video aged 1–3 days at
each midnight as `sharetui forecast --as-of` would, and scores it beside Szabo–Huberman, Pinto's ML and
conformalised quantile regression fitted on the same data in the same run.

    python benchmarks/forecast_quality.py                 # every family, 150 days, 3 seeds
    python benchmarks/forecast_quality.py --days 90 --seeds 1 --family harsh
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.trajectories import DAY, HORIZON_DAYS, lives, replay  # noqa: E402

START = 1_750_000_000 // DAY * DAY


def scores(family: str, days: int, per_day: float, seed: int, warmup: int) -> tuple[dict, dict[str, int]]:
    """Per method and horizon: (|log error|, held or None, point band or None, p50, truth) per forecast."""
    with tempfile.TemporaryDirectory() as tmp:
        scored, eligible, _ = replay(Path(tmp) / "cache.sqlite3", lives(family, days, per_day, START, seed), START,
                                     days, warmup, baselines=True)
    out: dict[str, dict[str, list]] = {}
    for s in scored:
        band = s.forecast.bands[s.horizon]
        assert band is not None
        _score(out, "sharetui", s.horizon, (band.p10, band.p50, band.p90), s.truth)
        for method, values in (s.standard or {}).items():
            _score(out, method, s.horizon, values, s.truth)
    return out, eligible


def _score(scores: dict, method: str, horizon: str, values: tuple, truth: int) -> None:
    p50 = values[1] if len(values) == 3 else values[0]
    held = values[0] <= truth <= values[2] if len(values) == 3 else None
    point = values[0] >= values[2] if len(values) == 3 else None
    scores.setdefault(method, {}).setdefault(horizon, []).append(
        (abs(math.log((p50 + 1) / (truth + 1))), held, point, p50, truth))


def spearman(pairs: list[tuple[float, float]]) -> float:
    from sharetui.domain.forecast.backtesting import spearman as rho

    return rho([p for p, _ in pairs], [t for _, t in pairs]) or float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=150)
    parser.add_argument("--per-day", type=float, default=2.0)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--family", choices=["usual", "slow", "harsh", "all"], default="all")
    parser.add_argument("--warmup", type=int, default=45)
    args = parser.parse_args()
    families = ["usual", "slow", "harsh"] if args.family == "all" else [args.family]
    for family in families:
        merged: dict[str, dict[str, list]] = {}
        eligible = dict.fromkeys(HORIZON_DAYS, 0)
        started = time.perf_counter()
        for seed in range(1, args.seeds + 1):
            by_method, counted = scores(family, args.days, args.per_day, seed, args.warmup)
            for method, by_h in by_method.items():
                for h, rows in by_h.items():
                    merged.setdefault(method, {}).setdefault(h, []).extend(rows)
            for h, n in counted.items():
                eligible[h] += n
        print(f"\n{family}: {args.days} days of daily imports, ~{args.per_day:g} videos a day, {args.seeds} seed(s), "
              f"forecasts at 1–3 days from day {args.warmup} ({time.perf_counter() - started:.0f} s)")
        print(f"{'method':<16} {'horizon':<7} {'made':>9} {'p50 err':>8} {'rho':>6} {'band held':>10} {'points':>7}")
        for method in ["sharetui", "szabo_huberman", "pinto", "cqr"]:
            for h in HORIZON_DAYS:
                rows = merged.get(method, {}).get(h, [])
                if not rows:
                    continue
                errors = statistics.median(r[0] for r in rows)
                held = [r[1] for r in rows if r[1] is not None]
                points = sum(1 for r in rows if r[2])
                made = f"{len(rows)}/{eligible[h]}" if method == "sharetui" else f"{len(rows)}"
                print(f"{method:<16} {h:<7} {made:>9} {errors:>8.3f} {spearman([(r[3], r[4]) for r in rows]):>6.2f} "
                      f"{(f'{100 * sum(held) / len(held):.0f} %' if held else '–'):>10} "
                      f"{(str(points) if held else '–'):>7}")


if __name__ == "__main__":
    main()
