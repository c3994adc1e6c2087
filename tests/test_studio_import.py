"""TikTok Studio imports, from fixtures written to the documented formats (with the real files' quirks)."""

from __future__ import annotations

import os
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import pytest

from sharetui import studio
from sharetui.studio import StudioError, parse_date
from sharetui.widgets.account_header import AccountHeader
from tests.conftest import run_cli

BOM = "\ufeff"
OVERVIEW = BOM + (
    "Date,Video Views,Profile Views,Likes,Comments,Shares\n"
    "December 30,\"5,431\",120,900,44,31\n"
    "December 31,6000,undefined,950,40,29\n"
    "January 1,\"7,002\",130,1000,51,\"1,204\"\n"
    "January 2,100,1,2,3,undefined\n"
)
CONTENT = BOM + (
    "Time,Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views\n"
    "January 2,=SUM(A1) [bold]not bold[/bold],https://www.tiktok.com/@me/video/7400000000000000001,December 28,"
    "\"1,200\",30,410,\"25,000\"\n"
    "January 2,Second one,https://www.tiktok.com/@me/video/7400000000000000002,January 1,50,2,undefined,900\n"
    "January 2,Third,https://www.tiktok.com/@me/video/7400000000000000003,January 2,5,0,1,80\n"
)
EXPORTED = "2027-01-04"


def write_zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return path


def db_rows(data_dir: Path) -> dict[str, list[tuple]]:
    db = sqlite3.connect(data_dir / "sharetui.sqlite3")
    return {table: db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("videos", "snapshots", "daily_totals")}


def test_dates_without_a_year_and_the_december_turn() -> None:
    exported = date(2027, 1, 4)
    assert parse_date("December 30", exported, None, "f:2") == date(2026, 12, 30)
    assert parse_date("January 2", exported, None, "f:2") == date(2027, 1, 2)
    assert parse_date("Aug 9", exported, None, "f:2") == date(2026, 8, 9)
    assert parse_date("9月6日", exported, None, "f:2") == date(2026, 9, 6)
    assert parse_date("2026-05-01", exported, None, "f:2") == date(2026, 5, 1)
    assert parse_date("06.09.", exported, "%d.%m.", "f:2") == date(2026, 9, 6)
    assert parse_date("February 29", date(2027, 3, 1), None, "f:2") == date(2024, 2, 29)
    with pytest.raises(StudioError, match="f:7: cannot read the date 'Brumaire 3'"):
        parse_date("Brumaire 3", exported, None, "f:7")


def test_parse_overview_and_content_quirks() -> None:
    overview = studio.parse("Overview.csv", OVERVIEW.encode(), date(2027, 1, 4))
    assert overview.kind == "overview"
    assert [(d.day.isoformat(), d.views, d.profile_views, d.shares) for d in overview.days] == [
        ("2026-12-30", 5431, 120, 31), ("2026-12-31", 6000, None, 29), ("2027-01-01", 7002, 130, 1204),
        ("2027-01-02", 100, 1, None)]
    content = studio.parse("Content.csv", CONTENT.encode(), date(2027, 1, 4))
    first = content.videos[0]
    assert (first.video_id, first.views, first.likes, first.shares) == ("7400000000000000001", 25_000, 1_200, 410)
    assert content.videos[1].shares is None


def test_bad_row_names_file_and_line() -> None:
    broken = CONTENT.replace("\"1,200\",30,410", "lots,30,410")
    with pytest.raises(StudioError, match=r"Content.csv:2: 'lots' is not a count"):
        studio.parse("Content.csv", broken.encode(), date(2027, 1, 4))
    with pytest.raises(StudioError, match="Content.csv:3: .* is not a TikTok video link"):
        studio.parse("Content.csv", CONTENT.replace("/video/7400000000000000002", "/photo/2").encode(),
                     date(2027, 1, 4))


def test_import_zip_then_again_changes_nothing(tmp_path: Path, data_dir: Path) -> None:
    archive = write_zip(tmp_path / "TikTok_analytics.zip",
                        {"Overview.csv": OVERVIEW, "Content.csv": CONTENT,
                         "FollowerHistory.csv": "Date,Followers,Difference in followers from previous day\n"})
    first = run_cli("import", str(archive), "--export-date", EXPORTED)
    assert first.returncode == 0, first.stderr
    assert "4 days of account totals, 4 new or updated" in first.stdout
    assert "3 video rows, 2 new videos, 2 new snapshots, 1 rows with unknown counts skipped" in first.stdout
    assert "skipped (follower history" in first.stderr
    before = db_rows(data_dir)
    again = run_cli("import", str(archive), "--export-date", EXPORTED)
    assert again.returncode == 0
    assert "0 new or updated" in again.stdout and "0 new videos, 0 new snapshots" in again.stdout
    assert db_rows(data_dir) == before
    exported = run_cli("export", "--format", "json")
    assert "=SUM(A1) [bold]not bold[/bold]" in exported.stdout  # the imported account is what auto shows now
    csv_out = run_cli("export")
    assert "'=SUM(A1)" in csv_out.stdout


