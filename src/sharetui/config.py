"""The TOML config: a declared schema, strict validation, one-line errors.

Read with tomllib, written with tomli-w. Every key a user can set is declared in SETTINGS, so unknown
keys and wrong types are caught with the file and key named, never with a traceback.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sharetui.errors import EXIT_USAGE, SharetuiError
from sharetui.system import locations


class ConfigError(SharetuiError):
    """A problem with the config file or a value (exit code 2, like any usage error)."""

    exit_code = EXIT_USAGE


class ThemeError(ConfigError):
    """ui.theme names a theme that does not exist (checked by the monitor, which knows the themes)."""


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    help: str
    check: Callable[[Any], str | None] | None = None
    secret: bool = False


def _one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(repr(c) for c in choices)}"

    return check


def _between(low: int, high: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"must be between {low} and {high}"

    return check


def _at_least(low: float) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value >= low else f"must be at least {low}"

    return check


def _positive_ints(value: Any) -> str | None:
    ok = all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    return None if ok else "must be a list of positive integers, e.g. [1000, 10000]"


def _zone(value: Any) -> str | None:
    if value == "local" or value.upper() == "UTC":
        return None
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(value)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return "must be local, UTC or a time zone name such as Europe/Lisbon"
    return None


def _http_url(value: Any) -> str | None:
    from urllib.parse import urlsplit

    if not value.startswith(("http://", "https://")):
        return "must start with http:// or https://"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    return None if parts.hostname else "must name a host, e.g. https://open.tiktokapis.com"


def _command_line(value: Any) -> str | None:
    """Split as the alert hook will be (no shell): unbalanced quotes are caught now, not at the first alert."""
    import shlex

    try:
        shlex.split(value)
    except ValueError as exc:
        return f"cannot be split into a command line ({exc})"
    return None


def host_and_port(text: str, default_host: str = "127.0.0.1") -> tuple[str, int] | None:
    """`PORT`, `HOST:PORT` or `[IPv6]:PORT` as (host, port), `default_host` when none is given; None when
    it is neither."""
    host, _, port = text.strip().rpartition(":")
    if not port.isdigit() or not 1 <= int(port) <= 65_535:
        return None
    return host.strip("[]") or default_host, int(port)


def _metrics_address(value: Any) -> str | None:
    if not value or host_and_port(value):
        return None
    return 'must be PORT or HOST:PORT (e.g. 9464 or 127.0.0.1:9464), or "" for off'


SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("source", str, "auto",
                "auto (TikTok when connected, else imported Studio data, else the demo), demo, tiktok or studio",
                _one_of("auto", "demo", "tiktok", "studio")),
        Setting("poll.interval", int, 60, "seconds between polls", _between(5, 86_400)),
        Setting("poll.metrics", str, "",
                "serve Prometheus metrics from `sharetui poll` on PORT or HOST:PORT (loopback unless a host "
                "is given); \"\" is off", _metrics_address),
        Setting("demo.videos", int, 40, "number of videos in the demo account", _between(1, 10_000)),
        Setting("demo.history_days", int, 60, "days of history the demo backfills on first use",
                _between(0, 365)),
        Setting("demo.seed", int, 7, "seed of the demo account (same seed, same account)"),
        Setting("poll.full_sweep_every", int, 30,
                "TikTok: re-read the whole catalogue every N polls; between them only the newest pages",
                _between(1, 10_000)),
        Setting("retention.raw_days", int, 7, "keep every snapshot this many days", _between(1, 3650)),
        Setting("retention.hourly_days", int, 90, "then one per hour up to this age; one per day beyond",
                _between(1, 36_500)),
        Setting("alerts.enabled", bool, True, "evaluate alert rules after every live poll"),
        Setting("alerts.velocity_factor", float, 3.0,
                "velocity spike: shares in the window ≥ this × the video's own trailing rate…", _at_least(1.0)),
        Setting("alerts.velocity_floor", int, 20, "…and ≥ this many shares (ignores noise on small videos)",
                _between(1, 10**9)),
        Setting("alerts.velocity_window", int, 60, "velocity window in minutes", _between(5, 1440)),
        Setting("alerts.milestones", list, [1_000, 10_000, 100_000, 1_000_000], "share milestones",
                _positive_ints),
        Setting("alerts.beat_p90", bool, True, "alert when a video beats the account's p90 for its age"),
        Setting("alerts.forecast", bool, False,
                "alert when a video's 7-day share forecast (p50) passes a milestone it has not reached"),
        Setting("alerts.gone", bool, True, "alert when a video disappears (made private or removed)"),
        Setting("alerts.bell", bool, True, "ring the terminal bell on an alert in the monitor"),
        Setting("alerts.command", str, "",
                "program run per alert, alert as JSON on stdin and SHARETUI_ALERT_* env (no shell)",
                _command_line),
        Setting("ui.timezone", str, "local",
                "times on screen: local (this machine's zone), UTC, or a zone name such as Europe/Lisbon",
                _zone),
        Setting("ui.theme", str, "textual-dark", "Textual theme name (e.g. ansi-dark, nord, gruvbox)"),
        Setting("tiktok.client_key", str, "", "client key of your TikTok developer app"),
        Setting("tiktok.client_secret", str, "", "client secret of your TikTok developer app", secret=True),
        Setting("tiktok.api_base_url", str, "https://open.tiktokapis.com", "TikTok API base URL", _http_url),
        Setting("tiktok.auth_base_url", str, "https://www.tiktok.com", "TikTok authorize page base URL",
                _http_url),
    )
}

# [keys]: each action's key(s), by the action's id, mapped onto Textual's keymap ("" keeps the built-in key;
# several keys comma-separated, e.g. quit = "q,ctrl+q"). Ids are the ones the monitor's bindings carry.
KEY_ACTIONS = {
    "quit": "q", "help": "?", "pause": "space", "poll-now": "ctrl+r", "next-account": "a", "alerts": "A",
    "slower": "+", "faster": "-", "filter": "/", "sort": "s", "reverse": "r", "mark": "m", "compare": "c",
    "toggle-gone": "h", "pick-columns": "C", "open": "enter", "back": "escape", "chart": "v",
    "open-link": "o", "copy-link": "y (video screen)", "next-video": "n", "previous-video": "p",
    "clear-filter": "escape (while filtering)", "log-scale": "l (compare, video screen)", "whole-range": "w (compare)", "open-alerted": "enter (alerts)",
    "done-columns": "enter (columns)", "cancel-columns": "escape (columns)", "close-help": "escape,q,? (help)",
    "copy-row": "y", "acknowledge": "x (alerts)", "acknowledge-all": "X (alerts)", "mute-video": "M (alerts)",
    "filter-rule": "f (alerts)",
}
# Where each action's keys work and what they are by default (Textual key names; tests/test_key_ids.py holds
# these to the bindings): two actions that work on one screen cannot share a key.
APP = "every screen"
KEY_BINDINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "quit": ("q", (APP,)), "help": ("question_mark", (APP,)), "pause": ("space", (APP,)),
    "poll-now": ("ctrl+r", (APP,)), "next-account": ("a", (APP,)), "alerts": ("A", (APP,)),
    "slower": ("plus", (APP,)), "faster": ("minus", (APP,)),
    "filter": ("slash", ("dashboard",)), "clear-filter": ("escape", ("dashboard",)), "sort": ("s", ("dashboard",)),
    "reverse": ("r", ("dashboard",)), "mark": ("m", ("dashboard",)), "compare": ("c", ("dashboard",)),
    "toggle-gone": ("h", ("dashboard",)), "pick-columns": ("C", ("dashboard",)), "open": ("enter", ("dashboard",)),
    "copy-row": ("y", ("dashboard",)), "acknowledge": ("x", ("alerts list",)),
    "acknowledge-all": ("X", ("alerts list",)), "mute-video": ("M", ("alerts list",)),
    "filter-rule": ("f", ("alerts list",)),
    "back": ("escape", ("video screen", "compare screen", "alerts list")),
    "chart": ("v", ("video screen",)), "open-link": ("o", ("video screen",)), "copy-link": ("y", ("video screen",)),
    "next-video": ("n", ("video screen",)), "previous-video": ("p", ("video screen",)),
    "log-scale": ("l", ("compare screen", "video screen")), "whole-range": ("w", ("compare screen",)), "open-alerted": ("enter", ("alerts list",)),
    "done-columns": ("enter", ("column picker",)), "cancel-columns": ("escape", ("column picker",)),
    "close-help": ("escape,q,question_mark", ("help",)),
}
# Keys that cannot be remapped, where they work: the table's cursor, the video screen's ranges.
FIXED_KEYS = {"dashboard": ("up", "k", "down", "j", "pageup", "pagedown", "home", "g", "end", "G"),
              "video screen": ("1", "2", "3", "4", "5"), "column picker": ("space", "shift+up", "shift+down")}
CHARACTER_KEYS = {"?": "question_mark", "+": "plus", "-": "minus", "/": "slash", " ": "space", "!": "exclamation_mark",
                  ",": "comma", ".": "full_stop", ":": "colon", ";": "semicolon", "=": "equals_sign",
                  "<": "less_than_sign", ">": "greater_than_sign", "*": "asterisk", "#": "number_sign"}


def key_conflicts(values: dict[str, Any]) -> list[str]:
    """Every key two actions would share on one screen with these [keys] settings, one line each (the
    built-in keys are known to work together: a conflict needs a key the user set)."""
    screens = sorted({screen for _, scopes in KEY_BINDINGS.values() for screen in scopes if screen != APP})
    found: dict[tuple[str, str, str], list[str]] = {}
    for screen in screens:
        taken = {key: "a built-in key" for key in FIXED_KEYS.get(screen, ())}
        for action, (default, scopes) in KEY_BINDINGS.items():
            if APP not in scopes and screen not in scopes:
                continue
            chosen = values.get(f"keys.{action}") or default
            for key in dict.fromkeys(CHARACTER_KEYS.get(k.strip(), k.strip()) for k in chosen.split(",")):
                other = taken.setdefault(key, action)
                if other != action and (f"keys.{action}" in values or f"keys.{other}" in values):
                    found.setdefault((key, action, other), []).append(screen)
    return [f"{key!r} is both {action} and {other} on "
            + ("every screen" if where == screens else ", ".join(f"the {screen}" for screen in where))
            for (key, action, other), where in found.items()]


KEY_NAME = re.compile(r"[A-Za-z0-9_+\-]+|[!-~]")  # Textual key names (ctrl+x, f5, question_mark) or one character


def _keys(value: Any) -> str | None:
    parts = [part.strip() for part in value.split(",")] if value.strip() else []
    bad = [part for part in parts if not KEY_NAME.fullmatch(part)]
    return f"has keys Textual does not know: {', '.join(map(repr, bad))}" if bad else None


SETTINGS.update({
    f"keys.{action}": Setting(f"keys.{action}", str, "", f"key(s) for {action} (built in: {key})", _keys)
    for action, key in KEY_ACTIONS.items()
})

# Environment variables that override a config key (secrets are better kept out of files).
ENV_OVERRIDES = {
    "tiktok.client_key": "SHARETUI_TIKTOK_CLIENT_KEY",
    "tiktok.client_secret": "SHARETUI_TIKTOK_CLIENT_SECRET",
}


def _check_value(setting: Setting, value: Any, where: str) -> None:
    # bool is a subclass of int: `interval = true` must not pass as 1. An integer is a fine float.
    if setting.type is float and type(value) is int:
        value = float(value)
    if type(value) is not setting.type:
        raise ConfigError(
            f"{where}: {setting.key} must be {_type_name(setting.type)}, not {_type_name(type(value))} "
            f"({value!r})"
        )
    if setting.check:
        problem = setting.check(value)
        if problem:
            raise ConfigError(f"{where}: {setting.key} {problem} (got {value!r})")


def _type_name(t: type) -> str:
    return {int: "an integer", str: "a string", bool: "true or false", float: "a number",
            dict: "a table", list: "an array"}.get(t, t.__name__)


class Config:
    """Validated settings: defaults, overlaid by the file, overlaid by environment overrides."""

    def __init__(self, values: dict[str, Any] | None = None, path: Path | None = None) -> None:
        self.path = path
        self._file_values: dict[str, Any] = {}
        self._values = {key: s.default for key, s in SETTINGS.items()}
        for key, value in (values or {}).items():
            setting = SETTINGS.get(key)
            if setting is None:
                raise ConfigError(f"unknown config key {key!r}")
            _check_value(setting, value, "config")
            self._values[key] = value

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def keymap(self) -> dict[str, str]:
        """[keys]: the keys set for each action id, as Textual's keymap takes them."""
        return {action: keys for action in KEY_ACTIONS if (keys := self[f"keys.{action}"])}

    def is_from_env(self, key: str) -> bool:
        env = ENV_OVERRIDES.get(key)
        return bool(env and os.environ.get(env))

    def items(self) -> Iterator[tuple[str, Any]]:
        yield from self._values.items()

    @property
    def file_values(self) -> dict[str, Any]:
        return dict(self._file_values)


