"""`sharetui poll --metrics`: the poller's numbers for Prometheus, in its text or OpenMetrics format.

A small HTTP server in a thread of the writer process answers `GET /metrics` (and `GET /healthz`). A scrape
reads the cache through a read connection of its own, so it never waits behind a sweep and a sweep never
waits behind it; the rendered page is kept until the next poll cycle (or at most `MAX_AGE` seconds), so
scrapes at any rate cost one render per cycle.

Per video: the latest shares, views, likes and comments (a count not told yet is left out, never 0), labelled
by account (as exports name it) and video id, plus an info series carrying a bounded, cleaned title. Per
account: totals of the listed videos, the number of listed and gone videos. The poller's health: the last
successful sweep, its duration, sweeps by outcome, failures by kind, requests sent and alerts raised.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sharetui.errors import SharetuiError
from sharetui.text import safe_text

if TYPE_CHECKING:
    from sharetui.monitor.service import AccountOutcome
    from sharetui.sources import Source

DEFAULT_HOST = "127.0.0.1"
MAX_AGE = 30.0  # seconds a rendered page is served before it is read again, whatever the poller does
MAX_CLIENTS = 8  # scrapes answered at once; more get 503 (a scraper needs one)
CLIENT_TIMEOUT = 10.0  # seconds a client may take to send its request
TITLE_LENGTH = 100  # characters of a title in the info series
COUNTS = ("shares", "views", "likes", "comments")
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"  # Prometheus' text format


class MetricsError(SharetuiError):
    """The metrics address is malformed or cannot be bound."""


def parse_address(text: str) -> tuple[str, int]:
    """`PORT`, `HOST:PORT` or `[IPv6]:PORT` → (host, port); loopback unless a host is given."""
    from sharetui.config import host_and_port

    found = host_and_port(text, DEFAULT_HOST)
    if found is None:
        raise MetricsError(f"metrics address {text.strip()!r}: give PORT or HOST:PORT with a port from 1 to "
                           "65535, e.g. 9464 or 127.0.0.1:9464")
    return found


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class AccountHealth:
    last_success: float | None = None
    last_duration: float | None = None
    sweeps: Counter[str] = field(default_factory=Counter)  # by outcome: ok, failed
    failures: Counter[str] = field(default_factory=Counter)  # by kind
    alerts: Counter[str] = field(default_factory=Counter)  # by rule


class PollHealth:
    """What the poll loop reports about itself, per account; written by the loop, read by scrapes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._accounts: dict[str, AccountHealth] = {}
        self.generation = 0  # bumped after every cycle: a rendered page older than it is stale

    def record(self, key: str, outcome: AccountOutcome, duration: float, at: float) -> None:
        with self._lock:
            health = self._accounts.setdefault(key, AccountHealth())
            health.last_duration = duration
            if outcome.result is None:
                health.sweeps["failed"] += 1
                health.failures[outcome.kind or "other"] += 1
                return
            health.sweeps["ok"] += 1
            health.last_success = at
            for alert in outcome.result.alerts:
                health.alerts[alert.rule] += 1

    def cycle_done(self) -> None:
        with self._lock:
            self.generation += 1

    def snapshot(self) -> dict[str, AccountHealth]:
        with self._lock:
            return {key: AccountHealth(h.last_success, h.last_duration, Counter(h.sweeps), Counter(h.failures),
                                       Counter(h.alerts)) for key, h in self._accounts.items()}


def _label(value: str) -> str:
    """A label value as the text format quotes it."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class _Family:
    """One metric family's lines: `# HELP`, `# TYPE`, then its samples."""

    def __init__(self, name: str, kind: str, help_text: str, labels: tuple[str, ...]) -> None:
        self.name = name + ("_total" if kind == "counter" else "")
        self.head = f"# HELP {self.name} {help_text}\n# TYPE {self.name} {kind}\n"
        self.labels = labels
        self.lines: list[str] = []

    def add(self, values: tuple[str, ...], number: float) -> None:
        pairs = ",".join(f'{k}="{_label(v)}"' for k, v in zip(self.labels, values, strict=True))
        self.lines.append(f"{self.name}{{{pairs}}} {number}\n")

    def text(self) -> str:
        return self.head + "".join(self.lines)


