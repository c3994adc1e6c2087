"""Share forecasts: where a video's cumulative shares will be at 7 and 30 days, learned from the account's own
history. Pure computation over one store read; no Textual.

The method. For every earlier video whose history covers both an age `a` and the horizon `H`, its growth
from `a` to `H` is the ratio of its shares there, (S(H) + 1) / (S(a) + 1) (the +1 keeps a video with no
shares yet finite). A video now `a` hours old with `s` shares is forecast to end at (s + 1) × r − 1 for the
10th, 50th and 90th percentiles r of those ratios. The percentiles are taken at positions (n + 1)·q of the n
sorted ratios: for ratios that behave like the coming one, the band between p10 and p90 then holds a new
video's outcome 80 % of the time, however few peers there are. Ratios are tabled at fixed ages (about every
25 % of age) and the quantiles interpolated in log-age between them, so forecasting thousands of videos is
cheap once the table is built.

Growth ratios beat both obvious baselines on the demo and on real-shaped histories: "it stays where it is"
(persistence) misses all later growth, and "your median video at day 7" ignores how this one started.
What a forecast cannot know: a later spike (a duet, a repost by a big account) or a video made private; it
is a summary of your own past, not a promise.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

from sharetui.baseline import CATALOGUE, local_fit
from sharetui.models import AgedVideo
from sharetui.slow_cache import SlowCache

HOUR, DAY = 3600, 86_400
HORIZONS: tuple[tuple[str, int], ...] = (("7d", 168), ("30d", 720))  # name, hours after posting
MIN_PEERS = 8  # fewer earlier videos with history from this age to the horizon: no forecast
MIN_AGE_HOURS = 1.0  # younger than this, a video's count says too little
WIDE = 2.5  # a band whose p90 exceeds this × its p10 is marked as wide
BAND = (0.1, 0.5, 0.9)
CATALOGUE_MIN_WIDTH = 1.5  # a catalogue forecast's p90 is at least this × its p50


def _grid() -> list[float]:
    ages, age = [], 1.0
    while age < 720:
        ages.append(round(age, 2))
        age *= 1.25
    return sorted({*ages, *(float(h) for _, h in HORIZONS)})


GRID: list[float] = _grid()  # hours since posting at which every video's shares are read


@dataclass(frozen=True)
class Band:
    """Cumulative shares at a horizon: p10, p50 (the median) and p90, from `peers` earlier videos."""

    p10: int
    p50: int
    p90: int
    peers: int
    origin: str = "watched"  # "catalogue": from today's cross-section, before watched history exists

    @property
    def wide(self) -> bool:
        return self.p90 > WIDE * max(self.p10, 1)


@dataclass(frozen=True)
class Forecast:
    id: str
    title: str
    posted_at: int
    age_hours: float
    shares: int
    bands: dict[str, Band | None]  # by horizon name
    why: dict[str, str] = field(default_factory=dict)  # horizon name -> why there is no band

    def on_track(self, name: str = "7d") -> str:
        """One line for a person: where this video is heading, or why nobody can say."""
        band = self.bands.get(name)
        day = dict(HORIZONS)[name] // 24
        if band is None:
            return f"no day-{day} forecast: {self.why.get(name, 'unknown')}"
        if band.origin == CATALOGUE:
            return (f"on track for ~{band.p50:,} shares by day {day} ({band.p10:,}–{band.p90:,}; from your "
                    f"catalogue today: how your videos at day {day} compare with those at this age, a wider band "
                    "until watched history takes over)")
        return (f"on track for ~{band.p50:,} shares by day {day} ({band.p10:,}–{band.p90:,}, 80 %; "
                f"from {band.peers} of your videos)")

    def as_json(self) -> dict[str, object]:
        from datetime import UTC, datetime

        out: dict[str, object] = {
            "id": self.id, "title": self.title,
            "posted_at": datetime.fromtimestamp(self.posted_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "age_hours": round(self.age_hours, 2), "shares": self.shares,
        }
        for name, _ in HORIZONS:
            band = self.bands.get(name)
            for q in ("p10", "p50", "p90"):
                out[f"{q}_{name}"] = getattr(band, q) if band else None
        return out


def quantile(ordered: list[float], q: float) -> float:
    """The q-quantile of sorted values at position (n + 1)·q (clamped to the ends), interpolated."""
    n = len(ordered)
    position = min(max((n + 1) * q, 1.0), float(n)) - 1
    low = math.floor(position)
    high = min(low + 1, n - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class _Growth:
    """Growth from one grid age to a horizon over the peers known at both: log ratio = a + b·x + residual,
    where x is a video's own recent growth (log ratio of its shares now to those at half its age), the best
    single sign of how much more is to come. The residuals' p10, p50, p90 give the band."""

    a: float
    b: float
    residuals: tuple[float, float, float]
    peers: int
    spread_all: tuple[float, ...]  # every leave-one-out residual, sorted (for chaining two steps)
    x_mean: float
    x_spread: float  # sum of squared deviations of x
    x_range: tuple[float, float]

    def logs(self, x: float) -> list[float]:
        x = self.clamp(x)
        centre = self.a + self.b * x
        # A prediction interval widens with distance from the peers' own x and with few peers.
        widen = math.sqrt(1 + 1 / self.peers + ((x - self.x_mean) ** 2 / self.x_spread if self.x_spread else 0))
        return [centre + r * widen for r in self.residuals]

    def clamp(self, x: float) -> float:
        """Never extrapolate the fit: a video growing faster than any peer did is forecast like the fastest
        (a viral one would otherwise be sent to absurd numbers)."""
        return min(max(x, self.x_range[0]), self.x_range[1])

    def samples(self, x: float) -> list[float]:
        centre = self.a + self.b * self.clamp(x)
        return [centre + r for r in self.spread_all]


