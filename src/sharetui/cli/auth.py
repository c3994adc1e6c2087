"""`sharetui auth login|status|logout`: the terminal side of connecting a TikTok account."""

from __future__ import annotations

import argparse
import queue
import sys
import threading
import time
import webbrowser
from datetime import UTC, datetime

from sharetui.config import Config
from sharetui.errors import EXIT_FAIL, EXIT_OK, CliError
from sharetui.sources import SourceError
from sharetui.sources.tiktok import credentials as creds_store
from sharetui.sources.tiktok.auth import (
    AuthError,
    LoopbackListener,
    authorize_url,
    code_challenge,
    make_state,
    make_verifier,
    parse_callback,
)
from sharetui.sources.tiktok.client import TikTokClient
from sharetui.sources.tiktok.credentials import CredentialsError
from sharetui.sources.tiktok.source import SCOPES, client_from_config, credentials_from, user_fields
from sharetui.text import safe_text

NEXT_STEPS = """
What happens next:
  - History starts now. TikTok tells only each video's current counts, so sharetui records how they move
    from your first poll on: gains (+1h, +24h) and the sparklines fill in over the next hours and days, and
    until then a gain reads as a lower bound (≥) and a bar nobody watched is left blank.
  - Until the cache has watched your videos grow, ×Usual and →Day7 are estimated from your catalogue today
    (how your videos at each age compare): marked so on the video screen, and replaced as history accrues.
  - To bring in past days now: TikTok Studio (web or app) → Analytics → Download data (Overview and Content,
    up to 365 days), then `sharetui import ~/Downloads/*.zip`. It can run at any time, also while polling.

Start the monitor with `sharetui` (or `sharetui poll` headless, under systemd: see docs/server.md)."""


def run(config: Config, args: argparse.Namespace) -> int:
    try:
        if args.auth_command == "login":
            return _login(config, args)
        if args.auth_command == "status":
            return _status(config, args.account, check=args.check)
        return _logout(config, creds_store.check_name(args.account))
    except (SourceError, AuthError, CredentialsError) as exc:
        raise CliError(str(exc)) from None


def _when(ts: float) -> str:
    left = ts - time.time()
    stamp = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")
    if left <= 0:
        return f"{stamp} (expired)"
    if left < 86_400:
        return f"{stamp} (in {left / 3600:.1f} h)"
    return f"{stamp} (in {left / 86_400:.0f} days)"


