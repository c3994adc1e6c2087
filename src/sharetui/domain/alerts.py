"""Alert rules, evaluated after each live sweep (never on back-filled history), and their delivery.

Each alert fires once: it is keyed by (account, video, rule, detail) in the cache, so restarts and other
processes never repeat it. Delivery: a JSON line in the alerts log, and optionally a user command that gets
the alert as JSON on stdin and as SHARETUI_ALERT_* environment variables, run off the poll path with a
timeout and retried when it fails (sharetui.monitor.hooks). The command line is split with shlex and run without a
shell: alert data (titles!) is never interpolated into a command string.
"""

from __future__ import annotations

import errno
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sharetui import text as fmt
from sharetui.domain.baseline import Baseline
from sharetui.domain.forecast import Forecast
from sharetui.domain.models import COUNT_MAX, VideoCounts

BEAT_P90_MAX_AGE = 7 * 86_400


@dataclass(frozen=True)
class Alert:
    at: int
    account: str
    video_id: str
    title: str
    rule: str  # velocity | milestone | beat_p90 | gone | forecast
    detail: str  # what makes it unique: the milestone, the day of a spike, …
    message: str
    value: int
    # How exports name the account (its @username, else its key): logs, hooks and JSON use the same name.
    account_name: str = field(default="", compare=False)

    def as_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["at"] = datetime.fromtimestamp(self.at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        record["account"] = record.pop("account_name") or self.account
        return record

    def line(self, account_label: str = "") -> str:
        """One line for a terminal, naming the account: the title is made safe, the message is ours."""
        stamp = datetime.fromtimestamp(self.at, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        who = fmt.safe_text(account_label or self.account, 60)
        return f"{stamp} ALERT {self.rule} [{who}]: {self.message}"


@dataclass(frozen=True)
class Rules:
    velocity_factor: float = 3.0
    velocity_floor: int = 20
    velocity_window: int = 3600  # seconds
    milestones: tuple[int, ...] = (1_000, 10_000, 100_000, 1_000_000)
    beat_p90: bool = True
    gone: bool = True
    forecast: bool = False  # "on track to pass a milestone": off unless asked for (it is a forecast)

    @classmethod
    def from_config(cls, config: Any) -> Rules | None:
        if not config["alerts.enabled"]:
            return None
        return cls(velocity_factor=float(config["alerts.velocity_factor"]),
                   velocity_floor=config["alerts.velocity_floor"],
                   velocity_window=config["alerts.velocity_window"] * 60,
                   milestones=tuple(sorted(config["alerts.milestones"])),
                   beat_p90=config["alerts.beat_p90"], gone=config["alerts.gone"],
                   forecast=config["alerts.forecast"])


@dataclass(frozen=True)
class Before:
    """A video as stored before this sweep."""

    shares: int | None  # None while no source has told it: no milestone is "passed" from an unknown
    gone: bool
    title: str


def evaluate(*, rules: Rules, account: str, now: int, before: dict[str, Before], videos: list[VideoCounts],
             complete: bool, window_values: dict[str, tuple[int | None, int | None]],
             baseline: Baseline | None, forecasts: dict[str, Forecast] | None = None) -> list[Alert]:
    """The alerts this sweep raises. `window_values` holds, per video id, its shares at the start of the
    velocity window and 24 h before that (None when unknown); `forecasts`, each video's share forecast."""
    alerts: list[Alert] = []
    seen: set[str] = set()
    day = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d")
    for video in videos:
        seen.add(video.id)
        title = fmt.safe_text(video.title, 80) or video.id
        previous = before.get(video.id)
        if previous is None:
            continue  # first sight: nothing to compare with (and never an alert on history)
        before_shares = previous.shares if previous.shares is not None else COUNT_MAX  # unknown: none passed
        for milestone in rules.milestones:
            if before_shares < milestone <= video.shares:
                alerts.append(Alert(now, account, video.id, video.title, "milestone", str(milestone),
                                    f"“{title}” passed {milestone:,} shares", video.shares))
        start, trailing_start = window_values.get(video.id, (None, None))
        window_start = now - rules.velocity_window
        # The trailing period: the day before the window, or as much of it as the video has lived.
        trailing_seconds = min(86_400, window_start - video.posted_at) if video.posted_at > 0 else 86_400
        if trailing_start is None and video.posted_at >= window_start - 86_400:
            trailing_start = 0  # posted inside the trailing day: it had nothing before
        if start is not None and trailing_start is not None and trailing_seconds >= rules.velocity_window:
            gained = video.shares - start
            trailing_rate = max(0, start - trailing_start) * rules.velocity_window / trailing_seconds
            if gained >= rules.velocity_floor and gained >= rules.velocity_factor * max(trailing_rate, 1.0):
                minutes = rules.velocity_window // 60
                alerts.append(Alert(now, account, video.id, video.title, "velocity", day,
                                    f"“{title}” gained {gained:,} shares in {minutes} min, "
                                    f"{gained / max(trailing_rate, 1.0):.1f}× its usual pace", gained))
        forecast = forecasts.get(video.id) if forecasts else None
        band = forecast.bands.get("7d") if forecast is not None else None
        if rules.forecast and band is not None:
            for milestone in rules.milestones:
                if video.shares < milestone <= band.p50:
                    alerts.append(Alert(now, account, video.id, video.title, "forecast", str(milestone),
                                        f"“{title}” is on track to pass {milestone:,} shares by day 7 "
                                        f"({band.text()}, 80 %)", band.p50))
        if rules.beat_p90 and baseline is not None and 0 < now - video.posted_at <= BEAT_P90_MAX_AGE:
            # Only young videos: "is this one taking off?" (an old hit above p90 is no news).
            age_hours = (now - video.posted_at) / 3600
            p90 = baseline.p90_at(age_hours) if age_hours >= 1 else None
            if p90 is not None and p90 >= 1 and video.shares > p90:
                alerts.append(Alert(now, account, video.id, video.title, "beat_p90", "",
                                    f"“{title}” beats 90% of your videos at {fmt.duration(now - video.posted_at)} "
                                    f"old ({video.shares:,} shares vs p90 {p90:,.0f})", video.shares))
    if rules.gone and complete:
        for video_id, previous in before.items():
            if video_id not in seen and not previous.gone:
                title = fmt.safe_text(previous.title, 80) or video_id
                alerts.append(Alert(now, account, video_id, previous.title, "gone", str(now),
                                    f"“{title}” disappeared from TikTok (made private or removed)",
                                    previous.shares or 0))
    return alerts


def write_log(alerts: list[Alert], log_path: Path) -> list[str]:
    """Append the alerts to the alerts log (JSON lines); returns problems as one-line messages. The user's
    command runs elsewhere (sharetui.monitor.hooks), never on the poll path."""
    if not alerts:
        return []
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # O_NOFOLLOW: a link planted in its place is refused, never appended through.
        fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            for alert in alerts:
                log.write(json.dumps(alert.as_json(), ensure_ascii=False) + "\n")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return [f"the alerts log {log_path} is a symbolic link, which sharetui never writes through; remove it"]
        return [f"cannot write the alerts log {log_path}: {exc.strerror}"]
    return []
