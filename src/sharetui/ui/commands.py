"""Command palette provider: "jump to video" by fuzzy title match (titles are never parsed as markup)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from textual.app import SystemCommand
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.theme import ThemeProvider

from sharetui import text as fmt
from sharetui.ui.messages import OpenVideo, ShowAccount

if TYPE_CHECKING:
    from textual.app import App
    from textual.message import Message
    from textual.screen import Screen

    from sharetui.monitor.service import ScreenData


class HasScreenData(Protocol):
    screen_data: ScreenData


class KeepsTheView(Protocol):
    theme: str
    theme_from_environment: bool

    def remember_view(self) -> None: ...


def keep_theme(app: App, name: str) -> None:
    """A theme picked in the palette is kept for the next start, the current one too: picking it again
    over a one-off TEXTUAL_THEME is how to keep that one."""
    keeper = cast("KeepsTheView", app)
    keeper.theme_from_environment = False
    if keeper.theme == name:
        keeper.remember_view()  # no change, so no watcher: keep it here
    else:
        keeper.theme = name  # (the watcher keeps it)


class KeptThemes(ThemeProvider):
    """Textual's theme search, with each pick kept (keep_theme)."""

    @property
    def commands(self) -> list[tuple[str, Callable[[], None]]]:
        return [(name, partial(keep_theme, self.app, name)) for name in sorted(self.app.available_themes)]


class VideoCommands(Provider):
    """Offers every video in the dashboard as "Jump to: <title>"."""

    @property
    def _data(self) -> ScreenData:
        return cast("HasScreenData", self.app).screen_data

    def _post(self, message: Message) -> None:
        self.app.post_message(message)

    def _videos(self) -> list[tuple[str, str, int]]:
        rows = sorted(self._data.rows.values(), key=lambda r: r.shares, reverse=True)
        return [(row.id, fmt.safe_text(row.title, 120), row.shares) for row in rows]

    def _accounts(self) -> list[tuple[str, int | None]]:
        accounts = self._data.accounts
        if len(accounts) < 2:
            return []
        choices: list[tuple[str, int | None]] = [
            (f"Switch to account: {fmt.safe_text(a.label, 60)}", i) for i, a in enumerate(accounts)]
        return [*choices, ("Switch to account: all accounts", None)]

    async def discover(self) -> Hits:
        for text, view in self._accounts():
            yield DiscoveryHit(Content(text), partial(self._post, ShowAccount(view)), text=text)
        for video_id, title, shares in self._videos()[:10]:
            yield DiscoveryHit(Content("Jump to: ") + Content(title), partial(self._post, OpenVideo(video_id)),
                               text=f"Jump to: {title}", help=f"{fmt.count(shares)} shares")

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, view in self._accounts():
            score, offsets = matcher.fuzzy_search.match(matcher.query, text)
            if score > 0:
                display = Content(text)
                for offset in offsets:
                    display = display.stylize("bold reverse", offset, offset + 1)
                yield Hit(score, display, partial(self._post, ShowAccount(view)), text=text)
        for video_id, title, shares in self._videos():
            candidate = f"Jump to: {title}"
            # Matcher.highlight() would parse the title as markup: style the matched offsets ourselves.
            score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
            if score <= 0:
                continue
            display = Content(candidate)
            for offset in offsets:
                display = display.stylize("bold reverse", offset, offset + 1)
            yield Hit(score, display, partial(self._post, OpenVideo(video_id)), text=candidate,
                      help=f"{fmt.count(shares)} shares")


def take_screenshot(app: App, downloads: Path | None = None) -> Path | None:
    """An SVG of the screen in the Downloads folder, or in the current folder where there is none; the toast
    says where, or why it could not be saved. In a browser (sharetui serve) the browser downloads it."""
    if app.is_web:
        app.deliver_screenshot()
        return None
    from platformdirs import user_downloads_path

    downloads = downloads or user_downloads_path()
    folder = downloads if downloads.is_dir() else Path.cwd()
    try:
        saved = Path(app.save_screenshot(path=str(folder)))
    except OSError as exc:
        app.notify(f"cannot save the screenshot in {folder}: {exc.strerror or exc}; free some space or run "
                   "sharetui from a folder you can write to", title="Screenshot", severity="error", markup=False)
        return None
    app.notify(f"Saved to {saved}", title="Screenshot", markup=False)
    return saved


