"""The help screen, made from the bindings themselves (every key of every screen, as remapped in [keys], so
it is complete by construction), then a legend of the table's marks, signs and colours, and what TikTok does
not tell."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from sharetui.views.table import ALERTED, GONE, MARKED, RISING

# Longer words for an action than its key bar label (the label is used where there is none here).
EXPLAIN = {
    "quit": "quit", "help": "this help", "toggle_pause": "pause / resume live polling", "poll_now": "poll now",
    "next_account": "next account, then all accounts (with several logins)",
    "alerts": "alerts: every alert, newest first", "interval(1)": "poll less often", "interval(-1)": "poll more often",
    "filter": "filter by title, video id or a pasted TikTok link (enter keeps it, esc clears it)",
    "clear_filter": "clear the filter", "cycle_sort": "sort by the next column on screen",
    "reverse": "reverse the sort", "mark": "mark / unmark a video for comparison (kept across restarts)",
    "compare": "compare the marked videos by age", "toggle_gone": "hide / show videos gone from TikTok",
    "pick_columns": "columns: show, hide and order them", "copy_row": "copy the row (id, title, counts, link)",
    "cursor(-1)": "up", "cursor(1)": "down", "page(-1)": "page up", "page(1)": "page down",
    "edge(0)": "first video", "edge(1)": "last video", "select": "open the highlighted video",
    "app.pop_screen": "back to the screen before", "range(0)": "range: the last hour",
    "range(1)": "range: 24 hours", "range(2)": "range: 7 days", "range(3)": "range: 30 days",
    "range(4)": "range: all of its history", "open_link": "open the video's link in a browser",
    "copy_link": "send the link to the clipboard (OSC 52, over SSH too)",
    "toggle_chart": "charts: shares by age against your usual, and gains with dates",
    "toggle_log": "log scale (big and small videos both readable)",
    "toggle_whole": "their whole history, or the first days (as old as the youngest, twice)", "step(1)": "next video in the dashboard's order",
    "step(-1)": "previous video in the dashboard's order", "open_video": "open the alert's video (esc comes back)",
    "toggle_column": "show / hide the highlighted column", "move(-1)": "move it up (further left)",
    "move(1)": "move it down (further right)", "acknowledge": "acknowledge the alert (the table's ! goes)",
    "acknowledge_all": "acknowledge every alert shown", "mute": "mute / unmute its video: no toast, bell or !",
    "next_rule": "show one rule's alerts, the next, then all", "done": "done", "cancel": "cancel", "dismiss": "close",
}
MORE = [
    ("Mouse and palette", [
        ("ctrl+p", "command palette: every action, jump to a video, switch account, theme, screenshot"),
        ("click a column header", "sort by it (again: reverse)"),
        ("click a key below", "press it"),
    ]),
]
LEGEND = [
    (MARKED, "marked for comparison"),
    (ALERTED, "an alert fired for it in the last day (A lists them)"),
    (RISING, "its shares grew in the last update (the count is amber too)"),
    (GONE, "gone from TikTok: made private or removed (dimmed; h hides them); its history stays"),
    ("≥+12", "at least this many: the history starts inside the window, or has a gap there"),
    ("–", "not known: not watched then, or TikTok did not say"),
    ("~1,234", "a rough forecast: its band is wide (p90 more than 2.5 × p10)"),
    ("amber", "well ahead of your usual (×Usual 2 or more) or rising; grey: nothing gained, or far behind (< 0.5)"),
    ("▁▂▃▅█ █1.2k", "shares gained per 2 hours, one bar a cell, newest right; one log scale for every row: "
                    "█ is the table's biggest 2-hour gain (in the heading); ▁ nothing gained; blank not watched"),
]
COLUMNS_HELP = [
    ("Shares", "times the video was shared, as TikTok counts it"),
    ("‰Shr", "shares per 1,000 views"),
    ("+1h +24h", "shares gained in the last hour / 24 hours"),
    ("×Usual", "shares now ÷ the median of your videos at the same age"),
    ("→Day7", "forecast shares at 7 days (median); `sharetui forecast` for the band"),
]


def screens() -> list[tuple[str, list[BindingType]]]:
    """Each place the keys work, with its bindings (imported here, when help opens, not at start-up)."""
    from sharetui.ui.screens.alerts import AlertsScreen
    from sharetui.ui.screens.columns import ColumnPicker
    from sharetui.ui.screens.compare import CompareScreen
    from sharetui.ui.screens.dashboard import DashboardScreen
    from sharetui.ui.screens.video import VideoScreen
    from sharetui.ui.widgets.video_table import VideoTable

    return [("Dashboard", [*DashboardScreen.BINDINGS, *VideoTable.BINDINGS]), ("Video screen", VideoScreen.BINDINGS),
            ("Compare screen", CompareScreen.BINDINGS), ("Alerts list", AlertsScreen.BINDINGS),
            ("Column picker", ColumnPicker.BINDINGS)]


def key_rows(bindings: list[BindingType], keymap: dict[str, str],
             display: dict[str, str]) -> list[tuple[str, str]]:
    """(keys, what they do) per binding, with the keys the user set in [keys]."""
    rows = []
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
        shown = " ".join(display.get(k.strip(), k.strip()) for k in keys.split(","))
        rows.append((shown, EXPLAIN.get(binding.action, binding.description.lower())))
    return rows


KEY_NAMES = {"up": "↑", "down": "↓", "shift+up": "shift+↑", "shift+down": "shift+↓", "escape": "esc",
             "question_mark": "?", "plus": "+", "minus": "-", "slash": "/", "pageup": "pgup", "pagedown": "pgdn"}


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close-help"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90; max-width: 100%; height: auto; max-height: 90%;
                                  border: round $accent; background: $surface; padding: 0 1; }
    HelpScreen .section { text-style: bold; color: $text-accent; margin-top: 1; }
    HelpScreen .help-row { height: auto; }
    HelpScreen .help-key { width: 24; padding-right: 2; text-align: right; }
    HelpScreen .help-what { width: 1fr; }
    HelpScreen .note { margin-top: 1; color: $text-muted; }
    HelpScreen.-narrow .help-row { layout: vertical; }
    HelpScreen.-narrow .help-key { width: 100%; text-align: left; padding-right: 0; }
    HelpScreen.-narrow .help-what { padding-left: 2; }
    """

    def __init__(self, everywhere: list[BindingType], keymap: dict[str, str]) -> None:
        super().__init__()
        self.sections = [(name, key_rows(bindings, keymap, KEY_NAMES))
                         for name, bindings in [("Everywhere", everywhere), *screens()]] + MORE
        self.sections += [("Marks, signs and colours in the table", LEGEND), ("Columns", COLUMNS_HELP)]

    def lines(self) -> list[str]:
        """The help as text: a line per section and per entry."""
        return [line for name, rows in self.sections for line in [name] + [f"{k}  {w}" for k, w in rows]]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Content.styled("sharetui — keys", "bold"))
            for section, rows in self.sections:
                yield Static(section, classes="section", markup=False)
                for key, what in rows:
                    with Horizontal(classes="help-row"):
                        yield Static(Content.styled(key, "bold $text-accent"), classes="help-key")
                        yield Static(Content(what), classes="help-what")
            yield Static(
                "TikTok reports how many times a video was shared and when — never who shared it. "
                "Nobody outside TikTok can see that; sharetui shows the counts and their timing.",
                classes="note", markup=False,
            )

    def on_resize(self) -> None:
        # Narrow terminals: each key above its description, so descriptions wrap on words, not letters.
        self.set_class(self.size.width < 60, "-narrow")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
