"""A fake TikTok that speaks the documented protocol over real loopback HTTP.

It implements what `../shared/reference/tiktok-api.md` describes: the authorize redirect, form-encoded
token calls with flat responses, hex-SHA-256 PKCE, rotating refresh tokens (a reused one is refused),
revoke, user/info with per-scope fields, video/list paged by a millisecond cursor with short pages,
video/query limits, the `error {code, message, log_id}` envelope, and injectable faults.
"""

from __future__ import annotations

import hashlib
import json
import random
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

RANDOM_FAULTS = ["429", "500", "garbage", "html", "slow", "reset", "expire", "gzip"]
# Answers that are valid JSON but hostile: a null or absurd count, half an emoji or a NUL in a title, the
# same video twice on a page, or a list that ends early.
DATA_FAULTS = ["null", "huge", "surrogate", "nul", "duplicate", "truncated"]
CLIENT_KEY = "sbawtestclientkey"
CLIENT_SECRET = "s3cr3t-client-value-never-printed"
ALL_SCOPES = ["user.info.basic", "user.info.profile", "user.info.stats", "video.list"]
FIELD_SCOPES = {
    "open_id": "user.info.basic", "union_id": "user.info.basic", "avatar_url": "user.info.basic",
    "display_name": "user.info.basic", "username": "user.info.profile", "bio_description": "user.info.profile",
    "is_verified": "user.info.profile", "profile_deep_link": "user.info.profile",
    "follower_count": "user.info.stats", "following_count": "user.info.stats", "likes_count": "user.info.stats",
    "video_count": "user.info.stats",
}


@dataclass
class FakeVideo:
    id: str
    create_time: int
    title: str
    view_count: int = 1000
    like_count: int = 100
    comment_count: int = 10
    share_count: int = 5

    def as_json(self, fields: list[str]) -> dict:
        full = {
            "id": self.id, "create_time": self.create_time, "title": self.title,
            "video_description": self.title, "share_url": f"https://www.tiktok.com/@fake/video/{self.id}",
            "view_count": self.view_count, "like_count": self.like_count, "comment_count": self.comment_count,
            "share_count": self.share_count, "duration": 30,
        }
        return {k: full[k] for k in fields if k in full}


@dataclass
class Token:
    open_id: str
    scope: str
    expires_at: float
    revoked: bool = False


@dataclass
class FakeUser:
    open_id: str = "open-id-1234"
    display_name: str = "Fake Creator"
    username: str = "fakecreator"
    follower_count: int = 5000
    videos: list[FakeVideo] = field(default_factory=list)


def make_videos(count: int, start: int = 1_780_000_000, title: str = "Video {i}") -> list[FakeVideo]:
    return [FakeVideo(id=str(7_400_000_000_000_000_000 + i), create_time=start - i * 3600,
                      title=title.format(i=i), view_count=1000 + i * 10, share_count=5 + i)
            for i in range(count)]


