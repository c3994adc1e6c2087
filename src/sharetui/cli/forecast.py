"""`sharetui forecast`: share forecasts per video, and the backtest that shows how far to trust them."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sharetui import text as fmt
from sharetui.cli.common import account_keys_or_fail, open_store
from sharetui.config import Config
from sharetui.domain import forecast as fc

if TYPE_CHECKING:
    from sharetui.store import Reader, Store
from sharetui.errors import EXIT_OK, EXIT_USAGE, CliError


def parse_time(value: str) -> int:
    """ISO 8601 (a date, or a date and time; no zone means UTC) as Unix seconds."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(f"--as-of must be an ISO 8601 time such as 2026-11-20T12:00:00Z (got {value!r})",
                       EXIT_USAGE) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def _accounts(config: Config, args: argparse.Namespace, store: Reader | Store) -> list[str]:
    known = store.account_keys()
    if args.account:
        wanted = args.account.removeprefix("@")
        for key in known:
            account = store.account(key)
            if wanted in (key, account.username if account else None, f"tiktok:{wanted}"):
                return [key]
        from sharetui.sources.tiktok import credentials

        try:
            login = credentials.load(credentials.path_for(credentials.check_name(wanted)))
        except credentials.CredentialsError as exc:
            raise CliError(str(exc)) from None
        if login is not None and login.account_key in known:
            return [login.account_key]
        raise CliError(f"no account {args.account!r} in the cache; the accounts are: "
                       f"{', '.join(known) or 'none yet'} (or a login name from `sharetui auth status`)", EXIT_USAGE)
    if args.all:
        return known
    if args.demo:
        _seed_demo(config, store)
    return account_keys_or_fail(config, args.demo)


def _seed_demo(config: Config, store: Reader | Store) -> None:
    """A fresh install has no demo in the cache yet: make it (with its back-filled history) as the monitor's
    first sweep would, so `--demo` forecasts and backtests something on the first try."""
    from sharetui.cli.common import open_sources_or_fail
    from sharetui.monitor.poller import Poller
    from sharetui.store import Store as WritableStore

    if not isinstance(store, WritableStore):
        return  # (a read-only disk: read what is there)
    for source in open_sources_or_fail(config, True):
        if store.last_sweep(source.account().key) is None:
            Poller(store, source).sweep()


def run(config: Config, args: argparse.Namespace) -> int:
    as_of = parse_time(args.as_of) if args.as_of else None
    store = open_store(reading=True)
    try:
        keys = _accounts(config, args, store)
        labels = {key: (a.username or key) if (a := store.account(key)) else key for key in keys}
        if args.backtest:
            results = {key: fc.backtest(store, key, as_of if as_of is not None else fc.default_as_of(store, key, int(time.time()))) for key in keys}
        else:
            found, waiting = [], {}
            for key in keys:
                moment = as_of if as_of is not None else fc.default_as_of(store, key, int(time.time()))
                made = fc.forecasts(store, key, moment)
                found += [(key, f) for f in made]
                if not any(band for f in made for band in f.bands.values()):
                    waiting[key] = fc.readiness(store, key, moment)
    finally:
        store.close()
    if args.backtest:
        if args.json:
            print(json.dumps([{"account": labels[key], **b.as_json()} for key, rows in results.items() for b in rows],
                             ensure_ascii=False, indent=1))
        else:
            _print_backtest(results, labels)
        return EXIT_OK
    if args.json:
        print(json.dumps([{"account": labels[key], **f.as_json()} for key, f in found], ensure_ascii=False, indent=1))
        return EXIT_OK
    _print_forecasts(found, labels, several=len(keys) > 1, waiting=waiting)
    return EXIT_OK


def band_text(band: fc.Band | None) -> str:
    if band is None:
        return "–"
    return band.text() + (" *" if band.origin == fc.CATALOGUE else "")


def _print_forecasts(found: list[tuple[str, fc.Forecast]], labels: dict[str, str], several: bool,
                     waiting: dict[str, str]) -> None:
    open_ones = [(key, f) for key, f in found if any(f.bands.values()) or any("past" not in w for w in f.why.values())]
    if not open_ones:
        print("No video is young enough to forecast (forecasts are for videos under 30 days old).")
        return
    if all(key in waiting for key, _ in open_ones):
        # Nothing to show but dashes: say once what is missing and when it will be there.
        for key in dict.fromkeys(key for key, _ in open_ones):
            print((f"{fmt.safe_text(labels[key], 40)}: " if several else "") + waiting[key])
        return
    print(f"{'Title':<40} {'Age':>5} {'Shares':>9}  {'Day 7: p50 (p10–p90)':<30} {'Day 30: p50 (p10–p90)':<30}")
    missing = False
    for key, f in open_ones:
        title = fmt.safe_text(f.title, 200) or f.id
        if several:
            title = f"[{fmt.safe_text(labels[key], 20)}] {title}"
        title = title if len(title) <= 40 else title[:39] + "…"
        print(f"{title:<40} {fmt.age(f.posted_at, f.posted_at + f.age_hours * 3600):>5} {f.shares:>9,}  "
              f"{band_text(f.bands['7d']):<30} {band_text(f.bands['30d']):<30}")
        missing |= any("past" not in w for w in f.why.values())
    if missing:
        print("\n– : too few of your videos have history from that age to the horizon yet.", file=sys.stderr)
    if any(b is not None and b.origin == fc.CATALOGUE for _, f in open_ones for b in f.bands.values()):
        print("* : from your catalogue today (how your videos at the horizon compare with those at this age), "
              "until the cache has watched your videos grow: a wider, less certain band.", file=sys.stderr)
    print("\nThe band holds 80 % of outcomes like your past videos'; a forecast is not a promise.", file=sys.stderr)


def _print_backtest(results: dict[str, list[fc.Backtest]], labels: dict[str, str]) -> None:
    def num(value: float | None, spec: str = ".2f") -> str:
        return "–" if value is None else format(value, spec)

    if not any(b.eligible for rows in results.values() for b in rows):
        print("Nothing to backtest yet: no video was 1–3 days old at a past midnight with its day-7 count known "
              "since. The first scores come about 7 days after the cache first saw a video that young.")
        return
    print(f"{'Account':<20} {'Horizon':<8} {'Made':>6} {'of':>6} {'Band held':>10} "
          f"{'p50 err':>8} {'Rank ρ':>7} {'Persist':>8} {'Usual':>8} {'S–H':>8}")
    for key, rows in results.items():
        for b in rows:
            print(f"{fmt.safe_text(labels[key], 20):<20} {b.horizon:<8} {b.forecasts:>6} {b.eligible:>6} "
                  f"{num(None if b.coverage is None else 100 * b.coverage, '.0f') + ' %':>10} "
                  f"{num(b.error):>8} {num(b.spearman):>7} {num(b.persistence):>8} {num(b.usual):>8} "
                  f"{num(b.szabo_huberman):>8}")
    print("\nForecasts made at ages 1-3 days as of every past midnight (UTC), scored when the outcome was known. "
          "Errors are median |log(forecast / truth)| of p50, next to 'it stays where it is' (Persist), 'your median "
          "video' (Usual) and Szabo–Huberman's constant log growth (S–H) fitted on the same videos; lower is better. "
          "Rank ρ: Spearman's correlation of p50 with the outcome. The band aims at 80 %.", file=sys.stderr)
