"""The poller against a fake TikTok that fails 20 % of calls and sends hostile data in 10 % of pages (null and
absurd counts, half emoji, NULs, repeated videos, lists that end early, corrupt gzip), whose clock now and then
disagrees with ours by a month, with an alerts.command that fails every other time: no crash, no duplicate,
nothing marked gone that is not, and then the truth.

The CI run is short; the full soak is `pytest -m slow tests/test_soak.py` (400 sweeps).
"""

from __future__ import annotations

import random
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sharetui.domain.alerts import Rules
from sharetui.monitor.poller import Poller
from sharetui.sources import SourceError
from sharetui.store import Store
from tests.fake_tiktok import FakeTikTok


@pytest.fixture
def fake() -> Iterator[FakeTikTok]:
    with FakeTikTok(videos=70) as server:
        yield server


def soak(fake: FakeTikTok, tmp_path: Path, sweeps: int) -> None:
    fake.slow_seconds = 0.4
    fake.access_ttl = 3600
    source = fake.logged_in_source(tmp_path / "cred.json", timeout=0.25, backoff=0.002, max_attempts=3)
    store = Store(tmp_path / "soak.sqlite3")
    clock = [1_800_000_000.0]
    flaky = tmp_path / "hook.py"
    flaky.write_text("import random, sys\nsys.stdin.read()\nsys.exit(random.choice([0, 1]))\n")
    poller = Poller(store, source, clock=lambda: clock[0], full_sweep_every=3, rules=Rules(gone=True),
                    alerts_log=tmp_path / "alerts.log", alert_command=f"{sys.executable} {flaky}")
    rng = random.Random(9)
    fake.fault_rate = 0.2
    fake.data_fault_rate = 0.1
    refused = 0
    for number in range(sweeps):
        for video in rng.sample(fake.user.videos, 10):  # the truth moves on between sweeps
            video.share_count += rng.randint(0, 5)
            video.view_count += rng.randint(0, 500)
        clock[0] += 60
        fake.date_shift = 30 * 86_400 if number % 17 == 16 else 0  # now and then a clock a month off
        try:
            poller.sweep()
        except SourceError as exc:  # a sweep may fail after its retries; never anything else
            assert "\n" not in str(exc)
            refused += "clock is" in str(exc)
    assert fake.faults_injected > 0.1 * len(fake.requests)  # the faults did bite (retries absorb most)
    assert refused >= sweeps // 17 // 2  # the clock check held (some of those sweeps failed earlier)
    assert [a for a in store.alerts(limit=1000) if a.rule == "gone"] == []  # short lists marked nothing gone
    fake.fault_rate = 0.0
    fake.data_fault_rate = 0.0
    fake.date_shift = 0
    clock[0] += 60
    poller.sweep()
    poller.sweeps = 0  # make sure the next one is a full sweep
    clock[0] += 60
    result = poller.sweep()
    assert result.videos == 70
    truth = {v.id: (v.view_count, v.like_count, v.comment_count, v.share_count) for v in fake.user.videos}
    stored = {row.id: (row.views, row.likes, row.comments, row.shares)
              for row in store.dashboard(source.account().key, int(clock[0]))}
    assert stored == truth
    db = sqlite3.connect(tmp_path / "soak.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Change-only: no video has two consecutive snapshots with the same counts (no duplicates).
    repeats = db.execute(
        """SELECT COUNT(*) FROM snapshots a JOIN snapshots b ON a.vid = b.vid AND b.at = (
               SELECT MIN(at) FROM snapshots c WHERE c.vid = a.vid AND c.at > a.at)
           WHERE a.views = b.views AND a.likes = b.likes AND a.comments = b.comments
             AND a.shares = b.shares""").fetchone()[0]
    assert repeats == 0
    # Nothing lost: every video's latest snapshot holds its current counts.
    latest = dict(db.execute(
        """SELECT v.id, s.shares FROM videos v JOIN snapshots s ON s.vid = v.vid
           AND s.at = (SELECT MAX(at) FROM snapshots WHERE vid = v.vid)""").fetchall())
    assert latest == {k: v[3] for k, v in truth.items()}
    titles = [row[0] for row in db.execute("SELECT title FROM videos")]
    assert all("\x00" not in title for title in titles)
    assert poller.hooks is not None
    poller.stop.set()
    poller.hooks.join()
    store.close()


@pytest.mark.integration
def test_soak_short(fake: FakeTikTok, tmp_path: Path) -> None:
    soak(fake, tmp_path, sweeps=40)


@pytest.mark.slow
def test_soak_long(fake: FakeTikTok, tmp_path: Path) -> None:
    soak(fake, tmp_path, sweeps=400)