class Collector:
    """Writes one scrape's page, in Prometheus' text format (0.0.4), from the cache and the poll loop's health.

    The format is a few lines of code here rather than prometheus_client's: on a 10,000-video account its
    objects-per-sample path took 0.4 s of the GIL per render, this one a fraction of that (benchmark 13)."""

    def __init__(self, cache: Path, sources: list[Source], health: PollHealth) -> None:
        self.cache = cache
        self.sources = sources
        self.health = health
        self._titles: dict[tuple[str, str], str] = {}  # (video id, stored title) → its cleaned, quoted label

    def page(self) -> str:
        from sharetui.store import Reader

        accounts = [source.account() for source in self.sources]
        keys = [account.key for account in accounts]
        with Reader(self.cache) as reader:
            rows = list(reader.latest(keys)) if keys else []
            # As exports name an account: its @username (the stored one, else the source's), else its key.
            names = {a.key: ((found.username if (found := reader.account(a.key)) else "") or a.username or a.key)
                     for a in accounts}
        per_video = [_Family(f"sharetui_video_{name}", "gauge", f"latest {name} count TikTok told (left out "
                             "while unknown)", ("account", "video_id")) for name in COUNTS]
        info = _Family("sharetui_video_info", "gauge", "1 per listed video, its title cleaned and cut to 100 "
                       "characters", ("account", "video_id", "title"))
        totals = [_Family(f"sharetui_account_{name}", "gauge", f"sum of the listed videos' known {name} counts",
                          ("account",)) for name in COUNTS]
        listed = _Family("sharetui_account_videos", "gauge", "videos TikTok lists", ("account",))
        gone = _Family("sharetui_account_gone_videos", "gauge", "videos gone from TikTok (private or removed)",
                       ("account",))
        sums = {name: [0, 0, 0, 0] for name in names.values()}
        counts = {name: [0, 0] for name in names.values()}
        titles, kept = self._titles, {}
        # The hot loop of a large account: each row's labels are quoted once and its lines written directly.
        video_lines = [(family.name, family.lines) for family in per_video]
        quoted: dict[str, str] = {}
        for account, video_id, title, _posted, views, likes, comments, shares, _updated, is_gone in rows:
            counts.setdefault(account, [0, 0])[1 if is_gone else 0] += 1
            if is_gone:
                continue  # no longer listed: its series end (the account's gone count says why)
            total = sums.setdefault(account, [0, 0, 0, 0])
            account_label = quoted.get(account) or quoted.setdefault(account, _label(account))
            labels = f'account="{account_label}",video_id="{_label(video_id)}"'
            for i, value in enumerate((shares, views, likes, comments)):
                if value is not None:  # unknown: left out, never 0
                    name, lines = video_lines[i]
                    lines.append(f"{name}{{{labels}}} {value}\n")
                    total[i] += value
            clean = titles.get((video_id, title)) or _label(safe_text(title or "", TITLE_LENGTH))
            kept[(video_id, title)] = clean
            info.lines.append(f'sharetui_video_info{{{labels},title="{clean}"}} 1\n')
        self._titles = kept  # only the titles still listed stay cached
        for account, total in sums.items():
            for family, value in zip(totals, total, strict=True):
                family.add((account,), value)
        for account, (shown, hidden) in counts.items():
            listed.add((account,), shown)
            gone.add((account,), hidden)
        families = [*per_video, info, *totals, listed, gone, *self._health(names)]
        return "".join(family.text() for family in families)

    def _health(self, names: dict[str, str]) -> list[_Family]:
        health = self.health.snapshot()
        last = _Family("sharetui_last_successful_sweep_timestamp_seconds", "gauge",
                       "when the account's last successful sweep ended (Unix time)", ("account",))
        duration = _Family("sharetui_sweep_duration_seconds", "gauge", "how long the account's last sweep took",
                           ("account",))
        sweeps = _Family("sharetui_sweeps", "counter", "sweeps since the poller started, by outcome",
                         ("account", "outcome"))
        failures = _Family("sharetui_sweep_failures", "counter", "failed sweeps since the poller started, by kind",
                           ("account", "kind"))
        alerts = _Family("sharetui_alerts", "counter", "alerts raised since the poller started, by rule",
                         ("account", "rule"))
        requests = _Family("sharetui_requests", "counter", "requests sent to TikTok since the poller started",
                           ("account",))
        for source in self.sources:
            key = source.account().key
            name = names.get(key, key)
            found = health.get(key, AccountHealth())
            if found.last_success is not None:
                last.add((name,), found.last_success)
            if found.last_duration is not None:
                duration.add((name,), round(found.last_duration, 6))
            for outcome in ("ok", "failed"):
                sweeps.add((name, outcome), found.sweeps[outcome])
            for kind, count in sorted(found.failures.items()):
                failures.add((name, kind), count)
            for rule, count in sorted(found.alerts.items()):
                alerts.add((name, rule), count)
            requests.add((name,), source.requests_sent)
        return [last, duration, sweeps, failures, alerts, requests]


