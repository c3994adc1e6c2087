"""What the charts draw, worked out without Textual or plotext: the curves, the range an axis covers (the
video and its usual, never a forecast's p90 that would flatten both), lines cut where they leave the chart,
the logarithmic axis (whole-number labels at powers of ten) and time labels that carry a date across
midnight. The widgets only plot what this hands them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sharetui import text as fmt
from sharetui.domain.baseline import Baseline
from sharetui.domain.forecast import Forecast

DAYS_FROM_HOURS = 72  # past three days since posting, the x axis counts days
WEEK_HOURS = 168.0
MIN_SPAN_HOURS = 6.0  # a chart of a video a few minutes old still shows a few hours
COMPARE_FOCUS = 2.0  # the compare chart shows up to this many times the youngest video's age...
COMPARE_MIN_HOURS = 24.0  # ...and at least a day


@dataclass(frozen=True)
class Curve:
    label: str
    ages: list[float]  # hours since posting
    values: list[float]


def baseline_curves(baseline: Baseline | None, max_age: float) -> list[Curve]:
    """The median and p90 curves up to `max_age` hours (from zero at posting)."""
    if baseline is None or not baseline.ages:
        return []
    ages = [0.0] + [a for a in baseline.ages if a <= max_age * 1.05]
    if len(ages) < 2:
        return []
    curves = []
    for label, at in (("your median", baseline.median_at), ("your p90", baseline.p90_at)):
        # An age the baseline cannot speak for ends the curve: it never drops to 0 there.
        points = [(a, value) for a in ages[1:] if (value := at(a)) is not None]
        curves.append(Curve(label, [0.0] + [a for a, _ in points], [0.0] + [v for _, v in points]))
    return [c for c in curves if len(c.ages) >= 2]


def forecast_curves(forecast: Forecast | None, age_hours: float) -> list[Curve]:
    """The 7-day forecast band as three lines fanning out from where the video is now."""
    band = forecast.bands.get("7d") if forecast is not None else None
    if forecast is None or band is None or age_hours >= WEEK_HOURS:
        return []
    start = (age_hours, float(forecast.shares))
    return [Curve(label, [start[0], WEEK_HOURS], [start[1], float(value)])
            for label, value in (("forecast p90", band.p90), ("forecast p50", band.p50), ("forecast p10", band.p10))]


def forecast_note(forecast: Forecast | None) -> str:
    """The band in words, for the chart's title: its lines may run past the chart's edges."""
    band = forecast.bands.get("7d") if forecast is not None else None
    if band is None:
        return ""
    return f" · forecast day 7: {fmt.count(band.p50)} ({fmt.count(band.p10)}–{fmt.count(band.p90)})"


def video_span(age_hours: float, forecast: bool) -> float:
    """Hours a video's chart covers: its age, and with a forecast half as much again (where the forecast
    heads, up to day 7), at least MIN_SPAN_HOURS: a young video fills the chart rather than sitting in a
    corner of a week."""
    if not forecast:
        return max(MIN_SPAN_HOURS, age_hours)
    return max(MIN_SPAN_HOURS, min(WEEK_HOURS, age_hours * 1.5), age_hours)


def compare_span(ages: list[float], whole: bool) -> float:
    """Hours the compare chart covers: the oldest video's age with `whole`, else COMPARE_FOCUS times the
    youngest one's (at least COMPARE_MIN_HOURS), so a 4-hour-old video is not a stripe at the left edge of
    a 60-day axis; older videos are drawn up to the same age."""
    oldest = max(ages, default=1.0)
    if whole or not ages:
        return max(1.0, oldest)
    return max(1.0, min(oldest, max(COMPARE_MIN_HOURS, COMPARE_FOCUS * min(ages))))


def clip(curve: Curve, x_max: float, y_max: float | None = None) -> Curve:
    """The curve inside [0, x_max] × [0, y_max]: a line leaving the chart ends at its edge (interpolated),
    never at a point beyond it."""
    ages: list[float] = []
    values: list[float] = []
    points = list(zip(curve.ages, curve.values, strict=True))
    for index, (age, value) in enumerate(points):
        inside = age <= x_max and (y_max is None or value <= y_max)
        if inside:
            ages.append(age)
            values.append(value)
            continue
        if index > 0:
            before_age, before_value = points[index - 1]
            if before_age <= x_max and (y_max is None or before_value <= y_max):
                # Where the segment crosses the first edge it meets.
                t = 1.0
                if age > x_max:
                    t = min(t, (x_max - before_age) / (age - before_age))
                if y_max is not None and value > y_max and value != before_value:
                    t = min(t, (y_max - before_value) / (value - before_value))
                ages.append(before_age + t * (age - before_age))
                values.append(before_value + t * (value - before_value))
        break
    return Curve(curve.label, ages, values)


def value_top(curves: list[Curve], x_max: float) -> float:
    """The largest value the curves reach within [0, x_max]: what the count axis must hold."""
    return max((v for c in curves for a, v in zip(c.ages, c.values, strict=True) if a <= x_max), default=0.0)


def log_axis(top: float) -> tuple[list[float], list[str]]:
    """Tick positions (log10 of the count) and labels for a logarithmic count axis from 1 to past `top`:
    whole numbers at powers of ten (1, 10, 100, 1,000), never 48406.0."""
    exponents = range(0, max(1, math.ceil(math.log10(max(1.0, top)) + 1e-9)) + 1)
    return [float(e) for e in exponents], [f"{10 ** e:,}" for e in exponents]


def log_values(values: list[float]) -> list[float | None]:
    """Counts placed on a log axis (log10); a zero has no place there (None)."""
    return [math.log10(v) if v >= 1 else None for v in values]


def time_labels(moments: list[float], step: int) -> list[str]:
    """Local-time labels for a gains chart's ticks: the time, with the date on the first tick and wherever
    the day changes (a chart across midnight says which day); daily bars carry the date alone."""
    labels = []
    previous: datetime | None = None
    for moment in moments:
        local = fmt.local_time(moment)
        if step >= 86_400 / 4:
            labels.append(fmt.chart_time(moment, with_date=True))
        elif previous is None or local.date() != previous.date():
            labels.append(f"{fmt.chart_time(moment, with_date=True)} {fmt.chart_time(moment, with_date=False)}")
        else:
            labels.append(fmt.chart_time(moment, with_date=False))
        previous = local
    return labels