def action_commands(app: App, screen: Screen) -> Iterator[SystemCommand]:
    """Every action as a palette command: the keys' actions, each column's sort, the screens."""
    from sharetui.views.table import COLUMNS, SORTABLE

    def run(target: object, action: str, *args: object) -> Callable[[], object]:
        return lambda: getattr(target, f"action_{action}")(*args)

    yield SystemCommand("Pause / resume live polling", "space", run(app, "toggle_pause"))
    yield SystemCommand("Poll now", "ctrl+r", run(app, "poll_now"))
    yield SystemCommand("Poll less often", "+ (up to every hour)", run(app, "interval", 1))
    yield SystemCommand("Poll more often", "- (down to every 5 s)", run(app, "interval", -1))
    yield SystemCommand("Alerts", "A: every alert, newest first", run(app, "alerts"))
    yield SystemCommand("Next account", "a: each account, then all together", run(app, "next_account"))
    yield SystemCommand("Help", "?: keys and what each figure means", run(app, "help"))
    yield SystemCommand("Screenshot", "Save an SVG of the screen (Downloads, else this folder)",
                        lambda: app.set_timer(0.1, lambda: take_screenshot(app)))
    yield SystemCommand("Theme", "Change the theme (kept for the next start)",
                        lambda: app.push_screen(CommandPalette(providers=[KeptThemes], placeholder="Search for themes…")))
    if hasattr(screen, "action_cycle_sort"):  # the dashboard
        labels = {column.key: column.label for column in COLUMNS}
        for key in SORTABLE:
            yield SystemCommand(f"Sort by {labels[key]}", "again: reverse", run(screen, "sort_by", key))
        yield SystemCommand("Reverse the sort", "r", run(screen, "reverse"))
        yield SystemCommand("Filter by title", "/", run(screen, "filter"))
        yield SystemCommand("Clear the filter", "esc", run(screen, "clear_filter"))
        yield SystemCommand("Mark / unmark the highlighted video", "m", run(screen, "mark"))
        yield SystemCommand("Compare the marked videos", "c", run(screen, "compare"))
        yield SystemCommand("Hide / show videos gone from TikTok", "h", run(screen, "toggle_gone"))
        yield SystemCommand("Copy the highlighted row", "y: id, title, counts, link", run(screen, "copy_row"))
        if hasattr(screen, "action_pick_columns"):
            yield SystemCommand("Choose columns", "C: show, hide and order them", run(screen, "pick_columns"))
    if hasattr(screen, "action_range"):  # a video
        for index, name in enumerate(("1 hour", "24 hours", "7 days", "30 days", "all")):
            yield SystemCommand(f"Range: {name}", str(index + 1), run(screen, "range", index))
        yield SystemCommand("Open the video's link", "o", run(screen, "open_link"))
        yield SystemCommand("Copy the video's link", "y", run(screen, "copy_link"))
        yield SystemCommand("Chart on / off", "v", run(screen, "toggle_chart"))
        yield SystemCommand("Chart: log scale on / off", "l", run(screen, "toggle_log"))
        if hasattr(screen, "action_step"):
            yield SystemCommand("Next video", "n", run(screen, "step", 1))
            yield SystemCommand("Previous video", "p", run(screen, "step", -1))
    if hasattr(screen, "action_acknowledge"):  # the alerts list
        yield SystemCommand("Acknowledge the alert", "x", run(screen, "acknowledge"))
        yield SystemCommand("Acknowledge every alert shown", "X", run(screen, "acknowledge_all"))
        yield SystemCommand("Mute / unmute the alert's video", "M: no toast, bell or !", run(screen, "mute"))
        yield SystemCommand("Alerts of the next rule", "f: one rule at a time, then all", run(screen, "next_rule"))
    if hasattr(screen, "action_toggle_whole"):  # compare
        yield SystemCommand("Log scale on / off", "l", run(screen, "toggle_log"))
        yield SystemCommand("Whole history / the first days", "w", run(screen, "toggle_whole"))
