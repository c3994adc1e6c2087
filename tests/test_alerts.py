"""Baselines by age and the alert rules: hand-computed fixtures, once-only delivery, the command hook."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from sharetui.domain import alerts
from sharetui.domain.alerts import Alert, Before, Rules
from sharetui.domain.baseline import build, percentile
from sharetui.domain.models import UNKNOWN, Account, Sweep, VideoCounts
from sharetui.monitor.hooks import HookRunner
from sharetui.monitor.poller import Poller
from sharetui.sources import BackfillState
from sharetui.sources.demo import DemoSource
from sharetui.store import Store
from tests.conftest import T0, FakeClock

ACCOUNT = Account("tiktok:me", "tiktok", "Me")


def video(vid: str, shares: int, posted_at: int = T0 - 10 * 86_400, title: str = "a video") -> VideoCounts:
    return VideoCounts(vid, title, posted_at, "", shares * 10, 0, 0, shares)


def deliver_now(store: Store, raised: list[Alert], command: str, **options: object) -> list[str]:
    """Hand alerts to the command the way the poller does, wait for one try each, return the problems."""
    stop = threading.Event()
    store.record_alerts(raised, pending=True)
    runner = HookRunner(store, command, stop, **options)  # type: ignore[arg-type]
    runner.submit(raised)
    assert runner.wait_idle(20)
    problems = runner.problems()
    stop.set()
    runner.join()
    return problems


def test_percentile_matches_hand_computation() -> None:
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9) == pytest.approx(91.0)
    assert percentile([7], 0.9) == 7


def test_baseline_curves_ratio_and_rank() -> None:
    baseline = build("shares", {1: [10, 20, 30, 40, 50], 4: [40, 80, 120, 160, 200], 8: [1, 2]})
    assert baseline.ages == [1, 4]  # age 8 has too few videos to call anything usual
    assert baseline.median == [30, 120] and baseline.p90 == pytest.approx([46, 184])
    assert baseline.median_at(2) == pytest.approx(30 + (120 - 30) * 0.5)  # log-age: 2 h is halfway from 1 to 4
    assert baseline.median_at(0.5) == pytest.approx(15)
    assert baseline.ratio(240, 4) == pytest.approx(2.0)
    assert baseline.rank(200, 4) == 90 and baseline.rank(5, 1) == 0
    assert baseline.median_at(100) is None  # far past the oldest sampled age


def test_age_samples_only_use_known_history(store: Store) -> None:
    # Three videos posted at different times; the cache saw one of them from birth.
    posted = T0 - 10 * 3600
    store.record_sweep(ACCOUNT, posted, [video("young", 0, posted)])
    store.record_sweep(ACCOUNT, posted + 3600, [video("young", 5, posted), video("old", 500, T0 - 30 * 86_400)])
    store.record_sweep(ACCOUNT, posted + 2 * 3600, [video("young", 9, posted), video("old", 510, T0 - 30 * 86_400)])
    samples = store.age_samples(ACCOUNT.key, T0, [1, 2, 24])
    assert samples["shares"][1] == [5] and samples["shares"][2] == [9]  # "old" has no history at that age
    assert samples["shares"][24] == []  # "young" is not 24 h old yet


def rules(**overrides: Any) -> Rules:
    return Rules(**{"velocity_factor": 3.0, "velocity_floor": 20, "velocity_window": 3600, **overrides})


def test_rules_by_hand() -> None:
    before = {"a": Before(990, False, "A"), "b": Before(100, False, "B"), "c": Before(5, False, "C")}
    videos = [video("a", 1_010), video("b", 160)]
    # b: 60 shares in the last hour; over the 24 h before it gained 240 -> 10 per hour: 6x, above the floor.
    window: dict[str, tuple[int | None, int | None]] = {"a": (1_000, 980), "b": (100, -140), "c": (5, 5)}
    raised = alerts.evaluate(rules=rules(), account="x", now=T0, before=before, videos=videos, complete=True,
                             window_values=window, baseline=None)
    kinds = sorted((a.video_id, a.rule, a.detail) for a in raised)
    assert kinds == [("a", "milestone", "1000"), ("b", "velocity", "2026-09-21"), ("c", "gone", str(T0))]
    spike = next(a for a in raised if a.rule == "velocity")
    assert spike.value == 60 and "6.0×" in spike.message


def test_noise_and_first_sight_raise_nothing() -> None:
    before = {"a": Before(10, False, "A")}
    videos = [video("a", 25), video("new", 50_000)]  # 15 in an hour: 15x its pace but under the floor
    raised = alerts.evaluate(rules=rules(), account="x", now=T0, before=before, videos=videos, complete=False,
                             window_values={"a": (10, 9), "new": (None, None)}, baseline=None)
    assert raised == []


def demo_session(store: Store, minutes: int, clock: FakeClock, log: Path, command: str = "") -> list[Alert]:
    poller = Poller(store, DemoSource(seed=7, videos=40, history_days=14), clock=clock, rules=Rules(),
                    alerts_log=log, alert_command=command)
    raised: list[Alert] = []
    for _ in range(minutes):
        raised.extend(poller.sweep().alerts)
        clock.advance(60)
    return raised


def test_the_demo_trips_every_rule_in_a_short_session(store: Store, tmp_path: Path) -> None:
    clock = FakeClock()
    log = tmp_path / "alerts.log"
    assert store.alerts() == []
    raised = demo_session(store, 15, clock, log)
    assert {a.rule for a in raised} == {"velocity", "milestone", "beat_p90", "gone"}
    assert store.alerts() and not any(a.at < T0 for a in store.alerts())  # nothing from back-filled history
    logged = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(logged) == len(raised) and {entry["rule"] for entry in logged} == {a.rule for a in raised}
    # Each alert fires once, across restarts: a new poller on the same cache repeats none of them.
    again = demo_session(store, 5, clock, log)
    assert not {(a.video_id, a.rule, a.detail) for a in again} & {(a.video_id, a.rule, a.detail) for a in raised}


def test_command_hook_gets_json_and_env_without_a_shell(store: Store, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    hostile = f"$(touch {marker}); `touch {marker}` && touch {marker} ; echo '\"; rm -rf ~"
    out = tmp_path / "received.jsonl"
    script = tmp_path / "hook.py"
    script.write_text(
        "import json, os, sys\n"
        f"with open({str(out)!r}, 'a') as f:\n"
        "    f.write(json.dumps({'stdin': json.load(sys.stdin), 'env_title': os.environ['SHARETUI_ALERT_TITLE'],"
        " 'env_rule': os.environ['SHARETUI_ALERT_RULE']}) + '\\n')\n"
    )
    alert = Alert(T0, "x", "1", hostile, "milestone", "1000", "passed 1,000", 1000)
    problems = deliver_now(store, [alert], f"{sys.executable} {script}")
    assert problems == []
    received = json.loads(out.read_text())
    assert received["stdin"]["title"] == hostile and received["env_title"] == hostile
    assert received["env_rule"] == "milestone"
    assert not marker.exists()


def test_command_failures_are_reported(store: Store) -> None:
    alert = Alert(T0, "x", "1", "t", "gone", "1", "gone", 0)
    assert "alerts.command: no-such-program-here not found" in deliver_now(store, [alert], "no-such-program-here")[0]
    assert "exited with 3" in deliver_now(store, [alert], f"{sys.executable} -c 'exit(3)'")[0]


def test_forecast_rule_fires_once_a_milestone_is_in_reach(store: Store, tmp_path: Path) -> None:
    """Off by default; when on, a young video whose 7-day p50 passes a milestone it has not reached raises
    one alert per milestone, from the same forecast the monitor shows."""
    clock = FakeClock()
    source = DemoSource(seed=7, videos=40, history_days=60)
    quiet = Poller(store, source, clock=clock, rules=Rules(), alerts_log=tmp_path / "a.log")
    for _ in range(3):
        quiet.sweep()
        clock.advance(60)
    assert not [a for a in store.alerts(limit=500) if a.rule == "forecast"]
    loud = Poller(store, source, clock=clock, rules=Rules(forecast=True), alerts_log=tmp_path / "a.log")
    raised = []
    for _ in range(3):
        raised += [a for a in loud.sweep().alerts if a.rule == "forecast"]
        clock.advance(60)
    assert raised
    forecasts = loud.forecasts("demo", int(clock()), -1)
    for alert in raised:
        band = forecasts[alert.video_id].bands["7d"]
        assert band is not None and band.p50 >= int(alert.detail)
        assert "on track to pass" in alert.message
    assert len({(a.video_id, a.detail) for a in raised}) == len(raised)


def test_no_velocity_alert_over_a_polling_gap(store: Store, tmp_path: Path) -> None:
    """Two days without polling, then 300 shares more: that is not "300 in the last hour"."""
    clock = FakeClock()
    account = Account("tiktok:x", "tiktok", "X")
    posted = int(clock()) - 10 * 86_400
    poller = Poller(store, _Fixed(account, posted), clock=clock, rules=Rules(), alerts_log=tmp_path / "a.log")
    for _ in range(3):
        poller.sweep()
        clock.advance(60)
    clock.advance(2 * 86_400)
    poller.source.shares += 300  # type: ignore[attr-defined]
    assert [a for a in poller.sweep().alerts if a.rule == "velocity"] == []
    # The same jump inside a watched hour does raise it.
    for _ in range(61):
        clock.advance(60)
        poller.sweep()
    poller.source.shares += 300  # type: ignore[attr-defined]
    assert [a.rule for a in poller.sweep().alerts] == ["velocity"]


class _Fixed:
    """One video whose shares the test sets."""

    kind = "tiktok"
    live = True
    meta_keys: tuple[str, ...] = ()

    def __init__(self, account: Account, posted: int) -> None:
        self._account, self.posted, self.shares = account, posted, 100
        self.extra = False  # a second video "w", with the same shares

    requests_sent = 0

    def login_problem(self) -> str | None:
        return None

    def account(self) -> Account:
        return self._account

    def backfill(self, now: int, state: BackfillState) -> None:
        return None

    def fetch(self, now: int, full: bool = True) -> Sweep:
        videos = [VideoCounts("v", "t", self.posted, "", 10_000, 10, 1, self.shares)]
        if self.extra:
            videos.append(VideoCounts("w", "u", self.posted, "", 10_000, 10, 1, self.shares))
        return Sweep(self._account, videos)

    def close(self) -> None:
        return None


def test_hooks_get_the_alert_but_never_our_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_SECRET", "hunter2")
    monkeypatch.setenv("SOME_TOKEN", "also-private")
    out = tmp_path / "env.json"
    script = tmp_path / "hook.py"
    script.write_text(f"import json, os\nopen({str(out)!r}, 'w').write(json.dumps(dict(os.environ)))\n")
    alert = Alert(T0, "x", "1", "t", "gone", "1", "gone", 0)
    with Store(tmp_path / "c.sqlite3") as store:
        assert deliver_now(store, [alert], f"{sys.executable} {script}") == []
    env = json.loads(out.read_text())
    assert "hunter2" not in json.dumps(env) and "SOME_TOKEN" not in env
    assert env["SHARETUI_ALERT_RULE"] == "gone" and "PATH" in env


def test_a_count_first_unknown_then_known_passes_no_milestone(store: Store, tmp_path: Path) -> None:
    """A new video whose shares TikTok leaves null is stored with shares unknown (never 0): when they arrive,
    1,200 shares is where the history starts, not 1,200 gained, and no milestone was "passed"."""
    clock = FakeClock()
    account = Account("tiktok:x", "tiktok", "X")
    source = _Fixed(account, int(clock()) - 86_400)
    poller = Poller(store, source, clock=clock, rules=Rules(), alerts_log=tmp_path / "a.log")
    poller.sweep()  # the baseline sweep: a known video
    source.shares = UNKNOWN
    source.extra = True  # a second, new video whose shares are null
    poller.sweep()
    row = {r.id: r for r in store.dashboard(account.key, int(clock()))}["w"]
    assert (row.known("shares"), row.known("views"), row.gain_1h) == (None, 10_000, None)
    clock.advance(60)
    source.shares = 1_200
    raised = [(a.video_id, a.rule) for a in poller.sweep().alerts]
    assert raised == [("v", "milestone")]  # v went from a known 100 to 1,200; w only from unknown
    row = {r.id: r for r in store.dashboard(account.key, int(clock()))}["w"]
    assert row.known("shares") == 1_200 and not (row.gain_1h and not row.gain_1h_lower and row.gain_1h > 0)


def pending(store: Store) -> list[tuple[int, int]]:
    return sqlite3.connect(store.path).execute("SELECT pending, attempts FROM alerts ORDER BY id").fetchall()


def test_a_failed_hook_stays_pending_and_is_tried_again(store: Store, tmp_path: Path) -> None:
    """The first try fails, the second succeeds: the alert is never counted as delivered before it was."""
    tries = tmp_path / "tries"
    script = tmp_path / "flaky.py"
    script.write_text(f"import pathlib, sys\np = pathlib.Path({str(tries)!r})\nn = len(p.read_text()) if p.exists() "
                      "else 0\np.write_text('x' * (n + 1))\nsys.exit(1 if n == 0 else 0)\n")
    alert = Alert(T0, "x", "1", "t", "gone", "1", "gone", 0)
    problems = deliver_now(store, [alert], f"{sys.executable} {script}", retry_after=(0.2,))
    assert "exited with 1" in problems[0] and "trying again in 0 s" in problems[0]
    assert pending(store) == [(1, 1)] or pending(store) == [(0, 2)]  # (the retry may already have run)
    runner = HookRunner(store, f"{sys.executable} {script}", threading.Event())
    for again, attempts in store.pending_alerts("x", 4):  # as a restart does
        runner.submit([again], attempts)
    assert runner.wait_idle(20) and runner.problems() == []
    assert pending(store) == [(0, 2)] and tries.read_text() == "xx"
    runner.stop.set()
    runner.join()


def test_a_hanging_hook_never_holds_up_a_sweep_and_dies_with_a_stop(store: Store, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    script = tmp_path / "hang.py"
    script.write_text(f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(60)\n")
    clock = FakeClock()
    source = _Fixed(Account("tiktok:x", "tiktok", "X"), int(clock()) - 86_400)
    poller = Poller(store, source, clock=clock, rules=Rules(), alert_command=f"{sys.executable} {script}",
                    alerts_log=tmp_path / "a.log")
    poller.sweep()
    source.shares = 5_000
    clock.advance(60)
    assert [a.rule for a in poller.sweep().alerts] == ["milestone"]  # it returned with the hook still running
    for _ in range(200):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    clock.advance(60)
    poller.sweep()  # the next sweep does not wait either
    assert poller.hooks is not None
    poller.stop.set()
    poller.hooks.join(5)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed, and reaped
    assert pending(store)[0] == (1, 1)  # not delivered: tried again at the next start


def test_no_alert_on_an_accounts_first_sweep_even_over_imported_history(store: Store, tmp_path: Path) -> None:
    """Imported counts are history, not a sweep: the first live sweep after them is the baseline."""
    from sharetui.sources.studio import VideoTotals

    clock = FakeClock()
    account = Account("tiktok:x", "tiktok", "X")
    source = _Fixed(account, int(clock()) - 2 * 86_400)
    store.import_videos(account, [VideoTotals(at=int(clock()) - 86_400, video_id="v", title="t", link="",
                                              posted_at=source.posted, likes=1, comments=1, shares=10, views=100)])
    source.shares = 5_000  # passed 1,000 since the export: but nothing was watching
    poller = Poller(store, source, clock=clock, rules=Rules(), alerts_log=tmp_path / "a.log")
    assert poller.sweep().alerts == ()
    clock.advance(60)
    source.shares = 10_500
    assert [(a.rule, a.detail) for a in poller.sweep().alerts] == [("milestone", "10000")]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie that nobody reaped yet is gone in every way that matters.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ")[-1][0] != "Z"


def _wait_for_pids(path: Path, count: int) -> list[int]:
    for _ in range(200):
        if path.exists() and len(path.read_text().split()) >= count:
            break
        time.sleep(0.05)
    return [int(p) for p in path.read_text().split()]


@pytest.mark.parametrize("leader", ["waits", "exits at once"])
def test_a_hooks_children_are_killed_with_it_at_the_deadline(store: Store, tmp_path: Path, leader: str) -> None:
    """alerts.command is usually a script whose real work is a child (curl, a notifier): the whole process
    group goes at the deadline, whether the script waits for its child or leaves it in the background."""
    pids = tmp_path / "pids"
    script = tmp_path / "hook.sh"
    tail = "wait" if leader == "waits" else "exit 0"
    script.write_text(f"#!/bin/sh\nsleep 60 &\necho $! >> {pids}\necho $$ >> {pids}\n{tail}\n")
    script.chmod(0o755)
    alert = Alert(T0, "x", "1", "t", "gone", "1", "gone", 0)
    started = time.monotonic()
    problems = deliver_now(store, [alert], str(script), timeout=1.0, retry_after=(60.0,))
    assert time.monotonic() - started < 5
    child, script_pid = _wait_for_pids(pids, 2)
    assert not _alive(child) and not _alive(script_pid)
    if leader == "waits":
        assert "took longer than 1 s" in problems[0]


def test_a_hook_that_never_reads_a_large_alert_is_stopped_on_time(store: Store, tmp_path: Path) -> None:
    """An alert larger than a pipe holds, for a command that never reads its input: the deadline holds, and
    a stop ends it at once."""
    pids = tmp_path / "pids"
    script = tmp_path / "deaf.py"
    script.write_text(f"import os, time\nopen({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n')\ntime.sleep(60)\n")
    alert = Alert(T0, "x", "1", "t" * 99_000, "gone", "1", "gone " + "m" * 99_000, 0)
    started = time.monotonic()
    problems = deliver_now(store, [alert], f"{sys.executable} {script}", timeout=1.0, retry_after=(60.0,))
    assert time.monotonic() - started < 5 and "took longer than 1 s" in problems[0]
    assert not _alive(_wait_for_pids(pids, 1)[0])

    stop = threading.Event()
    runner = HookRunner(store, f"{sys.executable} {script}", stop, timeout=30.0)
    runner.submit([alert])
    second = _wait_for_pids(pids, 2)[1]
    stop.set()
    started = time.monotonic()
    runner.join(5)
    assert time.monotonic() - started < 2 and not _alive(second)
