"""Path groups: which configured groups (docs, ci, process, ...) a commit's files touch.

Globs use ``**`` for any depth and ``*`` within one path segment; ``**/*.md`` also matches a top-level
``README.md``. Compiled once per source, so a commit costs one regex match per file. On the ground floor
because the miners and ``rules eval`` (which builds commits from a labelled corpus) must group files alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def glob_to_regex(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


class PathGroups:
    def __init__(self, groups: dict[str, list[str]]):
        self.groups = groups
        self._compiled = {
            name: re.compile("^(?:" + "|".join(glob_to_regex(p) for p in pats) + ")$")
            for name, pats in groups.items()
            if pats
        }

    def match(self, paths: Iterable[str]) -> tuple[str, ...]:
        """Sorted names of the groups any of ``paths`` falls in."""
        hit: set[str] = set()
        for path in paths:
            for name, rx in self._compiled.items():
                if name not in hit and rx.match(path.lstrip("/")):
                    hit.add(name)
        return tuple(sorted(hit))

    def lines(self, files: Iterable[tuple[str, int | None, int | None]]) -> dict[str, dict[str, int]]:
        """Lines added and removed per group a commit touches, from ``(path, additions, deletions)`` per file.

        Why: a commit that changes 400 lines of code and 5 of a README is not a documentation effort of 405
        lines; rules and reports weigh the group's own lines. A file in two groups counts in both."""
        out: dict[str, dict[str, int]] = {}
        for path, adds, dels in files:
            for name, rx in self._compiled.items():
                if rx.match(path.lstrip("/")):
                    got = out.setdefault(name, {"additions": 0, "deletions": 0})
                    got["additions"] += adds or 0
                    got["deletions"] += dels or 0
        return dict(sorted(out.items()))

    def folder_prefixes(self) -> dict[str, list[str]] | None:
        """Plain folder prefixes per group when every pattern is ``folder/**`` (lets a miner filter by path)."""
        out: dict[str, list[str]] = {}
        for name, pats in self.groups.items():
            for p in pats:
                if not p.endswith("/**") or any(ch in p[:-3] for ch in "*?["):
                    return None
                out.setdefault(name, []).append(p[:-3])
        return out