MIN_FIT = 12  # peers needed before recent growth is used (below: the plain ratio percentiles)


def _fit(pairs: list[tuple[float, float]]) -> _Growth:
    """Least squares of log growth `y` on recent growth `x`, with the residuals' percentiles."""
    n = len(pairs)
    x_mean = sum(x for x, _ in pairs) / n
    y_mean = sum(y for _, y in pairs) / n
    spread = sum((x - x_mean) ** 2 for x, _ in pairs)
    b = 0.0
    if n >= MIN_FIT and spread > 1e-9:
        b = sum((x - x_mean) * (y - y_mean) for x, y in pairs) / spread
    a = y_mean - b * x_mean
    # Leave-one-out residuals (each divided by 1 - its leverage): how far a video the fit has not seen
    # falls from it, which is what the band must cover; in-sample residuals are too narrow.
    residuals = sorted((y - a - b * x) / (1 - (1 / n + ((x - x_mean) ** 2 / spread if b else 0.0)))
                       if n > 1 else 0.0 for x, y in pairs)
    q = tuple(quantile(residuals, q) for q in BAND)
    xs = [x for x, _ in pairs]
    return _Growth(a, b, q, n, tuple(residuals), x_mean, spread if b else 0.0,  # type: ignore[arg-type]
                   (min(xs), max(xs)))


def _half(i: int) -> int | None:
    """The grid index at (or just under) half of grid age i; None below the grid (the count at posting, 0)."""
    j = bisect.bisect_right(GRID, GRID[i] / 2 + 1e-9) - 1
    return j if j >= 0 else None


def _recent(now: int, half: int | None) -> float:
    return math.log((now + 1) / ((half if half is not None else 0) + 1))


