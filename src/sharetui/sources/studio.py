"""TikTok Studio "Download data" exports: Overview.csv (daily account totals) and Content.csv (per-video
totals), in zips or loose, CSV or .xlsx. No Textual here.

The quirks of real files are handled: a UTF-8 BOM, dates without a year ("August 9", "9月6日") whose year
is inferred from the export date (so "December 30" in a January export is last year), the literal
`undefined` for a missing value (unknown, not zero) and thousands separators ("5,431"). A file is parsed
completely before anything is written, so a bad row stops that file with its name and line, and nothing.
Files are read as streams with limits on bytes, lines, rows and cells, so a hostile one costs bounded
time and memory.
"""

from __future__ import annotations

import csv
import io
import re
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sharetui.domain.models import COUNT_MAX
from sharetui.text import safe_text

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
DIGITS = re.compile(r"[0-9]+")  # ASCII only: "¹²³" and "١٢٣" pass str.isdigit() but are not counts here
MAX_TABLE_BYTES = 64 * 1024 * 1024  # a real Content.csv for 10,000 videos is ~2 MB; this stops zip bombs
MAX_FIELD_CHARS = 64 * 1024  # a title is at most a few thousand characters; a longer field is not an export
MAX_ROWS = 200_000  # rows with data: a year of days, or far more videos than any account has
MAX_LINES = 2_000_000  # lines read, blank ones included
MAX_CELLS = 256  # cells in one row (the widest export has 8 columns)


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


@dataclass(frozen=True)
class Table:
    """One table of an export: its display name (safe to print), its bytes, and when it was exported."""
    name: str
    data: bytes
    exported: date  # the export's day, for dates without a year
    exported_at: int  # the latest moment its counts can describe (Unix seconds): never later than now


def _shown(path: Path | str) -> str:
    return safe_text(str(path), 300)  # file and member names are data too: no escape sequence reaches a terminal


def _too_big(name: str, size: int) -> StudioError:
    return StudioError(f"{name}: {size:,} bytes is far larger than any TikTok Studio export "
                       f"(limit {MAX_TABLE_BYTES // 2**20} MB); check that this is the right file")


def sources(path: Path) -> Iterator[Table]:
    """Every table in `path` (a zip, .csv or .xlsx), each read whole but never past MAX_TABLE_BYTES."""
    shown = _shown(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise StudioError(f"{shown}: no such file") from None
    # The file's time is when it was downloaded: no count in it can be newer (nor newer than now).
    exported_at = int(min(stat.st_mtime, time.time()))
    exported = datetime.fromtimestamp(exported_at, UTC).date()
    suffix = path.suffix.lower()
    if suffix == ".zip":
        yield from _zip_tables(path, shown, exported, exported_at)
    elif suffix in (".csv", ".xlsx"):
        if stat.st_size > MAX_TABLE_BYTES:
            raise _too_big(shown, stat.st_size)
        yield Table(shown, path.read_bytes(), exported, exported_at)
    else:
        raise StudioError(f"{shown}: expected a .zip, .csv or .xlsx from TikTok Studio's 'Download data'")


def _zip_tables(path: Path, shown: str, exported: date, exported_at: int) -> Iterator[Table]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith((".csv", ".xlsx"))]
            if not members:
                raise StudioError(f"{shown}: the zip holds no .csv or .xlsx file")
            for member in members:
                name = f"{shown}:{_shown(member.filename)}"
                if member.file_size > MAX_TABLE_BYTES:
                    raise _too_big(name, member.file_size)
                with archive.open(member) as stream:
                    data = stream.read(MAX_TABLE_BYTES + 1)  # the header's size may lie
                if len(data) > MAX_TABLE_BYTES:
                    raise _too_big(name, len(data))
                try:
                    day = date(*member.date_time[:3])
                except ValueError:
                    day = exported  # a zero or impossible date in the zip: the file's own date
                yield Table(name, data, min(day, exported), exported_at)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError,
            RuntimeError) as exc:
        # RuntimeError: encrypted member; NotImplementedError: a compression zipfile cannot read.
        raise StudioError(f"{shown}: not a readable zip file ({type(exc).__name__}); "
                          "download it again from TikTok Studio") from None


