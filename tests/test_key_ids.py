"""The README's remappable key ids, the config's and the bindings' are one list: a binding with an id the
config does not know could not be remapped, and an id the README names but no binding has would do nothing."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

import sharetui.ui
from sharetui.config import APP, FIXED_KEYS, KEY_ACTIONS, KEY_BINDINGS

README = Path(__file__).parent.parent / "README.md"


def _binding_ids() -> set[str]:
    ids: set[str] = set()
    modules = [importlib.import_module(m.name) for m in pkgutil.walk_packages(sharetui.ui.__path__, "sharetui.ui.")
               if not m.name.endswith(".web")]
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                ids |= {b.id for b in cls.BINDINGS if isinstance(b, Binding) and b.id}
    return ids


def _readme_ids() -> set[str]:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"The ids: (.*?)\(`sharetui config show`", text, re.S)
    assert found, "the README's list of key ids"
    return set(re.findall(r"`([a-z-]+)`", found.group(1)))


def test_readme_config_and_bindings_name_the_same_key_ids() -> None:
    bindings = _binding_ids()
    assert bindings, "bindings with ids"
    assert _readme_ids() == set(KEY_ACTIONS) == bindings


SCREEN_OF = {"ShareApp": APP, "DashboardScreen": "dashboard", "VideoTable": "dashboard",
             "VideoScreen": "video screen", "CompareScreen": "compare screen", "AlertsScreen": "alerts list",
             "ColumnPicker": "column picker", "HelpScreen": "help"}


def test_the_configs_key_table_is_the_bindings() -> None:
    """The conflict check knows every binding: where it works, its built-in keys, and the keys that have no id."""
    modules = [importlib.import_module(m.name) for m in pkgutil.walk_packages(sharetui.ui.__path__, "sharetui.ui.")
               if not m.name.endswith(".web")]
    seen = set()
    for module in modules:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not (issubclass(cls, DOMNode) and cls.__module__ == module.__name__):
                continue
            for binding in (b for b in cls.BINDINGS if isinstance(b, Binding)):
                screen = SCREEN_OF[cls.__name__]
                keys = binding.key.split(",")
                if binding.id is None:
                    assert set(keys) <= set(FIXED_KEYS[screen]), (cls.__name__, binding.key)
                    continue
                default, scopes = KEY_BINDINGS[binding.id]
                assert screen in scopes and set(default.split(",")) <= set(keys), (cls.__name__, binding.id)
                seen.add(binding.id)
    assert seen == set(KEY_BINDINGS)


def test_a_key_two_actions_would_share_on_one_screen_is_refused(isolated_dirs: Path) -> None:
    from tests.conftest import run_cli

    path = isolated_dirs / "config" / "sharetui" / "config.toml"
    refused = run_cli("config", "set", "keys.sort", "m")
    assert refused.returncode == 2 and not path.exists()  # nothing written
    assert refused.stderr.strip().endswith("'m' is both mark and sort on the dashboard; choose another key "
                                           "(sharetui config set keys.ACTION KEY) or move the other action too")
    assert run_cli("config", "set", "keys.sort", "j").returncode == 2  # the table's cursor key
    assert run_cli("config", "set", "keys.quit", "?").returncode == 2  # help, on every screen
    assert run_cli("config", "set", "keys.mark", "x").returncode == 0  # move mark away first...
    assert run_cli("config", "set", "keys.sort", "m").returncode == 0  # ...then sort may take m
    assert run_cli("config", "set", "keys.chart", "y").returncode == 2  # copy-link has y on the video screen
    assert run_cli("config", "set", "keys.compare", "g").returncode == 2  # g is Home in the table
    assert run_cli("config", "set", "keys.compare", "o").returncode == 0  # o opens a link elsewhere: no clash
    path.write_text(path.read_text() + '\n[keys]\nnext-video = "o"\n' if "[keys]" not in path.read_text()
                    else path.read_text().replace("[keys]", '[keys]\nnext-video = "o"'))
    broken = run_cli("--demo", "poll", "--once")  # a hand-edited clash is caught where the file is read
    assert broken.returncode != 0 and "'o' is both" in broken.stderr and "Traceback" not in broken.stderr
