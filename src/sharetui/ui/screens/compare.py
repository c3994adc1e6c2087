"""Several marked videos side by side: cumulative shares aligned by hours since posting."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from sharetui import text as fmt
from sharetui.errors import StoreError
from sharetui.ui.messages import DataChanged, StatusWanted
from sharetui.ui.widgets.age_chart import AgeChart
from sharetui.ui.widgets.cells import fit
from sharetui.ui.widgets.key_bar import KeyBar
from sharetui.ui.widgets.status_line import StatusLine
from sharetui.views.charts import Curve, baseline_curves, compare_span

if TYPE_CHECKING:
    from sharetui.monitor.service import ScreenData

MAX_POINTS = 100


# A glyph and a colour per compared video: twelve of each, so twelve lines stay apart, with colour or without.
STYLES = [("o", "red"), ("x", "green"), ("*", "blue"), ("#", "magenta"), ("@", "cyan"), ("%", "red+"),
          ("&", "green+"), ("$", "blue+"), ("=", "magenta+"), ("~", "cyan+"), ("s", "white"), ("?", "yellow")]
# (• and + in grey are the usual curves': your median and your p90; no video is drawn in grey.)


class CompareScreen(Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("l", "toggle_log", "Log scale", id="log-scale"),
        Binding("w", "toggle_whole", "Whole history", id="whole-range"),
    ]
    DEFAULT_CSS = """
    CompareScreen #compare-head { height: auto; padding: 0 1; background: $panel; }
    CompareScreen #compare-list { height: auto; padding: 0 1; }
    """

    def __init__(self, video_ids: list[str], data: ScreenData) -> None:
        super().__init__()
        self.video_ids = video_ids
        self.data = data
        self.log_scale = False  # a logarithmic count axis: a 100-share video next to a 100,000-share one
        self.whole = False  # the x axis to the oldest video's age (else focused on the youngest one's)

    def compose(self) -> ComposeResult:
        yield Static(id="compare-head")
        yield AgeChart(id="compare-chart")
        yield Static(id="compare-list")
        yield StatusLine(id="status")
        yield KeyBar(hidden=self.data.unoffered_actions)

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
        span = compare_span([(now - r.posted_at) / 3600 for r in rows], self.whole)
        shown = "their whole history" if self.whole else f"the first {fmt.duration(span * 3600)} (w: whole history)"
        self.query_one("#compare-head", Static).update(Content.styled(
            f"Comparing {fmt.plural(len(rows), 'video')} by age, {shown} · l: log scale · esc: back · m on the "
            "dashboard marks and unmarks", "bold"))
        # The usual of the first video's account (the accounts may differ in the all-accounts view).
        usual = view.baseline_for(rows[0].account or view.accounts[0].key) if rows else None
        styles = [STYLES[i % len(STYLES)] for i in range(len(rows))]
        if os.environ.get("NO_COLOR"):  # greyscale makes some colours near-black: the glyphs tell them apart
            styles = [(glyph, "white") for glyph, _ in styles]
        self.query_one(AgeChart).show(curves, baseline_curves(usual, span), title="cumulative shares by age",
                                      styles=styles, legend=False, log=self.log_scale, span=span)
        # The legend, outside the plot: each video's glyph, then its figures; widths count terminal cells, so
        # an emoji in a title does not push the columns.
        width = max(16, min(60, self.app.size.width - 40))
        lines = [Content.styled(f"   {fit('Title', width, False)} {'Age':>6} {'Shares':>8} {'+24h':>8} {'×Usual':>7}",
                                "bold")]
        for row, (glyph, _colour) in zip(rows, styles, strict=True):
            lines.append(Content.assemble(
                (f" {glyph} ", "bold"),
                f"{fit(fmt.safe_text(row.title, width), width, False)} {fmt.age(row.posted_at, now):>6} "
                f"{fmt.count(row.known('shares')):>8} {fmt.gain(row.gain_24h, row.gain_24h_lower):>8} "
                f"{fmt.ratio(row.vs_usual):>7}"))
        lines.append(Content.styled(" •  your median   +  your p90 (the usual at each age)", "$text-muted"))
        self.query_one("#compare-list", Static).update(Content("\n").join(lines))

    def action_toggle_whole(self) -> None:
        self.whole = not self.whole
        self.load()

    def action_toggle_log(self) -> None:
        self.log_scale = not self.log_scale
        self.load()