def load(path: Path | None = None) -> Config:
    """Read and validate the config file (a missing file means all defaults)."""
    path = path or locations.config_file()
    file_values = read_file(path)
    config = Config(path=path)
    config._file_values = file_values
    config._values.update(file_values)
    for key, env in ENV_OVERRIDES.items():
        if os.environ.get(env):
            config._values[key] = os.environ[env]
    return config


MAX_FILE = 1024 * 1024  # bytes: far beyond any real config, short of one that could exhaust memory


def read_file(path: Path) -> dict[str, Any]:
    """The validated key/value pairs set in `path`, flattened to dotted keys."""
    from sharetui.system.disk import DamagedFile, read_bounded

    try:
        raw = read_bounded(path, MAX_FILE)
    except DamagedFile as exc:
        raise ConfigError(f"{path}: config file is {exc}; a config is a few kilobytes: fix or delete it") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror}") from None
    if raw is None:
        return {}
    import tomllib  # only when there is a file: a first run starts without the parser

    try:
        document = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not UTF-8 text; fix or delete it") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply; fix the file or delete "
                          "it to start over") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}; fix the file or delete it to start over") from None
    values: dict[str, Any] = {}
    _collect(document, "", path, values)
    _check_relations(values, path)
    return values


def _check_relations(values: dict[str, Any], path: Path) -> None:
    """Rules between keys (each key alone was checked already)."""
    raw = values.get("retention.raw_days", SETTINGS["retention.raw_days"].default)
    hourly = values.get("retention.hourly_days", SETTINGS["retention.hourly_days"].default)
    if hourly < raw:
        raise ConfigError(f"{path}: retention.hourly_days ({hourly}) must be at least retention.raw_days ({raw})")
    conflicts = key_conflicts(values)
    if conflicts:
        raise ConfigError(f"{path}: [keys]: {'; '.join(conflicts)}; choose another key (sharetui config set "
                          "keys.ACTION KEY) or move the other action too")


