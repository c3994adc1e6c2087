"""Charts scaled to what matters, with whole-number labels, dates across midnight and a log option: the pure
parts (sharetui.views.charts) and the video and compare screens drawing them."""

from __future__ import annotations

import re
import time

import pytest

from sharetui.config import Config
from sharetui.sources.demo import DemoSource
from sharetui.store import Store
from sharetui.ui.app import ShareApp
from sharetui.views.charts import (
    Curve,
    clip,
    compare_span,
    log_axis,
    time_labels,
    value_top,
    video_span,
)
from tests.conftest import FakeClock, settle


def test_a_line_leaving_the_chart_ends_at_its_edge() -> None:
    line = Curve("forecast p90", [19.0, 168.0], [1_000.0, 31_000.0])
    inside = clip(line, 28.5)
    assert inside.ages == [19.0, 28.5] and inside.values[-1] == pytest.approx(1_000 + 30_000 * 9.5 / 149)
    capped = clip(line, 168.0, 2_000.0)
    assert capped.values[-1] == 2_000.0 and 19 < capped.ages[-1] < 28.5
    assert clip(Curve("v", [0.0, 1.0, 2.0], [0.0, 5.0, 9.0]), 10.0).values == [0.0, 5.0, 9.0]


def test_the_scale_is_the_video_and_its_usual_never_a_p90_a_week_out() -> None:
    video = Curve("this video", [0.0, 19.0], [0.0, 1_400.0])
    median = Curve("your median", [0.0, 19.0, 100.0], [0.0, 60.0, 90_000.0])
    span = video_span(19.0, forecast=True)
    assert span == pytest.approx(28.5)
    assert value_top([video, median], span) == 1_400.0  # the usual beyond the span does not count
    assert video_span(4.0, forecast=False) == 6.0 and video_span(900.0, forecast=False) == 900.0
    assert video_span(150.0, forecast=True) == 168.0


def test_a_young_video_is_not_a_stripe_beside_old_ones() -> None:
    assert compare_span([4.0, 60 * 24.0], whole=False) == 24.0
    assert compare_span([30.0, 60 * 24.0], whole=False) == 60.0
    assert compare_span([4.0, 60 * 24.0], whole=True) == 60 * 24.0
    assert compare_span([10.0, 12.0], whole=False) == 12.0  # never past the oldest


def test_log_labels_are_whole_numbers() -> None:
    positions, labels = log_axis(48_406)
    assert labels == ["1", "10", "100", "1,000", "10,000", "100,000"] and positions[-1] == 5.0
    assert all(re.fullmatch(r"[\d,]+", label) for label in labels)


def test_time_labels_carry_the_date_across_midnight(utc: None) -> None:
    start = 1_790_000_000 - 1_790_000_000 % 86_400 - 3 * 3600  # 21:00 UTC
    labels = time_labels([start + i * 3 * 3600 for i in range(4)], 900)
    assert labels[0].endswith("21:00") and re.match(r"\d+ \w{3} 21:00", labels[0])
    assert labels[1] == f"{time.gmtime(start + 3 * 3600).tm_mday} {time.strftime('%b', time.gmtime(start + 10_800))} 00:00"
    assert labels[2] == "03:00" and labels[3] == "06:00"


def chart_text(chart) -> str:  # noqa: ANN001 - a PlotextPlot
    return re.sub(r"\x1b\[[0-9;]*m", "", chart.plt.build())


async def test_the_video_chart_fits_and_reads_at_50_rows(store: Store, clock: FakeClock, utc: None) -> None:
    from sharetui.ui.screens.video import VideoScreen
    from sharetui.ui.widgets.age_chart import AgeChart, GainsChart

    app = ShareApp(Config(), source=DemoSource(seed=7, videos=40, history_days=60), store=store, clock=clock)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        table = app.dashboard.table
        young = min(table.rows.values(), key=lambda r: abs((clock() - r.posted_at) - 19 * 3600))
        table.move_to(young.id)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, VideoScreen) and screen.chart_mode
        age, gains = screen.query_one(AgeChart), screen.query_one(GainsChart)
        assert age.region.bottom <= gains.region.y and gains.region.bottom <= 48  # both on screen
        text = chart_text(age)
        labels = [int(m.replace(",", "")) for m in re.findall(r"^\s*([\d,]+)┤", text, re.M)]
        shares = young.known("shares") or 0
        assert labels and max(labels) >= shares and max(labels) <= max(4 * shares, 10)  # the video fills it
        assert "." not in "".join(re.findall(r"^\s*([\d,.KM]+)┤", text, re.M))  # whole numbers
        await pilot.press("l")
        await settle(app, pilot)
        logged = chart_text(age)
        assert "log scale" in logged and re.search(r"^\s*1┤", logged, re.M)


async def test_a_fresh_accounts_one_watched_bar_is_one_bar(isolated_dirs, monkeypatch, data_dir) -> None:  # noqa: ANN001
    """A freshly connected account: the gains chart of its first minutes draws one narrow bar at the right,
    on the whole range's axis, never one bar stretched across the chart."""
    from sharetui.config import load
    from sharetui.ui.screens.video import VideoScreen
    from sharetui.ui.widgets.age_chart import GainsChart
    from tests.conftest import connect
    from tests.fake_tiktok import FakeTikTok

    with FakeTikTok(videos=8) as fake:
        connect(fake, monkeypatch)
        clock = FakeClock(time.time())
        app = ShareApp(load(), store=Store(data_dir / "sharetui.sqlite3"), clock=clock)
        async with app.run_test(size=(160, 50)) as pilot:
            await settle(app, pilot)
            fake.user.videos[0].share_count += 40
            clock.advance(120)
            await pilot.press("ctrl+r")
            await settle(app, pilot)
            assert app.dashboard.table.move_to(fake.user.videos[0].id)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, VideoScreen)
            text = chart_text(app.screen.query_one(GainsChart))
            rows = [line for line in text.splitlines() if "█" in line]
            assert rows and all(line.count("█") <= 8 for line in rows), rows  # narrow, not the width
            assert all(line.rstrip().rstrip("│").rstrip().endswith("█") for line in rows)  # at the right: now