class Model:
    """Growth from each grid age to each horizon, over the videos in `table` known at both."""

    def __init__(self, table: list[AgedVideo], as_of: int) -> None:
        self.as_of = as_of
        # Today's cross-section (log age in hours, log shares + 1), for accounts without watched history.
        self.catalogue = [(math.log(age), math.log(v.shares + 1)) for v in table
                          if (age := (as_of - v.posted_at) / HOUR) > 0]
        self._catalogue_fits: dict[int, tuple[float, list[float]] | None] = {}
        self.growth: dict[str, list[_Growth | None]] = {}
        self.horizon_values: dict[str, list[int]] = {}  # each peer's shares at the horizon
        for name, hours in HORIZONS:
            h = GRID.index(float(hours))
            at_horizon = [(v.at_ages, v.at_ages[h]) for v in table if v.at_ages[h] is not None]
            self.horizon_values[name] = [s for _, s in at_horizon]  # type: ignore[misc]
            row: list[_Growth | None] = []
            for i in range(h):
                j = _half(i)
                pairs = [(_recent(start, None if j is None else values[j]), math.log((end + 1) / (start + 1)))
                         for values, end in at_horizon
                         if (start := values[i]) is not None and end is not None
                         and (j is None or values[j] is not None)]
                row.append(_fit(pairs) if pairs else None)
            self.growth[name] = row
        # Growth from the first horizon to each later one, for chaining (below) when too few videos have
        # history reaching from a young age all the way to the later horizon.
        first = GRID.index(float(HORIZONS[0][1]))
        self.bridge: dict[str, list[float]] = {}
        for name, hours in HORIZONS[1:]:
            h = GRID.index(float(hours))
            self.bridge[name] = sorted(math.log((v.at_ages[h] + 1) / (v.at_ages[first] + 1))  # type: ignore[operator]
                                       for v in table if v.at_ages[h] is not None and v.at_ages[first] is not None)

    def band(self, name: str, hours: int, age_hours: float, video: AgedVideo) -> tuple[Band | None, str]:
        """The band for `video` at `age_hours`, or None and why not."""
        if age_hours >= hours:
            return None, f"past day {hours // 24}"
        if age_hours < MIN_AGE_HOURS:
            return None, "younger than an hour"
        row = self.growth[name]
        i = min(bisect.bisect_right(GRID, age_hours) - 1, len(row) - 1)
        options = [(k, g) for k in (i, i + 1) if k < len(row) and (g := row[k]) is not None and g.peers >= MIN_PEERS]
        if not options and name in self.bridge:
            chained = self._chained(name, age_hours, video)
            if chained is not None:
                return chained, ""
        if not options:
            catalogue = self._from_catalogue(hours, age_hours, video.shares)
            if catalogue is not None:
                return catalogue, ""
            have = max((g.peers for k in (i, i + 1) if k < len(row) and (g := row[k]) is not None), default=0)
            return None, (f"{have} of your videos have history from {_age(age_hours)} to day {hours // 24} "
                          f"(needs {MIN_PEERS})")
        shares = video.shares
        curves = []
        for k, growth in options:
            j = _half(k)
            half = None if j is None else video.at_ages[j]
            x = _recent(shares, half) if j is None or half is not None else growth.x_mean
            curves.append(growth.logs(x))
        if len(curves) == 2:
            t = (math.log(age_hours) - math.log(GRID[i])) / (math.log(GRID[i + 1]) - math.log(GRID[i]))
            logs = [a + (b - a) * t for a, b in zip(curves[0], curves[1], strict=True)]
        else:
            logs = curves[0]
        peers = min(g.peers for _, g in options)
        p10, p50, p90 = (max(shares, round((shares + 1) * math.exp(x) - 1)) for x in logs)
        return Band(p10, max(p10, p50), max(p10, p50, p90), peers), ""

    def _chained(self, name: str, age_hours: float, video: AgedVideo) -> Band | None:
        """Growth to the first horizon (from this video's age) then on to `name` (from the first horizon),
        as the distribution of every sum of one step-one and one step-two outcome."""
        first_name, first_hours = HORIZONS[0]
        bridge = self.bridge[name]
        if age_hours >= first_hours or len(bridge) < MIN_PEERS:
            return None
        row = self.growth[first_name]
        i = min(bisect.bisect_right(GRID, age_hours) - 1, len(row) - 1)
        growth = row[i]
        if growth is None or growth.peers < MIN_PEERS:
            return None
        j = _half(i)
        half = None if j is None else video.at_ages[j]
        x = _recent(video.shares, half) if j is None or half is not None else growth.x_mean
        sums = sorted(a + b for a in growth.samples(x) for b in bridge)
        shares = video.shares
        p10, p50, p90 = (max(shares, round((shares + 1) * math.exp(quantile(sums, q)) - 1)) for q in BAND)
        return Band(p10, max(p10, p50), max(p10, p50, p90), min(growth.peers, len(bridge)))

    def _from_catalogue(self, hours: int, age_hours: float, shares: int) -> Band | None:
        """Before watched history: growth from this age to the horizon as the catalogue's cross-section shows
        it (its usual at the horizon over its usual at this age), with a band as wide as the spread of your
        videos at the horizon, since a cross-section cannot tell how much a video keeps its rank."""
        at_age = self._catalogue_fit(age_hours)
        at_horizon = self._catalogue_fit(float(hours))
        if at_age is None or at_horizon is None:
            return None
        growth = max(0.0, at_horizon[0] - at_age[0])
        spread = sorted(at_horizon[1])
        low, high = quantile(spread, 0.1), quantile(spread, 0.9)
        centre = math.log(shares + 1) + growth
        p10, p50, p90 = (max(shares, round(math.exp(centre + d) - 1)) for d in (low, 0.0, high))
        # Never a point: nobody watched this one grow, so at least ×/÷ CATALOGUE_MIN_WIDTH around p50.
        p90 = max(p90, round((p50 + 1) * CATALOGUE_MIN_WIDTH))
        p10 = max(shares, min(p10, round((p50 + 1) / CATALOGUE_MIN_WIDTH)))
        return Band(p10, max(p10, p50), max(p10, p50, p90), len(spread), CATALOGUE)

    def _catalogue_fit(self, age_hours: float) -> tuple[float, list[float]] | None:
        """The cross-section's fit at an age, in steps of about 5 % of age: one pass over the catalogue per
        step, not per video (10,000 videos would otherwise cost minutes)."""
        step = round(math.log(age_hours) * 20)
        if step not in self._catalogue_fits:
            self._catalogue_fits[step] = local_fit(self.catalogue, math.exp(step / 20))
        return self._catalogue_fits[step]

    def forecast(self, video: AgedVideo) -> Forecast:
        age_hours = (self.as_of - video.posted_at) / HOUR
        bands: dict[str, Band | None] = {}
        why: dict[str, str] = {}
        for name, hours in HORIZONS:
            bands[name], reason = self.band(name, hours, age_hours, video)
            if reason:
                why[name] = reason
        return Forecast(video.id, video.title, video.posted_at, age_hours, video.shares, bands, why)


