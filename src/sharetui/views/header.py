"""The account header's view model: its words and sparkline values for one DashboardData, worked out in a
worker thread (pure, no Textual), so the widget only paints them."""

from __future__ import annotations

from dataclasses import dataclass

from sharetui import text as fmt
from sharetui.domain.models import DashboardData, VideoRow


def trend_label(step: int, start: int, end: int, bars: list[int | None], partial: bool, now: int,
                since: int | None = None) -> str:
    """The header's words for its bars: totals and peaks of what the cache watched only. Bars before the
    history began are unknown, so a total over them is a lower bound counted from when watching began, and
    with no watched bar at all there is no total ("–"), never an invented 0."""
    known = [bar for bar in bars if bar is not None]
    span = fmt.duration(end - start)
    head = f"shares per {fmt.duration(step)}"
    if not known:
        return f"{head} · – in {span}: history starts with the next polls"
    first = next(i for i, bar in enumerate(bars) if bar is not None)
    total = fmt.count(sum(known))
    if first > 0 or since is not None:
        total = f"≥{total} since {fmt.when(since if since is not None else start + first * step, now)}"
    last = bars[-1] if bars else None
    return (f"{head} · {total} in {span} · peak {fmt.count(max(known))} · last "
            f"{fmt.count(last) if last is not None else '–'}{' so far' if partial and last is not None else ''}")


def known_total(rows: list[VideoRow], metric: str) -> int:
    """The header's total: the listed videos' known counts (a count not told yet adds nothing)."""
    return sum(value for row in rows if (value := row.known(metric)) is not None)


def video_counts(shown: int, total: int, gone: int, summary: tuple[int, ...] | None,
                 hide_gone: bool) -> tuple[int, int, int]:
    """Videos shown, in all and gone, as the status line counts them. The first frame holds only the rows on
    screen: its `summary` (listed, gone, ...) counts every video, as the header does."""
    if summary is None:
        return shown, total, gone
    listed, gone = summary[0], summary[1]
    return (listed if hide_gone else listed + gone), listed + gone, gone


@dataclass(frozen=True)
class HeaderContent:
    """The header's text and sparkline values for one DashboardData (pure: it runs in a worker thread)."""

    name: str
    totals: tuple[str, str]
    trend_label: str
    trend_values: list[int | None]
    trend_partial: bool

    @classmethod
    def of(cls, data: DashboardData) -> HeaderContent:
        account = data.account
        followers = f" · {account.followers:,} followers" if account.followers is not None else ""
        if data.summary is not None:  # the first frame holds only the rows on screen: totals from the cache
            listed, gone, shares, views, likes = data.summary
        else:
            live = [r for r in data.rows if not r.gone]
            listed, gone = len(live), len(data.rows) - len(live)
            shares, views, likes = (known_total(live, m) for m in ("shares", "views", "likes"))
        totals = (f"{listed} videos{f' · {gone} gone' if gone else ''}{followers}",
                  f"{fmt.count(shares)} shares · {fmt.count(views)} views · {fmt.count(likes)} likes")
        if data.daily_shares and any(v is not None for v in data.daily_shares):
            # Imported daily totals reach back further than polling: show the long range.
            days = data.daily_shares  # a day the export left unknown draws nothing, not a zero
            known = [v for v in days if v is not None]
            label = (f"shares per day, last {len(days)} days (Studio export) · {fmt.count(sum(known))}"
                     f" · peak {fmt.count(max(known))}")
            return cls(fmt.safe_text(account.label, 60), totals, label, list(days), False)
        series = data.shares_series
        partial = series.partial_last
        values = series.drawn_gains
        label = trend_label(series.step, series.start, series.end, values, partial, data.now, series.started_at)
        return cls(fmt.safe_text(account.label, 60), totals, label, values, partial)
