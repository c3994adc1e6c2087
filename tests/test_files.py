"""Files sharetui writes and resets: never through a planted link, never a cache moved from under a process
that has it open, and output that fails is an error, not a silent exit 0."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sharetui.cli import main
from sharetui.export import neutralise_formula
from sharetui.models import Account, VideoCounts
from sharetui.store import Reader, Store


def demo_cache(data_dir: Path, titles: list[str] | None = None) -> Path:
    path = data_dir / "sharetui.sqlite3"
    with Store(path) as store:
        store.record_sweep(Account("demo", "demo", "Demo"), 1_790_000_000,
                           [VideoCounts(str(i), title, 1_789_000_000, "", 5, 1, 1, 2)
                            for i, title in enumerate(titles or ["a video"])])
    return path


def test_reset_is_refused_while_any_process_has_the_cache_open(data_dir: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    cache = demo_cache(data_dir)
    reader = subprocess.Popen([sys.executable, "-c", "import sys, time; from sharetui.store import Reader; "
                               f"r = Reader({str(cache)!r}); print('open', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
        assert main(["--reset-cache", "export", "--demo"]) == 1
        err = capsys.readouterr().err
        assert "is open in another sharetui" in err and "nothing was moved" in err and err.count("\n") == 1
        assert cache.exists() and not list(data_dir.glob("*.reset-*"))
    finally:
        reader.kill()
        reader.wait()
    # Once nobody has it open, the reset moves it aside.
    assert main(["--reset-cache", "export", "--demo"]) == 0
    assert list(data_dir.glob("sharetui.sqlite3.reset-*"))


def test_a_reader_in_this_process_counts_too(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = demo_cache(data_dir)
    with Reader(cache):
        assert main(["--reset-cache", "export", "--demo"]) == 1
    assert "is open in another sharetui" in capsys.readouterr().err


def test_a_lock_file_that_is_a_link_is_never_written_through(data_dir: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    demo_cache(data_dir)
    precious = tmp_path / "precious.txt"
    precious.write_text("do not truncate me")
    for name in ("poller.lock", "sharetui.sqlite3.users"):
        link = data_dir / name
        link.unlink(missing_ok=True)
        link.symlink_to(precious)
        assert main(["--demo", "poll", "--once"]) == 1
        err = capsys.readouterr().err
        assert "is a symbolic link" in err and name in err and err.count("\n") == 1
        assert precious.read_text() == "do not truncate me"
        link.unlink()
    assert main(["--demo", "poll", "--once"]) == 0


def test_export_ignores_a_planted_partial_file_and_replaces_a_link_never_follows_it(
        data_dir: Path, tmp_path: Path) -> None:
    demo_cache(data_dir)
    precious = tmp_path / "precious.txt"
    precious.write_text("do not touch")
    out = tmp_path / "out.csv"
    for planted in ("out.csv.part", ".out.csv.tmp", "out.csv.tmp"):
        (tmp_path / planted).symlink_to(precious)
    assert main(["export", "--demo", "--output", str(out)]) == 0
    assert precious.read_text() == "do not touch"
    assert out.is_file() and not out.is_symlink() and out.read_text().startswith("account,id,title")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".out", "out"))) == \
        [".out.csv.tmp", "out.csv", "out.csv.part", "out.csv.tmp"]  # nothing of ours left behind


@pytest.mark.parametrize("title", [
    "=cmd|' /C calc'!A0", " =cmd|' /C calc'!A0", "\t=1+1", "  +1", "\u00a0-1", "\u200b@SUM(A1)", "\r\n=1",
    "＝1+1", "@x", "- list",
])
def test_every_formula_prefix_is_neutralised(title: str) -> None:
    cell = neutralise_formula(title)
    assert isinstance(cell, str) and cell.startswith("'")


@pytest.mark.parametrize("title", ["a = b", "100%", "café", "", "'quoted", "1-2"])
def test_ordinary_titles_are_left_alone(title: str) -> None:
    assert neutralise_formula(title) == title


def test_export_csv_neutralises_leading_whitespace_formulas(data_dir: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    demo_cache(data_dir, [" =cmd|' /C calc'!A0", "\t@SUM(A1)"])
    assert main(["export", "--demo"]) == 0
    titles = sorted(row[2] for row in list(csv.reader(io.StringIO(capsys.readouterr().out)))[1:])
    assert titles == ["'\u0020=cmd|' /C calc'!A0", "' @SUM(A1)"]


@pytest.mark.parametrize("command", [["export", "--demo"], ["export", "--demo", "--format", "json"],
                                     ["alerts", "--demo"], ["config", "show"], ["locate"],
                                     ["forecast", "--demo"]])
def test_output_to_a_full_device_is_one_line_and_exit_1(command: list[str], data_dir: Path) -> None:
    demo_cache(data_dir, [f"video {i}" for i in range(50)])
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, "-m", "sharetui", *command], stdout=full, stderr=subprocess.PIPE,
                                text=True, env=os.environ, timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ("sharetui: error: cannot write the output (standard output): No space left on "
                             "device; free some space or write somewhere else\n")
