"""HTTP client for TikTok's Display API v2 and OAuth token endpoints (httpx, synchronous).

Follows the documented protocol: form-encoded token calls with flat responses, `fields` in the query
string and JSON bodies for POST, the `error {code, message, log_id}` envelope, and no Retry-After on
429. Transient failures (429, 5xx, timeouts, dropped connections, garbled bodies) are retried with
exponential backoff and jitter, a bounded number of times. Secrets never appear in an error message.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from sharetui import __version__
from sharetui.sources import SourceError, network_wait

MAX_BODY = 32 * 2**20  # no answer of TikTok's comes near this; a bigger one is refused, not inflated

USER_AGENT = f"sharetui/{__version__}"
RATE_LIMIT = 600  # requests per endpoint per sliding minute, as documented
RATE_WINDOW = 60.0


class TikTokError(SourceError):
    """An error TikTok (or the network) returned, with TikTok's log_id when there is one."""

    def __init__(self, message: str, *, code: str = "", log_id: str = "", status: int = 0,
                 needs_login: bool = False, transient: bool = False) -> None:
        detail = f"{message} (log_id {log_id})" if log_id else message
        kind = ("rate_limited" if status == 429 or code == "rate_limit_exceeded" else "server" if status >= 500
                else "network" if transient and not status else "source")
        super().__init__(detail, needs_login=needs_login, kind=kind)
        self.code = code
        self.log_id = log_id
        self.status = status
        self.transient = transient


@dataclass(frozen=True)
class TokenResponse:
    open_id: str
    scope: str
    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


