"""The layering contracts of pyproject.toml hold on the installed tree, and they do catch a back-import."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GROUND = ROOT / "leadsig"


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """import-linter reads the contracts from pyproject.toml and the code from ``tree`` (an installed layout)."""
    env = {**os.environ, "PYTHONPATH": str(tree), "NO_COLOR": "1"}
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run([sys.executable, "-P", "-c", code, "--config", str(ROOT / "pyproject.toml"),
                           "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=300)


def test_contracts_hold(installed_tree: Path) -> None:
    done = _lint_imports(installed_tree)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert " 0 broken" in done.stdout


def test_a_back_import_breaks_the_layers_contract(installed_tree: Path, tmp_path: Path) -> None:
    tree = tmp_path / "site"
    shutil.copytree(installed_tree / "leadsig", tree / "leadsig")
    models = tree / "leadsig" / "warehouse" / "models.py"
    models.write_text(models.read_text() + "\nfrom leadsig.reports import monthly  # noqa\n")
    done = _lint_imports(tree)
    assert done.returncode != 0
    assert "leadsig.warehouse.models -> leadsig.reports.monthly" in done.stdout


def test_the_ground_floor_contract_lists_every_ground_module() -> None:
    """A new module in leadsig/ must be named in the contract, or it could import a layer unnoticed."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    ground = next(c for c in contracts if c["id"] == "ground")
    modules = {f"leadsig.{p.stem}" for p in GROUND.glob("*.py") if p.stem not in ("__init__", "__main__")}
    modules |= {f"leadsig.{p.parent.name}" for p in GROUND.glob("*/__init__.py")}
    assert set(ground["source_modules"]) == modules


def _cycles(graph) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), iteratively: any group of two or more is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, edges = work[-1]
            nxt = next((w for w in edges if w not in index or w in stack), None)
            if nxt is not None and nxt not in index:
                index[nxt] = low[nxt] = len(index)
                stack.append(nxt)
                work.append((nxt, iter(sorted(graph.find_modules_directly_imported_by(nxt)))))
                continue
            if nxt is not None:
                low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = stack[stack.index(node):]
                del stack[stack.index(node):]
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_cycles_between_modules(installed_tree: Path, monkeypatch) -> None:
    """Imports inside functions count too: they only hide a cycle from the interpreter, not from a reader."""
    import grimp

    monkeypatch.syspath_prepend(str(installed_tree))
    for name in [m for m in sys.modules if m == "leadsig" or m.startswith("leadsig.")]:
        monkeypatch.delitem(sys.modules, name)
    graph = grimp.build_graph("leadsig", cache_dir=None)
    assert _cycles(graph) == []
