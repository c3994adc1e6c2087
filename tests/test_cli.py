from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli


def test_version_and_help() -> None:
    from sharetui import __version__
    assert run_cli("--version").stdout.strip() == f"sharetui {__version__}"
    for command in ([], ["poll"], ["export"], ["config"], ["config", "set"], ["locate"], ["auth"],
                    ["auth", "login"]):
        result = run_cli(*command, "--help")
        assert result.returncode == 0, result.stderr
        assert "usage: sharetui" in result.stdout


def test_locate_prints_platform_paths(isolated_dirs: Path) -> None:
    out = run_cli("locate").stdout
    assert f"{isolated_dirs}/config/sharetui/config.toml" in out
    assert f"{isolated_dirs}/data/sharetui/sharetui.sqlite3" in out


def test_config_set_get_show(config_path: Path) -> None:
    assert run_cli("config", "path").stdout.strip() == str(config_path)
    assert run_cli("config", "set", "poll.interval", "45").returncode == 0
    assert run_cli("config", "get", "poll.interval").stdout.strip() == "45"
    shown = run_cli("config", "show").stdout
    line = next(line for line in shown.splitlines() if line.startswith("poll.interval"))
    assert line.split()[:3] == ["poll.interval", "45", "file"] and "# seconds between polls" in line
    milestones = next(line for line in shown.splitlines() if line.startswith("alerts.milestones"))
    assert "[1000, 10000, 100000, 1000000]" in milestones and "default" in milestones  # one line per setting
    for command in (("get", "poll.intervall"), ("set", "poll.intervall", "5")):
        wrong = run_cli("config", *command)
        assert wrong.returncode == 2 and wrong.stderr.count("\n") == 1
        assert "unknown config key 'poll.intervall'" in wrong.stderr and "poll.interval" in wrong.stderr
    assert run_cli("config", "get", "poll.interval").stdout.strip() == "45"  # nothing was written


def test_config_secret_is_never_printed(config_path: Path) -> None:
    secret = "hunter2-very-secret"
    run_cli("config", "set", "tiktok.client_secret", secret)
    outputs = [run_cli("config", "get", "tiktok.client_secret"), run_cli("config", "show"),
               run_cli("config", "set", "tiktok.client_secret", secret)]
    for result in outputs:
        assert secret not in result.stdout + result.stderr
    assert "(set)" in outputs[0].stdout


def test_a_secret_can_be_set_from_standard_input(config_path: Path) -> None:
    secret = "from-stdin-not-argv"
    result = run_cli("config", "set", "tiktok.client_secret", "-", input=secret + "\n")
    assert result.returncode == 0 and secret not in result.stdout + result.stderr
    assert f'client_secret = "{secret}"' in config_path.read_text()
    assert oct(config_path.stat().st_mode & 0o777) == "0o600"
    empty = run_cli("config", "set", "tiktok.client_secret", "-", input="\n")
    assert empty.returncode == 2 and "empty value" in empty.stderr
    assert f'client_secret = "{secret}"' in config_path.read_text()  # nothing changed


@pytest.mark.parametrize(
    ("content", "needle"),
    [("[poll]\ninterval = 0\n", "poll.interval"), ("[poll\n", "invalid TOML"), ("bogus = 1\n", "bogus")],
)
def test_bad_config_is_one_line_exit_2(config_path: Path, content: str, needle: str) -> None:
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text(content)
    result = run_cli("poll", "--once", "--demo")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and str(config_path) in lines[0]
    assert "Traceback" not in result.stderr


def test_config_set_rejects_bad_values() -> None:
    result = run_cli("config", "set", "poll.interval", "soon")
    assert result.returncode == 2 and "must be an integer" in result.stderr
    assert "Traceback" not in result.stderr


def test_poll_once_demo_then_export(data_dir: Path, tmp_path: Path) -> None:
    run_cli("config", "set", "demo.videos", "6")
    run_cli("config", "set", "demo.history_days", "1")
    result = run_cli("poll", "--once", "--demo")
    assert result.returncode == 0, result.stderr
    summary, *alert_lines = result.stdout.strip().splitlines()  # one summary line, then any alerts
    assert "DEMO" in summary and "6 videos" in summary
    assert all(" ALERT " in line for line in alert_lines)
    assert (data_dir / "sharetui.sqlite3").exists()

    latest = json.loads(run_cli("export", "--format", "json", "--demo").stdout)
    assert len(latest) == 6
    assert set(latest[0]) == {"account", "id", "title", "posted_at", "views", "likes", "comments", "shares",
                              "updated_at", "gone"}
    assert {row["gone"] for row in latest} <= {True, False}
    assert latest[0]["account"] == "sharetui.demo"
    assert latest[0]["posted_at"].endswith("Z") and "T" in latest[0]["posted_at"]

    history = json.loads(run_cli("export", "--format", "json", "--history", "--demo").stdout)
    assert set(history[0]) == {"account", "id", "at", "views", "likes", "comments", "shares"}
    db = sqlite3.connect(data_dir / "sharetui.sqlite3")
    assert len(history) == db.execute("SELECT COUNT(*) FROM snapshots").fetchone()[0]

    rows = list(csv.reader(io.StringIO(run_cli("export", "--demo").stdout)))
    assert rows[0] == ["account", "id", "title", "posted_at", "views", "likes", "comments", "shares", "updated_at",
                       "gone"]
    assert len(rows) == 7

    target = tmp_path / "out.csv"
    written = run_cli("export", "--history", "--output", str(target), "--demo")
    assert written.returncode == 0 and target.read_text().startswith("account,id,at,views")


def test_export_neutralises_spreadsheet_formulas(data_dir: Path) -> None:
    from sharetui.domain.models import Account, VideoCounts
    from sharetui.store import Store

    with Store(data_dir / "sharetui.sqlite3") as store:
        store.record_sweep(Account("demo", "demo", "Demo"), 1_000, [
            VideoCounts("1", "=HYPERLINK(\"http://evil\")", 1, "", 1, 1, 1, 1),
            VideoCounts("2", "@SUM(A1)", 1, "", 1, 1, 1, 1),
        ])
    out = run_cli("export", "--demo").stdout
    titles = [row[2] for row in csv.reader(io.StringIO(out))][1:]
    assert sorted(titles) == ["'=HYPERLINK(\"http://evil\")", "'@SUM(A1)"]


@pytest.mark.parametrize("interval", ["0", "4", "86401"])
def test_poll_interval_follows_the_same_rule_as_the_config(interval: str) -> None:
    result = run_cli("poll", "--demo", "--interval", interval)
    assert result.returncode == 2 and "--interval must be between 5 and 86400 seconds" in result.stderr
    config = run_cli("config", "set", "poll.interval", interval)
    assert config.returncode == 2 and "between 5 and 86400" in config.stderr


@pytest.mark.integration
def test_poll_loop_stops_cleanly_on_sigterm(data_dir: Path) -> None:
    run_cli("config", "set", "demo.videos", "3")
    run_cli("config", "set", "demo.history_days", "0")
    process = subprocess.Popen([sys.executable, "-m", "sharetui", "poll", "--demo", "--interval", "5"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    assert process.stdout is not None
    first = process.stdout.readline()
    second = process.stdout.readline()
    process.terminate()
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "DEMO" in first and "DEMO" in second
    assert "Traceback" not in err
    db = sqlite3.connect(data_dir / "sharetui.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_monitor_without_a_terminal_explains() -> None:
    result = run_cli(input="")
    assert result.returncode == 1
    assert "needs a terminal" in result.stderr


def test_corrupt_cache_is_reported_not_a_traceback(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "sharetui.sqlite3").write_bytes(b"garbage" * 500)
    result = run_cli("poll", "--once", "--demo")
    assert result.returncode == 1
    assert "cannot open the cache" in result.stderr and "Traceback" not in result.stderr
    assert (data_dir / "sharetui.sqlite3").read_bytes().startswith(b"garbage")


@pytest.mark.parametrize("command", [["--version"], ["--help"], ["locate"], ["config", "show"],
                                     ["export", "--demo"], ["auth", "status"], ["poll", "--once", "--demo"]])
def test_commands_without_ui_never_import_textual(command: list[str]) -> None:
    run_cli("config", "set", "demo.videos", "2")
    run_cli("config", "set", "demo.history_days", "0")
    probe = (
        "import sys\n"
        "from sharetui.cli import main\n"
        f"try:\n    main({command!r})\nexcept SystemExit:\n    pass\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print('TEXTUAL', loaded, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=os.environ.copy(),
                            timeout=60)
    assert "TEXTUAL []" in result.stderr, result.stderr


def test_poll_prints_alerts_and_alerts_lists_them(data_dir: Path) -> None:
    run_cli("config", "set", "demo.videos", "12")
    assert run_cli("poll", "--once", "--demo").returncode == 0  # backfill + a first sweep
    listed = run_cli("alerts", "--demo")
    assert listed.returncode == 0
    lines = listed.stdout.strip().splitlines()
    assert lines and all(" ALERT " in line for line in lines)  # the viral video spikes right away
    as_json = [json.loads(line) for line in run_cli("alerts", "--demo", "--json").stdout.splitlines()]
    assert {a["rule"] for a in as_json} >= {"velocity"} and all(a["at"].endswith("Z") for a in as_json)
    logged = (data_dir / "alerts.log").read_text().splitlines()
    assert len(logged) == len(as_json)
    again = run_cli("poll", "--once", "--demo")
    assert "ALERT velocity" not in again.stdout  # fired once


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_a_browser_over_loopback() -> None:
    import time

    import httpx

    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sharetui", "serve", "--port", str(port), "--demo"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        page = None
        for _ in range(100):
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert page is not None and page.status_code == 200
        assert "sharetui" in page.text and f"ws://127.0.0.1:{port}/ws" in page.text
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_serve_beyond_loopback_warns_and_prints_its_token_once() -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sharetui", "serve", "--host", "0.0.0.0", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert process.stderr is not None
        assert "anyone who can reach 0.0.0.0" in process.stderr.readline()
        address = process.stderr.readline()
        assert f"http://0.0.0.0:{port}/?token=" in address
        import httpx

        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 403  # no token, no page
        token = address.split("token=")[1].split()[0]
        assert httpx.get(f"http://127.0.0.1:{port}/?token={token}", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=20)


@pytest.mark.integration
def test_served_tabs_share_one_poller(data_dir: Path) -> None:
    """Two browser tabs: both show the monitor, only one polls; the other says who feeds it."""
    import asyncio
    import time

    import aiohttp
    import httpx

    run_cli("config", "set", "demo.videos", "10")
    run_cli("config", "set", "demo.history_days", "0")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sharetui", "serve", "--port", str(port), "--demo"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())

    async def tab(session: aiohttp.ClientSession, wanted: str, seconds: float = 20) -> str:
        seen = ""
        async with session.ws_connect(f"ws://127.0.0.1:{port}/ws?width=140&height=30",
                                      headers={"Origin": f"http://127.0.0.1:{port}"}) as socket:
            deadline = time.monotonic() + seconds
            while wanted not in seen and time.monotonic() < deadline:
                try:
                    message = await socket.receive(timeout=1)
                except TimeoutError:
                    continue
                if message.type == aiohttp.WSMsgType.BINARY:
                    seen += message.data.decode("utf-8", errors="replace")
                elif message.type == aiohttp.WSMsgType.TEXT:
                    seen += message.data
                elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    break
        return seen

    async def two_tabs() -> tuple[str, str]:
        async with aiohttp.ClientSession() as session:
            first = asyncio.create_task(tab(session, "never-appears", seconds=12))
            await asyncio.sleep(6)  # the first tab has taken the writer lock by now
            second = await tab(session, "fed by poller")
            return await first, second

    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        first, second = asyncio.run(two_tabs())
        assert "DEMO" in first and "LIVE" in first
        assert "fed by poller (pid" in second
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_demo_flag_before_or_after_the_command() -> None:
    run_cli("config", "set", "demo.videos", "3")
    run_cli("config", "set", "demo.history_days", "0")
    run_cli("config", "set", "source", "tiktok")  # without --demo this would need a TikTok login
    for argv in (["--demo", "poll", "--once"], ["poll", "--once", "--demo"]):
        result = run_cli(*argv)
        assert result.returncode == 0 and "DEMO" in result.stdout, (argv, result.stderr)


def test_export_never_replaces_a_link_or_a_pipe_and_csv_cells_stay_one_row(tmp_path: Path, data_dir: Path) -> None:
    from sharetui.domain.models import Account, VideoCounts
    from sharetui.store import Store

    with Store(data_dir / "sharetui.sqlite3") as store:
        store.record_sweep(Account("demo", "demo", "Demo"), 1_790_000_000,
                           [VideoCounts("1", "half\rof a row\n=cmd|' /C calc'!A0\x1b[31m", 1_789_000_000, "", 5, 1, 1, 2)])
    real = tmp_path / "real.csv"
    real.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    for target in (link, fifo):
        result = run_cli("export", "--demo", "--output", str(target))
        assert result.returncode == 2 and "not a regular file" in result.stderr
    assert real.read_text() == "keep me" and link.is_symlink() and not (tmp_path / "fifo.csv.part").exists()
    folder = tmp_path / "out"
    folder.mkdir()
    for given in (str(folder), f"{folder}/"):
        result = run_cli("export", "--demo", "--format", "json", "--output", given)
        assert result.returncode == 2 and "{" not in result.stderr  # every placeholder filled in
        assert result.stderr.strip() == (f"sharetui: error: {folder}: is a folder; give a file name in it, such as "
                                         f"-o {folder / 'sharetui.json'}")
    assert list(folder.iterdir()) == []
    out = run_cli("export", "--demo").stdout
    lines = out.splitlines()
    assert len(lines) == 2 and "\x1b" not in out
    title = next(csv.reader(io.StringIO(out)))  # header
    row = list(csv.reader(io.StringIO(lines[1])))[0]
    assert title[2] == "title" and row[2] == "half of a row =cmd|' /C calc'!A0 [31m" and row[-1] == "false"


def test_config_set_checks_what_loading_checks(config_path: Path) -> None:
    for key, value in (("ui.theme", "nosuchtheme"), ("alerts.command", "notify 'unbalanced"),
                       ("tiktok.api_base_url", "http://[::1"), ("ui.timezone", "Mars/Olympus")):
        result = run_cli("config", "set", key, value)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and key in result.stderr, result.stderr
    assert not config_path.exists()  # nothing was written
    assert run_cli("config", "set", "tiktok.client_secret", "s3cret").returncode == 0
    assert (config_path.stat().st_mode & 0o777) == 0o600


def test_version_on_every_command_and_alert_limits_checked() -> None:
    from sharetui import __version__
    for command in (["poll"], ["export"], ["alerts"], ["forecast"], ["config", "show"], ["auth", "status"],
                    ["import"], ["serve"], ["locate"]):
        result = run_cli(*command, "--version")
        assert result.returncode == 0 and result.stdout.strip() == f"sharetui {__version__}", command
    for limit in ("0", "-1"):
        wrong = run_cli("alerts", "--limit", limit)
        assert wrong.returncode == 2 and "--limit must be at least 1" in wrong.stderr and not wrong.stdout


def test_an_unknown_option_shows_the_usage_of_the_command_it_was_given_to() -> None:
    for argv, usage in ((["poll", "--bogus"], "usage: sharetui poll"), (["config", "set", "poll.interval", "5", "--bogus"],
                        "usage: sharetui config set"), (["--bogus"], "usage: sharetui [-h]")):
        result = run_cli(*argv)
        assert result.returncode == 2, argv
        assert result.stderr.startswith(usage) and "unrecognized arguments: --bogus" in result.stderr, argv


def test_every_error_has_one_prefix_and_names_what_is_wrong(isolated_dirs: Path) -> None:
    for argv, words in ((["config", "set", "nope", "1"], "unknown config key 'nope'"),
                        (["config", "set", "ui.theme", "nope"], "ui.theme 'nope' is not a theme"),
                        (["config", "set", "alerts.bell", "maybe"], "alerts.bell must be true or false")):
        result = run_cli(*argv)
        assert result.returncode == 2, argv
        line = result.stderr.strip()
        assert "\n" not in line and line.startswith(f"sharetui: error: {words}"), line
        assert "error: config:" not in line and "error: value:" not in line