class RateLimiter:
    """A client-side sliding-window limiter, one window per endpoint."""

    def __init__(self, limit: int = RATE_LIMIT, window: float = RATE_WINDOW,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.sleep = sleep
        self._sent: dict[str, deque[float]] = {}

    def acquire(self, endpoint: str) -> None:
        sent = self._sent.setdefault(endpoint, deque())
        now = self.clock()
        while sent and now - sent[0] >= self.window:
            sent.popleft()
        if len(sent) >= self.limit:
            self.sleep(self.window - (now - sent[0]))
            now = self.clock()
            while sent and now - sent[0] >= self.window:
                sent.popleft()
        sent.append(now)


class TikTokClient:
    def __init__(
        self,
        *,
        api_base_url: str,
        client_key: str,
        client_secret: str,
        http: httpx.Client | None = None,
        timeout: float = 15.0,
        max_attempts: int = 5,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.api_base_url = api_base_url.rstrip("/")
        self.client_key = client_key
        self._client_secret = client_secret
        self._http = http or httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})
        self.max_attempts = max_attempts
        self.deadline = max(timeout, 2 * timeout)  # a whole answer, however slowly it trickles in
        self.backoff = backoff
        self.sleep = sleep
        self.limiter = limiter or RateLimiter(sleep=sleep)
        self.requests_sent = 0
        self.sweep_deadline: float | None = None  # time.monotonic() by which the whole sweep must be done
        # TikTok's clock minus ours, from the last answer's Date header (None before one arrives): a poller
        # refuses to write with a clock far off the server's (sharetui.monitor.poller).
        self.clock_offset: float | None = None

    def close(self) -> None:
        self._http.close()

    # -- transport ------------------------------------------------------------------------------

    def _send(self, method: str, path: str, **kwargs: Any) -> tuple[httpx.Response, Any]:
        """One call with retries for transient failures; returns the response and its parsed JSON. A stop
        request may cut the waits short (sharetui.sources.network_wait), except on the token endpoint,
        whose answer must never be lost."""
        url = f"{self.api_base_url}{path}"
        # Waiting for a token call's answer is never cut short: TikTok may have rotated the login already.
        token_call = path.startswith("/v2/oauth/")
        last: TikTokError | None = None
        for attempt in range(self.max_attempts):
            with network_wait():
                if attempt:
                    # Exponential backoff with full jitter: 429 carries no Retry-After.
                    self.sleep(random.uniform(0, self.backoff * 2 ** (attempt - 1)) + self.backoff * 0.5)
                if self.sweep_deadline is not None and time.monotonic() >= self.sweep_deadline:
                    raise last or TikTokError(f"TikTok {path}: the sweep ran out of time", transient=True)
                self.limiter.acquire(path)
            self.requests_sent += 1
            try:
                with contextlib.nullcontext() if token_call else network_wait():
                    response, content = self._read(method, url, path, **kwargs)
            except httpx.TimeoutException:
                last = TikTokError(f"TikTok did not answer in time ({path})", transient=True)
                continue
            except httpx.DecodingError:
                last = TikTokError(f"TikTok {path}: a garbled compressed response", transient=True)
                continue
            except httpx.TransportError as exc:
                last = TikTokError(f"cannot reach TikTok at {self.api_base_url}: {type(exc).__name__}",
                                   transient=True)
                continue
            log_id = response.headers.get("x-tt-logid", "")
            self._note_server_time(response.headers.get("date"))
            try:
                # A stray non-UTF-8 byte is data damage in one field, not a reason to lose the whole page.
                body = json.loads(content.decode("utf-8", "replace")) if content else None
            except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
                body = None
            if response.status_code == 429 or response.status_code >= 500 or body is None:
                error = _error_of(body)
                what = error.get("message") or f"HTTP {response.status_code}"
                if body is None and response.status_code < 500 and response.status_code != 429:
                    what = f"unreadable response (HTTP {response.status_code})"
                last = TikTokError(f"TikTok {path}: {_clean(what)}", code=str(error.get("code", "")),
                                   log_id=str(error.get("log_id") or log_id), status=response.status_code,
                                   transient=True)
                continue
            return response, body
        assert last is not None
        raise last

    def _note_server_time(self, header: str | None) -> None:
        if not header:
            return
        try:
            moment = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError, IndexError, OverflowError):
            return  # no usable Date: nothing to compare with
        if moment.tzinfo is not None:
            self.clock_offset = moment.timestamp() - time.time()

    def _read(self, method: str, url: str, path: str, **kwargs: Any) -> tuple[httpx.Response, bytes]:
        """The response and its body, within a total deadline and a size cap: a server that trickles a
        byte every few seconds, or a small gzip body that inflates to gigabytes, is cut off."""
        deadline = time.monotonic() + self.deadline
        if self.sweep_deadline is not None:
            deadline = min(deadline, self.sweep_deadline)
        with self._http.stream(method, url, **kwargs) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BODY:
                    raise TikTokError(f"TikTok {path}: the response is larger than {MAX_BODY // 2**20} MB; "
                                      "stopped reading it", transient=True)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"no complete answer within {self.deadline:.0f} s")
                chunks.append(chunk)
        return response, b"".join(chunks)

    # -- OAuth ----------------------------------------------------------------------------------

    def _token_call(self, form: dict[str, str]) -> TokenResponse:
        response, body = self._send("POST", "/v2/oauth/token/", data=form,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"})
        if not isinstance(body, dict):
            raise TikTokError("TikTok token endpoint: unexpected response")
        if body.get("error") or "access_token" not in body:
            code = str(body.get("error") or "unknown_error")
            description = _clean(str(body.get("error_description") or ""))
            needs_login = code in ("invalid_grant", "access_denied")
            raise TikTokError(
                f"TikTok refused the token request: {code}" + (f" ({description})" if description else ""),
                code=code, log_id=str(body.get("log_id") or ""), status=response.status_code,
                needs_login=needs_login)
        try:
            return TokenResponse(
                open_id=str(body["open_id"]), scope=str(body.get("scope", "")),
                access_token=str(body["access_token"]), expires_in=_lifetime(body["expires_in"]),
                refresh_token=str(body["refresh_token"]),
                refresh_expires_in=_lifetime(body["refresh_expires_in"]),
            )
        except (KeyError, TypeError, ValueError):
            raise TikTokError("TikTok token endpoint: incomplete token response",
                              log_id=str(body.get("log_id") or "")) from None

    def exchange_code(self, code: str, redirect_uri: str, code_verifier: str) -> TokenResponse:
        return self._token_call({
            "client_key": self.client_key, "client_secret": self._client_secret, "code": code,
            "grant_type": "authorization_code", "redirect_uri": redirect_uri, "code_verifier": code_verifier,
        })

    def refresh(self, refresh_token: str) -> TokenResponse:
        return self._token_call({
            "client_key": self.client_key, "client_secret": self._client_secret,
            "grant_type": "refresh_token", "refresh_token": refresh_token,
        })

    def revoke(self, token: str) -> None:
        response, body = self._send("POST", "/v2/oauth/revoke/", data={
            "client_key": self.client_key, "client_secret": self._client_secret, "token": token,
        }, headers={"Content-Type": "application/x-www-form-urlencoded"})
        if isinstance(body, dict) and body.get("error") and not isinstance(body.get("error"), dict):
            raise TikTokError(f"TikTok refused to revoke the token: {_clean(str(body['error']))}",
                              log_id=str(body.get("log_id") or ""), status=response.status_code)

    # -- Display API ----------------------------------------------------------------------------

    def _api(self, method: str, path: str, access_token: str, fields: list[str],
             body: dict[str, Any] | None = None) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "params": {"fields": ",".join(fields)},
            "headers": {"Authorization": f"Bearer {access_token}"},
        }
        if body is not None:
            kwargs["json"] = body
        response, payload = self._send(method, path, **kwargs)
        if not isinstance(payload, dict):
            raise TikTokError(f"TikTok {path}: unexpected response", status=response.status_code)
        error = _error_of(payload)
        code = str(error.get("code", ""))
        log_id = str(error.get("log_id") or response.headers.get("x-tt-logid", ""))
        if code != "ok" or response.status_code >= 400:
            message = _clean(str(error.get("message") or f"HTTP {response.status_code}"))
            raise TikTokError(f"TikTok {path}: {code or 'error'}: {message}", code=code, log_id=log_id,
                              status=response.status_code)
        data = payload.get("data")
        if not isinstance(data, dict):
            raise TikTokError(f"TikTok {path}: response has no data", log_id=log_id)
        return data

    def user_info(self, access_token: str, fields: list[str]) -> dict[str, Any]:
        data = self._api("GET", "/v2/user/info/", access_token, fields)
        user = data.get("user")
        if not isinstance(user, dict):
            raise TikTokError("TikTok /v2/user/info/: response has no user")
        return user

    def video_list(self, access_token: str, fields: list[str], cursor: int | None,
                   max_count: int = 20) -> tuple[list[dict[str, Any]], int | None, bool]:
        body: dict[str, Any] = {"max_count": max_count}
        if cursor is not None:
            body["cursor"] = cursor
        data = self._api("POST", "/v2/video/list/", access_token, fields, body)
        videos = data.get("videos") or []
        if not isinstance(videos, list):
            raise TikTokError("TikTok /v2/video/list/: videos is not a list")
        next_cursor = data.get("cursor")
        has_more = data.get("has_more") is True
        if not isinstance(next_cursor, int) or isinstance(next_cursor, bool):
            next_cursor = None  # with has_more still true: an unfinished list, which the caller reports
        return [v for v in videos if isinstance(v, dict)], next_cursor, has_more

    def video_query(self, access_token: str, fields: list[str], video_ids: list[str]) -> list[dict[str, Any]]:
        """Current fields of specific videos (at most 20 ids a call; ids not owned are dropped by TikTok)."""
        if not 1 <= len(video_ids) <= MAX_QUERY_IDS:
            raise ValueError(f"video/query takes 1..{MAX_QUERY_IDS} ids, not {len(video_ids)}")
        data = self._api("POST", "/v2/video/query/", access_token, fields,
                         {"filters": {"video_ids": list(video_ids)}})
        videos = data.get("videos") or []
        if not isinstance(videos, list):
            raise TikTokError("TikTok /v2/video/query/: videos is not a list")
        return [v for v in videos if isinstance(v, dict)]


MAX_QUERY_IDS = 20  # video/query takes at most 20 ids per call


def _lifetime(value: object) -> int:
    """A token lifetime in seconds, kept within 0 … 10 years (TikTok documents 1 day and 365 days): an
    absurd answer must not become an expiry no clock can show."""
    if isinstance(value, bool):
        raise TypeError(value)
    return min(max(int(value), 0), 10 * 365 * 86_400)  # type: ignore[call-overload]


def _error_of(body: Any) -> dict[str, Any]:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"]
    return {}


def _clean(text: object) -> str:
    """Server text in an error line: one line, bounded, no control characters (whatever type it came as)."""
    from sharetui.text import safe_text

    return safe_text(str(text), 200)
