"""The TikTok source: keeps the access token fresh and sweeps the creator's public videos."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from sharetui.config import Config
from sharetui.domain.models import COUNT_MAX, UNKNOWN, Account, Sweep, VideoCounts
from sharetui.sources import SourceError
from sharetui.sources.tiktok import credentials as creds_store
from sharetui.sources.tiktok.client import RateLimiter, TikTokClient, TikTokError, TokenResponse
from sharetui.sources.tiktok.credentials import Credentials, CredentialsError

SCOPES = ["user.info.basic", "user.info.profile", "user.info.stats", "video.list"]
USER_FIELDS = {
    "user.info.basic": ["open_id", "union_id", "avatar_url", "display_name"],
    "user.info.profile": ["username", "bio_description", "is_verified", "profile_deep_link"],
    "user.info.stats": ["follower_count", "following_count", "likes_count", "video_count"],
}
VIDEO_FIELDS = ["id", "create_time", "title", "video_description", "share_url", "view_count", "like_count",
                "comment_count", "share_count"]
PAGE_SIZE = 20
MAX_PAGES = 2_000  # 40,000 videos: a guard against a server that never says has_more=false
FRESH_AGE = 7 * 86_400  # videos younger than this are re-read on every sweep, light or full
REFRESH_MARGIN = 300  # refresh this many seconds before the access token expires
LOGIN_AGAIN = "run `sharetui auth login` again"
INT64 = 2**63 - 1
EMPTY_PAGES = 3  # pages in a row with no video while has_more stays true: the server is stuck
SWEEP_TIME = 90.0  # seconds a whole sweep may take...
PAGE_TIME = 2.0  # ...and this much more for each page the profile's video count says there is
SHORT_SWEEP = 0.8  # a sweep with fewer than this share of the profile's video_count is not complete


def user_fields(scopes: set[str]) -> list[str]:
    """Only fields whose scope was granted: asking for others fails the whole call."""
    return [f for scope, fields in USER_FIELDS.items() if scope in scopes for f in fields]


def credentials_from(token: TokenResponse, now: float, previous: Credentials | None = None) -> Credentials:
    return Credentials(
        open_id=token.open_id, scope=token.scope or (previous.scope if previous else ""),
        access_token=token.access_token, access_expires_at=now + token.expires_in,
        refresh_token=token.refresh_token, refresh_expires_at=now + token.refresh_expires_in,
        display_name=previous.display_name if previous else "", username=previous.username if previous else "",
    )


def client_from_config(config: Config, **kwargs: Any) -> TikTokClient:
    key, secret = config["tiktok.client_key"], config["tiktok.client_secret"]
    if not key or not secret:
        raise SourceError(
            "no TikTok app configured: set tiktok.client_key and tiktok.client_secret "
            "(`sharetui config set …` or SHARETUI_TIKTOK_CLIENT_KEY/SECRET); see the README"
        )
    return TikTokClient(api_base_url=config["tiktok.api_base_url"], client_key=key, client_secret=secret,
                        **kwargs)


class TikTokSource:
    kind = "tiktok"
    live = True
    meta_keys: tuple[str, ...] = ()

    def __init__(self, client: TikTokClient, *, name: str = creds_store.DEFAULT_ACCOUNT,
                 clock: Callable[[], float] = time.time,
                 load: Callable[[], Credentials | None] | None = None,
                 save: Callable[[Credentials], None] | None = None) -> None:
        self.client = client
        self.name = name  # the local name of this login (`auth login --account NAME`)
        self.clock = clock
        path = creds_store.path_for(name)
        self._load = load or (lambda: creds_store.load(path))
        self._save = save or (lambda credentials: creds_store.save(credentials, path))
        self._account: Account | None = None
        self._unsaved: Credentials | None = None  # rotated tokens not on disk yet
        self.save_problem: str | None = None  # one line, while tokens are held in memory only

    @property
    def requests_sent(self) -> int:
        return self.client.requests_sent

    @classmethod
    def from_config(cls, config: Config, name: str = creds_store.DEFAULT_ACCOUNT,
                    limiter: RateLimiter | None = None) -> TikTokSource:
        return cls(client_from_config(config, limiter=limiter), name=name)

    def _credentials(self) -> Credentials:
        unsaved = self._unsaved
        if unsaved is not None:
            # A login TikTok issued that could not be saved yet (disk full): it is the only valid one.
            self._keep(unsaved)
            return unsaved
        try:
            credentials = self._load()
        except CredentialsError as exc:
            raise SourceError(str(exc), needs_login=True) from None
        if credentials is None:
            raise SourceError(f"not logged in to TikTok: {LOGIN_AGAIN.replace(' again', '')}", needs_login=True)
        return credentials

    def account(self) -> Account:
        if self._account is not None:
            return self._account
        try:
            credentials = self._credentials()
        except SourceError:
            # Not logged in (or a damaged file): fetch() says so; the UI still needs a name to show.
            return Account(key="tiktok:", source="tiktok", display_name="TikTok (not logged in)")
        # Remembered: the status line asks every second, and the file only changes with a login or a fetch.
        self._account = Account(key=credentials.account_key, source="tiktok",
                                display_name=credentials.display_name, username=credentials.username)
        return self._account

    def login_problem(self) -> str | None:
        try:
            self._credentials()
        except SourceError as exc:
            return str(exc)
        return None

    def backfill(self, now: int, state: object) -> None:
        """Nothing to backfill: TikTok reports only current counts."""

    def close(self) -> None:
        self.client.close()

    # -- tokens ---------------------------------------------------------------------------------

    def _refresh(self, credentials: Credentials) -> Credentials:
        now = self.clock()
        if credentials.refresh_expires_at <= now:
            raise SourceError(f"the TikTok login has expired: {LOGIN_AGAIN}", needs_login=True)
        try:
            token = self.client.refresh(credentials.refresh_token)
        except TikTokError as exc:
            if exc.needs_login:
                raise SourceError(f"TikTok no longer accepts this login ({exc}): {LOGIN_AGAIN}",
                                  needs_login=True) from None
            raise
        fresh = credentials_from(token, now, credentials)
        # The old refresh token stopped working the moment TikTok answered: store the new one first, and
        # if the disk refuses, keep it in memory (and retry every sweep) rather than lose the login.
        self._keep(fresh)
        return fresh

    def _keep(self, credentials: Credentials) -> None:
        try:
            self._save(credentials)
        except OSError as exc:
            self._unsaved = credentials
            self.save_problem = (f"cannot save the renewed TikTok login ({exc.strerror}); it is kept in memory "
                                 "and saved as soon as the disk allows: free some space, and keep sharetui running")
            return
        self._unsaved = None
        self.save_problem = None

    def _fresh_credentials(self) -> Credentials:
        credentials = self._credentials()
        if credentials.access_expires_at - self.clock() < REFRESH_MARGIN:
            credentials = self._refresh(credentials)
        return credentials

    def _call(self, credentials: Credentials, call: Callable[[str], Any]) -> tuple[Credentials, Any]:
        """Make an API call; on access_token_invalid refresh once and retry."""
        try:
            return credentials, call(credentials.access_token)
        except TikTokError as exc:
            if exc.code != "access_token_invalid":
                raise _explain(exc) from None
        credentials = self._refresh(credentials)
        try:
            return credentials, call(credentials.access_token)
        except TikTokError as exc:
            if exc.code == "access_token_invalid":
                raise SourceError(f"TikTok rejects the access token even after a refresh: {LOGIN_AGAIN}",
                                  needs_login=True) from None
            raise _explain(exc) from None

    # -- sweep ----------------------------------------------------------------------------------

    def check(self) -> None:
        """Ask TikTok whether this login still works (renewing the access token if due, as a poll would);
        raises SourceError saying why not."""
        credentials = self._fresh_credentials()
        self._call(credentials, lambda token: self.client.user_info(token, ["open_id"]))
        if self.save_problem:
            raise SourceError(self.save_problem)

    def fetch(self, now: int, full: bool = True) -> Sweep:
        """Every video's counts, within SWEEP_TIME (longer for a large catalogue): a server that trickles its
        answers ends the sweep, incomplete, instead of holding the poller for hours."""
        self.client.sweep_deadline = time.monotonic() + SWEEP_TIME
        try:
            return self._fetch(now, full)
        finally:
            self.client.sweep_deadline = None

    def _fetch(self, now: int, full: bool) -> Sweep:
        credentials = self._fresh_credentials()
        scopes = credentials.scopes
        if "video.list" not in scopes:
            raise SourceError(f"this login did not grant the video.list scope: {LOGIN_AGAIN} and allow it",
                              needs_login=True)
        fields = user_fields(scopes)
        account = self.account()
        if fields:
            credentials, user = self._call(credentials, lambda token: self.client.user_info(token, fields))
            account = _account_from(user, credentials)
            if (account.display_name, account.username) != (credentials.display_name, credentials.username):
                credentials.display_name, credentials.username = account.display_name, account.username
                self._keep(credentials)
        self._account = account
        if account.video_count and self.client.sweep_deadline is not None:
            self.client.sweep_deadline += PAGE_TIME * (account.video_count // PAGE_SIZE)
        videos: list[VideoCounts] = []
        cursor: int | None = None
        empty = 0
        for _page in range(MAX_PAGES):
            page_cursor = cursor
            try:
                def list_page(token: str, c: int | None = page_cursor) -> tuple[list[dict], int | None, bool]:
                    return self.client.video_list(token, VIDEO_FIELDS, c, PAGE_SIZE)

                credentials, (page, cursor, has_more) = self._call(credentials, list_page)
            except SourceError as exc:
                if not videos:
                    raise
                # Keep every page we got; the sweep is marked incomplete so nothing is marked gone.
                return Sweep(account=account, videos=videos, clock_offset=self.client.clock_offset, complete=False,
                             error=str(exc))
            parsed = [v for v in (parse_video(item) for item in page) if v is not None]
            videos.extend(parsed)
            empty = empty + 1 if not parsed else 0
            if has_more and empty >= EMPTY_PAGES:
                return Sweep(account=account, videos=videos, clock_offset=self.client.clock_offset, complete=False,
                             error=f"TikTok sent {EMPTY_PAGES} empty pages in a row while saying there are more")
            if not has_more:
                break
            if cursor is None or (page_cursor is not None and cursor >= page_cursor):
                # "More to come" with no way to ask for it: the list is unfinished, not over, so the videos
                # not read yet are not gone.
                return Sweep(account=account, videos=videos, clock_offset=self.client.clock_offset, complete=False,
                             error="TikTok said there were more videos but gave no cursor that moves on")
            if not full and parsed and min(v.posted_at for v in parsed) < now - FRESH_AGE:
                # A light sweep: the pages of young videos are read; older ones wait for the next full one.
                return Sweep(account=account, videos=videos, clock_offset=self.client.clock_offset, complete=False)
        else:
            return Sweep(account=account, videos=videos, clock_offset=self.client.clock_offset, complete=False,
                         error=f"stopped after {MAX_PAGES} pages of videos")
        # A list that ends far short of the profile's own count is an incomplete answer, not 45 videos gone.
        short = account.video_count is not None and len({v.id for v in videos}) < SHORT_SWEEP * account.video_count
        return Sweep(account=account, videos=videos, clock_offset=self.client.clock_offset, complete=not short,
                     error=self.save_problem)


def _explain(exc: TikTokError) -> SourceError:
    if exc.code in ("scope_not_authorized", "scope_permission_missed"):
        return SourceError(f"{exc}: a permission is missing; {LOGIN_AGAIN} and allow every scope",
                           needs_login=True)
    return exc


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates (half an emoji): valid JSON, not text


def _text(value: Any) -> str:
    """Text from TikTok as data: what cannot be stored or shown (NUL, half a surrogate pair) is replaced."""
    return _UNSTORABLE.sub("\ufffd", value) if isinstance(value, str) else ""


def _count(value: Any) -> int:
    """A count as TikTok reports it. Not a whole number ≥ 0 (null, missing, a string, negative): unknown,
    never 0, so the previous known value is kept. Absurd ones are saturated, so no sum overflows."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return UNKNOWN
    return min(COUNT_MAX, value)


