"""What the video screen shows, as plain values: one video's history over a range, read in a thread, and the
words and figures each line of the screen carries. The screen only paints these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sharetui import text as fmt
from sharetui.domain.baseline import CATALOGUE
from sharetui.domain.figures import Series, bucket_bounds, share_rate
from sharetui.domain.models import METRICS, VideoRow

if TYPE_CHECKING:
    from sharetui.domain.baseline import Baseline
    from sharetui.domain.figures import Gain
    from sharetui.monitor.service import ScreenReader

RANGES = [("1h", 3600), ("24h", 86_400), ("7d", 7 * 86_400), ("30d", 30 * 86_400), ("all", 0)]


@dataclass
class VideoData:
    row: VideoRow
    range_name: str
    start: int
    end: int
    series: dict[str, Series]
    changes: dict[str, Gain]  # over the exact range, by the same definition as the table's +1h / +24h
    first_at: int | None = None  # when the video's history begins
    now: int = 0
    age_curve: tuple[list[float], list[int]] | None = None  # for the chart, read with the rest when it is on


def read_video(reader: ScreenReader, row: VideoRow, now: int, name: str, span: int, width: int,
               with_chart: bool) -> VideoData:
    """One video's history over a range, as the screen shows it (runs in a thread, never on the loop)."""
    first = reader.first_snapshot_at(row.vid)
    if not span:
        span = max(3600, now - min(row.posted_at, first if first is not None else now))
    bounds = bucket_bounds(now, span, width, min_step=60 if span <= 3600 else 900)
    series = reader.video_series(row.vid, bounds)
    changes = {metric: reader.window_gains(row, [now - span], metric)[0] for metric in METRICS}
    curve = reader.age_curve(row.vid, row.posted_at, now) if with_chart else None
    return VideoData(row, name, bounds[0], bounds[-1], series, changes, first, now, curve)


@dataclass(frozen=True)
class MetricLine:
    """One sparkline row: the metric, its count now, its change over the range, the bars and their scale."""

    name: str
    current: int | None
    change: str
    bars: list[int | None]
    peak: str
    last: str


def metric_lines(data: VideoData) -> list[MetricLine]:
    lines = []
    for metric in METRICS:
        series = data.series[metric]
        drawn = series.drawn_gains
        last = drawn[-1] if drawn else None
        so_far = " so far" if series.partial_last and last is not None else ""
        peak = max((g for g in drawn if g is not None), default=None)
        lines.append(MetricLine(metric, data.row.known(metric), data.changes[metric].text(), drawn,
                                f"peak {fmt.count(peak)}/{fmt.duration(series.step)}", f"last {fmt.count(last)}{so_far}"))
    return lines


@dataclass(frozen=True)
class RateLine:
    """Shares per thousand views: now, over the range (only bars where both counts are known), per bar."""

    now: float | None
    over_range: float | None
    bars: list[float | None]
    peak: float | None


def rate_line(data: VideoData) -> RateLine:
    shares, views = data.series["shares"].drawn_gains, data.series["views"].drawn_gains
    pairs = list(zip(shares, views, strict=True))
    bars = [share_rate(s, v) for s, v in pairs]
    both = [(s, v) for s, v in pairs if s is not None and v is not None]
    over_range = share_rate(sum(s for s, _ in both), sum(v for _, v in both)) if both else None
    peak = max((r for r in bars if r is not None), default=None)
    return RateLine(data.row.share_rate, over_range, bars, peak)


def range_note(data: VideoData) -> str:
    """Under the sparklines: whether anything moved, what a bar is, and where the history begins."""
    shares = data.series["shares"]
    watched = [bar for bar in shares.drawn_gains if bar is not None]
    quiet = bool(watched) and not any(watched)  # watched, and nothing moved (unwatched is not "no shares")
    note = "no shares in this range · " if quiet else ("not watched in this range yet · " if not watched else "")
    note += f"each bar: gains per {fmt.duration(shares.step)} · {fmt.stamp(data.start)} → {fmt.stamp(data.end)}"
    first = data.first_at
    if first is not None and first > data.start and data.row.posted_at < first:
        note += f" · history starts {fmt.stamp(first)}"
    bounded = data.changes["shares"]
    if bounded.lower and bounded.since is not None:
        note += f" · ≥: counted from {fmt.when(bounded.since)} (before it the cache did not watch)"
    return note


def usual_line(row: VideoRow, now: float, shares: Baseline | None, views: Baseline | None) -> str:
    """How this video compares with the account's usual curve at its age."""
    age_hours = (now - row.posted_at) / 3600
    if shares is None:
        return "vs usual: waiting for the first poll to compare with your other videos"
    ratio = shares.ratio(row.shares, age_hours)
    if ratio is None:
        return "vs usual: not enough of your videos with history at this age yet"
    rank = shares.rank(row.shares, age_hours)
    median = shares.median_at(age_hours) or 0
    views_ratio = views.ratio(row.views, age_hours) if views else None
    origin = (" · from your catalogue today (your other videos' counts now; older ones reached a smaller "
              "audience), until history at this age accrues" if shares.origin_at(age_hours) == CATALOGUE else "")
    return (f"vs usual: shares {fmt.ratio(ratio)} your median at {fmt.age(row.posted_at, now)} old "
            f"({fmt.count(round(median))})" + (f", ahead of {rank}% of your videos" if rank is not None else "")
            + (f" · views {fmt.ratio(views_ratio)}" if views_ratio is not None else "") + origin)


def forecast_line(row: VideoRow) -> str:
    if row.forecast is None:
        return "forecast: waiting for the first poll"
    if row.forecast.bands.get("7d") is None and row.forecast.bands.get("30d") is not None:
        return row.forecast.on_track("30d")
    return row.forecast.on_track("7d")


def meta_text(row: VideoRow, now: float) -> str:
    """The link, when it was posted and when its counts were last confirmed."""
    return (f"{fmt.safe_text(row.share_url, 200)}\nposted {fmt.stamp(row.posted_at)} "
            f"({fmt.age(row.posted_at, now)} ago) · counts confirmed {fmt.when(row.updated_at, now)}")
