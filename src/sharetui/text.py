"""Making source text safe to show, and compact number/time formats. No Textual here.

Titles come from TikTok (or anyone who can post a video): they are data. Control characters (including
ESC, so no terminal escape sequence survives) and bidirectional overrides are replaced before display;
markup safety is the UI's job (it never parses a title as markup).
"""

from __future__ import annotations

import re
import time
import unicodedata
from datetime import UTC, datetime, tzinfo

_BIDI_CONTROLS = {"\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}
_WHITESPACE = re.compile(r"[\t\n\r\v\f]+")
MAX_DISPLAY = 400  # nobody reads more of a title in a terminal; keeps 10 000-char titles cheap


def safe_text(text: str, limit: int = MAX_DISPLAY) -> str:
    """`text` with control characters made visible-safe and trimmed to `limit` characters."""
    text = _WHITESPACE.sub(" ", text[: limit * 2])
    out = []
    for char in text:
        if char in _BIDI_CONTROLS:
            continue
        if unicodedata.category(char) == "Cc":
            out.append("\ufffd")
        else:
            out.append(char)
    cleaned = "".join(out)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def count(n: int | None) -> str:
    """A count in at most 7 cells: 12,345 · 123.4K · 12.35M · 1.23B."""
    if n is None:
        return "–"
    sign = "-" if n < 0 else ""
    n = abs(n)
    if n < 100_000:
        return f"{sign}{n:,}"
    if n < 1_000_000:
        return f"{sign}{n / 1e3:.1f}K"
    if n < 1_000_000_000:
        return f"{sign}{n / 1e6:.2f}M"
    return f"{sign}{n / 1e9:.2f}B"


def gain(n: int | None, lower: bool = False) -> str:
    """+1,234; "≥+1,234" where only a lower bound is known (sharetui.figures); "–" where unknown."""
    if n is None:
        return "–"
    shown = "0" if n == 0 else ("+" if n > 0 else "") + count(n)
    return "≥" + shown if lower else shown


def rate(value: float | None, width: int = 0, decimals: int = 1) -> str:
    """Shares per 1,000 views, right-aligned in `width`; "–" where unknown."""
    if value is None:
        return f"{'–':>{width}}"
    return f"{value:>{width}.{decimals}f}"


def ratio(value: float | None) -> str:
    """×3.2, ×0.4, ×12: how many times the usual."""
    if value is None:
        return "–"
    return f"×{value:.0f}" if value >= 10 else f"×{value:.1f}"


def age(posted_at: int, now: float) -> str:
    """How long ago, compactly: 24m, 5h, 3d, 12w; a date past a year."""
    seconds = max(0, int(now) - posted_at)
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86_400 * 2:
        return f"{seconds // 3600}h"
    if seconds < 86_400 * 60:
        return f"{seconds // 86_400}d"
    if seconds < 86_400 * 365:
        return f"{seconds // (86_400 * 7)}w"
    return datetime.fromtimestamp(posted_at, UTC).strftime("%Y-%m")


# Times on screen follow one rule: the zone of `ui.timezone` (the machine's own by default), always named,
# with the date whenever it is not today. Files and machine output (exports, JSON, logs) use UTC.
_zone: tzinfo | None = None  # None: the machine's local zone


def set_zone(name: str) -> None:
    """"local", "UTC" or an IANA zone name (checked by the config)."""
    global _zone
    if name == "local":
        _zone = None
    elif name.upper() == "UTC":
        _zone = UTC
    else:
        from zoneinfo import ZoneInfo

        _zone = ZoneInfo(name)


def _local(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, _zone) if _zone is not None else datetime.fromtimestamp(ts).astimezone()


def _zone_name(moment: datetime) -> str:
    name = moment.tzname() or ""
    return name if name and not name.startswith(("+", "-")) else moment.strftime("UTC%z")


def when(ts: float, now: float | None = None, *, seconds: bool = False) -> str:
    """A moment for a person: "14:05 CET" today, "18 Nov 14:05 CET" this year, else with the year."""
    moment = _local(ts)
    today = _local(time.time() if now is None else now)
    shown = moment.strftime("%H:%M:%S" if seconds else "%H:%M") + " " + _zone_name(moment)
    if moment.date() == today.date():
        return shown
    if moment.year == today.year:
        return f"{moment.day} {moment.strftime('%b')} {shown}"
    return f"{moment.day} {moment.strftime('%b %Y')} {shown}"


def clock(ts: float | None, now: float | None = None) -> str:
    """The status line's "last poll" time (with seconds, and the date when not today)."""
    if ts is None:
        return "never"
    return when(ts, now, seconds=True)


def stamp(ts: float) -> str:
    """A full date and time in the display zone: "2026-11-18 14:05 CET"."""
    moment = _local(ts)
    return moment.strftime("%Y-%m-%d %H:%M ") + _zone_name(moment)


def chart_time(ts: float, with_date: bool) -> str:
    """An axis label in the display zone."""
    moment = _local(ts)
    return f"{moment.day} {moment.strftime('%b')}" if with_date else moment.strftime("%H:%M")


def duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m" + (f"{seconds % 60:02d}s" if seconds % 60 else "")
    if seconds < 86_400 * 2:
        return f"{seconds // 3600}h" + (f"{seconds % 3600 // 60:02d}m" if seconds % 3600 // 60 else "")
    return f"{seconds // 86_400}d" + (f"{seconds % 86_400 // 3600}h" if seconds % 86_400 // 3600 else "")


SPARK_BARS = "▁▂▃▄▅▆▇█"


def spark(values: list[int]) -> str:
    """A one-line sparkline scaled from zero, so a flat line means no gains, not 'steady gains'."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return SPARK_BARS[0] * len(values)
    return "".join(SPARK_BARS[max(1, min(7, round(v * 7 / top)))] if v > 0 else SPARK_BARS[0] for v in values)
