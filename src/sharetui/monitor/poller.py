"""Polling: one sweep = fetch from the source, store in one transaction. Shared by the CLI and the UI."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sharetui.domain import alerts as alert_rules
from sharetui.domain.baseline import BaselineCache
from sharetui.domain.figures import gap_tolerance
from sharetui.domain.forecast import Forecast, ForecastCache
from sharetui.domain.models import Account, SweepResult, VideoCounts
from sharetui.monitor.hooks import MAX_ATTEMPTS, HookRunner
from sharetui.sources import BackfillState, Source, SourceError
from sharetui.store import Store
from sharetui.text import duration

Clock = Callable[[], float]


ROLL_UP_EVERY = 3600  # seconds between retention passes
CLOCK_TOLERANCE = 600  # seconds our clock may differ from TikTok's before a sweep is refused


def _utc(ts: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


class Stopped(Exception):
    """A stop was requested while the poller was storing a back-fill (everything committed stays)."""


class Poller:
    """Runs sweeps: full ones every `full_sweep_every` polls (and first), light ones between them."""

    def __init__(self, store: Store, source: Source, clock: Clock = time.time, *, full_sweep_every: int = 1,
                 retention: tuple[int, int] | None = None, rules: alert_rules.Rules | None = None,
                 alerts_log: Path | None = None, alert_command: str = "") -> None:
        self.store = store
        self.source = source
        self.clock = clock
        self.full_sweep_every = max(1, full_sweep_every)
        self.retention = retention  # (raw_days, hourly_days), or None to keep everything
        self.rules = rules  # None: no alerts
        self.alerts_log = alerts_log or store.path.with_name("alerts.log")
        self.alert_command = alert_command
        self.sweeps = 0
        self._prepared = False
        self._rolled_up_at = 0
        self._baselines: dict[str, BaselineCache] = {}
        self._forecasts: dict[str, ForecastCache] = {}
        self.stop = threading.Event()  # set to end a long back-fill between two batches (and a running hook)
        self.hooks: HookRunner | None = None
        if alert_command.strip():
            self.hooks = HookRunner(store, alert_command, self.stop)

    @classmethod
    def from_config(cls, store: Store, source: Source, config: object, clock: Clock = time.time) -> Poller:
        from sharetui.config import Config

        assert isinstance(config, Config)
        return cls(store, source, clock, full_sweep_every=config["poll.full_sweep_every"],
                   retention=(config["retention.raw_days"], config["retention.hourly_days"]),
                   rules=alert_rules.Rules.from_config(config), alert_command=config["alerts.command"])

    def baseline(self, account_key: str, now: int, metric: str = "shares", video_count: int | None = None):  # noqa: ANN201
        cache = self._baselines.get(account_key)
        if cache is None:
            cache = self._baselines[account_key] = BaselineCache(self.store, account_key)
        return cache.get(now, metric, video_count)

    def forecasts(self, account_key: str, now: int, video_count: int = -1) -> dict[str, Forecast]:
        """Each video's share forecast by id (recomputed at most every 15 minutes)."""
        cache = self._forecasts.get(account_key)
        if cache is None:
            cache = self._forecasts[account_key] = ForecastCache(self.store, account_key)
        return cache.get(now, video_count)

    def now(self) -> int:
        return int(self.clock())

    def prepare(self) -> None:
        """Store the source's history (the demo's back-fill) before the first sweep, one committed batch
        at a time: a stop request ends it between batches, and the next start resumes where it stopped."""
        if self._prepared:
            return
        key = self.source.account().key
        state = BackfillState({k: v for k in self.source.meta_keys if (v := self.store.get_meta(k)) is not None},
                              self.store.last_sweep(key))
        backfill = self.source.backfill(self.now(), state)
        if backfill is not None:
            if backfill.reset:
                self.store.delete_account(key)
            for meta_key, value in backfill.meta.items():
                self.store.set_meta(meta_key, value)
            for account, batch in backfill.batches:
                if self.stop.is_set():
                    raise Stopped("stopped during the back-fill; what was stored is kept and the rest "
                                  "follows next time")
                self.store.record_history(account, batch)
        if self.hooks is not None:
            # Alerts an earlier run could not hand to the command: tried again now.
            for alert, attempts in self.store.pending_alerts(key, MAX_ATTEMPTS):
                self.hooks.submit([alert], attempts)
        self._prepared = True

    def sweep(self) -> SweepResult:
        """Fetch every video once and store the counts. Raises SourceError on failure, Stopped when asked
        to stop during the back-fill."""
        self.prepare()
        now = self.now()
        last = self.store.last_sweep(self.source.account().key)
        if last is not None and now < last:
            # Written now, this sweep would sit before history already stored: out of order, and the
            # gains between would be nonsense. Nothing is written until the clock is right again.
            raise SourceError(f"this machine's clock ({_utc(now)}) is earlier than the last stored sweep "
                              f"({_utc(last)}); nothing was written: check the system clock", kind="clock")
        full = self.sweeps % self.full_sweep_every == 0
        sweep = self.source.fetch(now, full=full)
        if sweep.clock_offset is not None and abs(sweep.clock_offset) > CLOCK_TOLERANCE:
            # A clock days ahead would date this sweep in the future and roll the history up as if that time
            # had passed; TikTok's own clock says which is right. Nothing is written or rolled up.
            side = "ahead of" if sweep.clock_offset < 0 else "behind"
            off = duration(round(abs(sweep.clock_offset) / 60) * 60)
            raise SourceError(f"this machine's clock is {off} {side} TikTok's; nothing was written: set the "
                              "system clock right (e.g. enable NTP)", kind="clock")
        if not sweep.error:
            self.sweeps += 1  # a full sweep that failed is tried again next time, not skipped for a cycle
        before = self.store.video_states(sweep.account.key) if self.rules else {}
        result = self.store.record_sweep(sweep.account, now, sweep.videos, complete=sweep.complete)
        # Never on an account's first sweep: it is the baseline (imported history is not a sweep, the demo's
        # back-filled history is). Nor when nothing moved (idle stays idle).
        if self.rules and last is not None and before and (result.changed or result.new or result.gone):
            result = self._alerts(result, sweep.account, now, before, sweep.videos, sweep.complete)
        if self.retention is not None and now - self._rolled_up_at >= ROLL_UP_EVERY:
            self._rolled_up_at = now
            self.store.roll_up(now, *self.retention, stop=self.stop)
        if self.hooks is not None:
            # What the hook thread found since the last sweep (failures, retries) is reported with this one.
            late = tuple(self.hooks.problems())
            if late:
                result = dataclasses.replace(result, alert_problems=late + result.alert_problems)
        if sweep.error:
            # The pages that arrived are stored; the failure is still reported.
            raise SourceError(f"{sweep.error} (kept {len(sweep.videos)} videos read before it)", kind="incomplete")
        return result

    def _alerts(self, result: SweepResult, account: Account, now: int, before: dict[str, alert_rules.Before],
                videos: list[VideoCounts], complete: bool) -> SweepResult:
        assert self.rules is not None
        window = self.rules.velocity_window
        moments = self.store.shares_at(account.key, [now - window, now - window - 86_400])
        # A window that starts in a polling gap cannot place its start: its gain would be days of shares
        # presented as an hour's, so the velocity rule sees it as unknown (sharetui.domain.figures).
        seen = self.store.last_sweep_before(account.key, now - window)
        placed = seen is not None and (now - window) - seen <= gap_tolerance(window)
        values = {vid: (at[0] if placed else None, at[1]) for vid, at in moments.items()}
        baseline = self.baseline(account.key, now, video_count=len(before)) if self.rules.beat_p90 else None
        forecasts = self.forecasts(account.key, now, len(before)) if self.rules.forecast else None
        raised = alert_rules.evaluate(rules=self.rules, account=account.key, now=now, before=before, videos=videos,
                                      complete=complete, window_values=values, baseline=baseline,
                                      forecasts=forecasts)
        name = account.username or account.key  # as exports name it
        raised = [dataclasses.replace(alert, account_name=name) for alert in raised]
        fresh = self.store.record_alerts(raised, pending=self.hooks is not None)
        problems = alert_rules.write_log(fresh, self.alerts_log)
        if self.hooks is not None:
            self.hooks.submit(fresh)
        return dataclasses.replace(result, alerts=tuple(fresh), alert_problems=tuple(problems))