def _table(name: str, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The table's rows that hold anything, with their line numbers, read as a stream: a file of 60 MB of
    line breaks costs time bounded by MAX_LINES and no memory beyond its bytes."""
    if name.lower().endswith(".xlsx"):
        rows: Iterator[list[str]] = _xlsx_rows(name, data)
    else:
        # Decoded as it is read (a bad byte stops the file before anything of it is written).
        lines = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
        rows = csv.reader(lines)
    number = 0
    try:
        for number, row in enumerate(rows, start=1):
            if number > MAX_LINES:
                raise StudioError(f"{name}: more than {MAX_LINES:,} lines; this is not a TikTok Studio export")
            if not row:
                continue  # a blank line: skipped without keeping anything of it
            if len(row) > MAX_CELLS:
                raise StudioError(f"{name}:{number}: {len(row):,} cells in one row; this is not a TikTok "
                                  "Studio export")
            if any(len(cell) > MAX_FIELD_CHARS for cell in row):
                raise StudioError(f"{name}:{number}: a field of over {MAX_FIELD_CHARS:,} characters; "
                                  "this is not a TikTok Studio export")
            if any(cell.strip() for cell in row):
                yield number, row
    except csv.Error as exc:
        raise StudioError(f"{name}:{number + 1}: not a readable CSV line ({exc})") from None
    except UnicodeDecodeError:
        raise StudioError(f"{name}: not UTF-8 text; export the file again as CSV") from None


def _xlsx_rows(name: str, data: bytes) -> Iterator[list[str]]:
    try:
        import openpyxl
    except ImportError:
        raise StudioError(f"{name}: reading .xlsx needs openpyxl (pip install openpyxl), or export CSV") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:  # an .xlsx is a zip: the same bomb check first
            unpacked = sum(part.file_size for part in book.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise StudioError(f"{name}: not a readable .xlsx file") from None
    if unpacked > MAX_TABLE_BYTES:
        raise _too_big(name, unpacked)
    try:
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        for row in sheet.iter_rows(values_only=True):
            yield ["" if cell is None else str(cell) for cell in row[:MAX_CELLS + 1]]
    except StudioError:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds; all mean "not a workbook"
        raise StudioError(f"{name}: not a readable .xlsx file ({type(exc).__name__})") from None


def _number(text: str, where: str) -> int | None:
    value = text.strip().strip('"').replace("\u00a0", "").replace(" ", "")
    if value == "" or value.lower() in ("undefined", "null", "-", "--"):
        return None  # unknown is not zero
    if re.fullmatch(r"\d{1,3}([,.']\d{3})+", value):
        value = re.sub(r"[,.']", "", value)
    if value.endswith(".0") and DIGITS.fullmatch(value[:-2]):  # spreadsheets hand out floats
        value = value[:-2]
    if not DIGITS.fullmatch(value):
        raise StudioError(f"{where}: {safe_text(text, 40)!r} is not a count")
    if len(value) > 16 or int(value) > COUNT_MAX:
        raise StudioError(f"{where}: {safe_text(text, 40)!r} is larger than any TikTok count; "
                          "check the file")
    return int(value)


def parse_date(text: str, exported: date, date_format: str | None, where: str) -> date:
    """A day from Studio's text, the year inferred from the export date when the text has none."""
    value = text.strip()
    shown = safe_text(value, 40)
    month = day = year = None
    if date_format:
        try:
            parsed = datetime.strptime(value, date_format)
        except ValueError:
            raise StudioError(f"{where}: {shown!r} does not match --date-format {date_format!r}") from None
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
        raise StudioError(f"{where}: cannot read the date {shown!r}; pass --date-format (e.g. '%d.%m.')")
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            raise StudioError(f"{where}: {shown!r} is not a real date") from None
    # No year: the latest such day on or before the export (with a little slack for time zones).
    for candidate in (exported.year, exported.year - 1, exported.year - 2, exported.year - 3, exported.year - 4):
        try:
            found = date(candidate, month, day)
        except ValueError:
            continue  # 29 February in a common year
        if found <= exported + timedelta(days=2):
            return found
    raise StudioError(f"{where}: {shown!r} is not a real date")


def _end_of(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=UTC).timestamp())


def _start_of(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _bounded(name: str, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise StudioError(f"{name}: more than {MAX_ROWS:,} rows; a TikTok Studio export holds a year of days or "
                              "the account's videos: check that this is the right file")
        yield row


def parse(name: str, data: bytes, exported: date, date_format: str | None = None,
          exported_at: int | None = None) -> ParsedFile:
    """One table. A row's totals are dated the end of its day, but never after `exported_at` (nor now):
    today's export describes today only up to the moment it was made."""
    latest = int(time.time()) if exported_at is None else min(exported_at, int(time.time()))
    rows = _table(name, data)
    first = next(rows, None)
    if first is None:
        raise StudioError(f"{name}: the file is empty")
    header = [cell.strip() for cell in first[1]]
    while header and not header[-1]:
        header.pop()
    body = _bounded(name, rows)
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
                raise StudioError(f"{where}: {safe_text(row[2], 80)!r} is not a TikTok video link (…/video/<id>)")
            day = parse_date(row[0], exported, date_format, where) if row[0].strip() else exported
            at = min(_end_of(day), latest)
            videos.append(VideoTotals(
                at=at, video_id=found[1], title=row[1], link=row[2].strip(),
                posted_at=_start_of(parse_date(row[3], exported, date_format, where)),
                likes=_number(row[4], where), comments=_number(row[5], where), shares=_number(row[6], where),
                views=_number(row[7], where)))
        return ParsedFile(name, "content", [], videos)
    kind = SKIPPED_HEADERS.get(tuple(header))
    if kind:
        return ParsedFile(name, "skipped", [], [], note=f"{kind}: not used by sharetui")
    raise StudioError(f"{name}: not a TikTok Studio export sharetui knows (header: {safe_text(', '.join(header[:8]), 120)})")
