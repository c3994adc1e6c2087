from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sharetui.store import Store

T0 = 1_790_000_000  # a fixed "now" for deterministic tests (2026-09-21 UTC)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = float(now)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


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
    """The real CLI in a subprocess, with this test's isolated directories."""
    return subprocess.run(
        [sys.executable, "-m", "sharetui", *args], capture_output=True, text=True, input=input,
        env={**os.environ, **(env or {})}, timeout=timeout,
    )


async def settle(app, pilot) -> None:  # noqa: ANN001
    """Let the app's workers finish and the screen catch up (a few rounds: one load can start another)."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
