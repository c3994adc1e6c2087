from __future__ import annotations

import io
import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sharetui.store import Store

if TYPE_CHECKING:
    from sharetui.views.video import VideoData

T0 = 1_790_000_000  # a fixed "now" for deterministic tests (2026-09-21 UTC)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = float(now)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def connect(fake: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """A freshly connected account on the fake TikTok (tests/fake_tiktok.FakeTikTok): its address in the
    config, the app's keys in the environment and a saved login."""
    from sharetui.cli import main
    from sharetui.sources.tiktok import credentials
    from tests.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, FakeTikTok

    assert isinstance(fake, FakeTikTok)
    assert main(["config", "set", "tiktok.api_base_url", fake.url]) == 0
    monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_KEY", CLIENT_KEY)
    monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_SECRET", CLIENT_SECRET)
    fake.save_login(credentials.path_for())


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local times on screen (the status line's last poll, chart labels) in UTC, whatever the machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config and data directories, like a fresh machine."""
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    for name in list(os.environ):
        if name.startswith("SHARETUI_") or name in ("TEXTUAL_THEME", "NO_COLOR"):
            monkeypatch.delenv(name)
    return home


@pytest.fixture
def config_path(isolated_dirs: Path) -> Path:
    return isolated_dirs / "config" / "sharetui" / "config.toml"


@pytest.fixture
def data_dir(isolated_dirs: Path) -> Path:
    return isolated_dirs / "data" / "sharetui"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "cache.sqlite3") as opened:
        yield opened


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None,  # noqa: A002
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real CLI in this process, through `main(argv)`, with this test's isolated directories: standard
    input from `input`, standard output and error captured, `env` set for the call only. What needs a
    process of its own (signals, a pty, a real exit) uses `run_cli_process`."""
    from sharetui.cli import main

    saved = {name: os.environ.get(name) for name in env or {}}
    os.environ.update(env or {})
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = io.StringIO(input or "")
    real = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help, --version, a usage error
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        sys.stdin, sys.stdout, sys.stderr = real
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(["sharetui", *args], code, stdout.getvalue(), stderr.getvalue())


def run_cli_process(*args: str, input: str | None = None, env: dict[str, str] | None = None,  # noqa: A002
                    timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real CLI in a subprocess, with this test's isolated directories."""
    return subprocess.run(
        [sys.executable, "-m", "sharetui", *args], capture_output=True, text=True, input=input,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )


def run_cli_on_bad_disk(kind: str, folder: Path, *args: str, env: dict[str, str] | None = None,
                        input: str | None = None) -> subprocess.CompletedProcess[str]:  # noqa: A002
    """The real CLI with `folder` on a real, small filesystem that is `kind` ("read-only" or "full"),
    holding a copy of what `folder` holds now. A private mount namespace (unshare -rm) makes this work
    without root and leaves the machine untouched; the test is skipped where namespaces are not allowed."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"],
                                                          capture_output=True).returncode != 0:
        pytest.skip("needs user and mount namespaces (unshare -rm) to build a read-only or full disk")
    folder.mkdir(parents=True, exist_ok=True)
    seed = folder.with_name(folder.name + ".seed")
    shutil.rmtree(seed, ignore_errors=True)
    shutil.copytree(folder, seed)
    q = shlex.quote
    script = f"mount -t tmpfs -o size=4m tmpfs {q(str(folder))} && cp -a {q(str(seed))}/. {q(str(folder))}/ && "
    if kind == "read-only":
        script += f"mount -o remount,ro {q(str(folder))} && "
    else:
        script += f"(dd if=/dev/zero of={q(str(folder))}/.filler bs=4k >/dev/null 2>&1 || true) && "
    script += "exec " + " ".join(q(part) for part in [sys.executable, "-m", "sharetui", *args])
    return subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, input=input,
                          env={**os.environ, **(env or {})}, timeout=60)


async def settle(app, pilot) -> None:  # noqa: ANN001
    """Let the app's workers finish and the screen catch up (a few rounds: one load can start another)."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def painted(screen: object) -> VideoData:
    """What a video screen shows now; fails when the screen is not one or its first read has not arrived."""
    from sharetui.ui.screens.video import VideoScreen

    assert isinstance(screen, VideoScreen), f"expected the video screen, found {type(screen).__name__}"
    assert screen.shown is not None, "the video screen shows nothing yet"
    return screen.shown
