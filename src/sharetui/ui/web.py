"""`sharetui serve`: the monitor in a browser tab, with the doors textual-serve leaves open closed.

Every web page the user visits can open a WebSocket to a server on 127.0.0.1 with its own `Origin`, and a
page whose host name resolves to 127.0.0.1 (DNS rebinding) can even fetch from it; only the server can
refuse them. So:

- the WebSocket that drives a monitor is accepted only with an `Origin` that is this server's own page;
- on loopback, every request must name this server by a loopback name (127.0.0.1, localhost, [::1]): a
  foreign name rebound to 127.0.0.1 is refused;
- on any host other than loopback, a token (printed once, in the URL) is required, and kept in a cookie
  that only this server's own pages send;
- at most `max_sessions` monitors run at once (each is a whole process), and every one is stopped, and
  killed if it does not stop, when its tab closes and when the server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import secrets
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

COOKIE = "sharetui_token"
STOP_WAIT = 5.0  # seconds a closed tab's monitor has to quit before it is killed
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_NAMES or host.startswith("127.")


class GuardedServer(Server):
    """textual-serve's server with Origin, Host and token checks, a session cap and reaped processes."""

    def __init__(self, command: str, *, host: str, port: int, max_sessions: int, token: str | None = None) -> None:
        self.token = token if token is not None else (None if is_loopback(host) else secrets.token_urlsafe(24))
        public = f"[{host}]" if ":" in host else host
        super().__init__(command, host=host, port=port, title="sharetui", public_url=f"http://{public}:{port}")
        self.max_sessions = max_sessions
        self.sessions: set[AppService] = set()
        self._endings: set[asyncio.Future[None]] = set()
        # Loopback: only our own names (a foreign name resolving here is DNS rebinding). Elsewhere the server
        # may be reached by any name, and the token keeps strangers out.
        names = {public, "localhost", "127.0.0.1", "[::1]"}
        self.hosts: set[str] | None = ({f"{name}:{port}" for name in names} | ({*names} if port == 80 else set())
                                       if is_loopback(host) else None)

    @property
    def url(self) -> str:
        """The address to open; with the token, the only time it is shown."""
        return f"{self.public_url}/" + (f"?token={self.token}" if self.token else "")

    async def make_app(self) -> web.Application:
        """The guarded aiohttp application, to run on a server of one's own (as the tests do)."""
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        return app

    async def _make_app(self) -> web.Application:  # the name textual-serve builds its application by
        return await self.make_app()

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.hosts is not None and request.host not in self.hosts:
            # A page on another name that resolves here (DNS rebinding), or a proxy we were not told about.
            return _refuse(421, f"this server answers to {self.public_url} only")
        if self.token is not None:
            offered = request.query.get("token") or request.cookies.get(COOKIE, "")
            if not hmac.compare_digest(offered.encode(), self.token.encode()):
                return _refuse(403, "open the address `sharetui serve` printed (it carries the token)")
        if request.path == "/ws":
            origin = request.headers.get("Origin", "")
            if origin not in {f"http://{name}" for name in (self.hosts or {request.host})}:
                # Browsers send the page's own origin with every WebSocket: another site's page is refused.
                return _refuse(403, "a monitor can only be opened from this server's own page")
            if len(self.sessions) >= self.max_sessions:
                return _refuse(503, f"{self.max_sessions} monitors are open already; close a tab first")
        response = await handler(request)
        if self.token is not None and request.query.get("token"):
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One monitor process per tab, counted while it runs and stopped for sure when the tab goes."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _size(request.query.get("width"), 80)
        height = _size(request.query.get("height"), 24)
        await websocket.prepare(request)

        async def close() -> None:
            await websocket.close()

        service = AppService(self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                             close=close, download_manager=self.download_manager, debug=self.debug)
        self.sessions.add(service)
        try:
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except (ValueError, KeyError, TypeError, AssertionError):
            await websocket.close(code=1003, message=b"malformed message")  # not what the page sends
        finally:
            # aiohttp cancels this handler when the tab's connection drops: the ending runs as a task of its
            # own, so a cancelled handler still stops (or kills) its monitor and frees its place.
            ending = asyncio.ensure_future(_end(service, lambda: self.sessions.discard(service)))
            self._endings.add(ending)
            ending.add_done_callback(self._endings.discard)
            ending.add_done_callback(lambda _done: self.sessions.discard(service))
            await asyncio.shield(ending)
        return websocket

    async def on_startup(self, app: web.Application) -> None:
        print(f"sharetui: serving the monitor at {self.url} (Ctrl-C stops it)", file=sys.stderr, flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        await asyncio.gather(*(_end(service) for service in list(self.sessions)), *self._endings,
                             return_exceptions=True)


async def _end(service: AppService, gone: Callable[[], object] = lambda: None) -> None:
    """Ask the monitor to quit; kill it if it has not within STOP_WAIT; `gone` runs once its process has
    ended (its place is free then, before the rest of the clean-up). (textual-serve keeps the process in
    `_process`: pinned below 2, it has no public handle.)"""
    process = getattr(service, "_process", None)
    # A process already gone or a pipe already closed: the quit request has nobody to reach, which is fine.
    with contextlib.suppress(OSError, RuntimeError, ValueError):
        await service.send_meta({"type": "quit"})
    if process is not None:
        try:
            await asyncio.wait_for(process.wait(), STOP_WAIT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
    gone()
    # Its reader task ends with the process's output; the second quit it sends finds a closed pipe.
    with contextlib.suppress(OSError, RuntimeError, ValueError, TimeoutError):
        await asyncio.wait_for(service.stop(), STOP_WAIT)


def _refuse(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=f"sharetui: {text}\n")


def _size(value: Any, default: int) -> int:
    try:
        return max(10, min(int(value), 1000))
    except (TypeError, ValueError):
        return default
