"""The monitor on the TikTok source, against the fake TikTok over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sharetui.config import Config
from sharetui.sources.tiktok import credentials as creds_store
from sharetui.sources.tiktok.source import TikTokSource
from sharetui.store import Store
from sharetui.ui.app import ShareApp
from sharetui.ui.widgets.account_header import AccountHeader
from sharetui.ui.widgets.video_table import VideoTable
from tests.conftest import settle
from tests.fake_tiktok import CLIENT_SECRET, FakeTikTok

HOSTILE = ["[bold]boom", "[", "[/]", "[@click=app.quit]x", "\x1b[2J\x1b]0;pwned\x07title", "[red]not red[/red]"]


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok(videos=25) as server:
        for video, title in zip(server.user.videos, HOSTILE, strict=False):
            video.title = title
        server.user.display_name = "[b]Real[/b] Creator"
        yield server


def tiktok_source(fake: FakeTikTok, path: Path) -> TikTokSource:
    return fake.logged_in_source(path, max_attempts=2)


async def test_monitor_shows_the_real_account_and_hostile_titles_literally(fake: FakeTikTok, tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    app = ShareApp(Config(), source=tiktok_source(fake, tmp_path / "cred.json"), store=store)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(app, pilot)
        table = app.dashboard.query_one(VideoTable)
        assert len(table.order) == 25
        assert app.session.state == "LIVE"
        name = app.dashboard.query_one(AccountHeader).plain_lines()[0]
        assert "[b]Real[/b] Creator @fakecreator" in name and "DEMO" not in name
        await pilot.press("s", "s", "s", "s")  # sort by title so every hostile one is on screen
        lines = [table.render_line(y).text for y in range(1, 26)]
        for title in ["[bold]boom", "[", "[/]", "[@click=app.quit]x", "[red]not red[/red]"]:
            assert any(line.strip().startswith(title) for line in lines), title
        assert not any("\x1b" in line or "\x07" in line for line in lines)
        assert any("\ufffd[2J\ufffd]0;pwned\ufffdtitle" in line for line in lines)
        for key in list(table.order)[:6]:
            table.move_to(key)
            await pilot.press("enter")
            await settle(app, pilot)
            await pilot.press("escape")
        assert app.is_running


async def test_revoked_login_shows_login_needed_and_keeps_data(fake: FakeTikTok, tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    cred_path = tmp_path / "cred.json"
    source = tiktok_source(fake, cred_path)
    app = ShareApp(Config(), source=source, store=store)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        assert len(app.dashboard.query_one(VideoTable).order) == 25
        credentials = creds_store.load(cred_path)
        source.client.revoke(credentials.access_token)  # type: ignore[union-attr]
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.session.state == "LOGIN NEEDED"
        assert app.session.next_poll_at is None  # no point retrying until the user logs in
        assert len(app.dashboard.query_one(VideoTable).order) == 25
        assert any("sharetui auth login" in m.text for m in app.messages)
        assert cred_path.exists()


async def test_server_errors_show_offline_with_log_id(fake: FakeTikTok, tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    app = ShareApp(Config(), source=tiktok_source(fake, tmp_path / "cred.json"), store=store)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        fake.faults.extend(["500"] * 4)
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert app.session.state == "OFFLINE (cached)"
        assert app.session.last_error is not None and "log_id 2026LOG" in app.session.last_error
        assert len(app.dashboard.query_one(VideoTable).order) == 25


async def test_no_secret_reaches_the_screen(fake: FakeTikTok, tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    cred_path = tmp_path / "cred.json"
    source = tiktok_source(fake, cred_path)
    app = ShareApp(Config(), source=source, store=store)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(app, pilot)
        fake.expire_access_tokens()  # a refresh happens on screen
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        fake.faults.extend(["500"] * 3)  # and an error
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        screens = [app.export_screenshot()]
        await pilot.press("enter")
        await settle(app, pilot)
        screens.append(app.export_screenshot())
    secrets = [CLIENT_SECRET, *fake.access_tokens, *fake.refresh_tokens]
    assert len(secrets) >= 5
    for svg in screens:
        for secret in secrets:
            assert secret not in svg
    assert repr(creds_store.load(cred_path)).count("act.") == 0  # tokens are hidden from repr too