def _age(hours: float) -> str:
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} d"


def default_as_of(store: object, account_key: str, now: int) -> int:
    """"Now" for an account: the clock for a polled one; for one fed only by imports, its newest data."""
    if store.last_sweep(account_key) is not None:  # type: ignore[attr-defined]
        return now
    newest = store.newest_snapshot_at(account_key)  # type: ignore[attr-defined]
    return newest if newest is not None else now


class ForecastCache:
    """Forecasts move slowly: recompute at most every `max_age` seconds, or when the catalogue changes."""

    def __init__(self, store: object, account_key: str, max_age: int = 900) -> None:
        self.store = store
        self.account_key = account_key
        self._cache: SlowCache[dict[str, Forecast]] = SlowCache(self._build, max_age)

    def _build(self, now: int) -> dict[str, Forecast]:
        as_of = default_as_of(self.store, self.account_key, now)
        return {f.id: f for f in forecasts(self.store, self.account_key, as_of)}

    def get(self, now: int, video_count: int = -1) -> dict[str, Forecast]:
        return self._cache.get(now, video_count)


def readiness(store: object, account_key: str, as_of: int) -> str:
    """One sentence for an account whose videos get no forecast yet: what is missing, and when it will be
    there. Forecasts learn from videos the cache watched from their first day to the horizon."""
    from datetime import UTC, datetime

    table = store.aged_values(account_key, as_of, GRID)  # type: ignore[attr-defined]
    name, hours = HORIZONS[0]
    day = hours // 24
    young = sorted(v.posted_at + hours * HOUR for v in table if v.first_at - v.posted_at <= DAY)
    reached = sum(1 for moment in young if moment <= as_of)
    if len(young) >= MIN_PEERS:
        due = datetime.fromtimestamp(young[MIN_PEERS - 1], UTC).strftime("%Y-%m-%d")
        return (f"Forecasts learn from your own videos watched from their first day to day {day}: {reached} of "
                f"the {MIN_PEERS} needed are there, and the first day-{day} forecasts come on {due} (UTC).")
    missing = MIN_PEERS - len(young)
    return (f"Forecasts learn from your own videos watched from their first day to day {day}, and {MIN_PEERS} "
            f"are needed: {len(young)} so far, so they start {day} days after {missing} more new "
            f"video{'s' if missing > 1 else ''} (TikTok Studio's 'Download data', imported daily, brings them "
            "sooner).")


