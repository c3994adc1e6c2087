"""Plain data passed between sources, the store, the poller and the UI (no I/O, no Textual).

Only the classes made by the thousand (one per video) use slots: a slotted class costs more to define.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sharetui.domain.figures import Series, share_rate

if TYPE_CHECKING:
    from sharetui.domain.forecast.bands import Forecast

METRICS = ("shares", "views", "likes", "comments")
UNKNOWN = -1  # a count a source could not tell (null, missing, not a number): the previous value is kept
COUNT_MAX = 10**15  # counts are saturated here: sums over any account stay inside SQLite's 64-bit integers
COUNT_ORDER = ("views", "likes", "comments", "shares")  # the order of VideoCounts.counts() and stored counts
UNKNOWN_BIT = {metric: 1 << i for i, metric in enumerate(COUNT_ORDER)}  # in the stored `unknown` mask


def unknown_bits(counts: tuple[int | None, ...]) -> int:
    """The stored `unknown` mask of a video: bit i set where counts[i] (COUNT_ORDER) is not known yet.
    Such a video shows "–" for those counts and gets its first snapshot once all four are known."""
    return sum(1 << i for i, value in enumerate(counts) if value is None or value == UNKNOWN)


@dataclass(frozen=True, slots=True)
class VideoCounts:
    """One video as a source reports it at one moment."""

    id: str
    title: str
    posted_at: int  # Unix seconds, UTC
    share_url: str
    views: int
    likes: int
    comments: int
    shares: int

    def counts(self) -> tuple[int, int, int, int]:
        return (self.views, self.likes, self.comments, self.shares)


@dataclass(frozen=True)
class Account:
    """The account a source watches. `key` scopes everything stored for it in the cache."""

    key: str  # "demo" or "tiktok:<open_id>"
    source: str  # "demo" | "tiktok"
    display_name: str
    username: str = ""
    followers: int | None = None
    likes: int | None = None
    video_count: int | None = None

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"

    @property
    def label(self) -> str:
        """How the account is named on screen; the demo says so plainly."""
        name = self.display_name or self.username or self.key
        if self.username and self.username != name:
            name = f"{name} @{self.username}"
        return f"DEMO · {name}" if self.is_demo else name


@dataclass(frozen=True)
class Sweep:
    """What one poll of a source returned."""

    account: Account
    videos: list[VideoCounts]
    complete: bool = True  # False when only part of the catalogue was read
    error: str | None = None  # why a sweep stopped part-way (the pages read are still stored)
    clock_offset: float | None = None  # the source's clock minus ours, where it tells (TikTok's Date header)


@dataclass(frozen=True)
class SweepResult:
    at: int
    videos: int
    new: int
    changed: int
    gone: int
    totals: tuple[int, int, int, int]  # views, likes, comments, shares
    alerts: tuple = ()  # alerts this sweep raised (sharetui.domain.alerts.Alert), each delivered once
    alert_problems: tuple[str, ...] = ()  # one-line messages about delivery failures

    def summary(self) -> str:
        views, likes, comments, shares = self.totals
        return (
            f"{self.videos} videos, {self.changed} changed, {self.new} new, {self.gone} gone · "
            f"shares {shares:,} · views {views:,} · likes {likes:,} · comments {comments:,}"
        )


@dataclass(slots=True)
class VideoRow:
    """One dashboard row: latest counts plus the derived figures the table shows."""

    vid: int
    id: str
    title: str
    posted_at: int
    share_url: str
    views: int
    likes: int
    comments: int
    shares: int
    updated_at: int
    gone: bool = False
    unknown: int = 0  # counts no source has told yet (models.unknown_bits): stored as 0, shown as "–"
    gain_1h: int | None = None  # shares gained in the last hour (sharetui.domain.figures.window_gain)...
    gain_24h: int | None = None
    gain_1h_lower: bool = False  # ...where True, only a lower bound ("≥": history or a poll gap cuts in)
    gain_24h_lower: bool = False
    trend: list[int | None] = field(default_factory=list)  # None: a bar the cache did not watch
    vs_usual: float | None = None  # shares now / the account's median shares at the same age
    forecast: Forecast | None = None  # shares at 7 and 30 days (sharetui.domain.forecast), once computed
    account: str = ""  # the account's key
    account_label: str = ""  # how the account is named on screen

    def known(self, metric: str) -> int | None:
        """The latest count of `metric`, or None while no source has told it."""
        if self.unknown & UNKNOWN_BIT[metric]:
            return None
        return int(getattr(self, metric))

    @property
    def share_rate(self) -> float | None:
        """Shares per 1,000 views: the figure creators compare across videos (figures.share_rate)."""
        return share_rate(self.known("shares"), self.known("views"))


@dataclass
class DashboardData:
    """Everything the dashboard draws, assembled off the event loop."""

    account: Account
    rows: list[VideoRow]
    shares_series: Series
    last_sweep: int | None
    now: int
    daily_shares: list[int | None] | None = None  # per day, from TikTok Studio imports, oldest first
    partial: bool = False  # the first frame's load: only the rows on screen, with their gains and trends
    # With a partial load: (listed videos, gone videos, shares, views, likes) of the whole account, so the
    # header and status line count every video while only the rows on screen are loaded.
    summary: tuple[int, int, int, int, int] | None = None
    alerted: frozenset[str] = frozenset()  # videos with an alert in the last day (the table marks them)
