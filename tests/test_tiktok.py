from __future__ import annotations

import io
import math
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sharetui.domain.models import COUNT_MAX, UNKNOWN, Account
from sharetui.monitor.poller import Poller
from sharetui.sources import SourceError
from sharetui.sources.tiktok import credentials as creds_store
from sharetui.sources.tiktok.auth import AuthError, code_challenge, make_verifier, parse_callback
from sharetui.sources.tiktok.client import RateLimiter, TikTokClient, TikTokError
from sharetui.sources.tiktok.source import TikTokSource, parse_video
from sharetui.store import Store
from tests.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, FakeTikTok


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok(videos=45) as server:
        yield server


def make_client(fake: FakeTikTok, **kwargs: object) -> TikTokClient:
    options: dict = {"backoff": 0.01, "timeout": 2.0}
    options.update(kwargs)
    return TikTokClient(api_base_url=fake.url, client_key=CLIENT_KEY, client_secret=CLIENT_SECRET, **options)


def login(fake: FakeTikTok, tmp_path: Path, scopes: list[str] | None = None, **client_kwargs: Any
          ) -> tuple[TikTokSource, Path]:
    path = tmp_path / "credentials.json"
    return fake.logged_in_source(path, scopes, **client_kwargs), path


def test_pkce_challenge_is_lower_hex_sha256() -> None:
    verifier = make_verifier()
    assert 43 <= len(verifier) <= 128
    assert set(verifier) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    challenge = code_challenge("abc")
    assert challenge == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert make_verifier() != verifier


def test_parse_callback_checks_state() -> None:
    ok = parse_callback("http://127.0.0.1:5000/callback/?code=C1&scopes=video.list&state=S", "S")
    assert (ok.code, ok.scopes) == ("C1", "video.list")
    assert parse_callback("  C2-bare-code \n", "S").code == "C2-bare-code"
    with pytest.raises(AuthError, match="state mismatch"):
        parse_callback("http://127.0.0.1:5000/callback/?code=C1&state=OTHER", "S")
    with pytest.raises(AuthError, match="access_denied"):
        parse_callback("/callback/?error=access_denied&error_description=no&state=S", "S")


def test_full_sweep_pages_short_pages_until_has_more_false(fake: FakeTikTok, tmp_path: Path) -> None:
    source, _ = login(fake, tmp_path)
    sweep = source.fetch(int(time.time()))
    assert sweep.complete and len(sweep.videos) == 45
    assert len({v.id for v in sweep.videos}) == 45
    pages = fake.count("/v2/video/list/")
    # Short pages of 13 while more than a page remains (13 + 13), then the last 19: three calls.
    assert pages == 3
    assert fake.count("/v2/user/info/") == 1
    assert sweep.account.display_name == "Fake Creator" and sweep.account.followers == 5000


def test_only_granted_fields_are_requested(fake: FakeTikTok, tmp_path: Path) -> None:
    source, _ = login(fake, tmp_path, scopes=["user.info.basic", "video.list"])
    sweep = source.fetch(int(time.time()))  # the fake answers scope_permission_missed otherwise
    assert sweep.account.followers is None and sweep.account.display_name == "Fake Creator"


def test_missing_video_scope_asks_for_login(fake: FakeTikTok, tmp_path: Path) -> None:
    source, _ = login(fake, tmp_path, scopes=["user.info.basic"])
    with pytest.raises(SourceError, match="video.list") as caught:
        source.fetch(int(time.time()))
    assert caught.value.needs_login


def test_expired_access_token_is_refreshed_once_and_rotation_is_stored(fake: FakeTikTok, tmp_path: Path) -> None:
    source, path = login(fake, tmp_path)
    before = creds_store.load(path)
    assert before is not None
    fake.expire_access_tokens()
    sweep = source.fetch(int(time.time()))
    assert len(sweep.videos) == 45
    after = creds_store.load(path)
    assert after is not None and after.refresh_token != before.refresh_token
    assert fake.count("/v2/oauth/token/") == 1
    # The old refresh token no longer works: reusing it is refused.
    client = make_client(fake)
    with pytest.raises(TikTokError) as caught:
        client.refresh(before.refresh_token)
    assert caught.value.code == "invalid_grant" and caught.value.needs_login


