"""Running `alerts.command` off the poll path. No Textual here.

A hook is the user's program: it may hang, fail, or be missing. It runs in a thread of its own, one alert at a
time, with a timeout, so a sweep never waits for it and a stop request (SIGTERM, quitting the monitor) ends the
program within a fraction of a second. An alert whose command failed stays pending in the cache and is tried
again later (also after a restart), up to MAX_ATTEMPTS; it is never counted as delivered when it was not.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sharetui.domain.alerts import Alert
    from sharetui.store import Store

COMMAND_TIMEOUT = 10.0  # seconds a hook may take
RETRY_AFTER = (30.0, 120.0, 600.0)  # seconds before the 2nd, 3rd and 4th try
MAX_ATTEMPTS = len(RETRY_AFTER) + 1
HOOK_ENVIRONMENT = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR", "SHELL", "TERM"}


def parse_command(command: str) -> list[str]:
    """The argv of `alerts.command` (no shell); ValueError for unbalanced quotes."""
    return shlex.split(command)


class HookRunner:
    """Delivers alerts to the user's command in a background thread; `problems()` hands back one-line
    messages about failures for whoever reports them (the poll loop, the monitor's status)."""

    def __init__(self, store: Store, command: str, stop: threading.Event, *,
                 clock: Callable[[], float] = time.monotonic, timeout: float = COMMAND_TIMEOUT,
                 retry_after: tuple[float, ...] = RETRY_AFTER) -> None:
        self.store = store
        self.argv = parse_command(command)
        self.stop = stop
        self.clock = clock
        self.timeout = timeout
        self.retry_after = retry_after
        self._due: list[tuple[float, int, Alert]] = []  # (when, attempts so far, alert)
        self._problems: list[str] = []
        self._busy = False
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, alerts: list[Alert], attempts: int = 0) -> None:
        if not alerts:
            return
        with self._wake:
            now = self.clock()
            self._due.extend((now, attempts, alert) for alert in alerts)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="alert-hooks", daemon=True)
                self._thread.start()
            self._wake.notify()

    def problems(self) -> list[str]:
        with self._wake:
            found, self._problems = self._problems, []
        return found

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every alert due now has been tried once (for `poll --once`); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._wake:
            while self._busy or any(due <= self.clock() for due, _, _ in self._due):
                left = deadline - time.monotonic()
                if left <= 0 or self.stop.is_set():
                    return False
                self._wake.wait(min(left, 0.1))
        return True

    def join(self, timeout: float = 2.0) -> None:
        """After `stop` is set: wait for the thread (a running command is killed within a fraction of a
        second), so nothing touches the cache once it is closed."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while not self.stop.is_set():
            with self._wake:
                now = self.clock()
                ready = [item for item in self._due if item[0] <= now]
                if not ready:
                    self._wake.wait(0.2)
                    continue
                item = min(ready, key=lambda entry: entry[0])
                self._due.remove(item)
                self._busy = True
            _due, attempts, alert = item
            try:
                problem = self._deliver(alert)
                self._settle(alert, attempts + 1, problem)
            finally:
                with self._wake:
                    self._busy = False
                    self._wake.notify_all()

    def _settle(self, alert: Alert, attempts: int, problem: str | None) -> None:
        from sharetui.errors import StoreError

        try:
            self.store.mark_delivery(alert, delivered=problem is None)
        except StoreError as exc:
            problem = problem or f"cannot record an alert's delivery: {exc}"
        if problem is None:
            return
        what = f"“{alert.title[:40]}” ({alert.rule})"
        if attempts < MAX_ATTEMPTS and not self.stop.is_set():
            wait = self.retry_after[min(attempts, len(self.retry_after)) - 1]
            message = f"{problem} for {what}; trying again in {wait:.0f} s"
            with self._wake:
                self._due.append((self.clock() + wait, attempts, alert))
        elif attempts >= MAX_ATTEMPTS:
            message = (f"{problem} for {what}, {attempts} times; not tried again (the alert is in the alerts "
                       "log and `sharetui alerts`)")
        else:
            message = f"{problem} for {what}; tried again at the next start"
        with self._wake:
            self._problems.append(message)

    def _deliver(self, alert: Alert) -> str | None:
        # Only what a program needs to run, and the alert: never our secrets (SHARETUI_TIKTOK_CLIENT_SECRET…).
        env = {k: v for k, v in os.environ.items() if k in HOOK_ENVIRONMENT or k.startswith("LC_")}
        record = alert.as_json()
        env.update({f"SHARETUI_ALERT_{k.upper()}": str(v) for k, v in record.items()})
        try:
            process = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env=env, start_new_session=True)
        except FileNotFoundError:
            return f"alerts.command: {self.argv[0]} not found"
        except OSError as exc:
            return f"alerts.command could not run: {exc.strerror}"
        # Its own session, so the command and everything it starts (curl, a notifier) are one process group,
        # killed together. The input is written by a thread of its own: a command that never reads it, for an
        # alert larger than a pipe holds, cannot hold this one past the deadline.
        group = process.pid
        feeder = threading.Thread(target=_feed, args=(process, json.dumps(record, ensure_ascii=False).encode()),
                                  name="alert-hook-input", daemon=True)
        feeder.start()
        deadline = time.monotonic() + self.timeout
        try:
            while process.poll() is None:
                if self.stop.is_set():
                    return "alerts.command was stopped as sharetui stopped"
                if time.monotonic() > deadline:
                    return f"alerts.command took longer than {self.timeout:.0f} s and was stopped"
                time.sleep(0.05)
            # What it left running in the background has until the same deadline.
            while _group_alive(group) and time.monotonic() <= deadline and not self.stop.is_set():
                time.sleep(0.05)
        finally:
            _kill_group(group)
            if process.poll() is None:
                process.kill()
            process.wait()
            feeder.join(1.0)
        if process.returncode != 0:
            return f"alerts.command exited with {process.returncode}"
        return None


def _feed(process: subprocess.Popen[bytes], data: bytes) -> None:
    assert process.stdin is not None
    # A program that does not read its input closes the pipe early (or is killed): its exit status says how it
    # went.
    with contextlib.suppress(BrokenPipeError, OSError, ValueError):
        process.stdin.write(data)
        process.stdin.close()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def _kill_group(group: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)