def _wait_for_answer(listener: LoopbackListener, timeout: float) -> str:
    """The first of: the browser reaching the loopback listener, or a line pasted on stdin."""
    pasted: queue.Queue[str] = queue.Queue()

    def read_stdin() -> None:
        try:
            line = sys.stdin.readline()
        except (OSError, ValueError):
            return  # no usable stdin (closed or detached): only the listener can answer
        if line.strip():
            pasted.put(line)

    threading.Thread(target=read_stdin, name="sharetui-paste", daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if listener.result is not None:
            return listener.result
        try:
            return pasted.get(timeout=0.2)
        except queue.Empty:
            continue
    raise AuthError(f"no answer from TikTok within {timeout:.0f} s; run `sharetui auth login` again")


def _login(config: Config, args: argparse.Namespace) -> int:
    name = creds_store.check_name(args.account)
    client = client_from_config(config)
    verifier, state = make_verifier(), make_state()
    listener = LoopbackListener(timeout=args.timeout, state=state).start()
    try:
        url = authorize_url(config["tiktok.auth_base_url"], client_key=client.client_key, scopes=SCOPES,
                            redirect_uri=listener.redirect_uri, state=state, challenge=code_challenge(verifier))
        print("Open this URL in a browser, log in to TikTok and approve sharetui:", file=sys.stderr)
        print(url, flush=True)
        print("Waiting for TikTok's answer. If the browser runs on another machine (SSH), paste the URL it "
              "was sent to (or just the code) here and press Enter.", file=sys.stderr, flush=True)
        if not args.no_browser:
            _open_browser(url)
        answer = _wait_for_answer(listener, args.timeout)
    finally:
        listener.close()
    callback = parse_callback(answer, state)
    token = client.exchange_code(callback.code, listener.redirect_uri, verifier)
    credentials = credentials_from(token, time.time())
    _fill_profile(client, credentials)
    for other in creds_store.names():
        existing = creds_store.load(creds_store.path_for(other))
        if other != name and existing is not None and existing.open_id == credentials.open_id:
            raise CliError(f"this TikTok account is already connected as {other!r}; "
                           f"`sharetui auth logout --account {other}` first to rename it")
    path = creds_store.path_for(name)
    try:
        creds_store.save(credentials, path)
    except OSError as exc:
        from sharetui.system import disk
        raise CliError(f"cannot save the login to {path}: {disk.explain(path.parent, exc)}; "
                       "run `sharetui auth login` again once it can be written") from None
    shown = safe_text(credentials.display_name or credentials.open_id, 80)
    if credentials.username:
        shown += f" (@{safe_text(credentials.username, 80)})"
    print(f"Logged in as {shown}" + (f" (account {name!r})." if name != creds_store.DEFAULT_ACCOUNT else "."))
    missing = [s for s in SCOPES if s not in credentials.scopes]
    if missing:
        print(f"warning: TikTok did not grant {', '.join(missing)}; sharetui shows less without it. "
              "Run `sharetui auth login` again and allow every permission.", file=sys.stderr)
    print(NEXT_STEPS)
    return EXIT_OK


def _open_browser(url: str) -> None:
    try:
        webbrowser.get()
    except webbrowser.Error:
        print("(no browser found here: open the URL above on any device)", file=sys.stderr)
        return
    webbrowser.open(url)


def _fill_profile(client: TikTokClient, credentials: creds_store.Credentials) -> None:
    fields = user_fields(credentials.scopes)
    if not fields:
        return
    try:
        user = client.user_info(credentials.access_token, fields)
    except SourceError as exc:
        print(f"warning: logged in, but could not read the profile yet: {exc}", file=sys.stderr)
        return
    name, username = user.get("display_name"), user.get("username")
    credentials.display_name = name if isinstance(name, str) else ""
    credentials.username = username if isinstance(username, str) else ""


def _status(config: Config, only: str | None, *, check: bool = False) -> int:
    names = [creds_store.check_name(only)] if only else creds_store.names()
    if not names or (only and not creds_store.path_for(only).exists()):
        print("Not logged in to TikTok. Run `sharetui auth login` (the demo account works without it).")
        return EXIT_FAIL
    usable = False
    for index, name in enumerate(names):
        credentials = creds_store.load(creds_store.path_for(name))
        if credentials is None:
            continue
        if index:
            print()
        print(f"login          {name}")
        print(f"account        {safe_text(credentials.display_name, 80) or '(unknown)'}")
        print(f"username       {('@' + safe_text(credentials.username, 80)) if credentials.username else '(unknown)'}")
        print(f"open_id        {safe_text(credentials.open_id, 80)}")
        print(f"scopes         {safe_text(credentials.scope, 200) or '(none)'}")
        print(f"access token   expires {_when(credentials.access_expires_at)} (refreshed automatically)")
        print(f"refresh token  expires {_when(credentials.refresh_expires_at)}")
        flag = f" --account {name}" if name != creds_store.DEFAULT_ACCOUNT else ""
        if credentials.refresh_expires_at <= time.time():
            print(f"The login has expired: run `sharetui auth login{flag}` again.")
        elif check:
            problem = _check_at_tiktok(config, name)
            print(f"at TikTok      {'works (checked just now)' if problem is None else 'FAILED: ' + problem}")
            usable = usable or problem is None
        else:
            usable = True
    return EXIT_OK if usable else EXIT_FAIL


def _check_at_tiktok(config: Config, name: str) -> str | None:
    """None if TikTok accepts the login now, else why not (one line, no secret in it)."""
    from sharetui.sources.tiktok.source import TikTokSource

    try:
        source = TikTokSource.from_config(config, name)
    except SourceError as exc:
        return str(exc)
    try:
        source.check()
    except SourceError as exc:
        return str(exc)
    finally:
        source.close()
    return None


def _logout(config: Config, name: str) -> int:
    path = creds_store.path_for(name)
    credentials = creds_store.load(path)
    if credentials is None:
        print(f"Not logged in as {name!r}; nothing to do.")
        return EXIT_OK
    problem = None
    try:
        client = client_from_config(config)
        try:
            client.revoke(credentials.access_token)
        finally:
            client.close()
    except SourceError as exc:
        problem = str(exc)
    try:
        creds_store.delete(path)
    except CredentialsError as exc:
        done = "revoked at TikTok" if problem is None else f"not revoked at TikTok ({problem})"
        raise CliError(f"the login was {done}, but {exc}") from None
    if problem:
        print(f"Deleted the local credentials, but revoking at TikTok failed: {problem}. "
              "You can remove sharetui's access in TikTok's settings (Security → Manage app permissions).",
              file=sys.stderr)
        return EXIT_FAIL
    print("Logged out: the login was revoked at TikTok and the local credentials deleted.")
    return EXIT_OK
