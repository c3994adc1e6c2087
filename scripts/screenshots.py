"""Regenerate the README's screenshots from the demo account with a fixed seed and clock.

    python scripts/screenshots.py            # writes screenshots/*.svg

Runs the real App under run_test() on a throwaway cache, so the images are reproducible.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from sharetui.config import Config
from sharetui.sources.demo import DemoSource
from sharetui.store import Store
from sharetui.ui.app import ShareApp

NOW = 1_790_000_000 + 5 * 3600  # fixed clock: 2026-09-21, a few hours into the demo's viral spike
SIZE = (120, 36)
TALL = (120, 48)
OUT = Path(__file__).resolve().parent.parent / "screenshots"


async def shoot_accounts(out: Path) -> None:
    """Two TikTok accounts, served by the protocol-faithful fake TikTok from the tests (no network)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.fake_tiktok import FakeTikTok, FakeUser, make_videos

    with FakeTikTok(videos=14) as fake, tempfile.TemporaryDirectory() as tmp:
        fake.user.display_name, fake.user.username = "Mara Bakes", "marabakes"
        brand = fake.add_user(FakeUser(open_id="open-id-2", display_name="Lisbon Lofts", username="lisbonlofts",
                                       videos=make_videos(9, start=1_781_000_000, title="Tiny flat tour #{i}")))
        for index, video in enumerate(brand.videos):
            video.id = str(7_500_000_000_000_000_000 + index)
            video.share_count, video.view_count = 40 + 17 * index, 4_000 + 900 * index
        for index, video in enumerate(fake.user.videos):
            video.title = f"Sourdough diary, day {index + 1}"
            video.share_count, video.view_count = 25 + 31 * index, 2_500 + 1_300 * index
        first = fake.logged_in_source(Path(tmp) / "default.json")
        fake.login_as = "open-id-2"
        second = fake.logged_in_source(Path(tmp) / "work.json")
        clock = [1_790_000_000.0]
        app = ShareApp(Config(), sources=[first, second], store=Store(Path(tmp) / "c.sqlite3"),
                       clock=lambda: clock[0])
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            for step in range(1, 4):  # a few polls, 20 minutes apart, with shares coming in
                for index, video in enumerate(fake.user.videos + brand.videos):
                    video.share_count += (index * 7 + step * 3) % 11
                clock[0] += 1200
                app.poll_now()
                await settle(app, pilot)
            app.show_account(None)
            await settle(app, pilot)
            app.save_screenshot(str(out / "accounts.svg"))
        app.store.close()


async def shoot_day_one(out: Path) -> None:
    """A freshly connected account with a catalogue months deep, twenty minutes after its first poll."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.fake_tiktok import FakeTikTok, FakeVideo

    start = 1_790_000_000.0
    with FakeTikTok(videos=0) as fake, tempfile.TemporaryDirectory() as tmp:
        fake.user.display_name, fake.user.username = "Noor Knits", "noorknits"
        ages = [2 * 3600 * 1.3 ** i for i in range(30)]
        fake.user.videos = [FakeVideo(id=str(7_450_000_000_000_000_000 + i), create_time=int(start - age),
                                      title=f"Knitting a {('scarf', 'hat', 'sock', 'mitten')[i % 4]}, part {30 - i}",
                                      view_count=int(900 * (age / 3600) ** 0.6 * (1 + i % 3 / 3)),
                                      like_count=int(60 * (age / 3600) ** 0.5),
                                      share_count=int(4 * (age / 3600) ** 0.55 * (1 + (i * 7) % 5 / 4)))
                            for i, age in enumerate(ages)]
        source = fake.logged_in_source(Path(tmp) / "default.json")
        clock = [start]
        app = ShareApp(Config(), source=source, store=Store(Path(tmp) / "c.sqlite3"), clock=lambda: clock[0])
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            for step in range(1, 3):  # two more polls, ten minutes apart, shares coming in on the young ones
                for index, video in enumerate(fake.user.videos[:8]):
                    video.share_count += (index * 5 + step * 3) % 9
                clock[0] += 600
                app.poll_now()
                await settle(app, pilot)
            app.save_screenshot(str(out / "day-one.svg"))
        app.store.close()


async def shoot_imports(out: Path) -> None:
    """A creator without API access: 60 days of a TikTok Studio export, imported."""
    import math
    from datetime import date, timedelta

    from sharetui.sources import studio
    from sharetui.sources.imported import ACCOUNT, ImportedSource

    exported = date(2026, 9, 21)
    days = ["Date,Video Views,Profile Views,Likes,Comments,Shares"]
    for back in range(60, 0, -1):
        day = exported - timedelta(days=back)
        shares = int(120 + 80 * math.sin(back / 5) + (900 if back < 9 else 0) * math.exp(-(back - 4) ** 2 / 8))
        days.append(f'{day.strftime("%B")} {day.day},"{shares * 40:,}",{shares // 3},{shares * 6},{shares // 2},'
                    f"{shares if back != 30 else 'undefined'}")
    content = ["Time,Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views"]
    for index in range(12):
        posted = exported - timedelta(days=4 * index + 2)
        content.append(f"September 19,Studio export video {index + 1},https://www.tiktok.com/@me/video/"
                       f"{7_600_000_000_000_000_000 + index},{posted.strftime('%B')} {posted.day},"
                       f"{900 - 60 * index},{80 - 5 * index},{400 - 25 * index},\"{30_000 - 2_000 * index:,}\"")
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "cache.sqlite3")
        for name, text in (("Overview.csv", days), ("Content.csv", content)):
            parsed = studio.parse(name, ("\ufeff" + "\n".join(text) + "\n").encode(), exported)
            store.import_days(ACCOUNT, parsed.days)
            store.import_videos(ACCOUNT, parsed.videos)
        app = ShareApp(Config(), source=ImportedSource(), store=store, clock=lambda: NOW)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            app.save_screenshot(str(out / "imported.svg"))
        store.close()


def demo_app(tmp: str, clock) -> ShareApp:  # noqa: ANN001
    store = Store(Path(tmp) / "cache.sqlite3")
    # Fix the demo's anchor a few hours before "now" so the viral video is mid-spike.
    store.set_meta("demo.anchor", str(NOW - 5 * 3600))
    store.set_meta("demo.signature", "7:40")
    return ShareApp(Config(), source=DemoSource(seed=7, videos=40, history_days=60), store=store, clock=clock)


async def settle(app: ShareApp, pilot) -> None:  # noqa: ANN001
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    app.session.next_poll_at = None  # no live countdown in a still image
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
    asyncio.run(shoot_accounts(target))
    asyncio.run(shoot_imports(target))
    asyncio.run(shoot_day_one(target))
    print(f"wrote {', '.join(sorted(p.name for p in target.glob('*.svg')))} to {target}")
