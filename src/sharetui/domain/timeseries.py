"""Bucketing change-only series into bars. Pure functions, no I/O.

A series is stored as (time, cumulative value) points written only when the value changed, so the value
at any moment is the last point at or before it. Bars are the gains between consecutive boundaries.
"""

from __future__ import annotations

from sharetui.domain.figures import DAY, HOUR, edge_value
from sharetui.domain.models import Series

NICE_STEPS = [60, 300, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800, 2_592_000]


def bucket_bounds(now: int, span: int, max_buckets: int, min_step: int = 60) -> list[int]:
    """Boundaries covering at least `span` seconds up to `now`, in round steps.

    Steps of an hour or more sit on whole UTC hours (a day or more: on UTC midnights), the grid roll-ups
    keep, so values at every boundary survive roll-ups exactly. The last boundary is `now` itself.
    """
    step = next((s for s in NICE_STEPS if s >= min_step and span / s <= max_buckets), NICE_STEPS[-1])
    if step >= HOUR:
        grain = DAY if step >= DAY else HOUR
        start = (now - span) // grain * grain
        start -= start % step if step % grain == 0 and step < DAY else 0
        bounds = list(range(start, now, step))
        return bounds + [now] if bounds else [now - step, now]
    buckets = max(1, -(-span // step))
    return [now - (buckets - i) * step for i in range(buckets)] + [now]


def bucket(metric: str, bounds: list[int], points: list[tuple[int, int]], posted_at: int | None = None,
           first_at: int | None = None, confirmed_at: int | None = None) -> Series:
    """Cumulative values at `bounds` from sorted change-only `points`; before the first point, a video's
    value follows figures.edge_value (`posted_at`, `first_at`: its posting and first observation ever); an
    account's totals (no `posted_at`) are unknown there. `confirmed_at`: when the latest value was last
    confirmed (a video's last sweep)."""
    values: list[int | None] = []
    index = 0
    current: int | None = None
    for t in bounds:
        while index < len(points) and points[index][0] <= t:
            current = points[index][1]
            index += 1
        values.append(edge_value(current, t, posted_at, first_at))
    # Where the history begins inside the range, its first bar counts from the first point (what the history
    # watched), never from zero: the count it already had then is not a gain of that bar.
    # (A single observation, never confirmed later, leaves nothing to subtract: that bar stays unknown.)
    begins = (bool(points) and bounds[0] < points[0][0] < bounds[-1]
              and (confirmed_at is None or points[0][0] < confirmed_at))
    started, started_at = (points[0][1], points[0][0]) if begins else (None, None)
    return Series(metric=metric, start=bounds[0], end=bounds[-1], values=values,
                  step=bounds[1] - bounds[0] if len(bounds) > 1 else 0, started=started, started_at=started_at)
