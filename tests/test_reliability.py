"""Faults, crashes, concurrency: one writer, many readers, kill -9, a vanishing terminal, a full disk."""

from __future__ import annotations

import os
import pty
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from sharetui.domain.models import Account, VideoCounts
from sharetui.store import Store, StoreError
from sharetui.system.writer_lock import WriterLock
from tests.conftest import run_cli, run_cli_on_bad_disk


def start_poller(*extra: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-m", "sharetui", "poll", "--demo", *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    assert process.stdout is not None
    assert "DEMO" in process.stdout.readline()  # the first sweep is stored
    return process


def small_demo(videos: int = 30, days: int = 1) -> None:
    run_cli("config", "set", "demo.videos", str(videos))
    run_cli("config", "set", "demo.history_days", str(days))


def sweeps_are_consistent(path: Path) -> None:
    """Every stored sweep total equals the sum of each video's latest snapshot at that moment."""
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = db.execute("SELECT at, shares FROM sweeps WHERE account = 'demo' ORDER BY at DESC LIMIT 5").fetchall()
    assert rows
    for at, shares in rows:
        total = db.execute(
            """SELECT SUM((SELECT s.shares FROM snapshots s WHERE s.vid = v.vid AND s.at <= ?
                           ORDER BY s.at DESC LIMIT 1)) FROM videos v WHERE v.account = 'demo'""", (at,)).fetchone()[0]
        assert total == shares, at


def test_second_poller_is_refused_with_the_pid(data_dir: Path) -> None:
    small_demo()
    first = start_poller("--interval", "5")
    try:
        second = run_cli("poll", "--once", "--demo")
        assert second.returncode == 1
        assert f"pid {first.pid}" in second.stderr and "already polls" in second.stderr
        assert "one poller per account" in second.stderr and second.stderr.count("\n") == 1
        reset = run_cli("--reset-cache", "export")
        assert reset.returncode == 1 and "is open in another sharetui" in reset.stderr
    finally:
        first.terminate()
        first.communicate(timeout=20)
    assert run_cli("poll", "--once", "--demo").returncode == 0  # the lock went with the process


@pytest.mark.integration
def test_readers_never_see_database_is_locked(data_dir: Path) -> None:
    small_demo(videos=200)
    poller = start_poller("--interval", "5")
    errors: list[BaseException] = []
    reads = [0]
    stop = time.monotonic() + 11  # two more sweeps at the shortest interval (5 s)

    def reader() -> None:
        try:
            with Store(data_dir / "sharetui.sqlite3") as store:
                while time.monotonic() < stop:
                    assert len(store.dashboard("demo", int(time.time()))) == 200
                    reads[0] += 1
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    poller.terminate()
    out, err = poller.communicate(timeout=20)
    assert not errors, errors
    assert reads[0] > 20
    assert out.count("DEMO") >= 2  # the poller kept writing meanwhile (two more sweeps at 5 s)
    sweeps_are_consistent(data_dir / "sharetui.sqlite3")


@pytest.mark.integration
def test_kill_9_mid_write_leaves_every_committed_sweep_intact(data_dir: Path) -> None:
    small_demo(videos=400, days=2)
    rng = random.Random(5)
    committed = 0
    for _round in range(5):
        process = subprocess.Popen([sys.executable, "-m", "sharetui", "poll", "--demo", "--interval", "5"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy())
        time.sleep(rng.uniform(0.3, 2.0))
        process.kill()  # SIGKILL: no chance to clean up
        process.wait(timeout=10)
        db = sqlite3.connect(data_dir / "sharetui.sqlite3")
        count = db.execute("SELECT COUNT(*) FROM sweeps").fetchone()[0]
        assert count >= committed  # nothing committed was lost
        committed = count
        db.close()
    sweeps_are_consistent(data_dir / "sharetui.sqlite3")
    assert run_cli("poll", "--once", "--demo").returncode == 0


def test_sigint_stops_after_the_current_transaction(data_dir: Path) -> None:
    small_demo(videos=300, days=0)
    process = start_poller("--interval", "5")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=20)
    assert process.returncode == 0 and "Traceback" not in err
    sweeps_are_consistent(data_dir / "sharetui.sqlite3")


@pytest.mark.integration
@pytest.mark.parametrize("ignore_hangup", [False, True])
def test_monitor_exits_when_its_terminal_goes_away(ignore_hangup: bool) -> None:
    small_demo(videos=20, days=0)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real monitor on a pseudo-terminal
        if ignore_hangup:
            signal.signal(signal.SIGHUP, signal.SIG_IGN)  # like `nohup sharetui`
        os.execv(sys.executable, [sys.executable, "-m", "sharetui", "--demo"])
    deadline = time.monotonic() + 5
    seen = b""
    while time.monotonic() < deadline and b"DEMO" not in seen:
        try:
            seen += os.read(fd, 65536)
        except OSError:
            break
    assert b"DEMO" in seen
    os.close(fd)  # the SSH connection drops / the tmux pane closes
    started = time.monotonic()
    while time.monotonic() - started < 10:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the monitor kept running without a terminal")
    assert time.monotonic() - started < 5
    assert os.waitstatus_to_exitcode(_status) == 129  # 128 + SIGHUP, as a shell reports a hang-up


FULL_DISK_PROBE = (
    "import sys\n"
    "from sharetui import store as s\n"
    "original = s.Store._migrate\n"
    "def capped(self):\n"
    "    original(self)\n"
    "    pages = self._db.execute('PRAGMA page_count').fetchone()[0]\n"
    "    self._db.execute(f'PRAGMA max_page_count = {pages}')  # the disk is full: not one page more\n"
    "s.Store._migrate = capped\n"
    "from sharetui.cli import main\n"
    "sys.exit(main(['poll', '--once', '--demo']))\n"
)


def test_full_disk_is_a_clear_message_and_nothing_is_half_written(data_dir: Path) -> None:
    small_demo(videos=300, days=1)
    result = subprocess.run([sys.executable, "-c", FULL_DISK_PROBE], capture_output=True, text=True,
                            env=os.environ.copy(), timeout=120)
    assert result.returncode == 1
    assert "cannot write the cache" in result.stderr and "full" in result.stderr
    assert "Traceback" not in result.stderr
    db = sqlite3.connect(data_dir / "sharetui.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM videos").fetchone()[0] == 0  # all or nothing
    assert db.execute("SELECT COUNT(*) FROM sweeps").fetchone()[0] == 0


def test_a_failed_write_keeps_what_was_stored(store: Store) -> None:
    account = Account("tiktok:x", "tiktok", "X")
    store.record_sweep(account, 1_000, [VideoCounts(str(i), "t", 1, "", 1, 1, 1, i) for i in range(50)])
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError, match="cannot write the cache: the disk holding .* is full; free some space"):
        store.record_sweep(account, 2_000, [VideoCounts(str(i), "x" * 500, 1, "", 2, 2, 2, i + 1)
                                            for i in range(5_000)])
    rows = store.dashboard(account.key, 2_000)
    assert len(rows) == 50 and {r.updated_at for r in rows} == {1_000} and sum(r.shares for r in rows) == 1225
    assert store.last_sweep(account.key) == 1_000


