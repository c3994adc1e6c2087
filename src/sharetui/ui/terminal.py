"""Noticing that the terminal went away (SSH drop, closed tmux pane), even when SIGHUP is ignored (nohup):
otherwise a TUI with no terminal keeps running, reading end-of-file in a loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import termios
import threading
from collections.abc import Callable

from textual.app import App

CHECK_EVERY = 2.0  # seconds between looks at the terminal
GIVE_UP_AFTER = 3.0  # seconds the clean-up may take before the process ends anyway
LOST = 129  # the exit code: 128 + SIGHUP


def watch_terminal(app: App[int], lost: Callable[[], None]) -> None:
    """Call `lost` once when the terminal of `app` goes away; the app then exits with LOST.

    Textual's output thread dies on the first write to a closed terminal, and its shutdown then waits
    forever on a full queue. So the app ends the process itself once its own clean-up is done (on_unmount),
    and a timer does it should the clean-up stall: every sweep is one committed transaction, so nothing
    stored can be lost by it."""
    if app.is_headless or not sys.__stdin__ or not sys.__stdin__.isatty():
        return
    fd = sys.__stdin__.fileno()
    said = False

    def terminal_lost() -> None:
        nonlocal said
        if said:
            return
        said = True
        lost()
        fallback = threading.Timer(GIVE_UP_AFTER, os._exit, args=(LOST,))
        fallback.daemon = True
        fallback.start()
        app.exit(return_code=LOST)

    with contextlib.suppress(RuntimeError):  # not the main thread: the watchdog below still works
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, terminal_lost)

    def check() -> None:
        try:
            termios.tcgetattr(fd)
        except (termios.error, OSError):
            terminal_lost()

    app.set_interval(CHECK_EVERY, check)
