"""The built-in demo account: a deterministic simulated creator.

Every count is a closed-form, non-decreasing function of wall-clock time, so any moment (past or
present) can be computed, a poll always sees the counts a real account would have at that moment,
and the same seed and clock give the same account. The account's videos are laid out relative to an
anchor time stored in the cache on first use, so a brand-new video is brand-new when you first look.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass

from sharetui.domain.models import Account, Sweep, VideoCounts
from sharetui.sources import Backfill, BackfillState

STEP = 15 * 60  # history resolution of the backfill over the last week...
OLD_STEP = 3600  # ...and before it (what retention keeps of older history anyway)
FINE_SPAN = 7 * 86_400
# A short first session trips every alert rule: the viral video (index 1) spikes and beats the account's
# p90, this one passes 1,000 shares within minutes, and this one turns private ten minutes in.
MILESTONE_INDEX = 4
VANISHING_INDEX = 6
ACCOUNT_KEY = "demo"
USERNAME = "sharetui.demo"

_OPENERS = ["POV:", "Day 3 of", "Nobody talks about", "How I", "Trying", "Rating", "Why", "The truth about",
            "I tested", "Quick tip:", "Watch till the end:", "Storytime:", "Part 2:", "Unpopular opinion:"]
_SUBJECTS = ["sourdough at 3am", "my cat's morning routine", "a $5 thrifted jacket", "learning the cello",
             "the tiniest apartment in Lisbon", "rain sounds in Tokyo", "fixing a 1998 bike", "grandma's dumplings",
             "a terminal-only workflow", "the ferry to Hydra", "painting with coffee", "running my first 10k",
             "a vinyl flea market", "building a desk from pallets", "street food in Oaxaca", "the night shift",
             "a 10-minute pasta", "the loudest parrot in town", "moving to the mountains", "a one-chord song"]
_CLOSERS = ["", "", " 😂", " ✨", " (part 1)", " #fyp", " — wait for it", " 🍜", " #learnontiktok", ""]


def _logistic(x: float) -> float:
    """1 / (1 + e^-x), without overflowing far from the midpoint."""
    if x < -60:
        return 0.0
    if x > 60:
        return 1.0
    return 1 / (1 + math.exp(-x))


@dataclass(frozen=True, slots=True)
class _Life:
    """The parameters of one simulated video's life."""

    id: str
    title: str
    posted_at: int
    kind: str  # "normal", "viral", "slow", "dead", "new"
    reach: float  # views the initial wave saturates at
    tau: float  # hours for the initial wave
    tail: float  # views per hour that keep coming
    like_ratio: float
    comment_ratio: float
    share_ratio: float
    spike_at: float = 0.0  # hours after posting
    spike_size: float = 0.0
    spike_width: float = 1.0
    gone_at: int = 0  # when the video turns private (0: never)

    def views(self, t: int) -> float:
        age = (t - self.posted_at) / 3600
        if age <= 0:
            return 0.0
        if self.kind == "milestone":
            return self.tail * age  # steady, so it crosses its milestone on cue
        # The long tail follows the audience's day: more in the evening, little at night.
        omega = 2 * math.pi / 24
        start_h = self.posted_at / 3600
        now_h = t / 3600
        tail_hours = age - (0.7 / omega) * (math.cos(omega * now_h) - math.cos(omega * start_h))
        views = self.reach * (1 - math.exp(-age / self.tau)) + self.tail * tail_hours
        if self.kind == "slow":
            views += self.tail * 0.02 * age**1.35
        if self.spike_size:
            views += self.spike_size * _logistic((age - self.spike_at) / self.spike_width)
            views -= self.spike_size * _logistic(-self.spike_at / self.spike_width)
        return views

    def counts(self, t: int) -> VideoCounts:
        views = self.views(t)
        # Shares run ahead of views while a video spreads: the ratio leans up with the spike.
        share_ratio = self.share_ratio
        if self.spike_size:
            age = (t - self.posted_at) / 3600
            share_ratio *= 1 + 1.5 * _logistic((age - self.spike_at) / self.spike_width)
        return VideoCounts(
            id=self.id, title=self.title, posted_at=self.posted_at,
            share_url=f"https://www.tiktok.com/@{USERNAME}/video/{self.id}",
            views=int(views), likes=int(views * self.like_ratio), comments=int(views * self.comment_ratio),
            shares=int(views * share_ratio),
        )


