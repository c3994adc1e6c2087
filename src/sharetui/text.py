"""Making source text safe to show, and compact number/time formats. No Textual here.

Titles come from TikTok (or anyone who can post a video): they are data. Control characters (including
ESC, so no terminal escape sequence survives) and bidirectional overrides are replaced before display;
markup safety is the UI's job (it never parses a title as markup).
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence
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


def plural(n: int, word: str, words: str | None = None) -> str:
    """"1 video", "2 videos", "1,204 videos"."""
    return f"{n:,} {word if n == 1 else (words or word + 's')}"


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


def compact(n: int | None) -> str:
    """A count in at most 5 characters, for a scale or a tight cell: 950, 1.2k, 12k, 1.2M ("–" unknown)."""
    if n is None:
        return "–"
    if abs(n) < 1000:
        return str(n)
    value, suffix = float(n), ""
    for suffix in ("k", "M", "B"):
        value /= 1000
        if abs(round(value)) < 1000 or suffix == "B":
            break
    text = f"{value:.1f}" if abs(value) < 9.95 else f"{value:.0f}"
    return text.removesuffix(".0") + suffix


def gain(n: int | None, lower: bool = False) -> str:
    """+1,234; "≥+1,234" where only a lower bound is known (sharetui.domain.figures); "–" where unknown."""
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


def local_time(ts: float) -> datetime:
    """A moment in the display zone (ui.timezone, else the machine's)."""
    return _local(ts)


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


def spark_cells(values: Sequence[float | None], width: int) -> tuple[list[float | None], int]:
    """`values` fitted to `width` cells: more values than cells, each cell shows the largest of its share;
    fewer, each value spans several cells. Returns the cells and the index of the first cell that holds
    the last value (the current, possibly partial, bucket)."""
    count = len(values)
    if not count or width <= 0:
        return [], 0
    cells: list[float | None] = []
    last_from = width
    for i in range(width):
        lo = i * count // width
        hi = max(lo + 1, (i + 1) * count // width)
        known = [v for v in values[lo:hi] if v is not None]
        cells.append(max(known) if known else None)
        if hi >= count:
            last_from = min(last_from, i)
    return cells, last_from


def spark_rows(cells: Sequence[float | None], rows: int = 1, top: float | None = None) -> list[str]:
    """The one sparkline renderer (table, header, video screen): `rows` lines of text, top first, scaled from
    zero so a flat line means no gains (not "steady gains") and a ±3 % wobble stays a wobble. A zero is the
    baseline ▁, any gain at least ▂, `top` (by default the largest value) full height; an unknown value
    (None) draws nothing."""
    largest = max((v for v in cells if v is not None), default=0)
    top = largest if top is None else max(top, largest)
    eighths = 8 * rows
    lines: list[list[str]] = [[] for _ in range(rows)]
    for value in cells:
        if value is None:
            level = 0
        elif value <= 0 or top <= 0:
            level = 1
        else:
            level = 1 + max(1, round(value * (eighths - 1) / top))
        for row in range(rows):  # row 0 is the bottom one
            part = level - 8 * row
            lines[rows - 1 - row].append(SPARK_BARS[min(part, 8) - 1] if part > 0 else " ")
    return ["".join(line) for line in lines]


def spark(values: Sequence[float | None]) -> str:
    """A one-line sparkline, one cell per value (see spark_rows)."""
    return spark_rows(values)[0] if values else ""


def axis_ticks(top: float, count: int = 5) -> list[int]:
    """Whole-number ticks from 0 to at least `top`, evenly spaced on a 1-2-5 step: a count axis never shows
    decimals, negative values or an uneven gap (0 10 20 30, not 60 50 40 20)."""
    top = max(1.0, float(top))
    raw = top / max(1, count - 1)
    magnitude = 10 ** max(0, len(str(int(raw))) - 1)
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    ticks = [0]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks
