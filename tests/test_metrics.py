"""`sharetui poll --metrics`: a real poller against the fake TikTok, scraped over loopback HTTP and read back
with prometheus_client's own parser (the format Prometheus reads)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from sharetui.cli import main
from sharetui.config import Config
from sharetui.monitor.metrics import Collector, MetricsServer, PollHealth, parse_address
from sharetui.monitor.service import AccountOutcome, MonitorService
from sharetui.sources.tiktok import credentials
from sharetui.store import Store
from tests.conftest import run_cli
from tests.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, FakeTikTok


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok(videos=30) as server:
        server.user.videos[0].title = 'quote " backslash \\ newline \n [b]x[/b] \x1b[2J'
        server.user.videos[1].share_count = None  # type: ignore[assignment]  # TikTok sent null
        yield server


@pytest.fixture
def logged_in(fake: FakeTikTok, isolated_dirs: Path) -> dict[str, str]:
    assert main(["config", "set", "tiktok.api_base_url", fake.url]) == 0
    fake.save_login(credentials.path_for())
    return {"SHARETUI_TIKTOK_CLIENT_KEY": CLIENT_KEY, "SHARETUI_TIKTOK_CLIENT_SECRET": CLIENT_SECRET}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def scrape(port: int, path: str = "/metrics", accept: str = "") -> tuple[int, str, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def start_poller(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "sharetui", "poll", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **env})


def wait_for_sweeps(process: subprocess.Popen[str], count: int) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    while len(lines) < count:
        line = process.stdout.readline()
        assert line, f"the poller ended: {process.stderr.read() if process.stderr else ''}"
        lines.append(line)
    return lines


def listening_addresses(port: int) -> list[str]:
    """Local addresses of the sockets listening on `port`, from the kernel's own tables."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, port_hex = local.rsplit(":", 1)
                if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                    found.append(address)
    return found


@pytest.mark.integration
def test_a_scrape_after_a_sweep_matches_tiktok_and_a_bad_request_disturbs_nothing(
        fake: FakeTikTok, logged_in: dict[str, str]) -> None:
    port = free_port()
    poller = start_poller(logged_in, "--interval", "5", "--metrics", str(port))
    try:
        wait_for_sweeps(poller, 1)
        status, content_type, text = scrape(port)
        assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
        found = samples(text)
        account = (("account", "fakecreator"),)
        for video in fake.user.videos:
            key = (("account", "fakecreator"), ("video_id", video.id))
            if video.share_count is None:
                assert ("sharetui_video_shares", key) not in found  # unknown: left out, never 0
            else:
                assert found[("sharetui_video_shares", key)] == video.share_count
            assert found[("sharetui_video_views", key)] == video.view_count
        known = [v.share_count for v in fake.user.videos if v.share_count is not None]
        assert found[("sharetui_account_shares", account)] == sum(known)
        assert found[("sharetui_account_videos", account)] == 30
        assert found[("sharetui_account_gone_videos", account)] == 0
        assert abs(found[("sharetui_last_successful_sweep_timestamp_seconds", account)] - time.time()) < 10
        assert found[("sharetui_sweeps_total", (*account, ("outcome", "ok")))] >= 1
        assert found[("sharetui_requests_total", account)] >= 2
        title = found[("sharetui_video_info", (*account, ("title", 'quote " backslash \\ newline   [b]x[/b] \ufffd[2J'),
                                               ("video_id", fake.user.videos[0].id)))]
        assert title == 1
        assert "# TYPE sharetui_sweeps_total counter" in text and "# HELP sharetui_video_shares" in text

        # Loopback only by default, and only GET /metrics (and /healthz) answered.
        assert listening_addresses(port) == ["0100007F"]
        assert scrape(port, "/healthz")[:1] == (200,)
        assert scrape(port, "/admin")[0] == 404
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(b"POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")
            assert raw.recv(100).startswith(b"HTTP/1.0 501")
        with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
            raw.sendall(b"\x16\x03\x01 garbage that is not HTTP\r\n\r\n")
            assert b"400" in b"".join(iter(lambda: raw.recv(4096), b""))
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # a client that connects and says nothing

        # Polling goes on, and the next scrape follows it.
        fake.user.videos[2].share_count += 1000
        wait_for_sweeps(poller, 1)
        found = samples(scrape(port)[2])
        key = (("account", "fakecreator"), ("video_id", fake.user.videos[2].id))
        assert found[("sharetui_video_shares", key)] == fake.user.videos[2].share_count
        assert found[("sharetui_sweeps_total", (*account, ("outcome", "ok")))] >= 2
    finally:
        poller.send_signal(signal.SIGTERM)
        poller.wait(timeout=15)
    assert poller.returncode == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()  # the server went with the poller


def test_failures_are_counted_by_kind(tmp_path: Path) -> None:
    with Store(tmp_path / "c.sqlite3") as store:
        service = MonitorService(Config(), store=store, force_demo=True)
        health = PollHealth()
        key = service.sources[0].account().key
        health.record(key, AccountOutcome("demo", None, "TikTok did not answer", kind="network"), 1.5, 100.0)
        health.record(key, AccountOutcome("demo", None, "429", kind="rate_limited"), 0.5, 101.0)
        health.record(key, AccountOutcome("demo", None, "429", kind="rate_limited"), 0.5, 102.0)
        server = MetricsServer(("127.0.0.1", 0), Collector(store.path, service.sources, health))
        try:
            found = samples(scrape(server.address[1])[2])
        finally:
            server.close()
            service.close()
    account = (("account", "sharetui.demo"),)
    assert found[("sharetui_sweep_failures_total", (*account, ("kind", "rate_limited")))] == 2
    assert found[("sharetui_sweep_failures_total", (*account, ("kind", "network")))] == 1
    assert found[("sharetui_sweeps_total", (*account, ("outcome", "failed")))] == 3
    assert found[("sharetui_sweep_duration_seconds", account)] == 0.5
    assert ("sharetui_last_successful_sweep_timestamp_seconds", account) not in found  # none yet


@pytest.mark.parametrize("address, expected", [("9464", ("127.0.0.1", 9464)), ("0.0.0.0:80", ("0.0.0.0", 80)),
                                               ("[::1]:9100", ("::1", 9100)), ("localhost:1", ("localhost", 1))])
def test_addresses(address: str, expected: tuple[str, int]) -> None:
    assert parse_address(address) == expected


def test_bad_addresses_and_busy_ports_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set", "demo.history_days", "0"]) == 0
    for bad in ("abc", "70000", "host:", ":0"):
        assert main(["--demo", "poll", "--once", "--metrics", bad]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "give PORT or HOST:PORT" in err
    assert main(["config", "set", "poll.metrics", "nope"]) == 2
    assert "poll.metrics must be PORT or HOST:PORT" in capsys.readouterr().err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--demo", "poll", "--once", "--metrics", str(port)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"cannot serve metrics on 127.0.0.1:{port}" in err
    # The writer lock went with the failed start: the next poller starts.
    assert main(["--demo", "poll", "--once"]) == 0


@pytest.mark.integration
def test_the_setting_turns_metrics_on_and_off_is_the_default() -> None:
    assert run_cli("config", "get", "poll.metrics").stdout.strip() in ("", '""')
    port = free_port()
    assert run_cli("config", "set", "poll.metrics", f"127.0.0.1:{port}").returncode == 0
    assert run_cli("config", "set", "demo.history_days", "0").returncode == 0
    poller = start_poller({}, "--demo", "--interval", "5")
    try:
        wait_for_sweeps(poller, 1)
        found = samples(scrape(port)[2])
        assert found[("sharetui_account_videos", (("account", "sharetui.demo"),))] == 40
    finally:
        poller.send_signal(signal.SIGTERM)
        poller.wait(timeout=15)
