"""Reading rule layers as they were at a git ref, for ``rules diff --base REF``.

Only ``git`` subprocesses with argument lists (no shell). Layers outside any git work tree (e.g. the
built-in pack of an installed leadsig) are read from disk as they are now.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from leadsig.errors import Problem, UserError
from leadsig.rules.language.loader import DEFAULT_DIR, Sources, layer_files


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=False)


def is_ref(ref: str, cwd: Path) -> bool:
    top = _toplevel(cwd)
    return top is not None and _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode == 0


def _toplevel(path: Path) -> Path | None:
    folder = path if path.is_dir() else path.parent
    if not folder.exists():
        return None
    done = _git(folder, "rev-parse", "--show-toplevel")
    return Path(done.stdout.strip()) if done.returncode == 0 else None


def sources_at(ref: str, layers: list[str], base_dir: Path) -> Sources:
    """The rule files of ``layers`` as they were at ``ref`` in the config folder's repository.

    Layers outside that repository (e.g. the built-in pack of an installed leadsig) are read from disk.
    """
    out: Sources = []
    repo = _toplevel(base_dir)
    for i, layer in enumerate(layers):
        path = DEFAULT_DIR if layer == "default" else (Path(layer) if Path(layer).is_absolute() else base_dir / layer)
        top = _toplevel(path)
        if top is None or repo is None or top.resolve() != repo.resolve():
            out += [(i, str(p), p.read_text(encoding="utf-8")) for p in layer_files(layer, base_dir)]
            continue
        rel = path.resolve().relative_to(top.resolve()).as_posix()
        listed = _git(top, "ls-tree", "-r", "--name-only", ref, "--", rel)
        if listed.returncode != 0:
            raise UserError(Problem(f"cannot list {rel} at {ref}: {listed.stderr.strip()}", key="--base",
                                    code="bad-argument"))
        for name in sorted(listed.stdout.split()):
            if name.endswith((".yaml", ".yml")):
                shown = subprocess.run(["git", "-C", str(top), "show", f"{ref}:{name}"], capture_output=True,
                                       check=False)
                out.append((i, f"{ref}:{name}", shown.stdout.decode("utf-8", "replace")))
    return out