class FakeTikTok:
    def __init__(self, videos: int = 45) -> None:
        self.user = FakeUser(videos=make_videos(videos))
        self.users: dict[str, FakeUser] = {self.user.open_id: self.user}
        self.login_as = self.user.open_id  # whose account the next authorize/issue_tokens logs in
        self.grant_scopes = list(ALL_SCOPES)
        self.deny = False
        self.access_ttl = 86_400
        self.refresh_ttl = 31_536_000
        self.short_pages = True
        # Misbehaving lists: "truncated" answers an empty first page with has_more false; "stuck" sends
        # empty pages with has_more true forever (each with a slightly older cursor).
        self.list_mode: str | None = None
        # A cursor that does not move on, from the second page on, while has_more stays true: "same" (the
        # cursor asked with), "later" (a later one) or "null".
        self.cursor_fault: str | None = None
        self.cursor_fault_after = 0  # ...once this many videos were listed
        self.faults: deque[str] = deque()  # upcoming injected faults for API/token calls
        self.fault_rate = 0.0  # or: this share of calls gets a random fault from RANDOM_FAULTS
        self.data_fault_rate = 0.0  # this share of video pages gets a random fault from DATA_FAULTS
        self.rng = random.Random(1)
        self.faults_injected = 0
        self.fault_paths: set[str] | None = None  # None: any non-authorize path
        self.requests: list[tuple[str, str]] = []
        self.slow_seconds = 3.0
        self.date_shift = 0.0  # seconds added to the Date header: TikTok's clock against the client's
        self.trickle = 0.0  # > 0: API answers (not OAuth) arrive one byte per this many seconds
        self._codes: dict[str, dict] = {}
        self._access: dict[str, Token] = {}
        self._refresh: dict[str, Token] = {}
        self._used_refresh: set[str] = set()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeTikTok:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- helpers for tests ----------------------------------------------------------------------

    def issue_tokens(self, scopes: list[str] | None = None) -> dict:
        """Tokens as if a login had happened (for tests that start logged in)."""
        with self._lock:
            return self._new_tokens(",".join(scopes or self.grant_scopes))

    def save_login(self, path: Path, scopes: list[str] | None = None) -> None:
        """Write a credentials file as `sharetui auth login` would have, with freshly issued tokens."""
        from sharetui.sources.tiktok import credentials
        from sharetui.sources.tiktok.client import TokenResponse
        from sharetui.sources.tiktok.source import credentials_from

        issued = self.issue_tokens(scopes)
        token = TokenResponse(issued["open_id"], issued["scope"], issued["access_token"], issued["expires_in"],
                              issued["refresh_token"], issued["refresh_expires_in"])
        credentials.save(credentials_from(token, time.time()), path)

    def logged_in_source(self, path: Path, scopes: list[str] | None = None, save: Callable | None = None,  # noqa: ANN201
                         **client_options: object):
        """A TikTokSource on this server whose credentials live in `path` (already logged in); `save` stands
        in for writing them there."""
        from sharetui.sources.tiktok import credentials
        from sharetui.sources.tiktok.client import TikTokClient
        from sharetui.sources.tiktok.source import TikTokSource

        self.save_login(path, scopes)
        options: dict = {"backoff": 0.01, "timeout": 2.0, **client_options}
        client = TikTokClient(api_base_url=self.url, client_key=CLIENT_KEY, client_secret=CLIENT_SECRET, **options)
        return TikTokSource(client, load=lambda: credentials.load(path),
                            save=save or (lambda c: credentials.save(c, path)))

    def revoke_everything(self) -> None:
        """As when the user removes the app in TikTok's settings: every token stops working."""
        with self._lock:
            for token in [*self._access.values(), *self._refresh.values()]:
                token.revoked = True

    def expire_access_tokens(self) -> None:
        with self._lock:
            for token in self._access.values():
                token.expires_at = 0

    def count(self, path: str) -> int:
        return sum(1 for _method, p in self.requests if p == path)

    @property
    def access_tokens(self) -> list[str]:
        return list(self._access)

    @property
    def refresh_tokens(self) -> list[str]:
        return list(self._refresh) + list(self._used_refresh)

    @property
    def usable_refresh_tokens(self) -> list[str]:
        """The refresh tokens a refresh would accept now (issued and not yet used or revoked)."""
        with self._lock:
            return [token for token, entry in self._refresh.items() if not entry.revoked]

    def add_user(self, user: FakeUser) -> FakeUser:
        self.users[user.open_id] = user
        return user

    def _new_tokens(self, scope: str, open_id: str | None = None) -> dict:
        open_id = open_id or self.login_as
        access = "act." + secrets.token_hex(16)
        refresh = "rft." + secrets.token_hex(16)
        now = time.time()
        self._access[access] = Token(open_id, scope, now + self.access_ttl)
        self._refresh[refresh] = Token(open_id, scope, now + self.refresh_ttl)
        return {"open_id": open_id, "scope": scope, "access_token": access,
                "expires_in": self.access_ttl, "refresh_token": refresh,
                "refresh_expires_in": self.refresh_ttl, "token_type": "Bearer"}

    # -- HTTP -----------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

            def date_time_string(self, timestamp: float | None = None) -> str:
                return super().date_time_string(time.time() + fake.date_shift if timestamp is None else timestamp)

            def _send(self, status: int, body: object, headers: dict[str, str] | None = None,
                      raw: bytes | None = None, content_type: str = "application/json") -> None:
                data = raw if raw is not None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                if fake.trickle and "/oauth/" not in self.path:
                    try:
                        for index in range(len(data)):
                            self.wfile.write(data[index:index + 1])
                            self.wfile.flush()
                            time.sleep(fake.trickle)
                    except (BrokenPipeError, ConnectionResetError):
                        self.close_connection = True  # the client gave up: as it should
                    return
                self.wfile.write(data)

            def _api_error(self, status: int, code: str, message: str) -> None:
                log_id = "2026LOG" + secrets.token_hex(6).upper()
                self._send(status, {"data": {}, "error": {"code": code, "message": message, "log_id": log_id}},
                           {"x-tt-logid": log_id})

            def _oauth_error(self, status: int, error: str, description: str) -> None:
                self._send(status, {"error": error, "error_description": description,
                                    "log_id": "2026OAUTH" + secrets.token_hex(4).upper()})

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _fault(self, path: str) -> bool:
                """Apply the next injected fault; True when the request was answered (or dropped)."""
                if path.startswith("/v2/auth/"):
                    return False
                if fake.fault_paths is not None and path not in fake.fault_paths:
                    return False
                with fake._lock:
                    fault = fake.faults.popleft() if fake.faults else None
                    if fault is None and fake.fault_rate and fake.rng.random() < fake.fault_rate:
                        fault = fake.rng.choice(RANDOM_FAULTS)
                if fault is None:
                    return False
                fake.faults_injected += 1
                if fault == "429":
                    self._api_error(429, "rate_limit_exceeded", "Too many requests")
                elif fault == "500":
                    self._api_error(500, "internal_error", "Something went wrong")
                elif fault == "garbage":
                    self._send(200, None, raw=b'{"data": {"videos": [', content_type="application/json")
                elif fault == "html":
                    self._send(502, None, raw=b"<html><body>Bad gateway</body></html>", content_type="text/html")
                elif fault == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.close_connection = True
                    self.connection.close()
                elif fault == "slow":
                    time.sleep(fake.slow_seconds)
                    return False
                elif fault == "expire":
                    fake.expire_access_tokens()
                    return False
                elif fault == "gzip":
                    self._send(200, None, raw=b"\x1f\x8b\x08\x00garbled", headers={"Content-Encoding": "gzip"})
                else:
                    raise AssertionError(f"unknown fault {fault}")
                return True

            def do_GET(self) -> None:  # noqa: N802
                split = urlsplit(self.path)
                fake.requests.append(("GET", split.path))
                query = {k: v[0] for k, v in parse_qs(split.query).items()}
                if split.path == "/v2/auth/authorize/":
                    return self._authorize(query)
                if self._fault(split.path):
                    return None
                if split.path == "/v2/user/info/":
                    return self._user_info(query)
                return self._api_error(404, "invalid_params", "unknown endpoint")

            def do_POST(self) -> None:  # noqa: N802
                split = urlsplit(self.path)
                fake.requests.append(("POST", split.path))
                body = self._body()
                if self._fault(split.path):
                    return None
                query = {k: v[0] for k, v in parse_qs(split.query).items()}
                if split.path == "/v2/oauth/token/":
                    return self._token(body)
                if split.path == "/v2/oauth/revoke/":
                    return self._revoke(body)
                if split.path == "/v2/video/list/":
                    return self._video_list(query, body)
                if split.path == "/v2/video/query/":
                    return self._video_query(query, body)
                return self._api_error(404, "invalid_params", "unknown endpoint")

            # -- OAuth ---------------------------------------------------------------------------

            def _authorize(self, q: dict[str, str]) -> None:
                redirect = q.get("redirect_uri", "")
                target = urlsplit(redirect)
                if (q.get("client_key") != CLIENT_KEY or q.get("response_type") != "code"
                        or q.get("code_challenge_method") != "S256"
                        or target.hostname not in ("127.0.0.1", "localhost") or not target.port
                        or target.query or target.fragment):
                    return self._send(400, {"error": "invalid_request"})
                if fake.deny:
                    location = redirect + "?" + urlencode({"error": "access_denied", "state": q.get("state", ""),
                                                           "error_description": "The user denied the request"})
                else:
                    requested = q.get("scope", "").split(",")
                    granted = [s for s in requested if s in fake.grant_scopes]
                    code = "code-" + secrets.token_hex(12)
                    with fake._lock:
                        fake._codes[code] = {"challenge": q.get("code_challenge", ""), "redirect_uri": redirect,
                                             "scope": ",".join(granted), "used": False, "open_id": fake.login_as}
                    location = redirect + "?" + urlencode({"code": code, "scopes": ",".join(granted),
                                                           "state": q.get("state", "")})
                self.send_response(302)
                self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None

            def _form(self, body: bytes) -> dict[str, str] | None:
                if self.headers.get("Content-Type", "").split(";")[0] != "application/x-www-form-urlencoded":
                    self._oauth_error(400, "invalid_request", "Content-Type must be form-encoded")
                    return None
                return {k: v[0] for k, v in parse_qs(body.decode()).items()}

            def _token(self, body: bytes) -> None:
                form = self._form(body)
                if form is None:
                    return None
                if form.get("client_key") != CLIENT_KEY or form.get("client_secret") != CLIENT_SECRET:
                    return self._oauth_error(401, "invalid_client", "Client key or secret is invalid")
                grant = form.get("grant_type")
                with fake._lock:
                    if grant == "authorization_code":
                        entry = fake._codes.get(form.get("code", ""))
                        if entry is None or entry["used"]:
                            return self._oauth_error(400, "invalid_grant", "Authorization code is expired")
                        if form.get("redirect_uri") != entry["redirect_uri"]:
                            return self._oauth_error(400, "invalid_request", "redirect_uri does not match")
                        verifier = form.get("code_verifier", "")
                        if hashlib.sha256(verifier.encode()).hexdigest() != entry["challenge"]:
                            return self._oauth_error(400, "invalid_request", "Code verifier is invalid")
                        entry["used"] = True
                        return self._send(200, fake._new_tokens(entry["scope"], entry["open_id"]))
                    if grant == "refresh_token":
                        old = form.get("refresh_token", "")
                        token = fake._refresh.pop(old, None)
                        if token is None or token.revoked or token.expires_at < time.time():
                            return self._oauth_error(400, "invalid_grant", "Refresh token is invalid or expired")
                        fake._used_refresh.add(old)
                        return self._send(200, fake._new_tokens(token.scope, token.open_id))
                return self._oauth_error(400, "invalid_request", "unsupported grant_type")

            def _revoke(self, body: bytes) -> None:
                form = self._form(body)
                if form is None:
                    return None
                if form.get("client_key") != CLIENT_KEY or form.get("client_secret") != CLIENT_SECRET:
                    return self._oauth_error(401, "invalid_client", "Client key or secret is invalid")
                with fake._lock:
                    token = fake._access.get(form.get("token", ""))
                    if token is not None:
                        token.revoked = True
                        for refresh in fake._refresh.values():
                            if refresh.open_id == token.open_id:
                                refresh.revoked = True
                return self._send(200, {})

            # -- API -----------------------------------------------------------------------------

            def _auth(self) -> Token | None:
                header = self.headers.get("Authorization", "")
                token = fake._access.get(header.removeprefix("Bearer ").strip())
                if token is None or token.revoked or token.expires_at < time.time():
                    self._api_error(401, "access_token_invalid", "The access token is invalid or not found")
                    return None
                return token

            def _fields(self, q: dict[str, str], token: Token) -> list[str] | None:
                fields = [f for f in q.get("fields", "").split(",") if f]
                granted = set(token.scope.split(","))
                for f in fields:
                    scope = FIELD_SCOPES.get(f)
                    if scope is not None and scope not in granted:
                        self._api_error(400, "scope_permission_missed", f"field {f} needs scope {scope}")
                        return None
                return fields

            def _ok(self, data: dict) -> None:
                log_id = "2026OK" + secrets.token_hex(4).upper()
                self._send(200, {"data": data, "error": {"code": "ok", "message": "", "log_id": log_id}},
                           {"x-tt-logid": log_id})

            def _user_info(self, q: dict[str, str]) -> None:
                token = self._auth()
                if token is None:
                    return None
                fields = self._fields(q, token)
                if fields is None:
                    return None
                user = fake.users[token.open_id]
                full = {"open_id": user.open_id, "union_id": "u-" + user.open_id, "avatar_url": "https://x/a.jpg",
                        "display_name": user.display_name, "username": user.username,
                        "bio_description": "", "is_verified": False, "profile_deep_link": "https://x/p",
                        "follower_count": user.follower_count, "following_count": 10,
                        "likes_count": sum(v.like_count for v in user.videos), "video_count": len(user.videos)}
                return self._ok({"user": {k: full[k] for k in fields if k in full}})

            def _json_body(self, body: bytes) -> dict | None:
                if self.headers.get("Content-Type", "").split(";")[0] != "application/json":
                    self._api_error(400, "invalid_params", "body must be JSON")
                    return None
                try:
                    parsed = json.loads(body or b"{}")
                except ValueError:
                    self._api_error(400, "invalid_params", "body is not valid JSON")
                    return None
                return parsed if isinstance(parsed, dict) else None

            def _video_list(self, q: dict[str, str], body: bytes) -> None:
                token = self._auth()
                if token is None:
                    return None
                if "video.list" not in token.scope.split(","):
                    return self._api_error(401, "scope_not_authorized", "video.list scope is not authorized")
                payload = self._json_body(body)
                if payload is None:
                    return None
                max_count = payload.get("max_count", 10)
                if not isinstance(max_count, int) or not 1 <= max_count <= 20:
                    return self._api_error(400, "invalid_params", "max_count must be 1..20")
                cursor = payload.get("cursor")
                fields = [f for f in q.get("fields", "").split(",") if f]
                videos = sorted(fake.users[token.open_id].videos, key=lambda v: v.create_time, reverse=True)
                if cursor is not None:
                    videos = [v for v in videos if v.create_time * 1000 < cursor]
                if fake.list_mode == "truncated":
                    return self._ok({"videos": [], "cursor": 0, "has_more": False})
                if fake.list_mode == "stuck":
                    return self._ok({"videos": [], "cursor": (cursor or 1_800_000_000_000) - 1_000, "has_more": True})
                size = max_count
                if fake.short_pages and len(videos) > max_count:
                    size = max(1, max_count - 7)  # TikTok may return fewer than max_count with has_more true
                page = videos[:size]
                has_more = len(videos) > size
                next_cursor = page[-1].create_time * 1000 if page else (cursor or 0)
                listed = [v.as_json(fields) for v in page]
                with fake._lock:
                    hostile = (fake.rng.choice(DATA_FAULTS)
                               if fake.data_fault_rate and fake.rng.random() < fake.data_fault_rate else None)
                if hostile and listed:
                    fake.faults_injected += 1
                    victim = listed[fake.rng.randrange(len(listed))]
                    if hostile == "null":
                        victim["share_count"] = None
                    elif hostile == "huge":
                        victim["view_count"] = 10**30
                    elif hostile == "surrogate":
                        victim["title"] = "half an emoji \ud83d here"
                    elif hostile == "nul":
                        victim["title"] = "a NUL \x00 inside"
                    elif hostile == "duplicate":
                        listed.append(dict(listed[0]))
                    elif hostile == "truncated":
                        return self._ok({"videos": [], "cursor": 0, "has_more": False})
                listed_before = len(fake.users[token.open_id].videos) - len(videos)
                if fake.cursor_fault and cursor is not None and has_more and listed_before >= fake.cursor_fault_after:
                    next_cursor = {"same": cursor, "later": cursor + 60_000, "null": None}[fake.cursor_fault]
                return self._ok({"videos": listed, "cursor": next_cursor, "has_more": has_more})

            def _video_query(self, q: dict[str, str], body: bytes) -> None:
                token = self._auth()
                if token is None:
                    return None
                if "video.list" not in token.scope.split(","):
                    return self._api_error(401, "scope_not_authorized", "video.list scope is not authorized")
                payload = self._json_body(body)
                if payload is None:
                    return None
                ids = (payload.get("filters") or {}).get("video_ids")
                if not isinstance(ids, list) or not ids or len(ids) > 20:
                    return self._api_error(400, "invalid_params", "video_ids must hold 1..20 ids")
                fields = [f for f in q.get("fields", "").split(",") if f]
                owned = {v.id: v for v in fake.users[token.open_id].videos}
                return self._ok({"videos": [owned[i].as_json(fields) for i in ids if i in owned],
                                 "cursor": 0, "has_more": False})

        return Handler
