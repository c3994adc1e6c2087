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
from sharetui.config import KEY_ACTIONS

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
