"""Real charts with axes (textual-plotext): cumulative shares by hours since posting against the account's
usual (median and p90 at the same age), and shares gained per interval with dates underneath."""

from __future__ import annotations

import os
from dataclasses import dataclass

from textual_plotext import PlotextPlot

from sharetui import text as fmt
from sharetui.domain.baseline import Baseline
from sharetui.domain.forecast import Forecast


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
    if forecast is None or band is None:
        return []
    start = (age_hours, float(forecast.shares))
    return [Curve(label, [start[0], 168.0], [start[1], float(value)])
            for label, value in (("forecast p90", band.p90), ("forecast p50", band.p50), ("forecast p10", band.p10))]


# Each curve its own glyph (and colour), so they stay apart without colour (NO_COLOR) too.
GLYPHS = {"your median": "•", "your p90": "+", "forecast p50": "*", "forecast p10": "·", "forecast p90": "·"}
COLOURS = {"forecast p50": "orange", "forecast p10": "gray", "forecast p90": "gray"}
DAYS_FROM_HOURS = 72  # past three days since posting, the x axis counts days


def _count_axis(plt, top: float) -> None:  # noqa: ANN001 - plotext's module-like figure
    """Whole-number y ticks from zero with thousands separators; nothing below zero."""
    ticks = fmt.axis_ticks(top)
    plt.ylim(0, ticks[-1])
    plt.yticks([float(t) for t in ticks], [fmt.count(t) for t in ticks])


class AgeChart(PlotextPlot):
    """Cumulative shares by age, one line per video, against the account's median and p90."""

    DEFAULT_CSS = "AgeChart { height: 1fr; min-height: 10; }"

    def show(self, curves: list[Curve], usual: list[Curve], title: str = "cumulative shares by age", *,
             styles: list[tuple[str, str]] | None = None, legend: bool = True, log: bool = False) -> None:
        """`styles`: a (glyph, colour) per curve, for many curves told apart without colour too; `legend`
        False where the screen draws its own legend outside the plot; `log`: a logarithmic count axis."""
        plt = self.plt
        plt.clear_figure()
        everything = [*usual, *curves]
        top = max((v for c in everything for v in c.values), default=0.0)
        if not any(c.values for c in curves) or top <= 0:
            plt.title(f"{title}: no shares in this range yet")
            self.refresh()
            return
        plt.title(title + (" (log scale)" if log else ""))
        longest = max((a for c in everything for a in c.ages), default=0.0)
        in_days = longest > DAYS_FROM_HOURS
        scale = 24.0 if in_days else 1.0

        def points(curve: Curve) -> tuple[list[float], list[float]]:
            pairs = [(a / scale, v) for a, v in zip(curve.ages, curve.values, strict=True) if v > 0 or not log]
            return [a for a, _ in pairs], [v for _, v in pairs]

        plain = bool(os.environ.get("NO_COLOR"))  # greyscale: no colour that would turn near-black
        for curve in usual:
            colour = None if plain else COLOURS.get(curve.label)
            xs, ys = points(curve)
            plt.plot(xs, ys, label=curve.label if legend else None, marker=GLYPHS.get(curve.label, "•"),
                     **({"color": colour} if colour else {}))
        for index, curve in enumerate(curves):
            xs, ys = points(curve)
            # Labels come from TikTok: made safe, so no escape sequence reaches plotext's ANSI output.
            label = fmt.safe_text(curve.label, 40) if legend else None
            if styles and index < len(styles):
                glyph, colour = styles[index]
                plt.plot(xs, ys, label=label, marker=glyph, color=colour)
            else:
                plt.plot(xs, ys, label=label, marker="braille", **({"color": "white"} if plain else {}))
        if log:
            plt.yscale("log")
        else:
            _count_axis(plt, top)
        span = longest / scale
        ticks = fmt.axis_ticks(span)
        plt.xlim(0, ticks[-1])
        plt.xticks([float(t) for t in ticks], [f"{t}d" if in_days else f"{t}h" for t in ticks])
        plt.xlabel("days since posting" if in_days else "hours since posting")
        self.refresh()


class GainsChart(PlotextPlot):
    """Shares gained per interval as bars, with local times (and dates) on the x axis."""

    DEFAULT_CSS = "GainsChart { height: 10; }"

    def show(self, start: int, step: int, gains: list[int | None]) -> None:
        plt = self.plt
        plt.clear_figure()
        known = [g for g in gains if g is not None]
        if not known or max(known) <= 0:
            plt.title("no shares gained in this range")
            self.refresh()
            return
        plt.title(f"shares gained per {fmt.duration(step)}")
        positions = [i for i, g in enumerate(gains) if g is not None]  # no bar where the cache did not watch
        plt.bar(positions, [gains[i] for i in positions], marker="sd", orientation="vertical", width=0.6)
        _count_axis(plt, max(known))
        every = max(1, len(gains) // 6)
        ticks = list(range(len(gains)))[::every]
        plt.xticks([float(t) for t in ticks], [fmt.chart_time(start + i * step, step >= 86_400 / 4) for i in ticks])
        self.refresh()
