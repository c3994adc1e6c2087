"""One measured start, run as its own process by benchmarks/run.py (so imports count, as for a user).

    python benchmarks/probe_start.py bare            # the reference: a bare App with one Static
    python benchmarks/probe_start.py sharetui CACHE  # the monitor on CACHE: its first frame, then the full table
    python benchmarks/probe_start.py idle CACHE SECONDS

Prints one JSON line: wall seconds since process start, and peak RSS in MB.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()


def peak_rss_mb() -> float:
    """This process's own peak RSS. Not ru_maxrss: Linux carries the parent's high-water mark across
    fork+exec into it, so a probe started by a benchmark process that just built a 10,000-video cache
    would report that process's memory (measured: 682 MB for a probe whose own peak is 121 MB)."""
    status = Path("/proc/self/status")
    if status.exists():  # Linux
        for line in status.read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # elsewhere (with that caveat)


def report(**extra: float) -> None:
    print(json.dumps({"seconds": time.perf_counter() - STARTED, "rss_mb": peak_rss_mb(), **extra}))


async def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App):
        def compose(self) -> ComposeResult:
            yield Static("hello")

    app = Bare()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0)
    report()


def monitor_app(cache: str, frozen: bool = False):  # noqa: ANN201
    """The monitor started the way `sharetui` starts it (sharetui.cli.monitor_app), on `cache`."""
    from sharetui.cli import monitor_app
    from sharetui.config import Config
    from sharetui.sources.demo import DemoSource
    from sharetui.store import Store

    store = Store(cache)
    last = store.last_sweep("demo") or int(time.time())
    clock = (lambda: float(last)) if frozen else time.time
    videos = int(store.get_meta("demo.signature").split(":")[1])  # type: ignore[union-attr]
    return monitor_app(Config({"demo.videos": videos}), source=DemoSource(seed=7, videos=videos, history_days=30),
                       store=store, clock=clock)


async def sharetui(cache: str) -> None:
    app = monitor_app(cache, frozen=True)
    from sharetui.ui.widgets.video_table import VideoTable

    async with app.run_test(size=(120, 36)) as pilot:
        table = app.dashboard.query_one(VideoTable)
        while not table.order:
            await asyncio.sleep(0.002)
        await pilot.pause(0)
        painted = time.perf_counter() - STARTED  # the first frame: the rows on screen
        # The full table: every video loaded, so sorting by any column and End work.
        listed, gone, *_ = app.service.store.summary("demo")
        while len(table.rows) < listed + gone or app.feed.partial:
            await asyncio.sleep(0.002)
        await pilot.pause(0)
        full = time.perf_counter() - STARTED
        # Peak memory with a video screen open on 30 days of history as well.
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.press("4")
        await app.workers.wait_for_complete()
        await pilot.pause(0)
    report(painted=painted, full=full)


async def idle(cache: str, seconds: float) -> None:
    app = monitor_app(cache, frozen=True)  # a frozen clock: polls happen, nothing changes
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        await asyncio.sleep(2)
        before = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.perf_counter()
        await asyncio.sleep(seconds)
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        elapsed = time.perf_counter() - wall
    report(cpu_percent=100 * cpu / elapsed)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "bare":
        asyncio.run(bare())
    elif mode == "sharetui":
        asyncio.run(sharetui(sys.argv[2]))
    else:
        asyncio.run(idle(sys.argv[2], float(sys.argv[3])))
