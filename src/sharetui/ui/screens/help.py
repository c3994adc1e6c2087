"""The help screen: every key, what the columns mean, and what TikTok does not tell."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("Dashboard", [
        ("enter", "open the highlighted video"),
        ("↑ ↓ pgup pgdn home end", "move (also j k g G)"),
        ("/", "filter by title (enter keeps it, esc clears it)"),
        ("s", "cycle the sort column"),
        ("r", "reverse the sort"),
        ("m", "mark / unmark a video for comparison"),
        ("c", "compare the marked videos by age"),
        ("h", "hide / show videos gone from TikTok (made private or removed)"),
        ("click a column header", "sort by it (again: reverse)"),
    ]),
    ("Everywhere", [
        ("space", "pause / resume live polling"),
        ("ctrl+r", "poll now"),
        ("a", "next account, then all accounts (with several logins)"),
        ("+ / -", "poll less / more often"),
        ("A", "alerts: every alert, newest first (enter opens the video)"),
        ("ctrl+p", "command palette: every action, jump to a video, switch account, theme"),
        ("?", "this help"),
        ("q", "quit"),
    ]),
    ("Video screen", [
        ("1 2 3 4 5", "range: 1 hour, 24 hours, 7 days, 30 days, all"),
        ("o", "open the video's link in a browser"),
        ("c", "send the link to the clipboard (OSC 52, over SSH too)"),
        ("g", "chart: shares by age against your usual, and gains with dates"),
        ("n / p", "next / previous video in the dashboard's order"),
        ("↑ ↓ pgup pgdn home end", "scroll"),
        ("esc", "back to the dashboard"),
    ]),
]

COLUMNS_HELP = [
    ("Shares", "times the video was shared, as TikTok counts it"),
    ("‰Shr", "shares per 1,000 views"),
    ("+1h +24h", "shares gained in the last hour / 24 hours"),
    ("×Usual", "shares now ÷ the median of your videos at the same age"),
    ("→Day7", "forecast shares at 7 days (median; ~ = wide band); `sharetui forecast` for more"),
    ("Shares 24h", "shares gained per 2-hour slot over the last day"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="close-help"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 76; max-width: 100%; height: auto; max-height: 90%;
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

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Content.styled("sharetui — keys", "bold"))
            for section, keys in KEYS:
                yield Static(section, classes="section", markup=False)
                for key, what in keys:
                    with Horizontal(classes="help-row"):
                        yield Static(Content.styled(key, "bold $text-accent"), classes="help-key")
                        yield Static(Content(what), classes="help-what")
            yield Static("Columns", classes="section", markup=False)
            for name, what in COLUMNS_HELP:
                with Horizontal(classes="help-row"):
                    yield Static(Content.styled(name, "bold"), classes="help-key")
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
