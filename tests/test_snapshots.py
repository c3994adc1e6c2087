"""Snapshot tests of the main screens (pytest-textual-snapshot): the demo with a fixed seed and clock, so any
change to what a person sees shows up as a diff. After an intended UI change:
`pytest tests/test_snapshots.py --snapshot-update`, then look at the report and the new SVGs."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharetui.config import Config
from sharetui.sources.demo import DemoSource
from sharetui.store import Store
from sharetui.ui.app import ShareApp

NOW = 1_790_000_000 + 5 * 3600  # a few hours into the demo's viral spike


pytestmark = pytest.mark.usefixtures("utc")  # local times on screen in UTC, whatever the machine's zone


def demo_app(tmp_path: Path) -> ShareApp:
    store = Store(tmp_path / "cache.sqlite3")
    store.set_meta("demo.anchor", str(NOW - 5 * 3600))
    store.set_meta("demo.signature", "7:40")
    return ShareApp(Config(), source=DemoSource(seed=7, videos=40, history_days=60), store=store,
                    clock=lambda: float(NOW))


async def settle(pilot) -> None:  # noqa: ANN001
    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    app.session.next_poll_at = None  # no live countdown in a still image
    app.refresh_status()


def test_dashboard(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 36), run_before=settle)


def test_dashboard_at_80_columns(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=settle)


async def open_top_gainer(pilot) -> None:  # noqa: ANN001
    """The video that gained most in the last hour, on its own screen."""
    await settle(pilot)
    await pilot.press("s", "s", "home", "enter")
    await settle(pilot)


def test_video_screen(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 36), run_before=open_top_gainer)


def test_video_screen_with_charts(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 48), run_before=open_top_gainer)


def pressing(*keys: str):  # noqa: ANN201 - a run_before for snap_compare
    """Settle, press `keys`, settle again: the screen those keys lead to, once its data is in."""
    async def run_before(pilot) -> None:  # noqa: ANN001
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)

    return run_before


def test_help(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 36), run_before=pressing("question_mark"))


def test_compare(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 36), run_before=pressing("home", "m", "m", "m", "c"))


def test_alerts_list(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 36), run_before=pressing("A"))


def test_column_picker(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 36), run_before=pressing("C"))


def test_help_at_40_columns(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    assert snap_compare(demo_app(tmp_path), terminal_size=(40, 30), run_before=pressing("question_mark"))


def test_dashboard_at_200_columns(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    """Wide: the sparklines show 3 days, a bar per cell, on the scale the heading names."""
    assert snap_compare(demo_app(tmp_path), terminal_size=(200, 40), run_before=settle)


def test_dashboard_without_colour(snap_compare, tmp_path: Path,  # noqa: ANN001
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """NO_COLOR: marks, arrows and the gone row still read (glyphs and dim). (ansi-dark is checked in
    tests/test_glance.py: its colours are the terminal's own, which an SVG cannot show.)"""
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(demo_app(tmp_path), terminal_size=(80, 24), run_before=settle)


def test_alerts_list_after_triage(snap_compare, tmp_path: Path) -> None:  # noqa: ANN001
    """One alert acknowledged, one video muted, then one rule shown."""
    assert snap_compare(demo_app(tmp_path), terminal_size=(120, 36), run_before=pressing("A", "x", "M"))
