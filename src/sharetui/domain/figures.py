"""One definition of every derived figure, for every screen, export and alert. Pure functions, no I/O.

A count's history is stored change-only: (time, value) points written when a value changed, and the value at
any moment is the last point at or before it, provided the cache was watching then. Two things limit what
the history can prove, and every figure here says when it hits them:

- **Before the history begins** (a video found long after it was posted, an import's first day) nothing is
  known: a gain over a window that reaches back before the first point is only a lower bound ("≥").
- **Gaps** (the poller was off for two days): the value at a moment inside a gap is somewhere between the
  points around it, so a gain whose window starts in a gap is a lower bound too, counted from the first
  observation after the gap; a window with no observation at all inside it is unknown ("–").

A video posted inside a window had 0 of everything at its start: that is known, not assumed.

Series (sparklines, charts) are bucketed into bars: the value at each bar's edge is the last point at or
before it (figures.edge_value before the first), and a bar is the gain between its edges (figures.bars).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HOUR, DAY = 3600, 86_400  # the one definition; every module of sharetui imports these


@dataclass(frozen=True, slots=True)
class Gain:
    """How much a count grew over a window. `lower` means "at least": the window reaches before the history
    or starts in a polling gap, and `value` counts only from `since`."""

    value: int | None  # None: unknown
    lower: bool = False
    since: int | None = None  # where a lower bound starts counting

    def text(self, compact: bool = True) -> str:
        from sharetui import text as fmt
        if self.value is None:
            return "–"
        shown = fmt.gain(self.value, self.lower)
        return shown if compact or not self.lower or self.since is None else f"{shown} since {fmt.when(self.since)}"

    @property
    def sort_value(self) -> int:
        return -1 if self.value is None else self.value


def gap_tolerance(span: int) -> int:
    """How far the last observation before a window's start may lie before the start is "in a gap"."""
    return max(15 * 60, span // 4)


def window_gain(*, start: int, end_value: int | None, end_seen: int | None, posted_at: int, first_at: int | None,
                start_value: int | None, seen_before_start: int | None, seen_after_start: int | None,
                value_after_start: int | None, first_value: int | None = None) -> Gain:
    """The gain of a count over [start, now], from what the history holds (the one definition).

    end_value: the count now; end_seen: the last observation of it. first_at / first_value: the video's
    first point.
    start_value: the count at `start` (last point at or before it). seen_before_start / seen_after_start: the
    observations (sweeps, or points where there are no sweeps) around `start`; value_after_start: the count
    at seen_after_start.
    """
    if end_value is None or end_seen is None or end_seen <= start and posted_at <= start:
        return Gain(None)  # nothing observed inside the window
    if posted_at >= start:
        return Gain(end_value)  # posted inside the window: it started from zero
    span = max(1, end_seen - start)
    placed = (first_at is not None and first_at <= start and start_value is not None
              and seen_before_start is not None and start - seen_before_start <= gap_tolerance(span))
    if placed:
        assert start_value is not None
        return Gain(end_value - start_value)
    # The start falls before the history or in a gap: count from the first observation after it.
    since = seen_after_start
    base = value_after_start
    if first_at is not None and (since is None or first_at > since):
        since, base = first_at, first_value
    if since is None or since >= end_seen:
        return Gain(None)  # one observation inside the window (or none) shows no gain, not "≥ 0"
    if base is None:
        return Gain(None, lower=True, since=since)
    return Gain(max(0, end_value - base), lower=True, since=since)


def bars(edges: Sequence[int | None], first: int | None = None) -> list[int | None]:
    """The one definition of a bar, for every sparkline and chart: the gain between the counts at its two
    edges. A count revised down draws 0, never a negative bar. Where an edge's count is unknown no bar is drawn
    (None, not a zero), except the bar the history begins in: it counts from `first`, the first watched
    value, never from zero (the count the video already had then is not a gain of that bar)."""
    drawn: list[int | None] = []
    for before, after in zip(edges, edges[1:], strict=False):
        if before is not None and after is not None:
            drawn.append(max(0, after - before))
        elif after is not None and first is not None and (not drawn or drawn[-1] is None):
            drawn.append(max(0, after - first))
        else:
            drawn.append(None)
    return drawn


def share_rate(shares: int | None, views: int | None) -> float | None:
    """Shares per 1,000 views, the one rule everywhere: unknown while either count is, and at zero views too
    (shares seen before TikTok counts the views are not a rate of zero, nor an infinite one)."""
    if shares is None or not views:
        return None
    return shares * 1000 / views


STARTED_AT_POSTING = HOUR  # a video first seen within this of its posting: its history starts at 0


def edge_value(value: int | None, at: int, posted_at: int | None, first_at: int | None) -> int | None:
    """A video's count at a bar's edge, by one rule for every sparkline: the value the history holds there;
    0 before the video was posted; 0 between posting and the first observation when that came within
    STARTED_AT_POSTING of posting (the history began at posting); otherwise unknown (None)."""
    if value is not None:
        return value
    if posted_at is None:
        return None
    if at <= posted_at:
        return 0
    began_at_posting = first_at is not None and first_at - posted_at <= STARTED_AT_POSTING
    return 0 if began_at_posting and first_at is not None and at < first_at else None


# -- series: values at bar edges, and the bars they make -------------------------------------------

@dataclass(frozen=True)
class Series:
    """A metric over a time range: values at bucket boundaries, and the bars they make."""

    metric: str
    start: int
    end: int
    values: list[int | None]  # cumulative value at each boundary: one more than there are bars
    step: int  # length of a full bar in seconds (the last bar ends at "now" and may be shorter)
    started: int | None = None  # the first watched value, where the history begins inside the range...
    started_at: int | None = None  # ...and when

    @property
    def drawn_gains(self) -> list[int | None]:
        """The gains to draw: None for a bar the history does not cover (nothing is drawn there); the bar the
        history begins in counts from its first watched value."""
        return bars(self.values, self.started)

    @property
    def partial_last(self) -> bool:
        """Whether the last bar covers less than a full step (the bucket still filling up to now)."""
        if len(self.values) < 2:
            return False
        return self.end - (self.start + (len(self.values) - 2) * self.step) < self.step


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
