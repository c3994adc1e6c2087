"""Real charts with axes (textual-plotext): cumulative shares by hours since posting against the account's
usual (median and p90 at the same age), and shares gained per interval with dates underneath."""

from __future__ import annotations

from dataclasses import dataclass

from textual_plotext import PlotextPlot

from sharetui import text as fmt
from sharetui.baseline import Baseline
from sharetui.forecast import Forecast


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
    median = [0.0] + [baseline.median_at(a) or 0.0 for a in ages[1:]]
    p90 = [0.0] + [baseline.p90_at(a) or 0.0 for a in ages[1:]]
    return [Curve("your median", ages, median), Curve("your p90", ages, p90)]


def forecast_curves(forecast: Forecast | None, age_hours: float) -> list[Curve]:
    """The 7-day forecast band as three lines fanning out from where the video is now."""
    band = forecast.bands.get("7d") if forecast is not None else None
    if forecast is None or band is None:
        return []
    start = (age_hours, float(forecast.shares))
    return [Curve(label, [start[0], 168.0], [start[1], float(value)])
            for label, value in (("forecast p90", band.p90), ("forecast p50", band.p50), ("forecast p10", band.p10))]


class AgeChart(PlotextPlot):
    """Cumulative shares by age, one line per video, against the account's median and p90."""

    DEFAULT_CSS = "AgeChart { height: 1fr; min-height: 10; }"

    def show(self, curves: list[Curve], usual: list[Curve], title: str = "cumulative shares by age") -> None:
        plt = self.plt
        plt.clear_figure()
        plt.title(title)
        for curve in usual:
            # The forecast band in one colour (its median brighter), apart from the usual's curves.
            color = {"forecast p50": "orange", "forecast p10": "gray", "forecast p90": "gray"}.get(curve.label)
            plt.plot(curve.ages, curve.values, label=curve.label, marker="dot", **({"color": color} if color else {}))
        for curve in curves:
            # Labels come from TikTok: made safe, so no escape sequence reaches plotext's ANSI output.
            plt.plot(curve.ages, curve.values, label=fmt.safe_text(curve.label, 40), marker="braille")
        plt.xlabel("hours since posting")
        self.refresh()


class GainsChart(PlotextPlot):
    """Shares gained per interval as bars, with local times on the x axis."""

    DEFAULT_CSS = "GainsChart { height: 10; }"

    def show(self, start: int, step: int, gains: list[int]) -> None:
        plt = self.plt
        plt.clear_figure()
        plt.title(f"shares gained per {fmt.duration(step)}")
        positions = list(range(len(gains)))
        plt.bar(positions, gains, marker="sd", orientation="vertical", width=0.6)
        if gains:
            every = max(1, len(gains) // 6)
            ticks = positions[::every]
            plt.xticks([float(t) for t in ticks], [fmt.chart_time(start + i * step, step >= 86_400 / 4) for i in ticks])
        self.refresh()