def test_a_bad_file_writes_nothing_and_others_still_import(tmp_path: Path, data_dir: Path) -> None:
    good = tmp_path / "Overview.csv"
    good.write_text(OVERVIEW, encoding="utf-8")
    bad = tmp_path / "Content.csv"
    bad.write_text(CONTENT.replace("@me/video/7400000000000000003", "@me/photo/3"), encoding="utf-8")
    result = run_cli("import", str(bad), str(good), "--export-date", EXPORTED)
    assert result.returncode == 1
    assert f"{bad}:4:" in result.stderr and "Traceback" not in result.stderr
    rows = db_rows(data_dir)
    assert rows["videos"] == [] and rows["snapshots"] == []  # all or nothing for the bad file
    assert len(rows["daily_totals"]) == 4


def test_xlsx_and_other_languages(tmp_path: Path, data_dir: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares"])
    sheet.append(["30.12.", 10, 1, 2, 3, 4])
    sheet.append(["02.01.", 20, 1, 2, 3, 5])
    path = tmp_path / "Overview.xlsx"
    book.save(path)
    result = run_cli("import", str(path), "--date-format", "%d.%m.", "--export-date", EXPORTED)
    assert result.returncode == 0, result.stderr
    days = db_rows(data_dir)["daily_totals"]
    assert [(d[1], d[6]) for d in days] == [("2026-12-30", 4), ("2027-01-02", 5)]
    chinese = tmp_path / "Overview.csv"
    chinese.write_text(BOM + "Date,Video Views,Profile Views,Likes,Comments,Shares\n12月31日,1,1,1,1,7\n",
                       encoding="utf-8")
    assert run_cli("import", str(chinese), "--export-date", EXPORTED).returncode == 0
    assert ("2026-12-31", 7) in [(d[1], d[6]) for d in db_rows(data_dir)["daily_totals"]]


def test_large_file_shows_progress(tmp_path: Path) -> None:
    lines = ["Time,Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views"]
    lines += [f"January 2,v{i},https://www.tiktok.com/@me/video/{7400000000000000000 + i},January 1,1,1,{i},10"
              for i in range(12_000)]
    path = tmp_path / "Content.csv"
    path.write_text("\n".join(lines) + "\n")
    result = run_cli("import", str(path), "--export-date", EXPORTED)
    assert result.returncode == 0 and "importing 12,000 rows" in result.stderr


async def test_the_monitor_shows_imports_alone(tmp_path: Path, data_dir: Path) -> None:
    from sharetui.app import ShareApp
    from sharetui.config import Config
    from sharetui.monitor import open_sources
    from sharetui.store import Store
    from sharetui.widgets.video_table import VideoTable

    archive = write_zip(tmp_path / "export.zip", {"Overview.csv": OVERVIEW, "Content.csv": CONTENT})
    assert run_cli("import", str(archive), "--export-date", EXPORTED).returncode == 0
    source = open_sources(Config())[0]
    assert source.kind == "studio"  # no TikTok login, imported data present: auto shows it
    store = Store(data_dir / "sharetui.sqlite3")
    clock = lambda: 1_799_100_000.0  # noqa: E731 - 2027-01-04
    app = ShareApp(Config(), source=source, store=store, clock=clock)
    async with app.run_test(size=(140, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.dashboard.query_one(VideoTable)
        assert len(table.order) == 2
        assert app.state == "IMPORTED"
        assert "TikTok Studio import" in app.dashboard.query_one(AccountHeader).plain_lines()[0]
        assert "shares per day" in app.dashboard.query_one(AccountHeader).plain_lines()[0]
        await pilot.press("ctrl+r")  # nothing to poll: it reloads
        await app.workers.wait_for_complete()
        assert app.last_error is None
        # Another import while the monitor is open shows up by itself.
        more = CONTENT.replace("7400000000000000003", "7400000000000000004").replace("Third", "Fourth")
        (tmp_path / "Content.csv").write_text(more, encoding="utf-8")
        assert run_cli("import", str(tmp_path / "Content.csv"), "--export-date", EXPORTED).returncode == 0
        for _ in range(50):
            await pilot.pause(0.1)
            if len(table.order) == 3:
                break
        assert len(table.order) == 3
    assert os.environ.get("SHARETUI_TIKTOK_CLIENT_KEY") is None