class _Page:
    """The last rendered page, kept until the poll loop moves on or MAX_AGE passes."""

    def __init__(self, collector: Collector, clock: Callable[[], float] = time.monotonic) -> None:
        self.collector = collector
        self.clock = clock
        self._lock = threading.Lock()  # one render at a time; the others wait and take its page
        self._kept: tuple[int, float, bytes] | None = None

    def render(self) -> bytes:
        with self._lock:
            generation = self.collector.health.generation
            kept = self._kept
            if kept is not None and kept[0] == generation and self.clock() - kept[1] < MAX_AGE:
                return kept[2]
            body = self.collector.page().encode()
            self._kept = (generation, self.clock(), body)
            return body


class MetricsServer:
    """The /metrics endpoint, served from a daemon thread until `close()`."""

    def __init__(self, address: tuple[str, int], collector: Collector) -> None:
        page = _Page(collector)
        slots = threading.BoundedSemaphore(MAX_CLIENTS)

        class Handler(BaseHTTPRequestHandler):
            timeout = CLIENT_TIMEOUT  # a client that never finishes its request lets go of its thread
            server_version = "sharetui"
            sys_version = ""

            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                self._answer(with_body=True)

            def do_HEAD(self) -> None:  # noqa: N802
                self._answer(with_body=False)

            def _answer(self, with_body: bool) -> None:
                if not slots.acquire(blocking=False):
                    self._plain(503, "busy: too many scrapes at once\n", with_body)
                    return
                try:
                    path = self.path.split("?", 1)[0]
                    if path == "/metrics":
                        try:
                            body = page.render()
                        except SharetuiError as exc:  # the cache could not be read this time
                            self._plain(503, f"cannot read the cache: {exc}\n", with_body)
                            return
                        self._send(200, body, CONTENT_TYPE, with_body)
                    elif path in ("/healthz", "/"):
                        self._plain(200, "ok\n" if path == "/healthz" else "sharetui: see /metrics\n", with_body)
                    else:
                        self._plain(404, "not found: try /metrics\n", with_body)
                finally:
                    slots.release()

            def _plain(self, status: int, text: str, with_body: bool) -> None:
                self._send(status, text.encode(), "text/plain; charset=utf-8", with_body)

            def _send(self, status: int, body: bytes, content_type: str, with_body: bool) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
                """Scrapes are not news: the poller's output stays one line per sweep."""

        server_class = _Server6 if ":" in address[0] else _Server4
        try:
            self._server = server_class(address, Handler)
        except OSError as exc:
            raise MetricsError(f"cannot serve metrics on {_show(address)}: {exc.strerror or exc}; "
                               "pick another port (poll --metrics HOST:PORT)") from None
        self.address = (address[0], self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="metrics", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{_show(self.address)}/metrics"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class _Server4(ThreadingHTTPServer):
    daemon_threads = True


class _Server6(ThreadingHTTPServer):
    import socket

    address_family = socket.AF_INET6
    daemon_threads = True


def _show(address: tuple[str, int]) -> str:
    host, port = address
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