def _posted_at(value: Any) -> int:
    """create_time in Unix seconds; milliseconds are recognised, and anything outside 2000-2100 is unknown."""
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    if value > 10**11:
        value //= 1000
    return value if 946_684_800 <= value <= 4_102_444_800 else 0


def video_key(value: Any) -> str | None:
    """A video id as one spelling: "0073…", " 73… " and 73… are the same video."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        return None
    value = _text(value).strip()
    return str(int(value)) if value.isdigit() else value.lower()


def parse_video(item: dict[str, Any]) -> VideoCounts | None:
    """One entry of data.videos, or None when it has no usable id."""
    video_id = video_key(item.get("id"))
    if video_id is None:
        return None
    title = _text(item.get("title")) or _text(item.get("video_description")).split("\n", 1)[0]
    return VideoCounts(
        id=video_id, title=title, posted_at=_posted_at(item.get("create_time")),
        share_url=_text(item.get("share_url")),
        views=_count(item.get("view_count")), likes=_count(item.get("like_count")),
        comments=_count(item.get("comment_count")), shares=_count(item.get("share_count")),
    )


def _account_from(user: dict[str, Any], credentials: Credentials) -> Account:
    def number(key: str) -> int | None:
        value = user.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return Account(
        key=credentials.account_key, source="tiktok",
        display_name=_text(user.get("display_name")) or credentials.display_name,
        username=_text(user.get("username")) or credentials.username,
        followers=number("follower_count"), likes=number("likes_count"), video_count=number("video_count"),
    )
