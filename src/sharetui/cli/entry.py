"""The command line. Only `sharetui` itself (the monitor) imports Textual; every other command stays fast."""

from __future__ import annotations

import argparse
import errno
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sharetui import __version__
from sharetui.cli.common import account_keys_or_fail, open_sources_or_fail, open_store
from sharetui.errors import EXIT_FAIL, EXIT_OK, EXIT_USAGE, CliError, SharetuiError

if TYPE_CHECKING:
    from sharetui.config import Config



def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sharetui",
        description="Live terminal monitor of how a TikTok creator's videos are being shared. "
        "TikTok reports how many times a video was shared and when, never who shared it.",
    )
    parser.add_argument("--version", action="version", version=f"sharetui {__version__}")
    # Its own dest: a subcommand's --demo default would otherwise overwrite `sharetui --demo poll`.
    parser.add_argument("--demo", action="store_true", dest="global_demo", help="use the built-in demo account")
    parser.add_argument("--reset-cache", action="store_true",
                        help="move the cache database aside (never deleted) and start a fresh one")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    poll = commands.add_parser("poll", help="poll headlessly and write snapshots to the cache",
                               description="Poll the source and store the counts in the cache; one summary "
                               "line per sweep. Runs until interrupted unless --once.")
    poll.add_argument("--once", action="store_true", help="one sweep, then exit")
    poll.add_argument("--demo", action="store_true", help="use the built-in demo account")
    poll.add_argument("--interval", type=int, metavar="SECONDS", help="override poll.interval for this run (5 to 86400, as in the config)")
    poll.add_argument("--metrics", metavar="[HOST:]PORT",
                      help="serve Prometheus metrics at http://HOST:PORT/metrics while polling (host 127.0.0.1 "
                      "unless given; overrides poll.metrics)")

    export = commands.add_parser("export", help="export cached counts as CSV or JSON",
                                 description="Latest counts per video, or every stored snapshot with --history.")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--history", action="store_true", help="every stored snapshot instead of latest counts")
    export.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument("--demo", action="store_true", help="export the demo account")
    export.add_argument("--all", action="store_true", help="every account in the cache, not only the current ones")

    config = commands.add_parser("config", help="show or change settings",
                                 description="Show or change settings in the TOML config file.")
    config_cmds = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_cmds.add_parser("path", help="print the config file path")
    config_cmds.add_parser("show", help="print every setting with its value")
    get = config_cmds.add_parser("get", help="print one setting")
    get.add_argument("key", metavar="KEY")
    set_ = config_cmds.add_parser("set", help="change one setting")
    set_.add_argument("key", metavar="KEY")
    set_.add_argument("value", metavar="VALUE",
                      help="the value; - reads it from standard input (typed without echo at a terminal), "
                      "so a secret stays out of the shell history and the process list")

    importer = commands.add_parser(
        "import", help="import TikTok Studio 'Download data' exports (zip, csv, xlsx)",
        description="Import TikTok Studio analytics exports: Overview (daily account totals) and Content "
        "(per-video totals). Into the connected TikTok account, or else into a 'TikTok Studio import' account "
        "the monitor shows on its own. Importing the same file twice changes nothing.")
    importer.add_argument("paths", nargs="+", metavar="PATH", help="zip, .csv or .xlsx files")
    importer.add_argument("--date-format", metavar="FORMAT",
                          help="strptime format of the dates when not English or Chinese, e.g. '%%d.%%m.'")
    importer.add_argument("--account", metavar="NAME",
                          help="the TikTok login the data belongs to (default: the first one, if any)")
    importer.add_argument("--export-date", metavar="YYYY-MM-DD",
                          help="when the export was made, to infer the years (default: the file's date)")

    alerts = commands.add_parser("alerts", help="list the alerts raised so far",
                                 description="The most recent alerts raised by polls, oldest of them first "
                                 "(the newest at the bottom, where a terminal leaves you). They are also "
                                 "appended, one JSON object a line, to alerts.log in the data directory.")
    alerts.add_argument("--limit", type=int, default=50, metavar="N", help="how many of the newest (default 50)")
    alerts.add_argument("--json", action="store_true", help="one JSON object per line")
    alerts.add_argument("--demo", action="store_true", help="the demo account's alerts")
    alerts.add_argument("--all", action="store_true", help="every account's alerts")

    auth = commands.add_parser("auth", help="connect a TikTok account (login, status, logout)",
                               description="Connect sharetui to your TikTok account through your own TikTok "
                               "developer app (see the README).")
    auth_cmds = auth.add_subparsers(dest="auth_command", metavar="ACTION", required=True)
    login = auth_cmds.add_parser("login", help="log in to TikTok in a browser (works over SSH too)",
                                 description="Log in with OAuth: open the printed URL in any browser, approve, "
                                 "and sharetui receives the answer on a loopback port, or paste the URL the "
                                 "browser was sent to (or the bare code).")
    login.add_argument("--no-browser", action="store_true", help="do not try to open a browser")
    login.add_argument("--account", default="default", metavar="NAME",
                       help="a local name for this login, to connect several TikTok accounts (default: default)")
    login.add_argument("--timeout", type=int, default=300, metavar="SECONDS",
                       help="how long to wait for the answer (default 300)")
    status = auth_cmds.add_parser("status", help="show the connected accounts and token lifetimes (exit 1 if none)")
    status.add_argument("--check", action="store_true",
                        help="also ask TikTok whether each login still works (exit 1 if none does)")
    status.add_argument("--account", metavar="NAME", help="only this account (default: all)")
    logout = auth_cmds.add_parser("logout", help="revoke the login at TikTok and delete local credentials")
    logout.add_argument("--account", default="default", metavar="NAME", help="which login (default: default)")

    serve = commands.add_parser("serve", help="serve the monitor in a browser (textual-serve)",
                                description="Serve the monitor to web browsers with textual-serve. Every tab "
                                "runs a monitor on the shared cache; one of them (or a `sharetui poll`) polls "
                                "and the others only read. Needs: pip install 'sharetui[serve]'.")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve.add_argument("--demo", action="store_true", help="serve the demo account")
    serve.add_argument("--max-sessions", type=int, default=4, metavar="N",
                       help="monitors (browser tabs) open at once, each a process of its own (default 4)")

    forecast = commands.add_parser(
        "forecast", help="forecast each video's shares at 7 and 30 days (p10, p50, p90)",
        description="Where each video's cumulative shares will be 7 and 30 days after posting: the 10th, 50th "
        "and 90th percentiles, learned from how your own earlier videos grew from the same age. A forecast "
        "is a summary of your past, not a promise.")
    forecast.add_argument("--json", action="store_true", help="a JSON array (numbers, or null where there is none)")
    forecast.add_argument("--as-of", metavar="TIME",
                          help="answer as the cache knew it at TIME (ISO 8601, e.g. 2026-11-20T12:00Z)")
    forecast.add_argument("--account", metavar="NAME",
                          help="one account: a TikTok login name, an @username or an account key")
    forecast.add_argument("--all", action="store_true", help="every account in the cache")
    forecast.add_argument("--backtest", action="store_true",
                          help="replay the cache's history and report how forecasts made at 1-3 days did")
    forecast.add_argument("--demo", action="store_true", help="the demo account")

    commands.add_parser("locate", help="print where the config, data and cache live",
                        description="Print the config file, data directory and cache database paths.")
    _version_everywhere(parser)
    return parser