def test_refresh_ahead_of_expiry(fake: FakeTikTok, tmp_path: Path) -> None:
    fake.access_ttl = 60  # inside the refresh margin
    source, path = login(fake, tmp_path)
    first = creds_store.load(path)
    source.fetch(int(time.time()))
    assert fake.count("/v2/oauth/token/") == 1
    assert creds_store.load(path).access_token != first.access_token  # type: ignore[union-attr]


def test_revoked_refresh_token_means_login_again(fake: FakeTikTok, tmp_path: Path) -> None:
    source, path = login(fake, tmp_path)
    credentials = creds_store.load(path)
    make_client(fake).revoke(credentials.access_token)  # type: ignore[union-attr]
    with pytest.raises(SourceError, match="sharetui auth login") as caught:
        source.fetch(int(time.time()))
    assert caught.value.needs_login
    assert path.exists()  # nothing lost: the user can still see what was stored


@pytest.mark.parametrize("fault", ["429", "500", "garbage", "html", "reset"])
def test_transient_faults_are_retried(fake: FakeTikTok, tmp_path: Path, fault: str) -> None:
    source, _ = login(fake, tmp_path)
    fake.faults.extend([fault, fault])
    sweep = source.fetch(int(time.time()))
    assert sweep.complete and len(sweep.videos) == 45


def test_timeouts_are_retried(fake: FakeTikTok, tmp_path: Path) -> None:
    fake.slow_seconds = 1.5
    source, _ = login(fake, tmp_path, timeout=0.5)
    fake.faults.append("slow")
    sweep = source.fetch(int(time.time()))
    assert len(sweep.videos) == 45


def test_persistent_failure_is_one_line_with_log_id(fake: FakeTikTok, tmp_path: Path) -> None:
    source, _ = login(fake, tmp_path, max_attempts=3)
    fake.faults.extend(["500"] * 3)
    with pytest.raises(SourceError) as caught:
        source.fetch(int(time.time()))
    message = str(caught.value)
    assert "internal_error" in message or "Something went wrong" in message
    assert "log_id 2026LOG" in message and "\n" not in message


def test_sweep_failing_part_way_keeps_pages(fake: FakeTikTok, tmp_path: Path) -> None:
    source, _ = login(fake, tmp_path, max_attempts=2)
    store = Store(tmp_path / "c.sqlite3")
    poller = Poller(store, source)
    poller.sweep()
    fake.user.videos.pop()  # one video goes private...
    fake.fault_paths = {"/v2/video/list/"}
    # ...but the next sweep dies on its third page: nothing must be marked gone.
    original = source.client.video_list
    calls = {"n": 0}

    def flaky(*args: Any, **kwargs: Any):  # noqa: ANN202
        calls["n"] += 1
        if calls["n"] == 3:
            fake.faults.extend(["500", "500"])
        return original(*args, **kwargs)

    source.client.video_list = flaky  # type: ignore[method-assign]
    with pytest.raises(SourceError, match="kept 26 videos"):
        poller.sweep()
    rows = store.dashboard(source.account().key, int(time.time()))
    assert len(rows) == 45 and not any(r.gone for r in rows)