def _collect(table: dict[str, Any], prefix: str, path: Path, out: dict[str, Any]) -> None:
    sections = {key.split(".")[0] for key in SETTINGS if "." in key}
    for name, value in table.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            if prefix or name not in sections:
                raise ConfigError(f"{path}: unknown config section [{key}]; known keys: `sharetui config show`")
            _collect(value, key + ".", path, out)
            continue
        setting = SETTINGS.get(key)
        if setting is None:
            raise ConfigError(f"{path}: unknown config key {key!r}; known keys: `sharetui config show`")
        _check_value(setting, value, str(path))
        out[key] = value


def parse_value(key: str, text: str) -> Any:
    """Turn a command-line string into the declared type of `key`."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise ConfigError(f"unknown config key {key!r}; known keys: `sharetui config show`")
    if setting.type is int:
        try:
            value: Any = int(text.strip())
        except ValueError:
            raise ConfigError(f"{key} must be an integer (got {text!r})") from None
    elif setting.type is float:
        try:
            value = float(text.strip())
        except ValueError:
            raise ConfigError(f"{key} must be a number (got {text!r})") from None
    elif setting.type is list:
        try:
            value = [int(part) for part in text.replace("[", "").replace("]", "").split(",") if part.strip()]
        except ValueError:
            raise ConfigError(f"{key} must be a comma-separated list of integers (got {text!r})") from None
    elif setting.type is bool:
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ConfigError(f"{key} must be true or false (got {text!r})")
        value = lowered == "true"
    else:
        value = text
    _check_value(setting, value, "value")
    return value


def set_value(path: Path, key: str, text: str) -> Any:
    """Validate and write one key to the config file, keeping every other key."""
    value = parse_value(key, text)
    values = read_file(path)
    values[key] = value
    _check_relations(values, path)  # before the file is replaced
    write_file(path, values)
    return value


def write_file(path: Path, values: dict[str, Any]) -> None:
    document: dict[str, Any] = {}
    for key in SETTINGS:  # schema order keeps the file tidy and stable
        if key not in values:
            continue
        *sections, name = key.split(".")
        table = document
        for section in sections:
            table = table.setdefault(section, {})
        table[name] = values[key]
    import tomli_w  # only writing needs it

    from sharetui.system.disk import write_new_file

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # 0600 from the start: the file may hold the client secret.
        with write_new_file(path, mode=0o600, binary=True) as handle:
            tomli_w.dump(document, handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write the config file: {exc.strerror}") from None


def display_value(key: str, value: Any) -> str:
    """A value as shown to the user: secrets are never printed, only whether they are set."""
    if SETTINGS[key].secret:
        return "(set)" if value else "(not set)"
    if isinstance(value, list):  # one line, as it would be typed: [1000, 10000]
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return _toml(value)


def _toml(value: Any) -> str:
    import tomli_w

    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()