def _version_everywhere(parser: argparse.ArgumentParser) -> None:
    """`--version` answers on every command, as `--help` does (`sharetui poll --version`)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.add_argument("--version", action="version", version=f"sharetui {__version__}")
                _version_everywhere(sub)


class OutputError(SharetuiError):
    """Standard output could not be written (a full disk behind `> file`, /dev/full, an I/O error)."""


class _GuardedOutput:
    """Standard output for one command: a failed write or flush becomes one line and exit 1, never a
    traceback or a silent exit 0 (buffered output fails only at the final flush)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.failed = False

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise self._failure(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise self._failure(exc) from None

    def _failure(self, exc: OSError) -> OSError | OutputError:
        self.failed = True
        if isinstance(exc, BrokenPipeError):
            return exc
        hint = "; free some space or write somewhere else" if exc.errno == errno.ENOSPC else ""
        return OutputError(f"cannot write the output (standard output): {exc.strerror or exc}{hint}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _drop_stdout(stream: Any) -> None:
    """Point the process's stdout at /dev/null, so the interpreter's final flush of what could not be
    written does not fail (and print a traceback) again. Not for a caller's own stream (tests capture)."""
    if stream is sys.__stdout__ and stream is not None:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    real = sys.stdout
    guarded = _GuardedOutput(real)
    sys.stdout = guarded
    try:
        code = _main(argv)  # an OutputError inside is reported there, like any other one-line error
        if not guarded.failed:
            sys.stdout.flush()
        return EXIT_FAIL if guarded.failed and code == EXIT_OK else code
    except OutputError as exc:
        _error(str(exc))
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (`sharetui export | head`): stop quietly, as any Unix filter does.
        return 141
    finally:
        sys.stdout = real
        if guarded.failed:
            _drop_stdout(real)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments; one that no command knows is reported with the usage of the command it was given to
    (`sharetui poll --bogus` shows poll's usage, not the top level's)."""
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        owner = parser
        while True:
            chosen = next((action.choices.get(getattr(args, action.dest, None) or "")
                           for action in owner._actions if isinstance(action, argparse._SubParsersAction)), None)
            if not isinstance(chosen, argparse.ArgumentParser):
                break
            owner = chosen
        owner.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def _main(argv: Sequence[str] | None) -> int:
    args = _parse(argv)
    args.demo = args.global_demo or getattr(args, "demo", False)
    # Loaded after parsing: `--version` and `--help` answer without them.
    from sharetui.config import load
    from sharetui.system import locations

    try:
        if args.command == "config":
            return _config(args)
        if args.command == "locate":
            print(f"config file    {locations.config_file()}")
            print(f"data dir       {locations.data_dir()}")
            print(f"cache database {locations.cache_file()}")
            return EXIT_OK
        config = load()
        if args.reset_cache:
            _reset_cache()
            if args.command is None and not (sys.stdin.isatty() and sys.stdout.isatty()):
                return EXIT_OK  # scripted reset: nothing more to do
        if args.command == "poll":
            return _poll(config, args)
        if args.command == "export":
            return _export(config, args)
        if args.command == "import":
            return _import(config, args)
        if args.command == "serve":
            return _serve(args)
        if args.command == "alerts":
            return _alerts(config, args)
        if args.command == "forecast":
            from sharetui.cli.forecast import run as run_forecast

            return run_forecast(config, args)
        if args.command == "auth":
            from sharetui.cli import auth as auth_cli

            return auth_cli.run(config, args)
        return _monitor(config, args)
    except SharetuiError as exc:  # config, cache, source or the command itself: one line, its exit code
        _error(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _error(message: str) -> None:
    print(f"sharetui: error: {message}", file=sys.stderr)


def _reset_cache() -> None:
    """Move the cache (and its WAL files) aside under a timestamped name; nothing is deleted."""
    from sharetui.system import locations
    from sharetui.system.writer_lock import CacheUsers

    cache = locations.cache_file()
    users = CacheUsers(cache)
    try:
        if not users.alone():
            # A monitor (or `serve`, or a command) has the file open: moved aside under it, it would go on
            # writing into the old file while everything else starts afresh.
            raise CliError(f"{cache} is open in another sharetui (a monitor, `sharetui serve` or a command); "
                           "close it, then run --reset-cache again (nothing was moved)")
        if not cache.exists():
            print(f"no cache at {cache}; a fresh one will be created", file=sys.stderr)
            return
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = cache.with_name(f"{cache.name}.reset-{stamp}")
        try:
            for suffix in ("", "-wal", "-shm"):
                part = Path(f"{cache}{suffix}")
                if part.exists():
                    os.replace(part, Path(f"{target}{suffix}"))
        except OSError as exc:
            from sharetui.system import disk
            raise CliError(f"{cache}: cannot move the cache aside: {disk.explain(cache.parent, exc)}") from None
        print(f"moved the old cache to {target}; a fresh one will be created", file=sys.stderr)
    finally:
        users.leave()


def _check_theme(name: str) -> None:
    """ui.theme is checked exactly as the monitor checks it, before it is written."""
    from textual.theme import BUILTIN_THEMES

    if name not in BUILTIN_THEMES:
        raise CliError(f"ui.theme {name!r} is not a theme; try one of: {', '.join(sorted(BUILTIN_THEMES))}",
                       EXIT_USAGE)


def _value_from_stdin(key: str) -> str:
    if sys.stdin is None:
        raise CliError(f"config set {key} -: there is no standard input to read the value from", EXIT_USAGE)
    if sys.stdin.isatty():
        import getpass

        text = getpass.getpass(f"{key}: ")
    else:
        text = sys.stdin.readline().rstrip("\r\n")
    if not text.strip():
        raise CliError(f"config set {key} -: read an empty value from standard input; nothing changed", EXIT_USAGE)
    return text


def _config(args: argparse.Namespace) -> int:
    from sharetui.config import SETTINGS, display_value, load, set_value
    from sharetui.system import locations

    if getattr(args, "key", None) is not None and args.key not in SETTINGS:
        raise CliError(f"unknown config key {args.key!r}; the keys are: {', '.join(sorted(SETTINGS))}",
                       EXIT_USAGE)
    path = locations.config_file()
    if args.config_command == "path":
        print(path)
        return EXIT_OK
    if args.config_command == "set":
        text = _value_from_stdin(args.key) if args.value == "-" else args.value
        if args.key == "ui.theme":
            _check_theme(text)
        value = set_value(path, args.key, text)
        print(f"{args.key} = {display_value(args.key, value)}")
        return EXIT_OK
    config = load(path)
    if args.config_command == "get":
        print(display_value(args.key, config[args.key]))
        return EXIT_OK
    width = max(len(key) for key in SETTINGS)
    print(f"{'KEY':<{width}}  {'VALUE':<32}  {'FROM':<7}  # WHAT IT IS")
    for key, value in config.items():
        origin = "env" if config.is_from_env(key) else ("file" if key in config.file_values else "default")
        print(f"{key:<{width}}  {display_value(key, value):<32}  {origin:<7}  # {SETTINGS[key].help}")
    return EXIT_OK


HOOK_WAIT = 12.0  # `poll --once` gives alerts.command (10 s timeout) this long before it exits


def _poll(config: Config, args: argparse.Namespace) -> int:
    from sharetui.config import SETTINGS
    from sharetui.monitor.service import AccountOutcome, MonitorService

    interval = args.interval if args.interval is not None else config["poll.interval"]
    check = SETTINGS["poll.interval"].check
    problem = check(interval) if check is not None else None
    if problem:  # the same rule as poll.interval in the config and the monitor's +/-
        raise CliError(f"--interval {problem} seconds (got {interval})", EXIT_USAGE)
    metrics_at = None
    if args.metrics or config["poll.metrics"]:
        from sharetui.monitor.metrics import MetricsError, parse_address

        try:
            metrics_at = parse_address(args.metrics or config["poll.metrics"])
        except MetricsError as exc:
            raise CliError(str(exc), EXIT_USAGE) from None
    store = open_store()
    try:
        service = MonitorService(config, store=store, sources=open_sources_or_fail(config, args.demo))
    except CliError:
        store.close()
        raise
    try:
        _take_accounts(service)
    except SharetuiError:
        service.close()
        raise
    stop = threading.Event()
    try:
        metrics = _metrics_server(metrics_at, service) if metrics_at else None
    except SharetuiError:
        service.close()
        raise

    from sharetui.sources import Interrupted, in_network_wait

    def request_stop(signum: int, _frame: object) -> None:
        stop.set()
        service.stop()  # a long back-fill ends at its next committed batch
        if in_network_wait():
            # Waiting on TikTok (a trickling answer, a backoff): nothing is being written, so the wait ends
            # now instead of at its deadline. Anywhere else the write in progress finishes first.
            raise Interrupted

    def report(outcome: AccountOutcome) -> None:
        if metrics is not None:
            metrics.health.record(outcome.key, outcome, outcome.duration, time.time())
        if outcome.result is None:
            _error(f"poll failed ({outcome.label}): {outcome.error}")
            return
        result = outcome.result
        stamp = datetime.fromtimestamp(result.at, UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        print(f"{stamp} {outcome.label}: {result.summary()}", flush=True)
        for alert in result.alerts:
            print(alert.line(outcome.label), flush=True)
        for problem in result.alert_problems:
            _error(problem)

    # A signal only sets a flag: the sweep in progress finishes its transaction first.
    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    failed = False
    try:
        while True:
            started = time.monotonic()
            try:
                cycle = service.poll_cycle(each=report, interval=interval)
            except Interrupted:
                return EXIT_OK
            if metrics is not None:
                metrics.health.cycle_done()
            failed |= any(o.result is None for o in cycle.outcomes)
            if args.once or stop.is_set():
                if args.once and not stop.is_set():
                    for problem in service.wait_for_hooks(HOOK_WAIT):
                        _error(problem)
                return EXIT_FAIL if failed and not stop.is_set() else EXIT_OK
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
            if stop.is_set():
                return EXIT_OK
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if metrics is not None:
            metrics.server.close()
        service.close()


def _take_accounts(service: Any) -> None:
    """Become the writer of every account of this poll nobody else polls; refuse when another process
    already polls them all (one writer per account), and say which ones are left to whom."""
    live = [source for source in service.sources if source.live]
    if not live:
        raise CliError("nothing to poll: this account is fed by `sharetui import` (TikTok Studio exports); "
                       "connect TikTok (`sharetui auth login`) for live counts")
    service.lock.acquire()
    others = [(source.account().label, holder.pid) for source in live
              if (holder := service.holder_of(source.account().key)) is not None]
    if len(others) == len(live):
        names = ", ".join(f"{label} (pid {pid})" for label, pid in others)
        raise CliError(f"another sharetui already polls {names}; one poller per account is enough: its "
                       "sweeps reach every monitor of this cache")
    for label, pid in others:
        print(f"{label}: polled by another sharetui (pid {pid}); this poller polls the others", file=sys.stderr)


@dataclass
class _Metrics:
    server: Any  # sharetui.monitor.metrics.MetricsServer (loaded only when metrics are on)
    health: Any  # sharetui.monitor.metrics.PollHealth


def _metrics_server(address: tuple[str, int], service: Any) -> _Metrics:
    """Start `poll --metrics` (when metrics are off, nothing of them is even imported)."""
    from sharetui.monitor.metrics import Collector, MetricsServer, PollHealth, is_loopback

    host, _port = address
    health = PollHealth()
    server = MetricsServer(address, Collector(service.store.path, service.sources, health))
    print(f"serving Prometheus metrics at {server.url}", file=sys.stderr, flush=True)
    if not is_loopback(host):
        print(f"warning: metrics on {host} can be read by anyone who reaches it (video ids, titles and "
              "counts); prefer 127.0.0.1 and a local Prometheus", file=sys.stderr)
    return _Metrics(server, health)


def _import(config: Config, args: argparse.Namespace) -> int:
    from datetime import date

    from sharetui.sources import studio
    from sharetui.sources.imported import ACCOUNT as STUDIO_ACCOUNT
    from sharetui.text import safe_text

    export_date = None
    if args.export_date:
        try:
            export_date = date.fromisoformat(args.export_date)
        except ValueError:
            raise CliError(f"--export-date must look like 2026-01-31 (got {args.export_date!r})", EXIT_USAGE) from None
    account = STUDIO_ACCOUNT
    if config["source"] in ("auto", "tiktok"):
        from sharetui.sources.tiktok import credentials as creds

        try:
            names = [creds.check_name(args.account)] if args.account else creds.names()[:1]
            logged_in = creds.load(creds.path_for(names[0])) if names else None
        except creds.CredentialsError as exc:
            raise CliError(str(exc)) from None
        if args.account and logged_in is None:
            raise CliError(f"no TikTok login named {args.account!r}; see `sharetui auth status`")
        if logged_in is not None:
            from sharetui.domain.models import Account

            account = Account(key=logged_in.account_key, source="tiktok", display_name=logged_in.display_name,
                              username=logged_in.username)
    # No writer lock: a poller or monitor may run meanwhile. Each table is one SQLite transaction (the poller's
    # next sweep waits for it, a second at most), and open monitors pick it up as they follow the cache.
    store = open_store()
    failed = 0
    try:
        for path in args.paths:
            try:
                for table in studio.sources(Path(path)):
                    name = table.name
                    exported_at = table.exported_at
                    if export_date is not None:  # the export's end of day, or now if that is later
                        exported_at = int(datetime(export_date.year, export_date.month, export_date.day,
                                                   23, 59, 59, tzinfo=UTC).timestamp())
                    parsed = studio.parse(name, table.data, export_date or table.exported, args.date_format,
                                          exported_at)
                    size = len(parsed.days) + len(parsed.videos)
                    if size >= 10_000:
                        print(f"{name}: importing {size:,} rows…", file=sys.stderr, flush=True)
                    if parsed.kind == "skipped":
                        print(f"{name}: skipped ({parsed.note})", file=sys.stderr)
                    elif parsed.kind == "overview":
                        changed = store.import_days(account, parsed.days)
                        print(f"{name}: {len(parsed.days)} days of account totals, {changed} new or updated")
                    else:
                        done = store.import_videos(account, parsed.videos)
                        notes = [f"{done.partial} with some counts unknown (shown as –)" if done.partial else "",
                                 f"{done.covered} already covered by live polls (kept)" if done.covered else "",
                                 f"{done.skipped} older than the video's history with unknown counts (skipped)"
                                 if done.skipped else ""]
                        print(f"{name}: {len(parsed.videos)} video rows, {done.videos} new videos, "
                              f"{done.snapshots} new snapshots" + "".join(f", {n}" for n in notes if n))
            except studio.StudioError as exc:
                failed += 1
                _error(str(exc))
            except OSError as exc:
                failed += 1
                _error(f"{safe_text(path, 300)}: cannot read: {exc.strerror}")
    finally:
        store.close()
    if account is STUDIO_ACCOUNT and not failed:
        print("Open `sharetui` to see it (it shows imported data when no TikTok account is connected).",
              file=sys.stderr)
    return EXIT_FAIL if failed else EXIT_OK


def _alerts(config: Config, args: argparse.Namespace) -> int:
    import json

    store = open_store(reading=True)
    try:
        keys = None if args.all else account_keys_or_fail(config, args.demo)
        if args.limit < 1:
            raise CliError(f"--limit must be at least 1 (got {args.limit})", EXIT_USAGE)
        found = store.alerts(keys, limit=args.limit)
        labels: dict[str, str] = {}
        for alert in found:
            if alert.account not in labels:
                known = store.account(alert.account)
                labels[alert.account] = known.label if known else alert.account
    finally:
        store.close()
    if not found and not args.json:
        print("No alerts yet. They are raised by live polls (`sharetui` or `sharetui poll`).")
    for alert in reversed(found):  # oldest first reads naturally in a terminal
        print(json.dumps(alert.as_json(), ensure_ascii=False) if args.json else alert.line(labels[alert.account]))
    return EXIT_OK


def _export(config: Config, args: argparse.Namespace) -> int:
    from sharetui import export
    keys = None if args.all else account_keys_or_fail(config, args.demo)
    store = open_store(reading=True)
    try:
        keys = store.account_keys() if keys is None else keys
        rows = store.history(keys) if args.history else store.latest(keys)
        if args.output:
            target = Path(args.output)
            if target.is_dir() and not target.is_symlink():
                example = target / f"sharetui.{args.format}"
                raise CliError(f"{target}: is a folder; give a file name in it, such as -o {example}", EXIT_USAGE)
            if target.is_symlink() or (target.exists() and not target.is_file()):
                raise CliError(f"{target}: not a regular file (a link or a pipe); give a file name to write, or "
                               f"write through stdout instead (sharetui export > {target})", EXIT_USAGE)
            from sharetui.system.disk import write_new_file

            try:
                with write_new_file(target) as out:
                    count = export.write(out, rows, history=args.history, fmt=args.format)
            except OSError as exc:
                raise CliError(f"{target}: cannot write the export: {exc.strerror}") from None
            print(f"wrote {count} rows to {target}", file=sys.stderr)
        else:
            export.write(sys.stdout, rows, history=args.history, fmt=args.format)
    finally:
        store.close()
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import shlex

    try:
        from sharetui.ui.web import GuardedServer, is_loopback
    except ImportError:
        raise CliError("`sharetui serve` needs textual-serve: pip install 'sharetui[serve]'") from None
    if not 1 <= args.port <= 65_535:
        raise CliError(f"--port must be between 1 and 65535 (got {args.port})", EXIT_USAGE)
    if not 1 <= args.max_sessions <= 64:
        raise CliError(f"--max-sessions must be between 1 and 64 (got {args.max_sessions})", EXIT_USAGE)
    # `exec`: the monitor replaces the shell textual-serve starts it with, so stopping it stops the monitor.
    command = "exec " + shlex.join([sys.executable, "-m", "sharetui", *(["--demo"] if args.demo else [])])
    server = GuardedServer(command, host=args.host, port=args.port, max_sessions=args.max_sessions)
    if not is_loopback(args.host):
        print(f"warning: serving on {args.host}: anyone who can reach {args.host}:{args.port} and has the "
              "address below (it carries the token) sees your counts, over plain HTTP. Prefer 127.0.0.1 "
              "behind an SSH tunnel.", file=sys.stderr)
    server.serve()
    return EXIT_OK


def _monitor(config: Config, args: argparse.Namespace) -> int:
    # Under `sharetui serve` the monitor talks to a browser through textual-serve's web driver, not a tty.
    served = bool(os.environ.get("TEXTUAL_DRIVER"))
    if not served and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CliError("the monitor needs a terminal; for scripts use `sharetui poll` or `sharetui export`")
    from sharetui.sources import SourceError
    from sharetui.store import StoreError

    try:
        app = monitor_app(config, force_demo=args.demo)  # a bad ui.theme is a ConfigError: exit code 2
    except (StoreError, SourceError) as exc:
        raise CliError(str(exc)) from None
    app.run()
    return app.return_code or EXIT_OK


def monitor_app(config: Config, **options: Any):  # noqa: ANN201 - a ShareApp; Textual loads only here
    """The monitor as `sharetui` starts it.

    Garbage collection is paused from here to the monitor's first frame: start-up creates a few hundred
    thousand long-lived objects (Textual's modules, styles, the table's rows), and collecting while
    they are made only costs time (about 10 ms). The monitor turns it back on after its first frame.
    """
    gc.disable()
    try:
        from sharetui.ui.app import ShareApp

        return ShareApp(config=config, **options)
    except BaseException:
        gc.enable()
        raise