def test_rate_limiter_waits_when_the_window_is_full() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(limit=3, window=60, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.acquire("/v2/video/list/")
    limiter.acquire("/v2/user/info/")  # another endpoint has its own window
    assert slept == []
    now[0] = 10
    limiter.acquire("/v2/video/list/")
    assert slept == [50]


def test_parse_video_tolerates_odd_shapes() -> None:
    assert parse_video({"title": "no id"}) is None
    video = parse_video({"id": 123, "create_time": "soon", "share_count": "12", "view_count": 2**70,
                         "video_description": "first line\nsecond"})
    assert video is not None
    # A string count is unknown (the previous value is kept), never 0; an absurd one is saturated.
    assert (video.id, video.posted_at, video.shares, video.views, video.title) == (
        "123", 0, UNKNOWN, COUNT_MAX, "first line")


def test_hostile_values_are_data_and_the_rest_of_the_sweep_is_kept(store: Store) -> None:
    """Half an emoji, a NUL, milliseconds for seconds, 2**63-1 shares on two videos, null and negative
    counts, the same video twice under two spellings: one sweep stores all of it, and nothing is 0."""
    from sharetui.export import write

    items = [
        {"id": "007300000000000000001", "title": "half \ud83d emoji\x00", "create_time": 1_789_000_000_000,
         "share_count": 2**63 - 1, "view_count": 10**30, "like_count": 1, "comment_count": 1},
        {"id": 7300000000000000002, "title": "fine", "create_time": 1_789_000_000, "share_count": 2**63 - 1,
         "view_count": 5, "like_count": 1, "comment_count": 1},
        {"id": "7300000000000000003", "title": "first", "create_time": 1_789_000_000, "share_count": 5,
         "view_count": 50, "like_count": 1, "comment_count": 1},
        {"id": " 7300000000000000003 ", "title": "fresher copy", "create_time": 1_789_000_000,
         "share_count": 7, "view_count": 60, "like_count": 1, "comment_count": 1},
    ]
    account = Account("tiktok:x", "tiktok", "X")
    videos = [v for v in map(parse_video, items) if v is not None]
    store.record_sweep(account, 1_790_000_000, videos)
    rows = {r.id: r for r in store.dashboard(account.key, 1_790_000_000)}
    assert set(rows) == {"7300000000000000001", "7300000000000000002", "7300000000000000003"}
    assert rows["7300000000000000001"].title == "half \ufffd emoji\ufffd"
    assert rows["7300000000000000001"].posted_at == 1_789_000_000  # milliseconds recognised
    assert rows["7300000000000000003"].shares == 7 and rows["7300000000000000003"].title == "fresher copy"
    # Unknown counts later keep the known ones.
    nulls = [dict(items[2], share_count=None, view_count=-4, like_count="many")]
    store.record_sweep(account, 1_790_000_060, [v for v in map(parse_video, nulls) if v is not None], complete=False)
    again = {r.id: r for r in store.dashboard(account.key, 1_790_000_060)}["7300000000000000003"]
    assert (again.shares, again.views, again.likes) == (7, 60, 1)
    out = io.StringIO()
    assert write(out, store.latest([account.key]), history=False, fmt="csv") == 3


def test_video_query_limits_and_ownership(fake: FakeTikTok, tmp_path: Path) -> None:
    source, path = login(fake, tmp_path)
    token = creds_store.load(path).access_token  # type: ignore[union-attr]
    client = source.client
    owned = [v.id for v in fake.user.videos[:3]]
    found = client.video_query(token, ["id", "share_count"], [*owned, "7999999999999999999"])
    assert sorted(v["id"] for v in found) == sorted(owned)  # the foreign id is dropped
    with pytest.raises(ValueError, match="1..20"):
        client.video_query(token, ["id"], [str(i) for i in range(21)])
    assert fake.count("/v2/video/query/") == 1  # the over-long call never left the client


def test_adaptive_sweep_reads_young_videos_every_time_and_the_rest_on_full_sweeps(
        fake: FakeTikTok, tmp_path: Path) -> None:
    from tests.fake_tiktok import make_videos

    now = int(time.time())
    fake.user.videos = make_videos(300, start=now - 3600, title="v{i}")
    for index, item in enumerate(fake.user.videos):
        item.create_time = now - 3600 - index * 12 * 3600  # one every 12 h: 14 younger than 7 days
    fake.short_pages = False
    source, _ = login(fake, tmp_path)
    store = Store(tmp_path / "c.sqlite3")
    poller = Poller(store, source, full_sweep_every=5)
    young, old = fake.user.videos[2], fake.user.videos[250]
    per_sweep = []
    seen_young, seen_old = [], []
    for _ in range(10):
        young.share_count += 1
        old.share_count += 1
        before = len(fake.requests)
        poller.sweep()
        per_sweep.append(len(fake.requests) - before)
        rows = {r.id: r for r in store.dashboard(source.account().key, now)}
        seen_young.append(rows[young.id].shares)
        seen_old.append(rows[old.id].shares)
        assert not any(r.gone for r in rows.values())
    full = math.ceil(300 / 20) + 1  # every page, plus user/info
    assert per_sweep == [full, 2, 2, 2, 2, full, 2, 2, 2, 2]
    assert full <= math.ceil(300 / 20) + 2
    assert seen_young == [young.share_count - 9 + i for i in range(10)]  # fresh on every sweep
    assert seen_old == [old.share_count - 9] * 5 + [old.share_count - 4] * 5  # only on full sweeps


def test_loopback_listener_binds_localhost_answers_once_and_times_out() -> None:
    import httpx

    from sharetui.sources.tiktok.auth import LoopbackListener

    listener = LoopbackListener(timeout=5).start()
    assert listener.redirect_uri.startswith("http://127.0.0.1:") and listener.redirect_uri.endswith("/callback/")
    assert listener.host == "127.0.0.1"
    assert httpx.get(listener.redirect_uri.replace("/callback/", "/other"), timeout=5).status_code == 404
    first = httpx.get(listener.redirect_uri + "?code=abc&state=s", timeout=5)
    assert first.status_code == 200 and listener.result == "/callback/?code=abc&state=s"
    assert listener.wait(timeout=5)  # answered once: it stops listening
    with pytest.raises(httpx.TransportError):
        httpx.get(listener.redirect_uri + "?code=second&state=s", timeout=2)
    assert listener.result == "/callback/?code=abc&state=s"

    quiet = LoopbackListener(timeout=0.5).start()
    assert quiet.wait(timeout=5)  # nobody answered within its timeout
    assert quiet.done.is_set() and quiet.result is None
    with pytest.raises(httpx.TransportError):
        httpx.get(quiet.redirect_uri, timeout=2)


def test_answers_that_fall_short_are_incomplete_and_bounded(fake: FakeTikTok, tmp_path: Path, store: Store) -> None:
    """An empty list while the profile says 45 videos marks nothing gone; a server stuck on empty pages with
    has_more true is left after a few requests, not hundreds."""
    source, _ = login(fake, tmp_path)
    poller = Poller(store, source, clock=time.time)
    assert poller.sweep().videos == 45
    fake.list_mode = "truncated"
    result = poller.sweep()
    assert result.gone == 0 and store.alerts() == []
    assert not any(r.gone for r in store.dashboard(source.account().key, int(time.time())))
    fake.list_mode = "stuck"
    before = len(fake.requests)
    with pytest.raises(SourceError, match="empty pages"):
        poller.sweep()
    assert len(fake.requests) - before <= 6  # user info + three empty pages (+ a token refresh at most)
    assert not any(r.gone for r in store.dashboard(source.account().key, int(time.time())))


@pytest.mark.parametrize("fault", ["same", "later", "null"])
def test_an_unfinished_list_marks_nothing_gone(fault: str, tmp_path: Path, store: Store) -> None:
    """has_more true with a cursor that does not move on (the same, a later one, or none) is an unfinished
    list: the sweep is incomplete and says so, and none of the videos it did not reach is gone or alerted."""
    from sharetui.config import Config
    from sharetui.domain import alerts as alert_rules
    from tests.fake_tiktok import make_videos

    with FakeTikTok(videos=0) as fake:
        fake.user.videos = make_videos(110)
        # Without the stats scope there is no profile count to compare with: only the cursor can tell.
        fake.grant_scopes = ["user.info.basic", "user.info.profile", "video.list"]
        source, _ = login(fake, tmp_path)
        poller = Poller(store, source, clock=time.time, rules=alert_rules.Rules.from_config(Config()))
        assert poller.sweep().videos == 110
        fake.cursor_fault, fake.cursor_fault_after = fault, 60
        with pytest.raises(SourceError, match="no cursor that moves on"):
            poller.sweep()
        rows = store.dashboard(source.account().key, int(time.time()))
        assert len(rows) == 110 and not any(r.gone for r in rows)
        assert [a for a in store.alerts() if a.rule == "gone"] == []
        fake.cursor_fault = None
        assert poller.sweep().gone == 0


def test_a_whole_sweep_has_a_deadline(fake: FakeTikTok, tmp_path: Path, store: Store,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that trickles every answer (a byte every 0.2 s) cannot hold a sweep past its deadline, however
    many retries each request still has: the sweep ends in one line and stores nothing half-read."""
    from sharetui.sources.tiktok import source as tiktok_source

    source, _ = login(fake, tmp_path, timeout=1.0, backoff=0.1)
    poller = Poller(store, source, clock=time.time)
    assert poller.sweep().videos == 45
    monkeypatch.setattr(tiktok_source, "SWEEP_TIME", 1.5)
    monkeypatch.setattr(tiktok_source, "PAGE_TIME", 0.0)
    fake.trickle = 0.2
    started = time.monotonic()
    with pytest.raises(SourceError, match="TikTok"):
        poller.sweep()
    assert time.monotonic() - started < 1.5 + 2 * 1.0 + 1  # the deadline, and at most the request in flight
    assert len(store.dashboard(source.account().key, int(time.time()))) == 45


@pytest.mark.integration
def test_a_rotated_refresh_token_survives_a_full_disk(fake: FakeTikTok, tmp_path: Path, store: Store) -> None:
    """TikTok rotates the refresh token on every refresh; when saving it fails (disk full), the new token
    is kept in memory, every sweep still works and says so in one line, and it is saved once space is back."""
    import errno

    fake.access_ttl = 1  # every sweep refreshes
    path = tmp_path / "credentials.json"
    full = [True]

    def save(credentials: creds_store.Credentials) -> None:
        if full[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        creds_store.save(credentials, path)

    source = fake.logged_in_source(path, save=save)
    poller = Poller(store, source, clock=time.time)
    for _ in range(3):
        with pytest.raises(SourceError, match="kept in memory") as caught:
            poller.sweep()
        assert "\n" not in str(caught.value) and "Traceback" not in str(caught.value)
        time.sleep(1.1)
    assert store.last_sweep(source.account().key) is not None  # the counts were stored all the same
    full[0] = False
    poller.sweep()  # no error: the login is on disk again
    saved = creds_store.load(path)
    assert saved is not None and fake.usable_refresh_tokens == [saved.refresh_token]  # the one TikTok accepts now


def test_the_listener_refuses_a_foreign_answer_and_keeps_waiting_for_the_real_one() -> None:
    import httpx as http

    from sharetui.sources.tiktok.auth import LoopbackListener

    listener = LoopbackListener(timeout=10, state="the-real-state").start()
    try:
        forged = http.get(f"{listener.redirect_uri}?code=evil&state=forged", timeout=5)
        assert forged.status_code == 400 and "not the answer" in forged.text
        assert not listener.done.is_set() and listener.result is None
        real = http.get(f"{listener.redirect_uri}?code=good&state=the-real-state", timeout=5)
        assert real.status_code == 200
        assert listener.done.wait(5) and "code=good" in (listener.result or "")
    finally:
        listener.close()


@pytest.mark.parametrize("shift_days", [-30, 2])
def test_a_clock_far_off_tiktoks_writes_nothing_and_rolls_nothing_up(fake: FakeTikTok, tmp_path: Path, store: Store,
                                                                      shift_days: int) -> None:
    """TikTok's Date header is the second opinion: a machine clock 30 days ahead (or 2 days behind) of it is
    refused in one line before anything is written or rolled up; back in step, polling goes on."""
    source, _ = login(fake, tmp_path)
    poller = Poller(store, source, clock=time.time, retention=(7, 90))
    poller.sweep()
    snapshots = sqlite3.connect(store.path).execute("SELECT COUNT(*), MAX(at) FROM snapshots").fetchone()
    sweeps = store.last_sweep(source.account().key)
    fake.date_shift = -shift_days * 86_400  # shift_days > 0: TikTok's clock is behind, ours ahead
    side = "ahead of" if shift_days > 0 else "behind"
    with pytest.raises(SourceError, match=f"clock is {abs(shift_days)}d {side} TikTok's; nothing was written"):
        poller.sweep()
    assert sqlite3.connect(store.path).execute("SELECT COUNT(*), MAX(at) FROM snapshots").fetchone() == snapshots
    assert store.last_sweep(source.account().key) == sweeps
    fake.date_shift = 0
    time.sleep(1.05)
    poller.sweep()
    assert store.last_sweep(source.account().key) > sweeps  # type: ignore[operator]


@pytest.mark.integration
def test_a_login_renewed_on_a_full_disk_is_still_there_after_the_process_ends(fake: FakeTikTok, data_dir: Path) -> None:
    """On a real filesystem that fills up while TikTok answers the refresh: `poll --once` gets the rotated
    refresh token, cannot write a new file for it, and exits; once space is freed the next poll still logs
    in, because the token was written into the blocks kept for it, not lost with the process."""
    import os
    import shlex
    import shutil
    import subprocess
    import sys

    from tests.conftest import run_cli

    if shutil.which("unshare") is None or subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode:
        pytest.skip("needs user and mount namespaces (unshare -rm) to build a full disk")
    run_cli("config", "set", "tiktok.api_base_url", fake.url)
    fake.access_ttl = 1  # every poll refreshes
    fake.save_login(creds_store.path_for())
    env = {**os.environ, "SHARETUI_TIKTOK_CLIENT_KEY": CLIENT_KEY, "SHARETUI_TIKTOK_CLIENT_SECRET": CLIENT_SECRET}
    time.sleep(1.1)
    assert run_cli("poll", "--once", env=env).returncode == 0
    seed = data_dir.with_name("seed")
    shutil.copytree(data_dir, seed)
    fake.slow_seconds = 3.0
    fake.fault_paths = {"/v2/oauth/token/"}
    fake.faults.append("slow")  # the next refresh answers after 3 s: the disk fills meanwhile
    q = shlex.quote
    folder = q(str(data_dir))
    poll = " ".join(q(part) for part in [sys.executable, "-m", "sharetui", "poll", "--once"])
    script = (f"mount -t tmpfs -o size=4m tmpfs {folder} && cp -a {q(str(seed))}/. {folder}/ && sleep 1.2; "
              f"{poll} & sleep 1.5; dd if=/dev/zero of={folder}/.filler bs=4k >/dev/null 2>&1; wait $!; "
              f"echo full-exit=$? >&2; rm {folder}/.filler; sleep 1.2; {poll}; echo freed-exit=$? >&2")
    before = fake.count("/v2/oauth/token/")
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=env,
                            timeout=120)
    assert fake.count("/v2/oauth/token/") - before == 2, result.stderr  # refreshed while full, and after
    assert "full-exit=1" in result.stderr and "freed-exit=0" in result.stderr, result.stderr
    assert "no longer accepts" not in result.stderr and "Traceback" not in result.stderr
