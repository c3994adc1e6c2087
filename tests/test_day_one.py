"""Day one with a real account (the fake TikTok, a fresh cache): imports at any time, the imported account
still reachable after a login, and the monitor picking up what another process writes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sharetui.cli import main
from sharetui.config import load
from sharetui.monitor.service import open_sources
from sharetui.sources.tiktok import credentials
from sharetui.store import Reader, Store
from sharetui.ui.app import ShareApp
from sharetui.ui.widgets.video_table import VideoTable
from tests.conftest import connect, settle
from tests.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, FakeTikTok

HEADER = "Time,Video title,Video link,Post time,Total likes,Total comments,Total shares,Total views\n"


def content_csv(path: Path, ids: list[str], day: datetime) -> Path:
    label = day.strftime("%B %-d")
    rows = "".join(f"{label},Imported {i},https://www.tiktok.com/@me/video/{video_id},{label},5,1,{10 + i},100\n"
                   for i, video_id in enumerate(ids))
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


@pytest.fixture
def connected(isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTikTok]:
    """A freshly connected account with an established catalogue, and a fresh cache."""
    with FakeTikTok(videos=30) as fake:
        connect(fake, monkeypatch)
        yield fake


@pytest.mark.integration
def test_an_import_while_a_poller_runs_is_written_not_refused(connected: FakeTikTok, tmp_path: Path,
                                                              data_dir: Path) -> None:
    poller = subprocess.Popen([sys.executable, "-m", "sharetui", "poll", "--interval", "5"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert poller.stdout is not None and poller.stdout.readline()  # the first sweep is stored
        today = datetime.now(UTC)
        ids = ["7499000000000000001", "7499000000000000002"]
        assert main(["import", str(content_csv(tmp_path / "Content.csv", ids, today))]) == 0
        assert poller.stdout.readline()  # and the poller goes on polling
        assert poller.poll() is None
    finally:
        poller.terminate()
        poller.wait(timeout=20)
    with Reader(data_dir / "sharetui.sqlite3") as reader:
        key = reader.account_keys()
        rows = reader.dashboard(next(k for k in key if k.startswith("tiktok:")), int(time.time()))
    assert {r.id for r in rows} >= set(ids) and len(rows) == 32


async def test_a_polling_monitor_shows_an_import_within_seconds(connected: FakeTikTok, tmp_path: Path,
                                                                data_dir: Path) -> None:
    store = Store(data_dir / "sharetui.sqlite3")
    app = ShareApp(load(), store=store)
    async with app.run_test(size=(140, 36)) as pilot:
        await settle(app, pilot)
        table = app.dashboard.query_one(VideoTable)
        assert len(table.order) == 30 and app.session.fed_by is None  # this monitor is the writer
        ids = ["7499000000000000001", "7499000000000000002", "7499000000000000003"]
        assert main(["import", str(content_csv(tmp_path / "Content.csv", ids, datetime.now(UTC)))]) == 0
        for _ in range(60):  # a poll is a minute away: the follow timer must bring it
            await pilot.pause(0.1)
            if len(table.order) == 33:
                break
        assert len(table.order) == 33


def test_the_imported_account_stays_reachable_after_a_login(tmp_path: Path, data_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    ids = ["7499000000000000001"]
    assert main(["import", str(content_csv(tmp_path / "Content.csv", ids, datetime.now(UTC)))]) == 0
    assert [s.kind for s in open_sources(load())] == ["studio"]
    with FakeTikTok(videos=3) as fake:
        assert main(["config", "set", "tiktok.api_base_url", fake.url]) == 0
        fake.save_login(credentials.path_for())
        monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_KEY", CLIENT_KEY)
        monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_SECRET", CLIENT_SECRET)
        sources = open_sources(load())
        assert [s.kind for s in sources] == ["tiktok", "studio"]
        # Only the login is polled; the imported account is shown, not swept.
        assert main(["poll", "--once"]) == 0


async def test_a_monitor_with_a_login_and_imports_polls_the_login_and_shows_both(
        tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = ["7499000000000000001", "7499000000000000002"]
    assert main(["import", str(content_csv(tmp_path / "Content.csv", ids, datetime.now(UTC)))]) == 0
    with FakeTikTok(videos=5) as fake:
        assert main(["config", "set", "tiktok.api_base_url", fake.url]) == 0
        fake.save_login(credentials.path_for())
        monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_KEY", CLIENT_KEY)
        monkeypatch.setenv("SHARETUI_TIKTOK_CLIENT_SECRET", CLIENT_SECRET)
        app = ShareApp(load(), store=Store(data_dir / "sharetui.sqlite3"))
        async with app.run_test(size=(140, 36)) as pilot:
            await settle(app, pilot)
            table = app.dashboard.query_one(VideoTable)
            assert len(table.order) == 5 and app.session.state == "LIVE" and app.session.last_error is None
            await pilot.press("a")
            await settle(app, pilot)
            assert len(table.order) == 2 and app.session.state == "IMPORTED"
            await pilot.press("a")  # all accounts together
            await settle(app, pilot)
            assert len(table.order) == 7 and app.session.last_error is None


def established_catalogue(fake: FakeTikTok, now: float, count: int = 40) -> None:
    """Videos from a few hours to many months old, the older with more shares, as a real account has."""
    from tests.fake_tiktok import FakeVideo

    ages = [3 * 3600 * 1.25 ** i for i in range(count)]  # 3 h … about 200 days
    fake.user.videos = [FakeVideo(id=str(7_450_000_000_000_000_000 + i), create_time=int(now - age),
                                  title=f"Clip {i}", view_count=int(500 * (age / 3600) ** 0.6),
                                  like_count=int(40 * (age / 3600) ** 0.5),
                                  share_count=int(3 * (age / 3600) ** 0.55) + i % 3)
                        for i, age in enumerate(ages)]


def test_forecast_on_an_account_too_small_to_forecast_is_one_sentence(connected: FakeTikTok,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    established_catalogue(connected, time.time(), count=4)  # too few even for the catalogue's cross-section
    assert main(["poll", "--once"]) == 0
    capsys.readouterr()
    assert main(["forecast"]) == 0
    out = capsys.readouterr()
    lines = [line for line in out.out.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Forecasts learn from your own videos"), out.out
    assert "needed" in lines[0] and lines[0].endswith(".") and out.err == ""


def after_first_sweep(fake: FakeTikTok, data_dir: Path, now: float):  # noqa: ANN201 - (DashboardData, Baseline)
    """An established catalogue, one `poll --once`, and what the monitor's service then assembles."""
    from sharetui.monitor.service import MonitorService

    established_catalogue(fake, now)
    assert main(["poll", "--once"]) == 0
    with Store(data_dir / "sharetui.sqlite3") as store:
        service = MonitorService(load(), store=store)
        try:
            data = service.dashboard(0)
            return data, service.baseline_for(data.account.key)
        finally:
            service.close()


