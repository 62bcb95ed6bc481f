"""``gives_way_to``: acts a careful reader does not credit together on one activity.

Two rules of different indicators can fire on one comment when only one act is there: a note that carries
another team's finding back reads as a review finding too, a docs PR that changes the on-call rota reads as
documentation and as a workflow change. Where the pack knows which reading is the narrower one, the broader
rule names the narrower indicator under ``gives_way_to``; on an activity where a signal of that indicator is
kept, the broader rule's signal is set aside and named in the kept one's ``why`` (``also``), as one signal
per family does. A cycle (A gives way to B, B to A) would leave no answer, so it is an error.
"""

from __future__ import annotations

from typing import Any

from leadsig.rules.language.indicators import BY_ID
from leadsig.rules.language.model import Rule
from leadsig.rules.language.problems import Collector, suggest

HINT = "gives_way_to: [bridges_team_segments]"


def read_gives_way_to(c: Collector, node: Any, indicator: Any) -> tuple[str, ...]:
    raw = node.get("gives_way_to")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        c.add(node, "gives_way_to", "type", "gives_way_to must be a list of indicators", HINT)
        return ()
    out = []
    for i, name in enumerate(raw):
        if name not in BY_ID:
            c.add(raw, i, "unknown-indicator", f"unknown indicator {name!r} in gives_way_to",
                  suggest(name, list(BY_ID), "see rules/language/indicators.py"))
        elif name == indicator:
            c.add(raw, i, "gives-way-to-itself", f"a rule of {name} cannot give way to its own indicator (rules "
                  "of one indicator are one act already: one signal per family)", f"remove {name} from gives_way_to")
        else:
            out.append(name)
    return tuple(out)


def check_cycles(c: Collector, rules: list[Rule], nodes: dict[str, Any]) -> None:
    """A rule whose gives_way_to leads back to its own indicator, reported at that rule's ``gives_way_to``; a
    circle that a later layer closes over the built-in pack is reported in that layer only (the file a lead
    can edit)."""
    edges = way_edges(rules)
    for r in rules:
        if not r.enabled or not r.gives_way_to:
            continue
        path = _path_back(edges, r.gives_way_to, r.indicator)
        if path and r.layer >= _latest_layer(rules, [r.indicator, *path]):
            c.file = r.file
            c.add(nodes[r.id], "gives_way_to", "gives-way-cycle",
                  f"rule {r.id!r} gives way in a circle: {' -> '.join([r.indicator, *path])}",
                  "keep gives_way_to pointing one way: from the broader reading to the narrower one")


def way_edges(rules: list[Rule]) -> dict[str, set[str]]:
    """Each indicator to the indicators its enabled rules give way to."""
    edges: dict[str, set[str]] = {}
    for r in rules:
        if r.enabled:
            edges.setdefault(r.indicator, set()).update(r.gives_way_to)
    return edges


def _latest_layer(rules: list[Rule], cycle: list[str]) -> int:
    """The latest layer of the rules that make the circle's steps (a rule of one indicator naming the next)."""
    steps = set(zip(cycle, cycle[1:], strict=False))
    return max(r.layer for r in rules if r.enabled and any((r.indicator, to) in steps for to in r.gives_way_to))


def _path_back(edges: dict[str, set[str]], start: tuple[str, ...], goal: str) -> list[str]:
    """The indicators from one of ``start`` to ``goal`` along gives_way_to, or [] when there is none."""
    seen: set[str] = set()
    stack = [(s, [s]) for s in start]
    while stack:
        at, path = stack.pop()
        if at == goal:
            return path
        if at in seen:
            continue
        seen.add(at)
        stack.extend((nxt, [*path, nxt]) for nxt in sorted(edges.get(at, ())))
    return []
