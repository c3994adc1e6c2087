"""End to end through the real CLI against the fake TikTok on loopback."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import run_cli, run_cli_on_bad_disk
from tests.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, FakeTikTok


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok(videos=45) as server:
        yield server


@pytest.fixture
def tiktok_env(fake: FakeTikTok) -> dict[str, str]:
    run_cli("config", "set", "tiktok.api_base_url", fake.url)
    run_cli("config", "set", "tiktok.auth_base_url", fake.url)
    return {"SHARETUI_TIKTOK_CLIENT_KEY": CLIENT_KEY, "SHARETUI_TIKTOK_CLIENT_SECRET": CLIENT_SECRET}


def start_login(env: dict[str, str], *extra: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sharetui", "auth", "login", "--no-browser", "--timeout", "30", *extra],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **env},
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    return process, url


def assert_no_secrets(fake: FakeTikTok, *texts: str) -> None:
    for text in texts:
        assert CLIENT_SECRET not in text
        for token in fake.access_tokens + fake.refresh_tokens:
            assert token not in text


def test_login_through_the_loopback_listener_then_poll_status_logout(
        fake: FakeTikTok, tiktok_env: dict[str, str], data_dir: Path) -> None:
    process, url = start_login(tiktok_env)
    assert url.startswith(f"{fake.url}/v2/auth/authorize/?")
    assert "code_challenge_method=S256" in url and "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in url
    assert "scope=user.info.basic%2Cuser.info.profile%2Cuser.info.stats%2Cvideo.list" in url
    # The "browser": follow TikTok's redirect to the loopback listener.
    page = httpx.get(url, follow_redirects=True, timeout=10)
    assert page.status_code == 200 and "close this tab" in page.text
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Logged in as Fake Creator (@fakecreator)" in out
    # What comes next, in one screenful: history starts now, what is estimated until then, how to backfill.
    assert "History starts now" in out and "estimated from your catalogue" in out and "Download data" in out
    assert len(out.splitlines()) <= 24

    credentials = data_dir / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert json.loads(credentials.read_text())["open_id"] == fake.user.open_id

    status = run_cli("auth", "status", env=tiktok_env)
    assert status.returncode == 0
    assert "Fake Creator" in status.stdout and "@fakecreator" in status.stdout
    assert "video.list" in status.stdout and "expires" in status.stdout

    poll = run_cli("poll", "--once", env=tiktok_env)
    assert poll.returncode == 0, poll.stderr
    assert "45 videos" in poll.stdout and "Fake Creator" in poll.stdout
    exported = json.loads(run_cli("export", "--format", "json", env=tiktok_env).stdout)
    assert len(exported) == 45

    logout = run_cli("auth", "logout", env=tiktok_env)
    assert logout.returncode == 0 and "revoked" in logout.stdout
    assert not credentials.exists()
    assert fake.count("/v2/oauth/revoke/") == 1
    assert run_cli("auth", "status", env=tiktok_env).returncode == 1
    assert_no_secrets(fake, out, err, status.stdout, status.stderr, poll.stdout, poll.stderr, logout.stdout,
                      logout.stderr, json.dumps(exported))


def test_login_by_pasting_the_redirected_url(fake: FakeTikTok, tiktok_env: dict[str, str]) -> None:
    process, url = start_login(tiktok_env)
    redirect = httpx.get(url, follow_redirects=False, timeout=10)
    assert redirect.status_code == 302
    out, err = process.communicate(redirect.headers["location"] + "\n", timeout=30)
    assert process.returncode == 0, err
    assert "Logged in as Fake Creator" in out


def test_pasted_answer_from_another_login_is_refused(fake: FakeTikTok, tiktok_env: dict[str, str]) -> None:
    process, url = start_login(tiktok_env)
    location = httpx.get(url, follow_redirects=False, timeout=10).headers["location"]
    forged = location.split("&state=")[0] + "&state=someone-elses-state"
    out, err = process.communicate(forged + "\n", timeout=30)
    assert process.returncode == 1
    assert "state mismatch" in err and "Traceback" not in err


def test_denied_login_reports_tiktoks_error(fake: FakeTikTok, tiktok_env: dict[str, str]) -> None:
    fake.deny = True
    process, url = start_login(tiktok_env)
    httpx.get(url, follow_redirects=True, timeout=10)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "access_denied" in err and "denied" in err


def test_wrong_client_secret_is_reported_without_echoing_it(fake: FakeTikTok, tiktok_env: dict[str, str]) -> None:
    env = {**tiktok_env, "SHARETUI_TIKTOK_CLIENT_SECRET": "wrong-secret-value"}
    process, url = start_login(env)
    httpx.get(url, follow_redirects=True, timeout=10)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "invalid_client" in err and "wrong-secret-value" not in out + err


def test_login_without_an_app_configured_explains(tiktok_env: dict[str, str]) -> None:
    result = run_cli("auth", "login", "--no-browser")
    assert result.returncode == 1
    assert "tiktok.client_key" in result.stderr and "Traceback" not in result.stderr


def test_poll_when_not_logged_in_asks_for_login(tiktok_env: dict[str, str]) -> None:
    run_cli("config", "set", "source", "tiktok")
    result = run_cli("poll", "--once", env=tiktok_env)
    assert result.returncode == 1
    assert "sharetui auth login" in result.stderr and "Traceback" not in result.stderr


def test_auto_source_uses_tiktok_once_logged_in(fake: FakeTikTok, tiktok_env: dict[str, str]) -> None:
    before = run_cli("poll", "--once", env=tiktok_env)
    assert "DEMO" in before.stdout
    process, url = start_login(tiktok_env)
    httpx.get(url, follow_redirects=True, timeout=10)
    process.communicate(timeout=30)
    after = run_cli("poll", "--once", env=tiktok_env)
    assert "Fake Creator" in after.stdout and "DEMO" not in after.stdout


def test_status_check_asks_tiktok_and_sees_a_revoked_login(fake: FakeTikTok, tiktok_env: dict[str, str],
                                                           data_dir: Path) -> None:
    fake.save_login(data_dir / "credentials.json")
    fine = run_cli("auth", "status", "--check", env=tiktok_env)
    assert fine.returncode == 0 and "works (checked just now)" in fine.stdout
    fake.revoke_everything()  # the user removed the app in TikTok's settings
    assert run_cli("auth", "status", env=tiktok_env).returncode == 0  # locally, nothing shows it…
    revoked = run_cli("auth", "status", "--check", env=tiktok_env)
    assert revoked.returncode == 1 and "FAILED: TikTok no longer accepts this login" in revoked.stdout
    assert "Traceback" not in revoked.stderr
    assert_no_secrets(fake, fine.stdout, revoked.stdout, revoked.stderr)


@pytest.mark.parametrize("expiry", [1e30, -5, float("nan"), "soon"])
def test_a_credentials_file_with_an_absurd_expiry_is_damaged_not_a_crash(
        tiktok_env: dict[str, str], data_dir: Path, expiry: object) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "credentials.json").write_text(json.dumps({
        "open_id": "o", "scope": "video.list", "access_token": "a", "access_expires_at": expiry,
        "refresh_token": "r", "refresh_expires_at": 2_000_000_000}))
    for args in (["auth", "status"], ["poll", "--once"]):
        result = run_cli(*args, env=tiktok_env)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "credentials file is damaged; run `sharetui auth login` again" in result.stdout + result.stderr


def test_logout_on_a_read_only_data_directory_says_what_was_done(fake: FakeTikTok, tiktok_env: dict[str, str],
                                                                  data_dir: Path) -> None:
    fake.save_login(data_dir / "credentials.json")
    result = run_cli_on_bad_disk("read-only", data_dir, "auth", "logout", env=tiktok_env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "the login was revoked at TikTok, but" in result.stderr and "delete the file by hand" in result.stderr
    assert fake.count("/v2/oauth/revoke/") == 1
