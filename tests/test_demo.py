from __future__ import annotations

from sharetui.monitor.poller import Poller
from sharetui.sources.demo import STEP, DemoSource, _lives
from sharetui.store import Store
from tests.conftest import T0, FakeClock


def test_same_seed_same_account() -> None:
    a = _lives(7, 40, T0)
    b = _lives(7, 40, T0)
    c = _lives(8, 40, T0)
    assert [(x.id, x.title, x.posted_at) for x in a] == [(x.id, x.title, x.posted_at) for x in b]
    assert [x.id for x in a] != [x.id for x in c]
    assert len({x.id for x in a}) == 40


def test_counts_never_go_backwards() -> None:
    for life in _lives(7, 40, T0):
        previous = None
        for t in range(T0 - 3 * 86_400, T0 + 3 * 86_400, 600):
            counts = life.counts(t).counts()
            if previous is not None:
                assert all(now >= before for now, before in zip(counts, previous, strict=True)), life.kind
            previous = counts


def test_the_account_has_varied_lives() -> None:
    lives = _lives(7, 40, T0)
    kinds = {life.kind for life in lives}
    assert {"new", "viral", "slow", "dead"} <= kinds
    new = next(life for life in lives if life.kind == "new")
    assert T0 - new.posted_at < 3600
    dead = next(life for life in lives if life.kind == "dead")
    assert dead.counts(T0).counts() == dead.counts(T0 + 3600).counts()
    viral = next(life for life in lives if life.kind == "viral")
    first_hour = viral.counts(T0 + 3600).shares - viral.counts(T0).shares
    normal_hour = max(life.counts(T0 + 3600).shares - life.counts(T0).shares
                      for life in lives if life.kind == "normal")
    assert first_hour > 5 * normal_hour


def test_backfill_then_every_poll_brings_changes(store: Store) -> None:
    clock = FakeClock()
    poller = Poller(store, DemoSource(seed=7, videos=40, history_days=2), clock=clock)
    poller.prepare()
    first = store.first_sweep_at("demo")
    assert first is not None and T0 - first <= 2 * 86_400 and first % STEP == 0
    sweeps = store.total_series("demo", list(range(T0 - 2 * 86_400, T0 + 1, 900)))
    assert sum(1 for v in sweeps.values if v is not None) >= 190  # 15-minute resolution
    poller.sweep()
    clock.advance(60)
    assert poller.sweep().changed > 0


def test_restart_fills_only_the_gap(store: Store) -> None:
    clock = FakeClock()
    Poller(store, DemoSource(seed=7, videos=5, history_days=1), clock=clock).sweep()
    before = store.first_sweep_at("demo")
    clock.advance(3 * 3600)
    poller = Poller(store, DemoSource(seed=7, videos=5, history_days=1), clock=clock)
    poller.prepare()
    assert store.first_sweep_at("demo") == before
    series = store.total_series("demo", list(range(int(clock.now) - 3 * 3600, int(clock.now) + 1, 900)))
    assert all(v is not None for v in series.values)


def test_changing_the_seed_replaces_the_demo_account(store: Store) -> None:
    clock = FakeClock()
    Poller(store, DemoSource(seed=1, videos=5, history_days=0), clock=clock).sweep()
    old_ids = {r.id for r in store.dashboard("demo", T0)}
    Poller(store, DemoSource(seed=2, videos=5, history_days=0), clock=clock).sweep()
    new_ids = {r.id for r in store.dashboard("demo", T0)}
    assert len(new_ids) == 5 and not old_ids & new_ids


def test_counts_are_defined_long_before_and_after_posting() -> None:
    for life in _lives(7, 40, T0):
        assert life.counts(T0 - 400 * 86_400).counts() == (0, 0, 0, 0)
        assert all(c >= 0 for c in life.counts(T0 + 400 * 86_400).counts())
