"""CSV and JSON exports of the cache (latest counts, or every stored snapshot)."""

from __future__ import annotations

import csv
import json
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

LATEST_COLUMNS = ("account", "id", "title", "posted_at", "views", "likes", "comments", "shares", "updated_at", "gone")
HISTORY_COLUMNS = ("account", "id", "at", "views", "likes", "comments", "shares")
_TIME_COLUMNS = {"posted_at", "updated_at", "at"}


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _records(columns: tuple[str, ...], rows: Iterable[tuple]) -> Iterable[dict]:
    for row in rows:
        yield {c: (iso(v) if c in _TIME_COLUMNS else bool(v) if c == "gone" else v)
               for c, v in zip(columns, row, strict=True)}


_CONTROL = dict.fromkeys([*range(0x00, 0x20), 0x7F], " ")
# What spreadsheets take as the start of a formula (Excel, LibreOffice, Google Sheets), the full-width forms
# included, and what they skip before it: white space of any kind and invisible format characters.
_FORMULA_STARTS = frozenset("=+-@＝＋－＠")


def _lead(value: str) -> str:
    for index, char in enumerate(value):
        if not (char.isspace() or unicodedata.category(char) == "Cf"):
            return value[index]
    return ""


def neutralise_formula(value: object) -> object:
    """A CSV cell a spreadsheet can only take as data: line breaks and other control characters become
    spaces (a bare carriage return would split the row, and its second half could start a formula), and a
    cell whose first visible character starts a formula (= + - @, after any spaces or tabs) is quoted
    with '."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        return value
    cleaned = value.translate(_CONTROL)
    if _lead(cleaned) in _FORMULA_STARTS:
        return "'" + cleaned
    return cleaned


def write(out: TextIO, rows: Iterable[tuple], *, history: bool, fmt: str) -> int:
    """Write rows to `out`; returns how many were written."""
    columns = HISTORY_COLUMNS if history else LATEST_COLUMNS
    count = 0
    if fmt == "json":
        out.write("[")
        for record in _records(columns, rows):
            out.write(",\n  " if count else "\n  ")
            out.write(json.dumps(record, ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for record in _records(columns, rows):
        writer.writerow([neutralise_formula(v) for v in record.values()])
        count += 1
    return count
