"""The monitor service: everything the monitor does that is not drawing, with no Textual in sight.

`sharetui poll` and the Textual app both drive one of these. It picks the sources for a config, decides this
process's role on the cache (the writer that polls, a reader fed by another process's poller, or the viewer
of imported data), runs the poll cycle over every account, and assembles what the dashboard shows. The
writer's connection is used only for sweeps; everything shown is read through connections of its own, so a
read never waits behind a write.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from sharetui.domain.figures import bucket_bounds
from sharetui.domain.models import Account, DashboardData, SweepResult, VideoRow
from sharetui.sources import Source, SourceError
from sharetui.store import Reader, Store, StoreError
from sharetui.system import locations
from sharetui.system.writer_lock import AccountLocks, Holder, WriterLock

if TYPE_CHECKING:
    from sharetui.config import Config
    from sharetui.domain.alerts import Alert
    from sharetui.domain.baseline import Baseline, BaselineCache
    from sharetui.domain.figures import Gain, Series
    from sharetui.domain.forecast import ForecastCache
    from sharetui.monitor.poller import Poller

ALERT_MARK_SPAN = 86_400  # the table marks videos with an alert in the last day
DAILY_SPAN = 60  # days in the header's long-range sparkline when TikTok Studio daily totals exist
HEADER_SPAN = 86_400  # the header sparkline covers the last 24 hours...
HEADER_BUCKETS = 48  # ...in 30-minute bars
IMPORTED_DAYS = 30  # an imported-only account's header: shares per day over this many days
DAY = 86_400


class Role(enum.Enum):
    WRITER = "writer"  # holds the writer lock and polls
    READER = "reader"  # another process polls; this one follows what it stores
    IMPORTED = "imported"  # nothing to poll: imported data only


def has_imports(store: Reader | Store) -> bool:
    """Whether the cache holds TikTok Studio data of its own account."""
    from sharetui.sources.imported import ACCOUNT

    return store.account(ACCOUNT.key) is not None  # any import made it, even one of unknown counts only


def open_sources(config: Config, *, force_demo: bool = False) -> list[Source]:
    """Every source the config asks for: each connected TikTok account (one client-side rate limiter for
    all, since TikTok's limit is per app), or else imported Studio data, or else the demo."""
    choice = "demo" if force_demo else config["source"]
    if choice == "auto":
        from sharetui.sources.tiktok import is_connected

        choice = "tiktok" if is_connected() else "studio" if _cache_has_imports() else "demo"
    if choice == "studio":
        from sharetui.sources.imported import ImportedSource

        return [ImportedSource()]
    if choice == "tiktok":
        from sharetui.sources.tiktok import TikTokSource, credentials
        from sharetui.sources.tiktok.client import RateLimiter

        limiter = RateLimiter()
        logins: list[Source] = [TikTokSource.from_config(config, name, limiter)
                                for name in credentials.names() or [credentials.DEFAULT_ACCOUNT]]
        if config["source"] == "auto" and _cache_has_imports():
            from sharetui.sources.imported import ImportedSource

            # Studio data imported before (or beside) a login stays one `a` away in the monitor.
            logins.append(ImportedSource())
        return logins
    from sharetui.sources.demo import DemoSource

    return [DemoSource(seed=config["demo.seed"], videos=config["demo.videos"],
                       history_days=config["demo.history_days"])]


def _cache_has_imports() -> bool:
    cache = locations.cache_file()
    if not cache.exists():
        return False
    try:
        with Reader(cache) as reader:
            return has_imports(reader)
    except StoreError:
        return False  # an unusable cache is reported when it is opened for real


@dataclass(frozen=True)
class AccountOutcome:
    """One account's part of a poll cycle."""

    label: str
    result: SweepResult | None
    error: str | None = None
    needs_login: bool = False
    kind: str = ""  # what kind of failure (SourceError.kind, "cache", "stopped"); "" when it worked
    key: str = ""  # the account's key
    duration: float = 0.0  # seconds the sweep took


@dataclass(frozen=True)
class CycleResult:
    outcomes: list[AccountOutcome]

    @property
    def result(self) -> SweepResult | None:
        """The sweeps that worked, as one result: the last one's figures, every account's alerts."""
        results = [o.result for o in self.outcomes if o.result is not None]
        if not results:
            return None
        return dataclasses.replace(results[-1], alerts=tuple(a for r in results for a in r.alerts),
                                   alert_problems=tuple(p for r in results for p in r.alert_problems))

    @property
    def error(self) -> str | None:
        several = len(self.outcomes) > 1
        return "; ".join(f"{o.label}: {o.error}" if several else o.error
                         for o in self.outcomes if o.error) or None

    @property
    def needs_login(self) -> bool:
        return any(o.needs_login for o in self.outcomes) and not any(o.result for o in self.outcomes)


class MonitorService:
    """Sources, role, poll cycle and dashboard assembly for one process (see the module's docstring)."""

    def __init__(self, config: Config, *, store: Store | None = None, sources: list[Source] | None = None,
                 force_demo: bool = False, clock: Callable[[], float] = time.time,
                 lock: WriterLock | None = None) -> None:
        self.config = config
        self.clock = clock
        self.store = store if store is not None else Store(locations.cache_file())
        self.sources = sources if sources is not None else open_sources(config, force_demo=force_demo)
        self.lock: WriterLock | AccountLocks = lock if lock is not None else AccountLocks(
            self.store.path.parent, lambda: [s.account().key for s in self.sources if s.live])
        # Each account's usual shares and views by age, once computed: {account key: (shares, views)}.
        self.baselines: dict[str, tuple[Baseline, Baseline]] = {}
        self._readers: dict[str, Reader | Store] = {}
        self._readers_lock = threading.Lock()
        self._alerts_lock = threading.Lock()
        self._alert_mark: int | None = None  # the newest alert id already handed out (None: not yet read)
        self._read_models: dict[str, tuple[BaselineCache, ForecastCache]] = {}

    def reader(self, name: str = "data") -> Reader | Store:
        """A read connection of its own per user (the screens, the workers): none waits for another, and
        none waits for the writer."""
        with self._readers_lock:
            found = self._readers.get(name)
            if found is None:
                found = self._readers[name] = self.store.reader()
            return found

    @functools.cached_property
    def pollers(self) -> list[Poller]:
        """One per account that can be polled (imported data is not); built on first use (alert rules and
        forecasts load with the first poll)."""
        from sharetui.monitor.poller import Poller

        return [Poller.from_config(self.store, s, self.config, clock=self.clock) for s in self.sources if s.live]

    @property
    def live(self) -> bool:
        """False for an account fed only by imports: there is nothing to poll."""
        return any(source.live for source in self.sources)

    def take_role(self) -> Role:
        if not self.live:
            return Role.IMPORTED
        return Role.WRITER if self.lock.acquire() else Role.READER

    def polls(self, key: str) -> bool:
        """Whether this process polls the account (holds its writer lock)."""
        return self.lock.holds(key) if isinstance(self.lock, AccountLocks) else self.lock.held

    def holder_of(self, key: str) -> Holder | None:
        """Who polls the account when this process does not (None: this one does, or nobody)."""
        if self.polls(key):
            return None
        return self.lock.holder_info(key) if isinstance(self.lock, AccountLocks) else self.lock.holder_info()

    def stands_in_for(self, key: str) -> bool:
        """Whether this process polls the account for a writer that stopped answering (SIGSTOP, a hang): it
        keeps its lock, so nobody can take it over, but the account is polled meanwhile; once the writer
        polls again it is its own writer again."""
        holder = self.holder_of(key)
        return holder is not None and holder.stopped_answering(self.clock())

    def standing_in(self) -> bool:
        return any(self.stands_in_for(s.account().key) for s in self.sources if s.live)

    def take_free(self) -> bool:
        """Take the writer locks that nobody holds (a poller went away); True when any was taken now."""
        if isinstance(self.lock, AccountLocks):
            return bool(self.lock.take_free())
        return not self.lock.held and self.lock.acquire()

    def stop(self) -> None:
        """Ask a running poll cycle to stop at the next safe point (between two committed batches)."""
        if "pollers" in self.__dict__:
            for poller in self.pollers:
                poller.stop.set()

    def poll_cycle(self, each: Callable[[AccountOutcome], None] | None = None,
                   interval: int | None = None) -> CycleResult:
        """Sweep every account this process is the writer of, one after the other (they share the rate
        limiter). Accounts whose writer went away are taken over first; `interval` is recorded for readers."""
        from sharetui.monitor.poller import Stopped

        self.take_free()
        self.lock.beat(interval or self.config["poll.interval"], self.clock())
        outcomes = []
        for poller in self.pollers:
            if poller.stop.is_set():
                break
            key = poller.source.account().key
            if not (self.polls(key) or self.stands_in_for(key)):
                continue  # another process is its writer
            label = poller.source.account().label
            started = time.monotonic()
            try:
                outcome = AccountOutcome(label, poller.sweep())
            except SourceError as exc:
                outcome = AccountOutcome(label, None, str(exc), exc.needs_login, exc.kind)
            except Stopped as exc:
                outcome = AccountOutcome(label, None, str(exc), kind="stopped")
            except StoreError as exc:
                # Disk full, read-only directory...: the sweep's transaction was rolled back, nothing is
                # half-written; the next cycle tries again, since space may come back.
                outcome = AccountOutcome(label, None, f"cannot write the cache: {exc}", kind="cache")
            outcome = dataclasses.replace(outcome, key=poller.source.account().key,
                                          duration=time.monotonic() - started)
            outcomes.append(outcome)
            if each is not None:
                each(outcome)
        return CycleResult(outcomes)

    # -- the dashboard ----------------------------------------------------------------------------

    def take_new_alerts(self) -> list[Alert]:
        """Alerts of these accounts that reached the cache since the last call, from this process's poller
        or any other, each handed out once. The first call only sets the mark: alerts stored before the
        monitor started are history (the alerts list shows them), not news."""
        keys = [source.account().key for source in self.sources]
        with self._alerts_lock:
            if self._alert_mark is None:
                self._alert_mark = self.reader("alerts").last_alert_id()
                return []
            self._alert_mark, fresh = self.reader("alerts").alerts_after(self._alert_mark, keys)
            muted = self.reader("alerts").muted_videos(keys) if fresh else frozenset()
        return [alert for alert in fresh if (alert.account, alert.video_id) not in muted]  # muted: no toast

    def baseline_for(self, account_key: str, metric: str = "shares") -> Baseline | None:
        found = self.baselines.get(account_key)
        return None if found is None else found[0 if metric == "shares" else 1]

    def dashboard(self, view: int | None, *, with_baseline: bool = True, first_rows: int | None = None,
                  reader: str = "data", trend_bars: int = 12, header_bars: int = HEADER_BUCKETS) -> DashboardData:
        """Everything the dashboard shows, for one account (`view`) or all of them (None).

        `first_rows`: gains and trends only for the rows a fresh table shows first, this many; the rest
        follows right after the first frame. `trend_bars`: how many 2-hour bars each row's trend holds (as
        many as the table has room for); `header_bars`: the header's 30-minute bars (24 h or more)."""
        now = int(self.clock())
        step = HEADER_SPAN // HEADER_BUCKETS
        bounds = bucket_bounds(now, max(HEADER_BUCKETS, header_bars) * step, max(HEADER_BUCKETS, header_bars), step)
        shown = range(len(self.sources)) if view is None else [view]
        parts = [self._account_data(i, now, bounds, with_baseline, first_rows, self.reader(reader), trend_bars,
                                    alone=len(shown) == 1) for i in shown]
        alerted = self.reader(reader).alerted_videos([p.account.key for p in parts], now - ALERT_MARK_SPAN)
        if len(parts) == 1:
            return dataclasses.replace(parts[0], alerted=alerted)
        # All accounts together: rows side by side, totals added up.
        first = parts[0].shares_series
        # A boundary is known only where every account's total is: before an account's history begins the
        # sum is unknown (no bar), never that account counted as 0 (which drew a bar of its whole count).
        values: list[int | None] = [None if any(v is None for v in column) else sum(v for v in column if v is not None)
                                    for column in zip(*(p.shares_series.values for p in parts), strict=True)]
        followers = [p.account.followers for p in parts if p.account.followers is not None]
        return DashboardData(
            account=Account(key="*", source="tiktok", display_name=f"All accounts ({len(parts)})",
                            followers=sum(followers) if followers else None),
            rows=[row for p in parts for row in p.rows],
            shares_series=dataclasses.replace(first, values=values, started=None, started_at=None),
            last_sweep=max((p.last_sweep for p in parts if p.last_sweep is not None), default=None),
            now=now,
            partial=any(p.partial for p in parts),
            summary=(tuple(sum(column) for column in zip(*(p.summary for p in parts), strict=True))
                     if all(p.summary is not None for p in parts) else None),
            alerted=alerted,
        )

    def _account_data(self, index: int, now: int, bounds: list[int], with_baseline: bool,
                      first_rows: int | None, reader: Reader | Store, trend_bars: int, *,
                      alone: bool) -> DashboardData:
        placeholder = self.sources[index].account()
        key = placeholder.key
        account = reader.account(key) or placeholder
        summary = None
        if first_rows is None:
            rows = reader.dashboard(key, now, trend_bars=trend_bars)
        else:
            # The first frame: only the rows a fresh table shows, with their gains; the header counts every
            # video from the cache. Every row follows right after the first frame.
            rows = reader.top_rows(key, first_rows)
            reader.fill_history(rows, now, trend_bars)
            summary = reader.summary(key)
        series = reader.total_series(key, bounds)
        if alone and not self.sources[index].live and reader.last_sweep(key) is None:
            # Imported data comes a day at a time and has no sweeps: the header counts its videos' shares
            # per day over IMPORTED_DAYS days rather than 30-minute bars only polls could fill.
            series = reader.imported_total_series(key, bucket_bounds(now, IMPORTED_DAYS * DAY, IMPORTED_DAYS, DAY))
        label = account.label
        for row in rows:
            row.account, row.account_label = key, label
        if with_baseline and rows:
            self._add_baselines(index, key, now, rows)
        return DashboardData(
            account=account,
            rows=rows,
            shares_series=series,
            daily_shares=(reader.daily_shares(key, DAILY_SPAN, datetime.fromtimestamp(now, UTC).date())
                          if reader.has_daily_totals(key) else None),
            last_sweep=reader.last_sweep(key),
            now=now,
            partial=summary is not None,
            summary=summary,
        )

    def _models(self, key: str) -> tuple[BaselineCache, ForecastCache]:
        """The account's baselines and forecasts, read through a connection of their own (never the
        writer's, so a 15-minute rebuild never waits behind a sweep)."""
        with self._readers_lock:
            found = self._read_models.get(key)
        if found is None:
            from sharetui.domain.baseline import BaselineCache
            from sharetui.domain.forecast import ForecastCache

            reader = self.reader("models")
            found = (BaselineCache(reader, key), ForecastCache(reader, key))
            with self._readers_lock:
                found = self._read_models.setdefault(key, found)
        return found

    def _add_baselines(self, index: int, key: str, now: int, rows: list[VideoRow]) -> None:
        baselines, forecast_cache = self._models(key)
        shares = baselines.get(now, video_count=len(rows))
        self.baselines[key] = (shares, baselines.get(now, "views", video_count=len(rows)))
        forecasts = forecast_cache.get(now, len(rows))
        for row in rows:
            row.vs_usual = shares.ratio(row.shares, (now - row.posted_at) / 3600) if row.posted_at else None
            row.forecast = forecasts.get(row.id)

    def wait_for_hooks(self, timeout: float) -> list[str]:
        """Give every alert raised so far one try of the user's command (for `poll --once`); returns what
        went wrong, one line each."""
        problems: list[str] = []
        for poller in self.__dict__.get("pollers", []):
            if poller.hooks is not None:
                poller.hooks.wait_idle(timeout)
                problems += poller.hooks.problems()
        return problems

    def close(self) -> None:
        self.stop()
        for poller in self.__dict__.get("pollers", []):
            if poller.hooks is not None:
                poller.hooks.join()
        self.lock.release()
        for source in self.sources:
            source.close()
        with self._readers_lock:  # a worker may be opening one right now
            readers = list(self._readers.values())
        for reader in readers:
            if reader is not self.store:
                reader.close()
        self.store.close()


class ScreenReader(Protocol):
    """The reads screens make, and only those: screens never import the store, and a screen that wants
    another query has to ask for it here first."""

    def account(self, key: str) -> Account | None: ...

    def alerts(self, account_keys: list[str] | None = None, limit: int = 50) -> list[Alert]: ...

    def alerts_seen(self, account_keys: list[str] | None = None, limit: int = 50) -> list[tuple[Alert, bool]]: ...

    def muted_videos(self, account_keys: list[str]) -> frozenset[tuple[str, str]]: ...

    def first_snapshot_at(self, vid: int) -> int | None: ...

    def video_series(self, vid: int, bounds: list[int]) -> dict[str, Series]: ...

    def window_gains(self, row: VideoRow, starts: list[int], metric: str = "shares") -> list[Gain]: ...

    def age_curve(self, vid: int, posted_at: int, now: int, points: int = 100) -> tuple[list[float], list[int]]:
        ...


@dataclass
class ScreenData:
    """What screens read, handed down to them: the latest rows, the usual curves, history queries through
    the screens' own read connection, and the clock. Screens never reach up into the app for these."""

    service: MonitorService
    clock: Callable[[], float]
    rows: dict[str, VideoRow] = dataclasses.field(default_factory=dict)
    # The dashboard's current order (sort and filter applied): `n` / `p` on a video step through it.
    order: Callable[[], list[str]] = lambda: []  # noqa: E731

    @property
    def reader(self) -> ScreenReader:
        return self.service.reader("ui")

    def neighbour(self, video_id: str, step: int) -> str | None:
        """The video `step` places from this one in the dashboard's order (None past either end)."""
        order = self.order()
        if video_id not in order:
            return None
        index = order.index(video_id) + step
        return order[index] if 0 <= index < len(order) else None

    def row(self, video_id: str) -> VideoRow | None:
        return self.rows.get(video_id)

    def baseline_for(self, account_key: str, metric: str = "shares") -> Baseline | None:
        return self.service.baseline_for(account_key, metric)

    @property
    def unoffered_actions(self) -> frozenset[str]:
        """The app's actions that do nothing for these accounts (imported data: nothing to poll or pause)."""
        return frozenset() if self.service.live else frozenset({"toggle_pause", "poll_now", "interval"})

    @property
    def accounts(self) -> list[Account]:
        return [source.account() for source in self.service.sources]

    # Triage in the alerts list: the only writes a screen asks for (from a worker thread, never the loop).

    def acknowledge(self, alerts: list[Alert]) -> None:
        self.service.store.acknowledge(alerts, int(self.clock()))

    def mute_video(self, account_key: str, video_id: str, muted: bool) -> None:
        self.service.store.mute_video(account_key, video_id, muted, int(self.clock()))