def test_reset_cache_moves_a_corrupt_cache_aside(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    cache = data_dir / "sharetui.sqlite3"
    cache.write_bytes(b"not a database" * 100)
    failed = run_cli("poll", "--once", "--demo")
    assert failed.returncode == 1 and "--reset-cache" in failed.stderr
    small_demo(videos=5, days=0)
    result = run_cli("--reset-cache", "poll", "--once", "--demo")
    assert result.returncode == 0, result.stderr
    moved = [p for p in data_dir.iterdir() if p.name.startswith("sharetui.sqlite3.reset-")]
    assert len(moved) == 1 and moved[0].read_bytes() == b"not a database" * 100
    assert sqlite3.connect(cache).execute("SELECT COUNT(*) FROM videos").fetchone()[0] == 5


def test_writer_lock_is_exclusive_and_released_on_death(tmp_path: Path) -> None:
    path = tmp_path / "poller.lock"
    mine = WriterLock(path)
    assert mine.acquire() and mine.holder() == os.getpid()
    child = subprocess.run([sys.executable, "-c",
                            f"from sharetui.system.writer_lock import WriterLock; from pathlib import Path; "
                            f"print(WriterLock(Path({str(path)!r})).acquire())"], capture_output=True, text=True)
    assert child.stdout.strip() == "False"
    mine.release()
    child = subprocess.run([sys.executable, "-c",
                            f"import os; from sharetui.system.writer_lock import WriterLock; from pathlib import Path; "
                            f"print(WriterLock(Path({str(path)!r})).acquire()); os._exit(0)"],
                           capture_output=True, text=True)
    assert child.stdout.strip() == "True"
    assert mine.acquire()  # the child died holding it; the kernel released it


def test_counts_going_backwards_never_break_the_math(store: Store) -> None:
    account = Account("tiktok:x", "tiktok", "X")
    for at, shares in [(1_000, 50), (2_000, 10), (3_000, -5), (4_000, 2**62)]:
        store.record_sweep(account, at, [VideoCounts("a", "t", 500, "", shares, 0, 0, shares)])
    row = store.dashboard(account.key, 4_000)[0]
    assert row.shares == 2**62 and row.gain_1h is not None
    series = store.video_series(row.vid, [1_000, 2_000, 3_000, 4_000])
    assert series["shares"].values == [50, 10, -5, 2**62]
    assert series["shares"].drawn_gains[:2] == [0, 0]  # drops are not drawn as negative bars


@pytest.mark.integration
async def test_monitor_follows_a_running_poller_then_takes_over(data_dir: Path) -> None:
    from sharetui.config import load
    from sharetui.sources.demo import DemoSource
    from sharetui.ui.app import ShareApp
    from sharetui.ui.widgets.status_line import StatusLine

    small_demo(videos=20, days=0)
    poller = start_poller("--interval", "5")
    store = Store(data_dir / "sharetui.sqlite3")
    app = ShareApp(load(), source=DemoSource(seed=7, videos=20, history_days=0), store=store)
    try:
        async with app.run_test(size=(140, 30)) as pilot:
            for _ in range(40):
                await pilot.pause(0.1)
                if app.session.fed_by is not None and app.screen_data.rows:
                    break
            assert app.session.fed_by == poller.pid and not app.service.lock.held
            status = str(app.dashboard.query_one(StatusLine).render())
            assert f"fed by poller (pid {poller.pid})" in status
            first = app.session.last_ok
            for _ in range(120):  # the poller's next sweeps reach this reader
                await pilot.pause(0.1)
                if app.session.last_ok != first:
                    break
            assert app.session.last_ok != first
            poller.terminate()
            poller.communicate(timeout=20)
            for _ in range(60):  # the poller is gone: this monitor becomes the writer
                await pilot.pause(0.1)
                if app.service.lock.held:
                    break
            assert app.service.lock.held and app.session.fed_by is None
            await app.workers.wait_for_complete()
    finally:
        if poller.poll() is None:
            poller.kill()
            poller.communicate()


def test_monitor_on_a_corrupt_cache_says_so_in_one_line(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "sharetui.sqlite3").write_bytes(b"not a database" * 100)
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.executable, [sys.executable, "-m", "sharetui", "--demo"])
    output = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    text = output.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 1
    assert "cannot open the cache" in text and "--reset-cache" in text and "Traceback" not in text


