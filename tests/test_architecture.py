"""The shape of the code: no import cycles between sharetui's modules or its packages, counting the imports
made for type checking only (the layer rules themselves are import-linter contracts in pyproject.toml, run by
`lint-imports` in CI)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp

import sharetui

ROOT = Path(sharetui.__file__).parent


def _cycles(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    return sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    )


def _package_of(module: str) -> str:
    """A module's group: sharetui.domain.forecast.model -> sharetui.domain.forecast (a root module: itself)."""
    parts = module.split(".")
    return ".".join(parts[:3]) if len(parts) > 3 else ".".join(parts[:2]) if len(parts) > 2 else module


def test_no_import_cycles_type_checking_imports_included() -> None:
    assert _cycles(grimp.build_graph("sharetui", exclude_type_checking_imports=False)) == []
    assert _cycles(grimp.build_graph("sharetui", exclude_type_checking_imports=True)) == []


def test_no_cycles_between_packages() -> None:
    """Two packages never import each other, even through different modules (models <-> forecast)."""
    graph = grimp.build_graph("sharetui", exclude_type_checking_imports=False)
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = _package_of(module), _package_of(imported)
            if a != b and not b.startswith(a + ".") and not a.startswith(b + "."):
                edges.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            here = todo.pop()
            if here == goal:
                return True
            if here not in seen:
                seen.add(here)
                todo += edges.get(here, ())
        return False

    circles = sorted((a, b) for a, targets in edges.items() for b in targets if reaches(b, a))
    assert circles == []


def test_at_most_a_dozen_loose_modules_at_the_root() -> None:
    loose = sorted(p.name for p in ROOT.glob("*.py"))
    assert len(loose) <= 12, loose


def _class_lengths() -> dict[str, int]:
    lengths = {}
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                lengths[f"{path.relative_to(ROOT)}:{node.name}"] = node.end_lineno - node.lineno + 1
    return lengths


def test_no_class_grows_past_350_lines_and_the_app_stays_glue() -> None:
    lengths = _class_lengths()
    assert "ui/app.py:ShareApp" in lengths  # the walk sees the package
    assert {name: n for name, n in lengths.items() if n > 350} == {}
    assert lengths["ui/app.py:ShareApp"] <= 300  # timers, workers, notifications and routing, nothing more