def test_usual_comes_from_the_catalogue_on_the_first_sweep(connected: FakeTikTok, data_dir: Path) -> None:
    """After one sweep of an established catalogue: ×Usual for most videos older than a day, from the
    cross-section, ordered as the counts are, and marked as such."""
    from sharetui.domain.baseline import CATALOGUE

    now = time.time()
    data, baseline = after_first_sweep(connected, data_dir, now)
    older = [r for r in data.rows if now - r.posted_at > 86_400]
    with_usual = [r for r in older if r.vs_usual is not None]
    assert len(with_usual) >= 0.8 * len(older), [(round((now - r.posted_at) / 3600), r.vs_usual) for r in older]
    assert baseline is not None and baseline.origin_at(24 * 30) == CATALOGUE
    # The catalogue follows a smooth curve, so "usual" sits near 1 for most of it.
    ratios = sorted(r.vs_usual for r in with_usual if r.vs_usual is not None)
    assert 0.6 < ratios[len(ratios) // 2] < 1.6
    # A video with twice the shares of its neighbours in age stands out.
    target = with_usual[len(with_usual) // 2]
    assert baseline.ratio(target.shares * 2, (now - target.posted_at) / 3600) > 1.5 * (target.vs_usual or 0)


def test_cross_section_recovers_a_power_law_growth_curve() -> None:
    import random

    from sharetui.domain.baseline import build

    rng = random.Random(3)
    # A creator posting daily for a year: shares ≈ 40·age^0.5, log-normal noise.
    points = [(age, round(40 * age ** 0.5 * rng.lognormvariate(0, 0.4))) for age in (24.0 * d + 5 for d in range(365))]
    baseline = build("shares", {}, points)
    for age in (48, 168, 720, 2160):
        median = baseline.median_at(age)
        assert median is not None and abs(median / (40 * age ** 0.5) - 1) < 0.25, (age, median)
    for age in (720, 2160):  # where dozens of videos are near in age, the spread is the noise's
        p90, median = baseline.p90_at(age), baseline.median_at(age)
        assert p90 is not None and median and 1.3 < p90 / median < 2.2  # exp(1.28 · 0.4) ≈ 1.67


def test_day7_forecasts_from_the_first_sweep_band_the_true_future(connected: FakeTikTok, data_dir: Path) -> None:
    """After one sweep: →Day7 for most videos younger than a week, from the catalogue, labelled, ordered
    like the counts, and holding where the fake's videos really go (each follows the catalogue's curve)."""
    from sharetui.domain.baseline import CATALOGUE

    now = time.time()
    rows = after_first_sweep(connected, data_dir, now)[0].rows
    young = [r for r in rows if 3600 <= now - r.posted_at < 7 * 86_400]
    banded = [(r, band) for r in young if r.forecast and (band := r.forecast.bands.get("7d"))]
    assert len(banded) >= 0.8 * len(young) >= 4
    held = 0
    for row, band in banded:
        assert band.origin == CATALOGUE and band.p10 >= row.shares and band.p10 <= band.p50 < band.p90
        assert "from your catalogue today" in (row.forecast.on_track("7d") if row.forecast else "")
        age = (now - row.posted_at) / 3600
        truth = 3 * 168 ** 0.55 * (row.shares / (3 * age ** 0.55))  # the generator's curve, from this count
        held += band.p10 <= truth <= band.p90
    assert held >= 0.8 * len(banded)
    by_age = sorted(banded, key=lambda rb: rb[0].posted_at)
    for (older, b_old), (newer, b_new) in zip(by_age, by_age[1:], strict=False):
        if abs(older.posted_at - newer.posted_at) < 600 and older.shares > newer.shares:
            assert b_old.p50 >= b_new.p50


async def test_a_demo_monitor_and_a_tiktok_monitor_on_one_cache_both_poll(connected: FakeTikTok,
                                                                           data_dir: Path) -> None:
    """One writer per account: the demo's monitor and the login's monitor each poll their own account, and
    `poll --once --demo` beside the TikTok monitor is not refused for a false reason."""
    from sharetui.config import Config
    from sharetui.sources.demo import DemoSource

    assert main(["config", "set", "demo.history_days", "0"]) == 0
    demo = ShareApp(Config(), source=DemoSource(seed=7, videos=10, history_days=0),
                    store=Store(data_dir / "sharetui.sqlite3"))
    tiktok = ShareApp(load(), store=Store(data_dir / "sharetui.sqlite3"))
    async with demo.run_test(size=(120, 30)) as demo_pilot:
        await settle(demo, demo_pilot)
        async with tiktok.run_test(size=(120, 30)) as pilot:
            await settle(tiktok, pilot)
            for app in (demo, tiktok):
                assert app.session.fed_by is None and app.session.state == "LIVE" and app.session.last_error is None
            assert len(tiktok.dashboard.query_one(VideoTable).order) == 30
            assert len(demo.dashboard.query_one(VideoTable).order) == 10
            # The demo is polled by its monitor: a one-off demo poll is refused, naming that monitor truly.
            assert main(["poll", "--once", "--demo"]) == 1
    # The TikTok monitor is gone; the login is free to poll on its own.
    assert main(["poll", "--once"]) == 0


async def test_a_stopped_poller_is_noticed_said_and_stood_in_for(data_dir: Path) -> None:
    """A poller that stops answering (SIGSTOP) keeps its lock; the monitor it feeds says STALE with the
    reason within three intervals, instead of LIVE, and polls the account itself meanwhile."""
    import signal

    from sharetui.config import Config
    from sharetui.sources.demo import DemoSource
    from tests.conftest import FakeClock

    assert main(["config", "set", "demo.videos", "10"]) == 0
    assert main(["config", "set", "demo.history_days", "0"]) == 0
    poller = subprocess.Popen([sys.executable, "-m", "sharetui", "poll", "--demo", "--interval", "5"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    try:
        assert poller.stdout is not None and "DEMO" in poller.stdout.readline()
        clock = FakeClock(time.time())
        app = ShareApp(Config(), source=DemoSource(seed=7, videos=10, history_days=0),
                       store=Store(data_dir / "sharetui.sqlite3"), clock=clock)
        async with app.run_test(size=(140, 30)) as pilot:
            await settle(app, pilot)
            assert app.session.fed_by == poller.pid and app.session.state == "LIVE"
            poller.send_signal(signal.SIGSTOP)
            clock.advance(3 * 5 + 11)  # three of its intervals, and a little
            app.refresh_status()
            await pilot.pause()
            assert app.session.state == "STALE"
            reason = app.session.stale_reason() or ""
            assert f"poller pid {poller.pid} stopped answering" in reason and "polls meanwhile" in reason
            # ...and polls the account meanwhile, without the lock the stopped one still holds.
            with Reader(data_dir / "sharetui.sqlite3") as reader:
                for _ in range(100):
                    await pilot.pause(0.1)
                    if (reader.last_sweep("demo") or 0) >= clock() - 1:
                        break
                assert (reader.last_sweep("demo") or 0) >= clock() - 1
    finally:
        poller.send_signal(signal.SIGCONT)
        poller.terminate()
        poller.wait(timeout=20)


async def test_day_one_figures_are_lower_bounds_or_dashes_never_invented_zeros(connected: FakeTikTok,
                                                                                 data_dir: Path) -> None:
    """A fresh cache, two sweeps a minute apart with gains between: the header counts what was watched as a
    lower bound with its start (never "0 in 24h" next to rows that gained), the table draws no bar for the
    hours before the history began, and the all-accounts header does not count an account as 0 before its
    history begins."""
    from sharetui.monitor.service import MonitorService
    from sharetui.views.header import HeaderContent

    established_catalogue(connected, time.time())
    with Store(data_dir / "sharetui.sqlite3") as store:
        clock = [time.time()]
        service = MonitorService(load(), store=store, clock=lambda: clock[0])
        try:
            service.lock.acquire()
            assert service.poll_cycle().result is not None
            first = service.dashboard(0)
            label = HeaderContent.of(first).trend_label
            assert "– in 24h" in label and " 0 in" not in label and "peak 0" not in label
            for video in connected.user.videos:
                video.share_count += 7
            clock[0] += 60
            assert service.poll_cycle().result is not None
            data = service.dashboard(0)
        finally:
            service.close()
    label = HeaderContent.of(data).trend_label
    gained = sum(r.gain_1h or 0 for r in data.rows)
    re_read = [r for r in data.rows if r.gain_1h == 7]  # (a light sweep re-reads the young videos only)
    assert gained == 7 * len(re_read) and len(re_read) >= 20
    assert all(r.gain_1h_lower for r in re_read)
    assert f"≥{gained:,} since" in label and "peak 0" not in label, label
    for row in data.rows:
        edges = [data.now - 86_400 + i * 7200 for i in range(13)]
        for bar, end in enumerate(edges[1:]):
            if bar == len(edges) - 2:
                # Counted from the first sighting; a video not read again since is one observation: no bar.
                assert row.trend[bar] == (7 if row in re_read else None)
            elif end <= row.posted_at:
                assert row.trend[bar] == 0  # before it was posted it had nothing: that much is known
            else:
                assert row.trend[bar] is None, (bar, row.trend)  # posted, but nobody watched those hours


async def test_the_video_screen_of_a_video_found_long_after_posting(connected: FakeTikTok, data_dir: Path) -> None:
    """A catalogue video first seen days after posting, watched for a minute in which it gained: the
    screen never says "no shares" or "peak 0" next to that gain, and on the "all" range the shares it already
    had when the history began are not drawn as a bar."""
    from sharetui.ui.screens.video import VideoScreen

    now = time.time()
    established_catalogue(connected, now)
    # Days old when first seen (and young enough for the light sweep that follows to re-read it).
    oldest = min((v for v in connected.user.videos if now - v.create_time < 6 * 86_400), key=lambda v: v.create_time)
    app = ShareApp(load(), store=Store(data_dir / "sharetui.sqlite3"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(app, pilot)
        oldest.share_count += 9
        await pilot.pause(1.1)  # sweeps a second apart at least, as any interval has them
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        app.open_video(oldest.id)
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, VideoScreen)
        for range_key in ("2", "5"):  # 24 h, all
            await pilot.press(range_key)
            await settle(app, pilot)
            note = str(screen.query_one("#video-note").render())
            scale = str(screen.query_one("#scale-shares").render())
            label = str(screen.query_one("#label-shares").render())
            assert "no shares in this range" not in note and "peak 0/" not in scale, (note, scale)
            assert "peak 9/" in scale, (label, scale)  # the watched gain, never the count it already had
            # Over 24 h the change counts from the first sighting (a lower bound); over all its history from
            # posting, when it had 0: its whole count, and exact.
            assert ("≥+9" if range_key == "2" else f"+{oldest.share_count}") in label, label
