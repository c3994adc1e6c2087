"""The shape of the code: no import cycles between sharetui's modules (the layer rules themselves are
import-linter contracts in pyproject.toml, run by `lint-imports` in CI)."""

from __future__ import annotations

import grimp


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("sharetui", exclude_type_checking_imports=True)
    cycles = sorted(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    )
    assert cycles == [], f"import cycles: {cycles}"
