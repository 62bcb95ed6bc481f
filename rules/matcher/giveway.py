"""Setting aside a signal whose rule gives way to another act kept on the same activity (rules.language.giveway).

Runs on the rows one signal per family kept (rules.matcher.rows), so a family's winner is what gives way. Only
activities with two or more signals can hold a pair, a few percent of the rows: they are found by counting the
activity ids, and only their rows are read.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from leadsig.rules.language.giveway import way_edges
from leadsig.rules.language.model import Rule


def give_way(records: list[dict[str, Any]], rules: list[Rule]) -> list[dict[str, Any]]:
    yields = {r.id: frozenset(r.gives_way_to) for r in rules if r.gives_way_to}
    if not yields or len(records) < 2:
        return records
    rank = _ranks(rules)
    counts = Counter(rec["activity_id"] for rec in records)
    shared: dict[Any, list[int]] = {}
    for i, rec in enumerate(records):
        if counts[rec["activity_id"]] > 1:
            shared.setdefault(rec["activity_id"], []).append(i)
    dropped: set[int] = set()
    for rows in shared.values():
        if any(records[i]["rule_id"] in yields for i in rows):
            dropped.update(_set_aside(records, rows, yields, rank))
    return [rec for i, rec in enumerate(records) if i not in dropped] if dropped else records


def _set_aside(records: list[dict[str, Any]], rows: list[int], yields: dict[str, frozenset[str]],
               rank: dict[str, int]) -> list[int]:
    """One activity's rows that give way to a kept row; each named in the first such kept row's ``also``.

    Rows are read narrowest first (an indicator no rule of it gives way to before those that do), so a row
    gives way only to a row that is itself kept.
    """
    kept: list[int] = []
    out = []
    for i in sorted(rows, key=lambda i: rank.get(records[i]["indicator"], 0)):
        rec = records[i]
        winner = next((k for k in kept if records[k]["indicator"] in yields.get(rec["rule_id"], ())), None)
        if winner is None:
            kept.append(i)
            continue
        also = records[winner]["why"].setdefault("also", [])
        also.append(f"{rec['rule_id']} ({rec['impact']}) on {rec['evidence_url']}, gives way to "
                    f"{records[winner]['indicator']}")
        out.append(i)
    return out


def _ranks(rules: list[Rule]) -> dict[str, int]:
    """Each indicator's depth along gives_way_to: 0 for one that gives way to nothing (no cycles: the loader)."""
    edges = way_edges(rules)
    depth: dict[str, int] = {}

    def walk(ind: str, seen: frozenset[str]) -> int:
        if ind not in depth:
            nxt = [walk(n, seen | {ind}) for n in edges.get(ind, ()) if n not in seen]
            depth[ind] = 1 + max(nxt) if nxt else 0
        return depth[ind]

    for ind in list(edges):
        walk(ind, frozenset())
    return depth
