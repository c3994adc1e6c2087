"""Several TikTok accounts: separate logins, one poller for all, a switcher and an all-accounts view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sharetui.config import Config
from sharetui.store import Store
from sharetui.ui.app import ShareApp
from sharetui.ui.widgets.account_header import AccountHeader
from sharetui.ui.widgets.video_table import VideoTable
from tests.conftest import run_cli
from tests.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, FakeTikTok, FakeUser, make_videos


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok(videos=25) as server:
        server.add_user(FakeUser(open_id="open-id-work", display_name="Work Brand", username="workbrand",
                                 videos=make_videos(12, start=1_781_000_000, title="Work {i}")))
        for index, video in enumerate(server.users["open-id-work"].videos):
            video.id = str(7_500_000_000_000_000_000 + index)
        yield server


@pytest.fixture
def env(fake: FakeTikTok) -> dict[str, str]:
    run_cli("config", "set", "tiktok.api_base_url", fake.url)
    run_cli("config", "set", "tiktok.auth_base_url", fake.url)
    return {"SHARETUI_TIKTOK_CLIENT_KEY": CLIENT_KEY, "SHARETUI_TIKTOK_CLIENT_SECRET": CLIENT_SECRET}


def login(fake: FakeTikTok, env: dict[str, str], open_id: str, *account: str, ok: bool = True) -> str:
    fake.login_as = open_id
    process = subprocess.Popen([sys.executable, "-m", "sharetui", "auth", "login", "--no-browser", *account],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **env})
    assert process.stdout is not None
    httpx.get(process.stdout.readline().strip(), follow_redirects=True, timeout=10)
    out, err = process.communicate(timeout=30)
    assert (process.returncode == 0) == ok, err
    return out if ok else err


def test_two_logins_one_poller_exports_name_the_account(fake: FakeTikTok, env: dict[str, str],
                                                         data_dir: Path) -> None:
    # An existing single-account login keeps working as the default account...
    assert "Logged in as Fake Creator (@fakecreator)." in login(fake, env, fake.user.open_id)
    # ...and a second one joins it under a name.
    assert "(account 'work')" in login(fake, env, "open-id-work", "--account", "work")
    assert (data_dir / "credentials.json").exists() and (data_dir / "accounts" / "work.json").exists()
    twice = login(fake, env, "open-id-work", "--account", "again", ok=False)
    assert "already connected as 'work'" in twice and "Traceback" not in twice
    status = run_cli("auth", "status", env=env)
    assert status.returncode == 0 and "login          default" in status.stdout and "@workbrand" in status.stdout
    poll = run_cli("poll", "--once", env=env)
    assert poll.returncode == 0, poll.stderr
    lines = poll.stdout.splitlines()
    assert any("Fake Creator" in line and "25 videos" in line for line in lines)
    assert any("Work Brand" in line and "12 videos" in line for line in lines)
    exported = json.loads(run_cli("export", "--format", "json", env=env).stdout)
    assert {row["account"] for row in exported} == {"fakecreator", "workbrand"} and len(exported) == 37
    assert fake.count("/v2/video/list/") == 3  # 25 videos in two short pages, 12 in one
    logout = run_cli("auth", "logout", "--account", "work", env=env)
    assert logout.returncode == 0 and not (data_dir / "accounts" / "work.json").exists()
    assert "@workbrand" not in run_cli("auth", "status", env=env).stdout


async def test_switcher_and_all_accounts_view(fake: FakeTikTok, tmp_path: Path) -> None:
    personal = fake.logged_in_source(tmp_path / "default.json")
    fake.login_as = "open-id-work"
    work = fake.logged_in_source(tmp_path / "work.json")
    app = ShareApp(Config(), sources=[personal, work], store=Store(tmp_path / "c.sqlite3"))
    async with app.run_test(size=(150, 40), notifications=True) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        table = app.dashboard.query_one(VideoTable)
        assert len(table.order) == 25 and "account" not in table.visible_columns
        assert fake.count("/v2/video/list/") >= 3  # the monitor polled both accounts
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(table.order) == 12 and all(table.rows[k].title.startswith("Work") for k in table.order)
        assert "Work Brand" in app.dashboard.query_one(AccountHeader).plain_lines()[0]
        await pilot.press("a")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(table.order) == 37 and "account" in table.visible_columns
        assert "All accounts (2)" in app.dashboard.query_one(AccountHeader).plain_lines()[0]
        assert "Account" in table.render_line(0).text
        await pilot.press("enter")  # a video of either account opens with its own account's usual
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.press(*"switch to account: fake")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.session.view == 0 and len(table.order) == 25
