"""The monitor's policy without Textual: a real cache file, real writer lock files, the demo and an imported
account (the session never needs the app to decide)."""

from __future__ import annotations

import json
from pathlib import Path

from sharetui.config import Config
from sharetui.monitor.service import MonitorService, Role
from sharetui.monitor.session import INTERVAL_STEPS, MonitorSession, Step
from sharetui.sources import Source
from sharetui.sources.demo import DemoSource
from sharetui.sources.imported import ImportedSource
from sharetui.store import Store
from sharetui.system.writer_lock import WriterLock
from sharetui.ui.app import ShareApp
from tests.conftest import FakeClock


def _session(store: Store, clock: FakeClock, lock: WriterLock, source: Source | None = None) -> MonitorSession:
    service = MonitorService(Config(), store=store, sources=[source or DemoSource(seed=7, videos=10, history_days=1)],
                             clock=clock, lock=lock)
    return MonitorSession(service, interval=60, clock=clock, monotonic=clock)


def test_the_writer_polls_and_a_second_monitor_follows_it(store: Store, clock: FakeClock, tmp_path: Path) -> None:
    writer = _session(store, clock, WriterLock(tmp_path / "w.lock"))
    assert writer.take_role() is Role.WRITER and writer.fed_by is None
    assert writer.poll_request() is Step.POLL and writer.state == "POLLING"
    assert writer.poll_request() is Step.NOTHING  # one poll at a time
    assert writer.poll_finished(clock.now, None, False) == [] and writer.state == "LIVE"

    reader = _session(store, clock, WriterLock(tmp_path / "w.lock"))
    assert reader.take_role() is Role.READER
    assert reader.poll_request() is Step.RELOAD  # the other process sets the pace
    note, changed = reader.step_interval(1)
    assert not changed and "change the interval there" in note.text and reader.interval == 60
    assert "fed by poller" in reader.source_text()
    writer.service.close()
    step, takeover = reader.follow_tick()  # the writer went away: this one takes over
    assert step is Step.POLL and takeover is not None and "polls now" in takeover.text


def test_pause_interval_schedule_and_the_status_they_make(store: Store, clock: FakeClock, tmp_path: Path) -> None:
    session = _session(store, clock, WriterLock(tmp_path / "w.lock"))
    session.take_role()
    assert session.schedule() == 60 and session.next_in() == 60
    note, resume = session.toggle_pause()
    assert session.state == "PAUSED" and not resume and session.schedule() is None and session.next_in() is None
    note, resume = session.toggle_pause()
    assert resume and "polling every 1m" in note.text
    for _ in range(len(INTERVAL_STEPS)):
        note, changed = session.step_interval(-1)
    assert session.interval == INTERVAL_STEPS[0] and "(the shortest)" in note.text
    notes = session.poll_finished(None, "TikTok is down", False)
    assert session.state == "OFFLINE (cached)" and [n.severity for n in notes] == ["error"]
    assert session.poll_finished(None, "TikTok is down", False) == []  # said once, not every poll
    assert [n.text for n in session.poll_finished(clock.now, None, False)] == ["Back online."]
    clock.advance(3 * session.interval + 60)  # nobody polled since
    assert session.state == "STALE" and "no poll for" in (session.stale_reason() or "")


def test_imported_data_is_never_polled_paused_or_paced(store: Store, clock: FakeClock, tmp_path: Path) -> None:
    session = _session(store, clock, WriterLock(tmp_path / "w.lock"), ImportedSource())
    assert session.take_role() is Role.IMPORTED and session.state == "IMPORTED"
    assert session.poll_request() is Step.RELOAD
    assert "nothing to pause" in session.toggle_pause()[0].text and not session.paused
    note, changed = session.step_interval(1)
    assert not changed and "no interval to change" in note.text and session.interval == 60
    poll_note = session.poll_key_note()
    assert poll_note is not None and "nothing to poll" in poll_note.text


async def test_a_theme_from_the_environment_is_never_kept(store: Store, clock: FakeClock, tmp_path: Path,
                                                          monkeypatch) -> None:  # noqa: ANN001
    """TEXTUAL_THEME is for this run (an SSH session that needs ANSI): the theme chosen before stays kept."""
    kept = store.path.with_name("view.json")
    kept.write_text(json.dumps({"theme": "nord", "theme_over": Config()["ui.theme"]}))
    monkeypatch.setenv("TEXTUAL_THEME", "ansi-dark")
    app = ShareApp(Config(), source=DemoSource(seed=7, videos=10, history_days=1), store=store, clock=clock,
                   poll_on_start=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("s")  # a change that is kept
        await pilot.pause()
        assert app.theme == "ansi-dark"
    saved = json.loads(kept.read_text())
    assert saved["theme"] == "nord" and saved["sort"] != "shares"


async def test_picking_the_current_theme_in_the_palette_keeps_it(store: Store, clock: FakeClock,
                                                                 monkeypatch) -> None:  # noqa: ANN001
    """The palette's Theme: a pick is kept, even the theme already on screen (a one-off TEXTUAL_THEME the user
    decides to keep), and it comes back without the variable."""
    from textual.command import CommandPalette

    kept = store.path.with_name("view.json")
    monkeypatch.setenv("TEXTUAL_THEME", "ansi-dark")
    app = ShareApp(Config(), source=DemoSource(seed=7, videos=10, history_days=1), store=store, clock=clock,
                   poll_on_start=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Theme")
        await pilot.pause(0.3)
        await pilot.press("enter")  # the Theme command: a palette of themes
        await pilot.pause(0.3)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"ansi-dark")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "ansi-dark"
    assert json.loads(kept.read_text())["theme"] == "ansi-dark"
    monkeypatch.delenv("TEXTUAL_THEME")
    again = ShareApp(Config(), source=DemoSource(seed=7, videos=10, history_days=1), store=store, clock=clock,
                     poll_on_start=False)
    assert again.theme == "ansi-dark"
