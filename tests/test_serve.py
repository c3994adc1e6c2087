"""`sharetui serve` refuses what a foreign web page can send it: a WebSocket with another Origin, a rebound
host name, a missing token; it caps the monitors it runs and leaves no process behind. The server is the real
one (GuardedServer's aiohttp application) on a real loopback port; the monitors it starts are real processes."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from sharetui.ui import web

STAND_IN = f"exec {sys.executable} -c \"import os, sys, time; print(os.getpid(), file=sys.stderr); time.sleep(120)\""


def children(pid: int) -> list[int]:
    """This process's children that are stand-in monitors (other tests may have left processes of their
    own)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if b"time.sleep(120)" in command:
                found.append(int(child))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False


async def serving(server: web.GuardedServer) -> AsyncIterator[str]:
    app = await server.make_app()
    test_server = TestServer(app, host="127.0.0.1", port=server.port)
    await test_server.start_server()
    try:
        yield f"127.0.0.1:{server.port}"
    finally:
        await test_server.close()


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def loopback(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[web.GuardedServer, str]]:
    monkeypatch.setattr(web, "STOP_WAIT", 0.5)  # the stand-in never answers "quit": it is killed
    server = web.GuardedServer(STAND_IN, host="127.0.0.1", port=free_port(), max_sessions=2)
    async for address in serving(server):
        yield server, address


async def status_of(session: aiohttp.ClientSession, url: str, **headers: str) -> int:
    async with session.get(url, headers=headers) as answer:
        return answer.status


async def test_foreign_origins_and_rebound_names_are_refused(loopback: tuple[web.GuardedServer, str]) -> None:
    server, address = loopback
    async with aiohttp.ClientSession() as session:
        assert await status_of(session, f"http://{address}/") == 200
        assert await status_of(session, f"http://{address}/", Host=f"localhost:{server.port}") == 200
        # DNS rebinding: evil.example resolves to 127.0.0.1, the browser sends its own name.
        assert await status_of(session, f"http://{address}/", Host=f"evil.example:{server.port}") == 421
        for origin in ("http://evil.example", f"http://evil.example:{server.port}", "null", ""):
            headers = {"Origin": origin} if origin else {}
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(f"ws://{address}/ws", headers=headers)
            assert refused.value.status == 403
        assert server.sessions == set()  # nothing was started for them


async def test_sessions_are_capped_and_every_process_is_reaped(loopback: tuple[web.GuardedServer, str]) -> None:
    server, address = loopback
    own = {"Origin": f"http://{address}"}
    async with aiohttp.ClientSession() as session:
        first = await session.ws_connect(f"ws://{address}/ws", headers=own)
        second = await session.ws_connect(f"ws://{address}/ws", headers=own)
        for _ in range(100):
            if len(children(os.getpid())) >= 2:
                break
            await asyncio.sleep(0.05)
        pids = children(os.getpid())
        assert len(pids) == 2 and len(server.sessions) == 2
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(f"ws://{address}/ws", headers=own)
        assert refused.value.status == 503
        await first.close()
        deadline = time.monotonic() + 5
        while (len(server.sessions) > 1 or all(alive(pid) for pid in pids)) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert len([pid for pid in pids if alive(pid)]) == 1  # the closed tab's monitor is gone...
        assert len(server.sessions) == 1  # ...and its place is free as soon as it is
        third = await session.ws_connect(f"ws://{address}/ws", headers=own)  # its place is free again
        await third.send_str("not json at all")  # a malformed message ends that session, not the server
        await second.close()
        await third.close()
        deadline = time.monotonic() + 5
        while (server.sessions or children(os.getpid())) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert server.sessions == set() and children(os.getpid()) == []


async def test_beyond_loopback_a_token_is_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(web, "STOP_WAIT", 0.5)
    port = free_port()
    # As it is when bound beyond loopback (here on 127.0.0.1 with the token such a server gets).
    server = web.GuardedServer(STAND_IN, host="127.0.0.1", port=port, max_sessions=2, token="s3cret-token")
    server.hosts = None
    async for address in serving(server):
        async with aiohttp.ClientSession() as stranger:
            assert await status_of(stranger, f"http://{address}/") == 403
            assert await status_of(stranger, f"http://{address}/?token=wrong") == 403
            assert await status_of(stranger, f"http://{address}/static/js/textual.js") == 403
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await stranger.ws_connect(f"ws://{address}/ws", headers={"Origin": f"http://{address}"})
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as owner:  # IP hosts too
            assert await status_of(owner, f"http://{address}/?token=s3cret-token") == 200
            # The cookie set by the page carries the token from then on, for the page's own requests only.
            assert await status_of(owner, f"http://{address}/") == 200
            socket = await owner.ws_connect(f"ws://{address}/ws", headers={"Origin": f"http://{address}"})
            await socket.close()
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await owner.ws_connect(f"ws://{address}/ws", headers={"Origin": "http://evil.example"})


def test_a_server_beyond_loopback_gets_a_token_in_its_address() -> None:
    server = web.GuardedServer("true", host="0.0.0.0", port=8000, max_sessions=1)
    assert server.token and len(server.token) >= 24 and server.url.endswith(f"/?token={server.token}")
    assert web.GuardedServer("true", host="127.0.0.1", port=8000, max_sessions=1).token is None
