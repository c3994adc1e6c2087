"""Command palette provider: "jump to video" by fuzzy title match (titles are never parsed as markup)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from sharetui import text as fmt
from sharetui.messages import OpenVideo, ShowAccount

if TYPE_CHECKING:
    from textual.message import Message

    from sharetui.monitor import ScreenData


class HasScreenData(Protocol):
    screen_data: ScreenData


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
