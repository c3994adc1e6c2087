"""TikTok Studio "Download data" exports: Overview.csv (daily account totals) and Content.csv (per-video
totals), in zips or loose, CSV or .xlsx. No Textual here.

The quirks of real files are handled: a UTF-8 BOM, dates without a year ("August 9", "9月6日") whose year
is inferred from the export date (so "December 30" in a January export is last year), the literal
`undefined` for a missing value (unknown, not zero) and thousands separators ("5,431"). A file is parsed
completely before anything is written, so a bad row stops that file with its name and line, and nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

OVERVIEW_HEADER = ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"]
CONTENT_HEADER = ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments",
                  "Total shares", "Total views"]
SKIPPED_HEADERS = {
    ("Date", "Followers", "Difference in followers from previous day"): "follower history",
    ("Date", "Total Viewers", "New Viewers", "Returning Viewers"): "viewers",
}
MONTHS = {name: i for i, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], start=1) for name in names}
VIDEO_ID = re.compile(r"/video/(\d+)")


class StudioError(Exception):
    """A file that cannot be imported; one line naming the file (and line) and what to do."""


@dataclass(frozen=True)
class DayTotals:
    day: date
    views: int | None
    profile_views: int | None
    likes: int | None
    comments: int | None
    shares: int | None


@dataclass(frozen=True)
class VideoTotals:
    at: int  # end of the day the totals refer to, Unix seconds UTC
    video_id: str
    title: str
    link: str
    posted_at: int
    likes: int | None
    comments: int | None
    shares: int | None
    views: int | None


@dataclass(frozen=True)
class ParsedFile:
    name: str
    kind: str  # "overview" | "content" | "skipped"
    days: list[DayTotals]
    videos: list[VideoTotals]
    note: str = ""


def sources(path: Path) -> Iterator[tuple[str, bytes, date]]:
    """(display name, content, export date) for every table in `path` (a zip, .csv or .xlsx)."""
    if not path.exists():
        raise StudioError(f"{path}: no such file")
    exported = datetime.fromtimestamp(path.stat().st_mtime, UTC).date()
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if m.filename.lower().endswith((".csv", ".xlsx"))]
                if not members:
                    raise StudioError(f"{path}: the zip holds no .csv or .xlsx file")
                for member in members:
                    yield f"{path}:{member.filename}", archive.read(member), date(*member.date_time[:3])
        except zipfile.BadZipFile:
            raise StudioError(f"{path}: not a readable zip file; download it again from TikTok Studio") from None
    elif suffix in (".csv", ".xlsx"):
        yield str(path), path.read_bytes(), exported
    else:
        raise StudioError(f"{path}: expected a .zip, .csv or .xlsx from TikTok Studio's 'Download data'")


def _table(name: str, data: bytes) -> list[list[str]]:
    if name.lower().endswith(".xlsx"):
        try:
            import openpyxl
        except ImportError:
            raise StudioError(f"{name}: reading .xlsx needs openpyxl (pip install openpyxl), or export CSV") from None
        try:
            sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds; all mean "not a workbook"
            raise StudioError(f"{name}: not a readable .xlsx file ({type(exc).__name__})") from None
        return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StudioError(f"{name}: not UTF-8 text; export the file again as CSV") from None
    return [row for row in csv.reader(io.StringIO(text))]


def _number(text: str, where: str) -> int | None:
    value = text.strip().strip('"').replace("\u00a0", "").replace(" ", "")
    if value == "" or value.lower() in ("undefined", "null", "-", "--"):
        return None  # unknown is not zero
    if re.fullmatch(r"\d{1,3}([,.']\d{3})+", value):
        value = re.sub(r"[,.']", "", value)
    if value.endswith(".0") and value[:-2].isdigit():  # spreadsheets hand out floats
        value = value[:-2]
    if not value.isdigit():
        raise StudioError(f"{where}: {text!r} is not a count")
    return int(value)


def parse_date(text: str, exported: date, date_format: str | None, where: str) -> date:
    """A day from Studio's text, the year inferred from the export date when the text has none."""
    value = text.strip()
    month = day = year = None
    if date_format:
        try:
            parsed = datetime.strptime(value, date_format)
        except ValueError:
            raise StudioError(f"{where}: {value!r} does not match --date-format {date_format!r}") from None
        month, day = parsed.month, parsed.day
        year = parsed.year if "%Y" in date_format or "%y" in date_format else None
    elif match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?", value):
        year, month, day = (int(g) for g in match.groups())
    elif match := re.fullmatch(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日", value):
        year = int(match[1]) if match[1] else None
        month, day = int(match[2]), int(match[3])
    elif match := re.fullmatch(r"([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", value):
        month = MONTHS.get(match[1].lower())
        day = int(match[2])
        year = int(match[3]) if match[3] else None
    if month is None or day is None:
        raise StudioError(f"{where}: cannot read the date {value!r}; pass --date-format (e.g. '%d.%m.')")
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            raise StudioError(f"{where}: {value!r} is not a real date") from None
    # No year: the latest such day on or before the export (with a little slack for time zones).
    for candidate in (exported.year, exported.year - 1, exported.year - 2, exported.year - 3, exported.year - 4):
        try:
            found = date(candidate, month, day)
        except ValueError:
            continue  # 29 February in a common year
        if found <= exported + timedelta(days=2):
            return found
    raise StudioError(f"{where}: {value!r} is not a real date")


def _end_of(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC).timestamp())


def _start_of(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def parse(name: str, data: bytes, exported: date, date_format: str | None = None) -> ParsedFile:
    rows = _table(name, data)
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise StudioError(f"{name}: the file is empty")
    header = [cell.strip() for cell in rows[0]]
    while header and not header[-1]:
        header.pop()
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell.strip() for cell in row)]
    if header == OVERVIEW_HEADER:
        days = []
        for line, row in body:
            where = f"{name}:{line}"
            if len(row) < len(header):
                raise StudioError(f"{where}: expected {len(header)} columns, found {len(row)}")
            days.append(DayTotals(parse_date(row[0], exported, date_format, where),
                                  *(_number(cell, where) for cell in row[1:6])))
        return ParsedFile(name, "overview", days, [])
    if header == CONTENT_HEADER:
        videos = []
        for line, row in body:
            where = f"{name}:{line}"
            if len(row) < len(header):
                raise StudioError(f"{where}: expected {len(header)} columns, found {len(row)}")
            found = VIDEO_ID.search(row[2])
            if not found:
                raise StudioError(f"{where}: {row[2]!r} is not a TikTok video link (…/video/<id>)")
            at = _end_of(parse_date(row[0], exported, date_format, where)) if row[0].strip() else _end_of(exported)
            videos.append(VideoTotals(
                at=at, video_id=found[1], title=row[1], link=row[2].strip(),
                posted_at=_start_of(parse_date(row[3], exported, date_format, where)),
                likes=_number(row[4], where), comments=_number(row[5], where), shares=_number(row[6], where),
                views=_number(row[7], where)))
        return ParsedFile(name, "content", [], videos)
    kind = SKIPPED_HEADERS.get(tuple(header))
    if kind:
        return ParsedFile(name, "skipped", [], [], note=f"{kind}: not used by sharetui")
    raise StudioError(f"{name}: not a TikTok Studio export sharetui knows (header: {', '.join(header[:8])})")
