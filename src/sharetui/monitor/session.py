"""The monitor's policy, with no Textual: which role this process plays, pause, the poll interval and when the
next poll is due, and the status the monitor shows from them.

The app asks the session what to do (poll, reload what another process stored, nothing) and says what
happened (a poll started, finished); the session answers with the words to show. The app keeps only the
timers, the workers and the notifications.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

from sharetui import text as fmt
from sharetui.monitor.service import MonitorService, Role
from sharetui.sources import Source
from sharetui.system.writer_lock import Holder

INTERVAL_STEPS = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]


class Step(enum.Enum):
    """What the app does next."""

    POLL = "poll"  # sweep the accounts this process is the writer of
    STAND_IN = "stand-in"  # poll for a writer that stopped answering (already marked as running)
    RELOAD = "reload"  # reload what the cache holds (another process polls, or imported data)
    NOTHING = "nothing"


@dataclass(frozen=True)
class Note:
    """Words for the user about what just happened (the app shows them as a toast)."""

    text: str
    title: str = ""
    severity: str = "information"


@dataclass(frozen=True)
class MonitorStatus:
    """What the session says about the monitor, for the status line."""

    state: str  # LIVE, POLLING, PAUSED, STALE, OFFLINE (cached), LOGIN NEEDED, IMPORTED
    source: str
    last_ok: float | None
    next_in: float | None
    interval: int
    error: str | None


class MonitorSession:
    """The policy of one monitor process over its accounts (see the module's docstring)."""

    def __init__(self, service: MonitorService, *, interval: int, clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.service = service
        self.clock = clock
        self.monotonic = monotonic
        self.interval = interval
        self.view: int | None = 0  # which account is on screen; None: all of them together
        self.trend_bars = 12  # 2-hour bars per row's trend: as many as the table has room for
        self.header_bars = 48  # 30-minute bars in the header's sparkline: as many as it has room for
        self.paused = False
        self.polling = False
        self.last_ok: float | None = None
        self.last_error: str | None = None
        self.needs_login = False
        self.feeder: Holder | None = None  # the process polling the account on screen, when not this one
        self.fed_by: int | None = None  # its pid (the all-accounts view: any other poller's)
        self.next_poll_at: float | None = None  # monotonic
        self._stand_in_at: float | None = None  # when this monitor last polled for a writer that stopped

    # -- what is on screen ------------------------------------------------------------------------

    @property
    def sources(self) -> list[Source]:
        return self.service.sources

    @property
    def source(self) -> Source:
        """The account on screen (the first one in the all-accounts view)."""
        return self.sources[self.view or 0]

    @property
    def live(self) -> bool:
        """False when the account on screen is fed only by imports: there is nothing to poll there (another
        account of this monitor may still be polled)."""
        return self.service.live if self.view is None else self.source.live

    def show(self, view: int | None) -> bool:
        """Put another account (None: all of them) on screen; False when it already is."""
        if view == self.view:
            return False
        self.view = view
        self.update_feeder()
        return True

    def next_view(self) -> int | None:
        """The view after this one: each account, then all of them together."""
        views: list[int | None] = [*range(len(self.sources)), None]
        return views[(views.index(self.view) + 1) % len(views)]

    def update_feeder(self) -> None:
        """Who polls the account on screen when this monitor does not (all accounts: any other poller)."""
        if self.view is None:
            self.feeder = None
            self.fed_by = self.service.lock.holder()
            return
        self.feeder = self.service.holder_of(self.source.account().key) if self.source.live else None
        self.fed_by = self.feeder.pid if self.feeder is not None else None

    # -- the role ---------------------------------------------------------------------------------

    def take_role(self) -> Role:
        """Poll if no other process does; otherwise follow the cache that process writes. Every role
        follows the cache: what another process commits (an import, a sweep) is shown within seconds."""
        role = self.service.take_role()
        self.update_feeder()
        return role

    def follow_tick(self) -> tuple[Step, Note | None]:
        """The follow timer: take over from a poller that went away, stand in for one that stopped
        answering, else reload when another process committed something."""
        if self.paused or self.polling:
            return Step.NOTHING, None  # (a poll in progress reloads when it ends)
        if self.service.live and self.service.take_free():
            self.update_feeder()
            return Step.POLL, Note("The poller stopped; this monitor polls now.")
        self.update_feeder()
        if self.service.standing_in():
            # A writer stopped answering: this monitor polls its accounts meanwhile, at its own pace.
            now = self.monotonic()
            if self._stand_in_at is None or now - self._stand_in_at >= self.interval:
                self._stand_in_at = now
                self.polling = True
                return Step.STAND_IN, None
        return Step.RELOAD, None

    def poll_request(self) -> Step:
        """A poll is due (timer, key, start): POLL (the poll is marked as running), or RELOAD where this
        process does not poll (imported data, another process's schedule), or NOTHING while one runs."""
        if not self.service.live:
            return Step.RELOAD
        held = self.service.lock.acquire()
        self.update_feeder()
        if not held:
            return Step.RELOAD
        if self.polling:
            return Step.NOTHING
        self.next_poll_at = None
        self.polling = True
        return Step.POLL

    def poll_key_note(self) -> Note | None:
        """What ctrl+r says where it cannot simply poll (said before the request is made)."""
        if not self.live:
            return Note("Imported data: nothing to poll. Reloaded what `sharetui import` stored.")
        if not self.service.lock.acquire() or self.fed_by is not None:
            self.update_feeder()
            return Note(f"Another sharetui (pid {self.fed_by or '?'}) polls this account on its own schedule; "
                        "reloaded what it has stored.")
        if self.polling:
            return Note("A poll is already running.")
        return None

    # -- pause and pace ---------------------------------------------------------------------------

    def toggle_pause(self) -> tuple[Note, bool]:
        """Pause or resume; the note to show, and whether to poll (or reload) now."""
        if not self.live:
            return Note("Imported data is not live: there is nothing to pause. New imports still show up."), False
        self.paused = not self.paused
        if self.paused:
            self.next_poll_at = None
            return Note("Paused: no updates until you press space."), False
        if self.fed_by is not None:
            return Note(f"Resumed: following what sharetui (pid {self.fed_by}) stores for this account."), True
        return Note(f"Resumed live updates: polling every {fmt.duration(self.interval)}."), True

    def step_interval(self, direction: int) -> tuple[Note, bool]:
        """One step slower (+1) or faster (-1); the note to show, and whether the interval changed."""
        if not self.live:
            return Note("Imported data: nothing is polled, so there is no interval to change."), False
        if self.fed_by is not None:
            return Note(f"Another sharetui (pid {self.fed_by}) polls this account and sets its pace: change the "
                        "interval there."), False
        steps = INTERVAL_STEPS
        if direction > 0:
            self.interval = next((s for s in steps if s > self.interval), steps[-1])
        else:
            self.interval = next((s for s in reversed(steps) if s < self.interval), steps[0])
        edge = steps[-1] if direction > 0 else steps[0]
        limit = f" (the {'longest' if direction > 0 else 'shortest'})" if self.interval == edge else ""
        return Note(f"Polling every {fmt.duration(self.interval)}{limit}."), True

    def schedule(self) -> int | None:
        """Seconds until the next poll (None: none is due, paused or waiting for a login)."""
        self.next_poll_at = None
        if self.paused or self.needs_login:
            return None
        self.next_poll_at = self.monotonic() + self.interval
        return self.interval

    # -- outcomes ---------------------------------------------------------------------------------

    def saw_sweep(self, at: float | None) -> None:
        """The cache holds a sweep at `at` (this process's or another's)."""
        if at is not None and (self.last_ok is None or at > self.last_ok):
            self.last_ok = at

    def poll_finished(self, at: float | None, error: str | None, needs_login: bool) -> list[Note]:
        """A poll ended (`at`: when its sweeps worked, else None); what to tell the user."""
        self.polling = False
        notes = []
        if at is not None:
            self.last_ok = at
        if at is not None and error is None:
            if self.last_error:
                notes.append(Note("Back online.", "sharetui"))
            self.last_error = None
            self.needs_login = False
        else:
            if error != self.last_error:  # said once, not on every failed poll
                notes.append(Note(error or "poll failed", "Poll failed", "error"))
            self.last_error = error
            self.needs_login = needs_login
        return notes

    # -- status -----------------------------------------------------------------------------------

    def stale_reason(self) -> str | None:
        """Why the account on screen is not live although nothing failed, or None: LIVE is said only when it
        was polled within two intervals."""
        now = self.clock()
        if self.feeder is not None:
            if self.feeder.stopped_answering(now):
                silent = self.feeder.silent_for(now) or 0
                return (f"poller pid {self.feeder.pid} stopped answering (last poll {fmt.duration(int(silent))} "
                        "ago); this monitor polls meanwhile")
            return None
        if self.fed_by is None and self.last_ok is not None and not self.polling and not self.paused:
            if now - self.last_ok > 2 * self.interval + 10:
                return f"no poll for {fmt.duration(int(now - self.last_ok))}"
        return None

    @property
    def state(self) -> str:
        if not self.live:
            return "IMPORTED"
        if self.needs_login:
            return "LOGIN NEEDED"
        if self.paused:
            return "PAUSED"
        if self.last_error:
            return "OFFLINE (cached)"
        if self.polling:
            return "POLLING"
        if self.stale_reason() is not None:
            return "STALE"
        return "LIVE"

    def status(self) -> MonitorStatus:
        """What the status line says of the monitor, now."""
        return MonitorStatus(self.state, self.source_text(), self.last_ok, self.next_in(), self.interval,
                             self.last_error)

    def next_in(self) -> float | None:
        """Seconds until the next poll, for the status line's countdown."""
        return self.next_poll_at - self.monotonic() if self.next_poll_at is not None else None

    def source_text(self) -> str:
        """The status line's source part: kind, the account on screen, who feeds it or why it is stale."""
        kind = self.source.kind
        text = "DEMO" if kind == "demo" else kind
        if len(self.sources) > 1:
            text += " · all accounts" if self.view is None else f" · {self.source.account().label}"
        stale = self.stale_reason()
        if stale is not None:
            text += f" · {stale}"
        elif self.fed_by is not None:
            text += f" · fed by poller (pid {self.fed_by})"
        return text
