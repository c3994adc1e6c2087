"""Regenerate the README's screenshots from the demo account with a fixed seed and clock.

    python scripts/screenshots.py            # writes screenshots/*.svg

Runs the real App under run_test() on a throwaway cache, so the images are reproducible.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from sharetui.app import ShareApp
from sharetui.config import Config
from sharetui.sources.demo import DemoSource
from sharetui.store import Store

NOW = 1_790_000_000 + 5 * 3600  # fixed clock: 2026-09-21, a few hours into the demo's viral spike
SIZE = (120, 36)
TALL = (120, 48)
OUT = Path(__file__).resolve().parent.parent / "screenshots"


def demo_app(tmp: str, clock) -> ShareApp:  # noqa: ANN001
    store = Store(Path(tmp) / "cache.sqlite3")
    # Fix the demo's anchor a few hours before "now" so the viral video is mid-spike.
    store.set_meta("demo.anchor", str(NOW - 5 * 3600))
    store.set_meta("demo.signature", "7:40")
    return ShareApp(Config(), source=DemoSource(seed=7, videos=40, history_days=14), store=store, clock=clock)


async def settle(app: ShareApp, pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    app._next_poll_at = None  # no live countdown in a still image
    app.refresh_status()


async def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = demo_app(tmp, lambda: NOW)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.save_screenshot(str(out / "dashboard.svg"))
            await pilot.press("s", "s", "home")  # sort by shares gained in the last hour, take the top one
            await pilot.press("enter")
            await settle(app, pilot)
            app.save_screenshot(str(out / "video.svg"))
            await pilot.press("escape", "question_mark")
            await pilot.pause()
            app.save_screenshot(str(out / "help.svg"))
        app.store.close()
    with tempfile.TemporaryDirectory() as tmp:
        app = demo_app(tmp, lambda: NOW)
        async with app.run_test(size=TALL) as pilot:
            await settle(app, pilot)
            await pilot.press("s", "s", "home", "enter")  # a tall terminal: the charts show
            await settle(app, pilot)
            app.save_screenshot(str(out / "video-chart.svg"))
            await pilot.press("escape", "home", "m", "m", "m", "c")
            await settle(app, pilot)
            app.save_screenshot(str(out / "compare.svg"))
        app.store.close()
    with tempfile.TemporaryDirectory() as tmp:
        clock = [float(NOW - 5 * 3600)]  # the demo's first minutes: alerts come in
        app = demo_app(tmp, lambda: clock[0])
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(app, pilot)
            for _ in range(5):
                clock[0] += 60
                app.poll_now()
                await settle(app, pilot)
            app.save_screenshot(str(out / "alerts.svg"))
        app.store.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    target.mkdir(parents=True, exist_ok=True)
    asyncio.run(shoot(target))
    print(f"wrote {', '.join(sorted(p.name for p in target.glob('*.svg')))} to {target}")
