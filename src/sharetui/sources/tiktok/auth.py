"""OAuth 2 for a desktop app, TikTok's flavour: PKCE with a hex SHA-256 challenge and a loopback redirect.

The one-shot listener binds 127.0.0.1 only, answers one /callback/ request, and gives up after a timeout.
Because people log in over SSH, the redirected URL (or the bare code) can also be pasted instead.
"""

from __future__ import annotations

import hashlib
import secrets
import string
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

VERIFIER_CHARS = string.ascii_letters + string.digits + "-._~"
CALLBACK_PATH = "/callback/"


def make_verifier(length: int = 64) -> str:
    return "".join(secrets.choice(VERIFIER_CHARS) for _ in range(length))


def code_challenge(verifier: str) -> str:
    """TikTok desktop PKCE: lower-case hex SHA-256 of the verifier (not base64url as in RFC 7636)."""
    return hashlib.sha256(verifier.encode()).hexdigest()


def make_state() -> str:
    return secrets.token_urlsafe(24)


def authorize_url(auth_base_url: str, *, client_key: str, scopes: list[str], redirect_uri: str, state: str,
                  challenge: str) -> str:
    query = urlencode({
        "client_key": client_key, "response_type": "code", "scope": ",".join(scopes),
        "redirect_uri": redirect_uri, "state": state, "code_challenge": challenge,
        "code_challenge_method": "S256",
    })
    return f"{auth_base_url.rstrip('/')}/v2/auth/authorize/?{query}"


class AuthError(Exception):
    """Login failed; one line for the user."""


@dataclass(frozen=True)
class Callback:
    code: str
    state: str | None  # None when the user pasted a bare code
    scopes: str


def parse_callback(text: str, expected_state: str) -> Callback:
    """Interpret what reached the redirect URI (or what the user pasted): a URL, a query, or a bare code."""
    text = text.strip()
    if not text:
        raise AuthError("nothing was pasted")
    if "code=" not in text and "error=" not in text and "://" not in text and "?" not in text:
        return Callback(code=text, state=None, scopes="")
    query = urlsplit(text).query if "://" in text or text.startswith("/") else text.lstrip("?")
    params = {k: v[0] for k, v in parse_qs(query).items() if v}
    if "error" in params:
        description = params.get("error_description", "")
        raise AuthError(f"TikTok did not authorise sharetui: {params['error']}"
                        + (f" ({description[:200]})" if description else ""))
    if params.get("state") != expected_state:
        raise AuthError("the login answer does not belong to this login (state mismatch); run login again")
    code = params.get("code")
    if not code:
        raise AuthError("the redirected URL has no code; paste the whole URL from the browser's address bar")
    return Callback(code=code, state=params["state"], scopes=params.get("scopes", ""))


class LoopbackListener:
    """Waits for exactly one request to http://127.0.0.1:<port>/callback/ in a background thread."""

    def __init__(self, timeout: float = 300.0, state: str | None = None) -> None:
        self.timeout = timeout
        self.state = state  # when set, only an answer carrying this state ends the wait
        self.result: str | None = None
        self.done = threading.Event()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if urlsplit(self.path).path != CALLBACK_PATH:
                    self.send_error(404)
                    return
                states = parse_qs(urlsplit(self.path).query).get("state", [])
                if listener.state is not None and states != [listener.state]:
                    # Any local program can call this port: an answer that is not ours is refused, and the
                    # real redirect is still awaited until the timeout.
                    self._page(400, b"<p>This is not the answer to the sharetui login that is waiting "
                                    b"(its state does not match). Nothing was done.")
                    return
                listener.result = self.path
                self._page(200, b"<p>sharetui received TikTok's answer. You can close this tab and go back "
                                b"to the terminal.")
                listener.done.set()

            def _page(self, status: int, text: bytes) -> None:
                body = b"<!doctype html><meta charset=utf-8><title>sharetui</title>" + text
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)


            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                """Quiet: the request line holds the authorization code."""

        self._server = HTTPServer(("127.0.0.1", 0), Handler)
        self._server.timeout = 0.5
        self.host, self.port = self._server.server_address[:2]  # where it listens: loopback only
        self.redirect_uri = f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"
        self._thread = threading.Thread(target=self._serve, name="sharetui-oauth-listener", daemon=True)

    def start(self) -> LoopbackListener:
        self._thread.start()
        return self

    def _serve(self) -> None:
        deadline = threading.Event()
        timer = threading.Timer(self.timeout, deadline.set)
        timer.daemon = True
        timer.start()
        try:
            while not self.done.is_set() and not deadline.is_set():
                self._server.handle_request()
        finally:
            timer.cancel()
            self._server.server_close()
            self.done.set()

    def close(self) -> None:
        self.done.set()
        self._thread.join(timeout=2)

    def wait(self, timeout: float) -> bool:
        """Until the listener has stopped (answered, or timed out) and closed its port; False on `timeout`."""
        self._thread.join(timeout=timeout)
        return not self._thread.is_alive()
