"""Several marked videos side by side: cumulative shares aligned by hours since posting."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from sharetui import text as fmt
from sharetui.errors import StoreError
from sharetui.messages import DataChanged, StatusWanted
from sharetui.widgets.age_chart import AgeChart, Curve, baseline_curves
from sharetui.widgets.key_bar import KeyBar
from sharetui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from sharetui.monitor import ScreenData

MAX_POINTS = 100


class CompareScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="back")]
    DEFAULT_CSS = """
    CompareScreen #compare-head { height: auto; padding: 0 1; background: $panel; }
    CompareScreen #compare-list { height: auto; padding: 0 1; }
    """

    def __init__(self, video_ids: list[str], data: ScreenData) -> None:
        super().__init__()
        self.video_ids = video_ids
        self.data = data

    def compose(self) -> ComposeResult:
        yield Static(id="compare-head")
        yield AgeChart(id="compare-chart")
        yield Static(id="compare-list")
        yield StatusLine(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()
        self.post_message(StatusWanted())

    def on_data_changed(self, message: DataChanged) -> None:
        self.load()

    def load(self) -> None:
        view = self.data
        now = int(view.clock())
        rows = [row for i in self.video_ids if (row := view.row(i)) is not None]
        curves: list[Curve] = []
        try:
            for row in rows:
                ages, values = view.reader.age_curve(row.vid, row.posted_at, now, MAX_POINTS)
                curves.append(Curve(row.title, ages, [float(v) for v in values]))
        except StoreError as exc:
            self.notify(f"cannot read history: {exc}", severity="error", markup=False)
            return
        oldest = max(((now - r.posted_at) / 3600 for r in rows), default=1.0)
        self.query_one("#compare-head", Static).update(Content.styled(
            f"Comparing {len(rows)} videos by age · esc: back · m on the dashboard marks and unmarks", "bold"))
        # The usual of the first video's account (the accounts may differ in the all-accounts view).
        usual = view.baseline_for(rows[0].account or view.accounts[0].key) if rows else None
        self.query_one(AgeChart).show(curves, baseline_curves(usual, oldest),
                                      title="cumulative shares by hours since posting")
        width = max(16, min(60, self.app.size.width - 37))  # the title takes what the numbers leave
        lines = [Content.styled(f"{'Title':<{width}} {'Age':>6} {'Shares':>8} {'+24h':>8} {'×Usual':>7}", "bold")]
        for row in rows:
            lines.append(Content(
                f"{fmt.safe_text(row.title, width):<{width}} {fmt.age(row.posted_at, now):>6} "
                f"{fmt.count(row.shares):>8} {fmt.gain(row.gain_24h, row.gain_24h_lower):>8} {fmt.ratio(row.vs_usual):>7}"))
        self.query_one("#compare-list", Static).update(Content("\n").join(lines))
