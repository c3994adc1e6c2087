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
from sharetui.domain.models import Account, VideoCounts
from sharetui.export import neutralise_formula
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
    for name in ("poller-demo.lock", "sharetui.sqlite3.users"):
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


@pytest.mark.integration
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


def _damaged_credentials() -> dict[str, bytes]:
    return {"not UTF-8": b'{"open_id": "\xff\xfe"}', "deep": b"[" * 200_000 + b"]" * 200_000,
            "huge": b'{"pad": "' + b"x" * 300_000 + b'"}', "not JSON": b"{\"open_id\": ", "a list": b"[1, 2]"}


@pytest.mark.parametrize("kind", list(_damaged_credentials()))
def test_a_damaged_login_is_one_line_for_every_command(kind: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from sharetui.sources.tiktok import credentials

    monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_KEY", "key")
    monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_SECRET", "secret")

    path = credentials.path_for()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_damaged_credentials()[kind])
    for argv in (["auth", "status"], ["poll", "--once"], ["export"], ["auth", "logout"], ["alerts"]):
        code = main(argv)
        err = capsys.readouterr().err
        assert code != 0 and err.count("\n") == 1, (argv, err)
        assert str(path) in err and "auth login" in err and "Traceback" not in err, (argv, err)
    assert path.read_bytes() == _damaged_credentials()[kind]  # left for the user to look at


def test_a_deeply_nested_view_file_is_ignored_with_a_note(data_dir: Path) -> None:
    from sharetui.ui.view_state import ViewState, load

    path = data_dir / "view.json"
    data_dir.mkdir(parents=True, exist_ok=True)
    for content in (b'{"a":' * 100_000 + b"1" + b"}" * 100_000, b"\xff\xfe{}", b" " * 100_000 + b"{}"):
        path.write_bytes(content)
        state, note = load(path)
        assert state == ViewState() and note is not None and str(path) in note and "ignored" in note


@pytest.mark.parametrize("content", [
    b"[alerts]\nmilestones = " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
    b"[ui]\ntheme = " + b"{a = " * 20_000 + b"1" + b"}" * 20_000 + b"\n",
    b"# " + b"x" * (2 * 1024 * 1024) + b"\n",
])
def test_a_config_nested_or_grown_absurdly_is_one_line_exit_2(content: bytes, config_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_bytes(content)
    for argv in (["config", "show"], ["--demo", "export"], ["--demo", "poll", "--once"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(config_path) in err and ("fix" in err or "delete" in err), err


def test_a_damaged_demo_anchor_makes_the_demo_anew(data_dir: Path) -> None:
    assert main(["config", "set", "demo.history_days", "1"]) == 0
    assert main(["--demo", "poll", "--once"]) == 0
    with Store(data_dir / "sharetui.sqlite3") as store:
        store.set_meta("demo.anchor", "not a time \x00")
    assert main(["--demo", "poll", "--once"]) == 0


def test_the_alerts_log_is_never_appended_through_a_link(tmp_path: Path) -> None:
    from sharetui.domain.alerts import Alert, write_log

    precious = tmp_path / "precious.txt"
    precious.write_text("do not append to me")
    log = tmp_path / "alerts.log"
    log.symlink_to(precious)
    problems = write_log([Alert(1_790_000_000, "demo", "1", "t", "gone", "1", "gone", 0)], log)
    assert len(problems) == 1 and "symbolic link" in problems[0]
    assert precious.read_text() == "do not append to me"
    log.unlink()
    assert write_log([Alert(1_790_000_000, "demo", "1", "t", "gone", "1", "gone", 0)], log) == []
    assert '"rule": "gone"' in log.read_text()
