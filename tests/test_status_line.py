"""The status line at every width: the least important parts go first, the state and a problem stay, and the
real App's line never runs past the terminal's edge."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from sharetui.config import Config
from sharetui.monitor.session import MonitorStatus
from sharetui.sources.demo import DemoSource
from sharetui.store import Store
from sharetui.ui.app import ShareApp
from sharetui.ui.widgets.status_line import StatusLine
from sharetui.views.status import TableStatus, fit_parts, status_parts
from tests.conftest import FakeClock, settle

OFFLINE = MonitorStatus("OFFLINE (cached)", "tiktok · fed by poller (pid 4242)", 1_790_000_000.0, 42.0, 300,
                        "TikTok did not answer: timed out after 30 s")
TABLE = TableStatus("+24h ↓", 1_204, 1_210, gone=6)


def test_parts_drop_least_important_first_and_keep_the_state_and_the_problem() -> None:
    parts = status_parts(OFFLINE, TABLE)
    full = " · ".join(part.text for part in parts)
    assert fit_parts(parts, len(full)) == parts  # room for everything: nothing goes
    dropped_in_order = []
    for width in range(len(full), 0, -1):
        kept = fit_parts(parts, width)
        assert [p for p in parts if p in kept] == kept  # reading order is kept
        assert len(kept) == 1 or sum(len(p.text) for p in kept) + 3 * (len(kept) - 1) <= width
        dropped_in_order += [p.text.split()[0] for p in parts if p not in kept and p.text.split()[0]
                             not in dropped_in_order]
    assert dropped_in_order == ["sort", "next", "last", "source", "1204", "TikTok"]  # the state stays to the end
    assert [p.text for p in fit_parts(parts, 80)][:1] == ["OFFLINE (cached)"]
    assert any(p.kind == "error" for p in fit_parts(parts, 70))  # a problem outlives the source and counts


async def test_the_apps_status_line_fits_every_width(tmp_path: Path, clock: FakeClock) -> None:
    for width in (24, 40, 60, 80, 100, 140):
        app = ShareApp(Config(), source=DemoSource(seed=7, videos=12, history_days=1),
                       store=Store(tmp_path / f"{width}.sqlite3"), clock=clock)
        async with app.run_test(size=(width, 24)) as pilot:
            await settle(app, pilot)
            line = app.dashboard.query_one(StatusLine).text
            assert line.startswith("LIVE") and cell_len(line) <= width - 2, (width, line)
            if width >= 140:
                assert "sort Shares ↓" in line and "12 videos" in line
            elif width >= 40:
                assert "12 videos" in line and "sort" not in line  # the count outlives the sort
