"""What a forecast reads (a video's shares at fixed ages) and what it is (a band of cumulative shares per
horizon, and one way to write it). Light on purpose, and importing nothing of sharetui: the widgets import it
at start-up, the model (NumPy) loads only when forecasts are made."""

from __future__ import annotations

from dataclasses import dataclass, field

HORIZONS: tuple[tuple[str, int], ...] = (("7d", 168), ("30d", 720))  # name, hours after posting
BAND = (0.1, 0.5, 0.9)
MIN_PEERS = 8  # fewer earlier videos with history from an age to the horizon: no forecast
WIDE = 2.5  # a band whose p90 exceeds this × its p10 is marked as wide ("~" before its p50 in the table)
WATCHED, CATALOGUE = "watched", "catalogue"  # learned from watched growth, or from today's cross-section


@dataclass(frozen=True, slots=True)
class AgedVideo:
    """A video as the cache knew it at one moment: its shares then, and at fixed ages since posting."""

    id: str
    title: str
    posted_at: int
    shares: int  # the latest recorded count at that moment
    first_at: int  # when its history begins
    observed_until: int  # the last moment it was seen (a snapshot or a sweep of its account)
    at_ages: list[int | None]  # shares at each requested age; None where the cache cannot place it


@dataclass(frozen=True)
class Band:
    """Cumulative shares at a horizon: p10, p50 (the median) and p90, from `peers` earlier videos."""

    p10: int
    p50: int
    p90: int
    peers: int
    origin: str = WATCHED

    @property
    def wide(self) -> bool:
        return self.p90 > WIDE * max(self.p10, 1)

    def text(self) -> str:
        """The one way every screen and command writes a band: exact counts, "p50 (p10–p90)"."""
        return f"{self.p50:,} ({self.p10:,}–{self.p90:,})"


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
            return (f"on track for {band.text()} shares by day {day} (from your catalogue today: how your videos "
                    f"at day {day} compare with those at this age, a wider band until watched history takes over)")
        return (f"on track for {band.text()} shares by day {day} (80 % band, from {band.peers} of your videos; "
                "a second wave can't be seen this early)")

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