def forecasts(store: object, account_key: str, as_of: int) -> list[Forecast]:
    """Every video of the account, forecast as the cache knew it at `as_of` (newest first)."""
    table = store.aged_values(account_key, as_of, GRID)  # type: ignore[attr-defined]
    model = Model(table, as_of)
    return sorted((model.forecast(v) for v in table), key=lambda f: (-f.posted_at, f.id))


# -- backtest ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backtest:
    """How forecasts made at ages 1-3 days would have done, for one horizon."""

    horizon: str
    eligible: int  # (video, day) pairs aged 1-3 days whose outcome the cache knows
    forecasts: int  # of those, how many got a forecast
    held: int  # how many outcomes fell inside p10..p90
    error: float | None  # median |log error| of p50
    persistence: float | None  # ... of "it stays where it is"
    usual: float | None  # ... of "your median video at the horizon"

    @property
    def coverage(self) -> float | None:
        return self.held / self.forecasts if self.forecasts else None

    def as_json(self) -> dict[str, object]:
        return {"horizon": self.horizon, "eligible": self.eligible, "forecasts": self.forecasts,
                "band_held": self.held, "coverage": _round(self.coverage), "p50_error": _round(self.error),
                "persistence_error": _round(self.persistence), "usual_error": _round(self.usual)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _log_error(predicted: float, truth: float) -> float:
    return abs(math.log((predicted + 1) / (truth + 1)))


def backtest(store: object, account_key: str, now: int, ages: tuple[float, float] = (24.0, 72.0)) -> list[Backtest]:
    """Replay the cache's history as of every past midnight (UTC): forecast each video then aged `ages`
    hours, knowing only what the cache knew then, and score the forecast against what happened."""
    truth_table = {v.id: v for v in store.aged_values(account_key, now, GRID)}  # type: ignore[attr-defined]
    first = min((v.first_at for v in truth_table.values()), default=now)
    scores: dict[str, dict[str, list]] = {name: {"errors": [], "persist": [], "usual": [], "held": [], "n": []}
                                          for name, _ in HORIZONS}
    for day in _days(first, now):
        table = store.aged_values(account_key, day, GRID)  # type: ignore[attr-defined]
        model = Model(table, day)
        for video in table:
            age_hours = (day - video.posted_at) / HOUR
            if not ages[0] <= age_hours <= ages[1]:
                continue
            outcome = truth_table.get(video.id)
            for name, hours in HORIZONS:
                truth = outcome.at_ages[GRID.index(float(hours))] if outcome else None
                if truth is None:
                    continue
                s = scores[name]
                s["n"].append(1)
                band, _ = model.band(name, hours, age_hours, video)
                if band is None:
                    continue
                s["held"].append(band.p10 <= truth <= band.p90)
                s["errors"].append(_log_error(band.p50, truth))
                s["persist"].append(_log_error(video.shares, truth))
                peers = model.horizon_values[name]
                if peers:  # (a catalogue forecast may come before any watched video reached the horizon)
                    s["usual"].append(_log_error(statistics.median(peers), truth))
    return [Backtest(name, len(s["n"]), len(s["errors"]), sum(s["held"]), _median(s["errors"]),
                     _median(s["persist"]), _median(s["usual"])) for name, s in scores.items()]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _days(first: int, now: int) -> Iterable[int]:
    day = (first // DAY + 1) * DAY
    while day <= now:
        yield day
        day += DAY
