"""The rule engine's two halves point one way: the matcher imports the language, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "rules"


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return names


def test_the_language_never_imports_the_matcher():
    offenders = {p.name: sorted(m for m in imported(p) if m.startswith("leadsig.rules.matcher"))
                 for p in (RULES / "language").glob("*.py")}
    assert not {k: v for k, v in offenders.items() if v}


def test_no_module_is_left_between_the_halves():
    assert sorted(p.name for p in RULES.glob("*.py")) == ["__init__.py"]
    assert (RULES / "language" / "operators.py").exists() and (RULES / "matcher" / "engine.py").exists()