def test_sigterm_ends_a_long_first_back_fill_promptly_and_keeps_what_it_stored(data_dir: Path) -> None:
    """A first back-fill of a large demo commits a day at a time: SIGTERM ends it at the next batch (not
    minutes later), with every committed day intact; the next run resumes from there."""
    small_demo(videos=3_000, days=60)
    process = subprocess.Popen([sys.executable, "-m", "sharetui", "poll", "--demo", "--once"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cache = data_dir / "sharetui.sqlite3"
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and not stored:
        time.sleep(0.2)
        if cache.exists():
            try:
                stored = sqlite3.connect(cache, timeout=5).execute("SELECT COUNT(*) FROM sweeps").fetchone()[0]
            except sqlite3.OperationalError:
                stored = 0  # the schema is still being created
    assert stored, "no batch was committed within a minute"
    process.send_signal(signal.SIGTERM)
    started = time.monotonic()
    out, err = process.communicate(timeout=30)
    assert time.monotonic() - started < 10, "SIGTERM took too long to honour"
    assert process.returncode == 0, err
    assert "stopped during the back-fill" in err and "Traceback" not in err
    db = sqlite3.connect(cache)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    kept = db.execute("SELECT COUNT(*) FROM sweeps").fetchone()[0]
    assert kept >= stored and kept < 60 * 24 + 7 * 96  # stopped part-way


@pytest.mark.parametrize("kind", ["read-only", "full"])
def test_a_read_only_or_full_data_directory_gets_advice_not_a_traceback(data_dir: Path, kind: str,
                                                                        tmp_path: Path) -> None:
    """On a real read-only or full filesystem: every command that must write says what is wrong with the
    folder and what to do (never "damaged", never --reset-cache), and the ones that only read still work."""
    small_demo(videos=20, days=1)
    assert run_cli("poll", "--once", "--demo").returncode == 0
    export = tmp_path / "Overview.csv"
    export.write_text("Date,Video Views,Profile Views,Likes,Comments,Shares\nJanuary 2,1,1,1,1,1\n")
    writers = [["poll", "--once", "--demo"], ["import", str(export)]]
    if kind == "read-only":
        writers.append(["--reset-cache"])  # (on a full disk it works: a rename needs no space)
    for args in writers:
        result = run_cli_on_bad_disk(kind, data_dir, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert kind in result.stderr and "--reset-cache moves" not in result.stderr
        assert ("make it writable" if kind == "read-only" else "free some space") in result.stderr
    for args in (["export", "--demo"], ["alerts", "--demo"]):
        result = run_cli_on_bad_disk(kind, data_dir, *args)
        assert result.returncode == 0, (args, result.stderr)
    assert len(run_cli_on_bad_disk(kind, data_dir, "export", "--demo").stdout.splitlines()) == 21


def test_sigterm_ends_poll_promptly_while_a_hook_hangs(data_dir: Path, tmp_path: Path) -> None:
    """A hook that never returns runs beside the poll loop: the loop keeps its pace, and SIGTERM ends both
    within seconds (the hook is killed, its alert stays pending for the next start)."""
    small_demo(videos=30, days=2)
    pid_file = tmp_path / "hook.pid"
    script = tmp_path / "hang.py"
    script.write_text(f"import os, time\nopen({str(pid_file)!r}, 'a').write(f'{{os.getpid()}}\\n')\ntime.sleep(120)\n")
    run_cli("config", "set", "alerts.command", f"{sys.executable} {script}")
    process = subprocess.Popen([sys.executable, "-m", "sharetui", "poll", "--demo", "--interval", "5"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (pid_file.exists() and pid_file.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pid_file.exists(), "no alert reached the hook"
        hook = int(pid_file.read_text().split()[0])
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=8)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "Traceback" not in err
    with pytest.raises(ProcessLookupError):
        os.kill(hook, 0)
    db = sqlite3.connect(data_dir / "sharetui.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM alerts WHERE pending = 1").fetchone()[0] >= 1


@pytest.mark.integration
def test_sigterm_ends_a_poll_stuck_on_a_trickling_answer(tmp_path: Path) -> None:
    """TikTok answering one byte every 2 s: SIGTERM ends `poll` within about 2 s, with nothing half-written."""
    from sharetui.sources.tiktok import credentials
    from tests.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, FakeTikTok

    with FakeTikTok(videos=10) as fake:
        run_cli("config", "set", "tiktok.api_base_url", fake.url)
        fake.save_login(credentials.path_for())
        env = {"SHARETUI_TIKTOK_CLIENT_KEY": CLIENT_KEY, "SHARETUI_TIKTOK_CLIENT_SECRET": CLIENT_SECRET}
        assert run_cli("poll", "--once", env=env).returncode == 0
        fake.trickle = 2.0
        process = subprocess.Popen([sys.executable, "-m", "sharetui", "poll", "--once"], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env={**os.environ, **env})
        time.sleep(5)  # well inside the trickling answer
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        out, err = process.communicate(timeout=30)
        assert time.monotonic() - started < 3, err
        assert process.returncode == 0 and "Traceback" not in err
        rows = run_cli("export", env=env).stdout.splitlines()
        assert len(rows) == 11  # the first sweep's videos, untouched

