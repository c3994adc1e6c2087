"""Real charts with axes (textual-plotext): cumulative shares by hours since posting against the account's
usual (median and p90 at the same age) and the forecast band, and shares gained per interval with dates
underneath. What to draw is worked out in sharetui.views.charts; this only plots it."""

from __future__ import annotations

import os

from textual_plotext import PlotextPlot

from sharetui import text as fmt
from sharetui.views.charts import DAYS_FROM_HOURS, Curve, clip, log_axis, log_values, time_labels, value_top

# Each curve its own glyph and colour, so they stay apart without colour (NO_COLOR) too. The usual is grey,
# the forecast band yellow (p90 above, p10 below, its median orange): no compared video uses those colours.
GLYPHS = {"your median": "•", "your p90": "+", "forecast p50": "*", "forecast p90": "^", "forecast p10": "v"}
COLOURS = {"your median": "gray", "your p90": "gray", "forecast p50": "orange", "forecast p10": "yellow",
           "forecast p90": "yellow"}
VIDEO_COLOUR = "cyan+"


def _count_axis(plt, top: float) -> float:  # noqa: ANN001 - plotext's module-like figure
    """Whole-number y ticks from zero with thousands separators; nothing below zero. Returns the axis top."""
    ticks = fmt.axis_ticks(top)
    plt.ylim(0, ticks[-1])
    plt.yticks([float(t) for t in ticks], [f"{t:,}" for t in ticks])
    return float(ticks[-1])


class AgeChart(PlotextPlot):
    """Cumulative shares by age, one line per video, against the account's median and p90."""

    DEFAULT_CSS = "AgeChart { height: 1fr; min-height: 10; }"

    def show(self, curves: list[Curve], usual: list[Curve], title: str = "cumulative shares by age", *,
             styles: list[tuple[str, str]] | None = None, legend: bool = True, log: bool = False,
             band: list[Curve] | None = None, span: float | None = None) -> None:
        """`styles`: a (glyph, colour) per curve, for many curves told apart without colour too; `legend`
        False where the screen draws its own legend outside the plot; `log`: a logarithmic count axis;
        `band`: forecast lines, drawn but never setting the scale; `span`: the hours the x axis covers."""
        plt = self.plt
        plt.clear_figure()
        band = band or []
        everything = [*usual, *curves]
        longest = span if span is not None else max((a for c in everything for a in c.ages), default=0.0)
        # The video, its usual and where the forecast's median heads within the span set the scale; the
        # band's p90 a week out never does (it would flatten the rest): its lines end at the chart's edge.
        median = [clip(c, longest) for c in band if c.label == "forecast p50"]
        top = value_top(everything + median, longest)
        if not any(c.values for c in curves) or top <= 0:
            plt.title(f"{title}: no shares in this range yet")
            self.refresh()
            return
        plt.title(title + (" (log scale)" if log else ""))
        in_days = longest > DAYS_FROM_HOURS
        scale = 24.0 if in_days else 1.0
        if log:
            positions, labels = log_axis(top)
            plt.ylim(positions[0], positions[-1])
            plt.yticks(positions, labels)
            axis_top = 10 ** positions[-1]
        else:
            axis_top = _count_axis(plt, top)
        plain = bool(os.environ.get("NO_COLOR"))  # greyscale: no colour that would turn near-black

        def draw(curve: Curve, marker: str, colour: str | None, label: str | None) -> None:
            inside = clip(curve, longest, axis_top)
            pairs = [(a / scale, v) for a, v in zip(inside.ages, log_values(inside.values) if log else inside.values,
                                                    strict=True) if v is not None]
            if pairs:
                plt.plot([a for a, _ in pairs], [v for _, v in pairs], label=label if legend else None,
                         marker=marker, **({"color": colour} if colour and not plain else {}))

        for curve in [*usual, *band]:
            draw(curve, GLYPHS.get(curve.label, "•"), COLOURS.get(curve.label), curve.label)
        for index, curve in enumerate(curves):
            # Labels come from TikTok: made safe, so no escape sequence reaches plotext's ANSI output.
            label = fmt.safe_text(curve.label, 40)
            if styles and index < len(styles):
                glyph, colour = styles[index]
                draw(curve, glyph, colour, label)
            else:
                draw(curve, "braille", "white" if plain else VIDEO_COLOUR, label)
        ticks = fmt.axis_ticks(longest / scale)
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
        plt.title(f"shares gained per {fmt.duration(step)} (no bar: not watched then)")
        positions = [i for i, g in enumerate(gains) if g is not None]  # no bar where the cache did not watch
        plt.bar(positions, [gains[i] for i in positions], marker="sd", orientation="vertical", width=0.6)
        _count_axis(plt, max(known))
        plt.xlim(-0.5, len(gains) - 0.5)  # the whole range, watched or not: one known bar is not the chart
        every = max(1, len(gains) // 5)
        ticks = list(range(len(gains)))[::every]
        plt.xticks([float(t) for t in ticks], time_labels([start + i * step for i in ticks], step))
        self.refresh()
