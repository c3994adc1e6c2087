"""TikTok Studio imports, from fixtures written to the documented formats (with the real files' quirks)."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import pytest

from sharetui.sources import studio
from sharetui.sources.studio import StudioError, parse_date
from sharetui.ui.widgets.account_header import AccountHeader
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
    assert "3 video rows, 3 new videos, 2 new snapshots, 1 with some counts unknown (shown as –)" in first.stdout
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
    # The video whose shares were `undefined` keeps its known counts; its shares stay unknown, not 0.
    second = next(v for v in json.loads(exported.stdout) if v["id"] == "7400000000000000002")
    assert (second["views"], second["likes"], second["comments"], second["shares"]) == (900, 50, 2, None)


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
    from sharetui.config import Config
    from sharetui.monitor.service import open_sources
    from sharetui.store import Store
    from sharetui.ui.app import ShareApp
    from sharetui.ui.widgets.video_table import VideoTable

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
        assert len(table.order) == 3  # the one with `undefined` shares too, its shares shown as unknown
        assert app.session.state == "IMPORTED"
        assert "TikTok Studio import" in app.dashboard.query_one(AccountHeader).plain_lines()[0]
        assert "shares per day" in app.dashboard.query_one(AccountHeader).plain_lines()[0]
        await pilot.press("ctrl+r")  # nothing to poll: it reloads
        await app.workers.wait_for_complete()
        assert app.session.last_error is None
        # Another import while the monitor is open shows up by itself.
        more = CONTENT.replace("7400000000000000003", "7400000000000000004").replace("Third", "Fourth")
        (tmp_path / "Content.csv").write_text(more, encoding="utf-8")
        assert run_cli("import", str(tmp_path / "Content.csv"), "--export-date", EXPORTED).returncode == 0
        for _ in range(50):
            await pilot.pause(0.1)
            if len(table.order) == 4:
                break
        assert len(table.order) == 4
    assert os.environ.get("SHARETUI_TIKTOK_CLIENT_KEY") is None


def content_row(video: str, shares: str, views: str = "900", day: str = "January 2", title: str = "T") -> str:
    return f"{day},{title},https://www.tiktok.com/@me/video/{video},January 1,50,2,{shares},{views}\n"


def content(*rows: str) -> str:
    return BOM + ",".join(studio.CONTENT_HEADER) + "\n" + "".join(rows)


def test_unknown_counts_fill_in_later_and_never_read_as_gains(tmp_path: Path, data_dir: Path) -> None:
    first = tmp_path / "Content.csv"
    first.write_text(content(content_row("7400000000000000009", "undefined", day="January 1")))
    assert run_cli("import", str(first), "--export-date", EXPORTED).returncode == 0
    assert db_rows(data_dir)["snapshots"] == []  # a snapshot holds four known counts: none yet
    first.write_text(content(content_row("7400000000000000009", "410", views="undefined")))
    result = run_cli("import", str(first), "--export-date", EXPORTED)
    assert result.returncode == 0, result.stderr
    rows = db_rows(data_dir)
    assert [s[2:] for s in rows["snapshots"]] == [(900, 50, 2, 410)]  # views carried from the first row
    latest = json.loads(run_cli("export", "--format", "json").stdout)
    assert latest[0]["shares"] == 410 and latest[0]["views"] == 900


def test_a_partial_row_shows_dashes_not_zero(tmp_path: Path, data_dir: Path) -> None:
    from sharetui.store import Store

    path = tmp_path / "Content.csv"
    path.write_text(content(content_row("7400000000000000009", "undefined")))
    assert run_cli("import", str(path), "--export-date", EXPORTED).returncode == 0
    with Store(data_dir / "sharetui.sqlite3") as store:
        row = store.dashboard("studio", 1_799_100_000)[0]
    assert (row.known("views"), row.known("shares"), row.share_rate) == (900, None, None)
    assert row.gain_24h is None  # no history at all: unknown, never "+0" or "+total"
    assert "900," in run_cli("export").stdout.splitlines()[1]  # CSV: views there, shares empty


def test_todays_export_is_never_dated_after_it_was_made(tmp_path: Path, data_dir: Path) -> None:
    import time

    path = tmp_path / "Content.csv"
    today = time.strftime("%B %d", time.gmtime())
    path.write_text(content(content_row("7400000000000000009", "5", day=today)))
    made = int(time.time()) - 3600
    os.utime(path, (made, made))  # downloaded an hour ago
    assert run_cli("import", str(path)).returncode == 0
    [(_vid, at, *_counts)] = db_rows(data_dir)["snapshots"]
    assert at <= made


def test_import_into_a_live_account_keeps_live_counts_and_titles(tmp_path: Path, data_dir: Path) -> None:
    from sharetui.domain.models import Account, VideoCounts
    from sharetui.store import Store

    account = Account("tiktok:me", "tiktok", "Me")
    live_at = 1_799_000_000  # 2027-01-03 08:13 UTC
    with Store(data_dir / "sharetui.sqlite3") as store:
        store.record_sweep(account, live_at, [VideoCounts("7400000000000000009", "Live title", 1_798_000_000,
                                                          "", 1000, 60, 3, 500)])
        rows = [studio.VideoTotals(at=at, video_id="7400000000000000009", title="Export title", link="",
                                   posted_at=1_798_000_000, likes=50, comments=2, shares=shares, views=900)
                for at, shares in ((live_at - 86_400, 400), (live_at - 43_200, 400), (live_at + 3600, 450))]
        done = store.import_videos(account, rows)
        assert (done.snapshots, done.covered) == (1, 1)  # the repeat adds nothing; the later one is live's
        row = store.dashboard(account.key, live_at + 7200)[0]
        assert (row.title, row.shares) == ("Live title", 500)
        history = [s[2:] for s in db_rows(data_dir)["snapshots"]]
        assert history == [(900, 50, 2, 400), (1000, 60, 3, 500)]
        assert store.import_videos(account, rows).snapshots == 0


@pytest.mark.parametrize(("cell", "why"), [("¹²³", "is not a count"), ("٣", "is not a count"),
                                           ("12345678901234567890123", "larger than any TikTok count")])
def test_counts_that_are_not_counts_stop_that_file_only(tmp_path: Path, data_dir: Path, cell: str,
                                                        why: str) -> None:
    bad = tmp_path / "Content.csv"
    bad.write_text(content(content_row("7400000000000000009", cell)))
    good = tmp_path / "Overview.csv"
    good.write_text(OVERVIEW)
    result = run_cli("import", str(bad), str(good), "--export-date", EXPORTED)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{bad}:2:" in result.stderr and why in result.stderr
    assert len(db_rows(data_dir)["daily_totals"]) == 4  # the later file still imported


def test_hostile_archives_get_one_line_and_the_next_file_imports(tmp_path: Path, data_dir: Path) -> None:
    good = tmp_path / "Overview.csv"
    good.write_text(OVERVIEW)
    zero_date = tmp_path / "zero.zip"
    with zipfile.ZipFile(zero_date, "w") as archive:
        archive.writestr(zipfile.ZipInfo("Content.csv", date_time=(1980, 0, 0, 0, 0, 0)),
                         content(content_row("7400000000000000009", "5")))
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Content.csv", b"0" * (studio.MAX_TABLE_BYTES + 1))
    long_line = tmp_path / "Long.csv"
    long_line.write_text(",".join(studio.CONTENT_HEADER) + "\n" + "x" * 200_000 + "\n")
    escape = tmp_path / "esc.zip"
    with zipfile.ZipFile(escape, "w") as archive:
        archive.writestr("\x1b]0;pwned\x07.csv", "nothing,here\n")
    result = run_cli("import", str(zero_date), str(bomb), str(long_line), str(escape), str(good),
                     "--export-date", EXPORTED)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "zero.zip:Content.csv: 1 video rows" in result.stdout  # a zero date falls back to the file's
    assert "bomb.zip:Content.csv:" in result.stderr and "far larger than any TikTok Studio export" in result.stderr
    assert "Long.csv:2:" in result.stderr
    assert "\x1b" not in result.stderr + result.stdout and "\x07" not in result.stderr
    assert len(db_rows(data_dir)["daily_totals"]) == 4


PEAK_MEMORY = """
import sys
from sharetui.cli import main
code = main(sys.argv[1:])
peak = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0].split()[1]
print(f"peak-kb {peak}", file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.integration
@pytest.mark.parametrize("filler", [b"\n", b'"",""\r\n'])
def test_a_table_of_empty_rows_is_imported_in_bounded_memory(tmp_path: Path, filler: bytes) -> None:
    """63 MB of line breaks (under the 64 MB cap) in a zip: the import ends with one line, well under 200 MB
    of memory, never holding an object per empty row."""
    import subprocess
    import sys
    import zipfile

    bomb = tmp_path / "bomb.zip"
    header = b"Time,Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views\n"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Content.csv", header + filler * (63 * 2**20 // len(filler)))
    result = subprocess.run([sys.executable, "-c", PEAK_MEMORY, "import", str(bomb)], capture_output=True,
                            text=True, timeout=120)
    lines = result.stderr.splitlines()
    peak_mb = int(lines[-1].split()[1]) / 1024
    assert peak_mb < 200, peak_mb
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    if result.returncode == 1:
        assert len(lines) == 2 and "bomb.zip:Content.csv" in lines[0] and "not a TikTok Studio export" in lines[0]