def _lives(seed: int, videos: int, anchor: int) -> list[_Life]:
    rng = random.Random(seed)
    lives: list[_Life] = []
    # Posting times: newest first, roughly one video every day or two, older ones sparser.
    age_hours = 0.0
    for index in range(videos):
        if index == 0:
            kind, age_hours = "new", 0.4  # posted 24 minutes before the anchor
        elif index == 1:
            kind, age_hours = "viral", 19.0 + rng.random() * 3
        elif index == 2:
            kind = "slow"
            age_hours += 30 + rng.random() * 20
        elif index == 3:
            kind = "dead"
            age_hours += 20 + rng.random() * 20
        else:
            kind = rng.choices(["normal", "slow", "dead"], weights=[8, 2, 1])[0]
            age_hours += 10 + rng.random() * 40
        title = f"{rng.choice(_OPENERS)} {rng.choice(_SUBJECTS)}{rng.choice(_CLOSERS)}"
        if index == 5:
            title = "[POV] you open the fridge at 3am [part 2]"  # brackets are data, never markup
        reach = 10 ** rng.uniform(3.3, 5.6)
        tail = reach * rng.uniform(0.0005, 0.004)
        tau = rng.uniform(6, 60)
        spike: dict[str, float] = {}  # spike_at, spike_size, spike_width
        if kind == "viral":
            reach *= 0.6
            spike = {"spike_at": age_hours + 1.5, "spike_size": reach * 25, "spike_width": 2.5}
            tail = reach * 0.05
        elif kind == "dead":
            reach, tau, tail = 10 ** rng.uniform(2.3, 3.0), rng.uniform(2, 6), 0.0
        elif kind == "new":
            reach, tau, tail = 4_000 * rng.uniform(0.8, 1.5), 4.0, 800.0
        elif kind == "slow":
            tau, tail = rng.uniform(60, 200), reach * rng.uniform(0.004, 0.01)
        posted_at = int(anchor - age_hours * 3600)
        extra: dict[str, int] = {}
        if index == MILESTONE_INDEX:
            # 984 shares at the anchor, 4 more a minute: it passes 1,000 about four minutes in.
            kind, reach, tail, posted_at = "milestone", 0.0, 12_000.0, int(anchor - 4.104 * 3600)
        if index == VANISHING_INDEX:
            extra["gone_at"] = anchor + 600  # made private ten minutes in
        lives.append(_Life(
            id=str(7_300_000_000_000_000_000 + rng.randrange(10**17)),
            title=title,
            posted_at=posted_at,
            kind=kind, reach=reach, tau=tau, tail=tail,
            like_ratio=rng.uniform(0.04, 0.12), comment_ratio=rng.uniform(0.002, 0.01),
            share_ratio=0.02 if kind == "milestone" else rng.uniform(0.003, 0.02) * (2.0 if kind == "viral" else 1.0),
            spike_at=spike.get("spike_at", 0.0), spike_size=spike.get("spike_size", 0.0),
            spike_width=spike.get("spike_width", 1.0), gone_at=extra.get("gone_at", 0),
        ))
    return lives


class DemoSource:
    """A seeded simulated creator, laid out around an anchor time kept in the cache."""

    kind = "demo"
    live = True
    meta_keys: tuple[str, ...] = ("demo.anchor", "demo.signature")
    requests_sent = 0  # simulated: nothing leaves the machine

    def __init__(self, *, seed: int = 7, videos: int = 40, history_days: int = 60) -> None:
        self.seed = seed
        self.videos = videos
        self.history_days = history_days
        self._lives: list[_Life] | None = None

    def account(self) -> Account:
        return Account(key=ACCOUNT_KEY, source="demo", display_name="Demo Creator", username=USERNAME,
                       video_count=self.videos)

    def _account_at(self, t: int) -> Account:
        assert self._lives is not None
        likes = sum(int(life.views(t) * life.like_ratio) for life in self._lives if life.posted_at <= t)
        return Account(key=ACCOUNT_KEY, source="demo", display_name="Demo Creator", username=USERNAME,
                       followers=12_000 + likes // 9, likes=likes,
                       video_count=sum(1 for life in self._lives if life.posted_at <= t))

    def login_problem(self) -> None:
        """No login to have a problem with."""

    def backfill(self, now: int, state: BackfillState) -> Backfill:
        """Fix the anchor on first use, then history up to now, a day per batch (each batch is one
        transaction for the poller, so a long first back-fill can stop between them and resume later)."""
        anchor_text = state.meta.get("demo.anchor")
        signature = f"{self.seed}:{self.videos}"
        last = state.last_sweep
        # A different seed or size is a different simulated account, and an anchor that is not a time is a
        # damaged one: either way the old simulated history is dropped and made anew.
        valid = anchor_text is not None and anchor_text.isascii() and anchor_text.isdigit() and len(anchor_text) <= 12
        reset = not valid or state.meta.get("demo.signature") != signature
        anchor = now if reset else int(anchor_text)  # type: ignore[arg-type]
        if reset:
            last = None
        self._lives = _lives(self.seed, self.videos, anchor)
        start = now - self.history_days * 86_400
        if last is not None:
            start = max(start, last + STEP)  # fill only the gap since the last run
        fine_from = now - FINE_SPAN
        coarse_first = -(-start // OLD_STEP) * OLD_STEP
        times = list(range(coarse_first, min(now, fine_from), OLD_STEP))
        fine_first = -(-max(start, fine_from) // STEP) * STEP
        times += range(fine_first, now, STEP)
        return Backfill(meta={"demo.anchor": str(anchor), "demo.signature": signature}, reset=reset,
                        batches=self._batches(times))

    def _batches(self, times: list[int]) -> Iterator[tuple[Account, list[tuple[int, list[VideoCounts]]]]]:
        day: list[int] = []
        for t in times:
            if day and t // 86_400 != day[0] // 86_400:
                yield self._account_at(day[-1]), [(u, self._videos_at(u)) for u in day]
                day = []
            day.append(t)
        if day:
            yield self._account_at(day[-1]), [(u, self._videos_at(u)) for u in day]

    def _videos_at(self, t: int) -> list[VideoCounts]:
        assert self._lives is not None
        return [life.counts(t) for life in self._lives
                if life.posted_at <= t and not (life.gone_at and t >= life.gone_at)]

    def fetch(self, now: int, full: bool = True) -> Sweep:
        if self._lives is None:
            raise RuntimeError("DemoSource.backfill() must run before fetch()")
        return Sweep(account=self._account_at(now), videos=self._videos_at(now))

    def close(self) -> None:
        """Nothing to release."""
