"""One video: current counts, change over a chosen range, and a sparkline of gains per metric."""

from __future__ import annotations

import threading
import webbrowser
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from sharetui import text as fmt
from sharetui.domain.models import METRICS, VideoRow
from sharetui.errors import StoreError
from sharetui.ui.messages import DataChanged, StatusWanted
from sharetui.ui.widgets.key_bar import KeyBar
from sharetui.ui.widgets.spark import SparkBars
from sharetui.ui.widgets.status_line import StatusLine
from sharetui.views.video import (
    RANGES,
    VideoData,
    forecast_line,
    meta_text,
    metric_lines,
    range_note,
    rate_line,
    read_video,
    usual_line,
)

if TYPE_CHECKING:
    from sharetui.monitor.service import ScreenData

CHART_MIN_HEIGHT = 44  # header, five sparklines, two charts, status and footer
CHART_ROOM = 33  # rows left to all but the age chart: head, sparklines, the gains chart, note, status, keys

# One thread for a video's first read: it starts before the screen is composed (VideoScreen._start_early).
EARLY_READS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="video-read")


class VideoScreen(Screen):
    DEFAULT_CSS = """
    VideoScreen {
        layout: vertical;
    }

    #video-head {
        height: auto;
        padding: 0 1;
        background: $panel;
    }

    #video-title {
        text-style: bold;
        color: $text-accent;
    }

    #video-meta {
        color: $text-muted;
    }

    #video-ranges {
        margin-top: 1;
    }

    #metrics {
        grid-size: 3;
        grid-columns: 28 1fr 18;
        grid-rows: 2;
        grid-gutter: 0 1;
        height: auto;
        padding: 1 1 0 1;
    }

    #metrics.-narrow {
        grid-size: 2;
        grid-columns: 28 1fr;
    }

    #metrics.-narrow > .metric-scale {
        display: none;
    }

    .metric-label {
        height: 2;
    }

    .metric-spark {
        height: 2;
    }

    .metric-scale {
        color: $text-muted;
        height: 2;
    }

    .spark-views > .spark-bars--high { color: $primary; }
    .spark-views > .spark-bars--low { color: $primary 40%; }
    .spark-likes > .spark-bars--high { color: $secondary; }
    .spark-likes > .spark-bars--low { color: $secondary 40%; }
    .spark-comments > .spark-bars--high { color: $accent; }
    .spark-comments > .spark-bars--low { color: $accent 40%; }
    .spark-rate > .spark-bars--high { color: $warning; }
    .spark-rate > .spark-bars--low { color: $warning 40%; }

    #video-body {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }

    #video-body:focus {
        background-tint: $foreground 0%;
    }

    #video-note {
        color: $text-muted;
        padding: 0 1;
        height: auto;
    }

    #video-body > AgeChart {
        height: 24;
    }
    """
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="back"),
        Binding("1", "range(0)", "1h", show=False),
        Binding("2", "range(1)", "24h", show=False),
        Binding("3", "range(2)", "7d", show=False),
        Binding("4", "range(3)", "30d", show=False),
        Binding("5", "range(4)", "All", show=False),
        Binding("o", "open_link", "Open link", id="open-link"),
        # y copies here as on the dashboard; v shows the charts (g and c mean Home and compare there).
        Binding("y", "copy_link", "Copy link", id="copy-link"),
        Binding("v", "toggle_chart", "Chart", id="chart"),
        Binding("l", "toggle_log", "Log scale", id="log-scale", show=False),
        Binding("n", "step(1)", "Next", id="next-video"),
        Binding("p", "step(-1)", "Previous", id="previous-video"),
    ]

    def __init__(self, row: VideoRow, data: ScreenData) -> None:
        super().__init__()
        self.row = row
        self.data = data
        self.range_index = 1  # 24 h: the question people ask first
        self._shown: VideoData | None = None  # what the screen paints now (None while a read is out)
        self.chart_mode = False
        self.log_scale = False  # the age chart's count axis (l)
        self._early: Future[VideoData] | None = None
        self._start_early()

    @property
    def shown(self) -> VideoData | None:
        """The history the screen shows now: None until the first read arrives."""
        return self._shown

    def compose(self) -> ComposeResult:
        # Everything but the status line and keys scrolls (↑ ↓ pgup pgdn home end): at 40×12 or with charts
        # on, nothing is out of reach; the status line stays at the bottom, as on the dashboard.
        with VerticalScroll(id="video-body"):
            with Vertical(id="video-head"):
                yield Static(id="video-title", markup=False)
                yield Static(id="video-meta", markup=False)
                yield Static(id="video-ranges")
            with Grid(id="metrics"):
                for metric in METRICS:
                    yield Static(id=f"label-{metric}", classes="metric-label")
                    yield SparkBars(id=f"spark-{metric}", classes=f"metric-spark spark-{metric}")
                    yield Static(id=f"scale-{metric}", classes="metric-scale")
                yield Static(id="label-rate", classes="metric-label")
                yield SparkBars(id="spark-rate", classes="metric-spark spark-rate")
                yield Static(id="scale-rate", classes="metric-scale")
            yield Static(id="video-note", markup=False)
        yield StatusLine(id="status")
        yield KeyBar(hidden=self.data.unoffered_actions)

    def on_mount(self) -> None:
        # A chart needs room; where space is short the sparklines stay (g switches either way).
        self.chart_mode = self.app.size.height >= CHART_MIN_HEIGHT
        self.query_one("#video-body").focus()
        self._show_mode()
        self._show_head()
        if self._early is not None:
            self._early.add_done_callback(self._early_done)
        else:
            self.load()
        self.post_message(StatusWanted())

    def on_resize(self) -> None:
        # Narrow terminals: the sparklines keep the room, the peak/last column goes.
        self.query_one("#metrics").set_class(self.size.width < 80, "-narrow")
        self._size_charts()

    def _size_charts(self) -> None:
        """The age chart takes what the head, the sparklines and the gains chart leave, so both charts fit
        on screen (at 44 rows and more) rather than the gains chart below the edge."""
        for chart in self.query("#age-chart"):
            chart.styles.height = max(12, min(40, self.size.height - CHART_ROOM))

    # -- data -----------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the chosen range in a worker thread and show it when it arrives.

        The event loop never runs a history query: on a large cache, or while the writer's retention pass
        swells the WAL, one can take far longer than a frame. The newest request wins (exclusive)."""
        view = self.data
        row = view.row(self.row.id) or self.row
        name, span = RANGES[self.range_index]
        width = max(12, min(120, self.app.size.width - 52))
        self._read(row, int(view.clock()), name, span, width, self.chart_mode)

    @work(thread=True, exclusive=True, group="video-history")
    def _read(self, row: VideoRow, now: int, name: str, span: int, width: int, with_chart: bool) -> None:
        try:
            data = read_video(self.data.reader, row, now, name, span, width, with_chart)
        except StoreError as exc:
            self.app.call_from_thread(self.notify, f"cannot read this video's history: {exc}", severity="error",
                                      markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._apply, data)

    def _start_early(self) -> None:
        """The first read starts as the screen is made, in a thread, so it overlaps composing the screen."""
        view = self.data
        try:
            size = self.app.size
        except RuntimeError:  # (Textual's NoActiveAppError) made outside a running app: on_mount reads
            return
        row = view.row(self.row.id) or self.row
        name, span = RANGES[self.range_index]
        width = max(12, min(120, size.width - 52))
        chart = size.height >= CHART_MIN_HEIGHT
        self._early = EARLY_READS.submit(read_video, view.reader, row, int(view.clock()), name, span, width, chart)

    def _early_done(self, future: Future[VideoData]) -> None:
        if threading.current_thread() is threading.main_thread():
            self.call_later(self._apply_early, future)
        else:
            self.app.call_from_thread(self._apply_early, future)

    def _apply_early(self, future: Future[VideoData]) -> None:
        if self._shown is not None or not self.is_attached:
            return  # a newer read (another range, n/p) already showed, or the screen is gone
        try:
            self._apply(future.result())
        except StoreError as exc:
            self.notify(f"cannot read this video's history: {exc}", severity="error", markup=False)

    def on_data_changed(self, message: DataChanged) -> None:
        self.load()

    def _apply(self, data: VideoData) -> None:
        self._shown = data
        self.row = data.row
        self._show_head()
        if self.chart_mode:
            self._show_chart(data)
        for line in metric_lines(data):
            self.query_one(f"#label-{line.name}", Static).update(Content.assemble(
                (f"{line.name.capitalize():<9}", "bold"),
                (f"{fmt.count(line.current):>8}", "bold $text-success" if line.name == "shares" else "bold"),
                (f" {line.change:>9}", "$text-muted"),
            ))
            self.query_one(f"#spark-{line.name}", SparkBars).show(line.bars, data.series[line.name].partial_last)
            self.query_one(f"#scale-{line.name}", Static).update(Content(f"{line.peak}\n{line.last}"))
        rate = rate_line(data)
        # The second column of this row is a rate over the range (not a change): it says "avg".
        self.query_one("#label-rate", Static).update(Content.assemble(
            (f"{'‰ Shares':<9}", "bold"), (fmt.rate(rate.now, 8, 2), "bold"),
            (f" avg {fmt.rate(rate.over_range, 5, 2)}", "$text-muted"),
        ))
        self.query_one("#spark-rate", SparkBars).show(rate.bars, data.series["shares"].partial_last)
        self.query_one("#scale-rate", Static).update(Content(f"peak {fmt.rate(rate.peak)}‰\nshares/1k views"))
        self.query_one("#video-note", Static).update(range_note(data))

    def _show_head(self) -> None:
        row = self.row
        view = self.data
        title = fmt.safe_text(row.title) or "(untitled)"
        self.query_one("#video-title", Static).update(Content(title + ("  (gone from TikTok)" if row.gone else "")))
        now = view.clock()
        account = row.account or view.accounts[0].key
        usual = usual_line(row, now, view.baseline_for(account), view.baseline_for(account, "views"))
        self.query_one("#video-meta", Static).update(Content(
            meta_text(row, now) + "\n" + usual + "\n" + forecast_line(row)))
        parts = []
        for index, (name, _span) in enumerate(RANGES):
            style = "bold reverse $text-accent" if index == self.range_index else "$text-muted"
            parts.append(Content.styled(f" {index + 1} {name} ", style))
        name = RANGES[self.range_index][0]
        change = "change over all its history" if name == "all" else f"change in {name}"
        legend = Content.styled(f"   now · {change} · gains per bar", "$text-muted")
        self.query_one("#video-ranges", Static).update(Content(" ").join(parts) + legend)

    # -- actions --------------------------------------------------------------------------------

    def _show_mode(self) -> None:
        charts = self.query(".chart")
        if self.chart_mode and not charts:
            # Charts (and plotext) load on first use: the sparklines alone open faster.
            from sharetui.ui.widgets.age_chart import AgeChart, GainsChart

            self.mount(AgeChart(id="age-chart", classes="chart"), GainsChart(id="gains-chart", classes="chart"),
                       before=self.query_one("#video-note"))
            self.call_after_refresh(self._size_charts)
            return
        for chart in charts:
            chart.display = self.chart_mode

    def action_toggle_log(self) -> None:
        self.log_scale = not self.log_scale
        if not self.chart_mode:
            self.action_toggle_chart()  # the log scale is the chart's: show it
        elif self._shown is not None:
            self._apply(self._shown)

    def action_toggle_chart(self) -> None:
        self.chart_mode = not self.chart_mode
        self._show_mode()
        if self._shown is not None:
            self._apply(self._shown)

    def _show_chart(self, data: VideoData) -> None:
        view = self.data
        row = data.row
        if data.age_curve is None:  # read without the chart: read again with it
            self.load()
            return
        now = data.now
        age_hours = max(0.0, (now - row.posted_at) / 3600)
        from sharetui.ui.widgets.age_chart import AgeChart, GainsChart
        from sharetui.views.charts import Curve, baseline_curves, forecast_curves, forecast_note, video_span

        ages, values = data.age_curve
        curve = Curve("this video", ages, [float(v) for v in values])
        usual = view.baseline_for(row.account or view.accounts[0].key)
        band = forecast_curves(row.forecast, age_hours)
        span = video_span(age_hours, bool(band))
        self.query_one(AgeChart).show([curve], baseline_curves(usual, span), log=self.log_scale, span=span, band=band,
                                      title="cumulative shares by age" + forecast_note(row.forecast))
        shares = data.series["shares"]
        self.query_one(GainsChart).show(shares.start, shares.step, shares.drawn_gains)

    def action_step(self, step: int) -> None:
        """The next / previous video in the dashboard's order, on this screen (same range and mode)."""
        found = self.data.neighbour(self.row.id, step)
        row = self.data.row(found) if found is not None else None
        if row is None:
            self.notify(f"This is the {'last' if step > 0 else 'first'} video in the dashboard's order.")
            return
        self.row = row
        self._shown = None
        self._show_head()
        self.query_one("#video-body").scroll_home(animate=False)
        self.load()

    def action_range(self, index: int) -> None:
        self.range_index = index
        self._show_head()
        self.load()

    def action_open_link(self) -> None:
        url = self.row.share_url
        if not url.startswith(("https://", "http://")):
            self.notify("This video has no link.", severity="warning")
            return
        try:
            webbrowser.get()
        except webbrowser.Error:
            copy = next((self.app.get_key_display(b.binding) for b in self.active_bindings.values()
                         if b.binding.action == "copy_link"), "y")  # (the key as remapped in [keys])
            self.notify(f"No browser here (SSH?): press {copy} to copy the link instead.", severity="warning")
            return
        self.app.open_url(url)
        self.notify("Opened the link in your browser.")

    def action_copy_link(self) -> None:
        url = self.row.share_url
        if not url.startswith(("https://", "http://")):
            self.notify("This video has no link.", severity="warning")
            return
        # OSC 52 asks the terminal to copy; it never answers, and some ignore it: say what was done.
        self.app.copy_to_clipboard(url)
        self.notify(f"Sent to the terminal's clipboard (OSC 52; if your terminal ignores it, copy it from here): "
                    f"{fmt.safe_text(url, 200)}", markup=False)
