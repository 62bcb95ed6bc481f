"""The rotations file (rotations.yaml): who held a rotating role (sprint lead, release captain, ...) and when.

FRAMEWORK.md's stage 3 is practice through rotating roles. Git cannot tell that someone was sprint lead
that fortnight, so a lead writes it down here; the reports then read the person's signals of those days
as evidence of the turn. Like the roster, the file is validated whole, every problem with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from leadsig.collect import Collector
from leadsig.errors import Problem, UserError
from leadsig.yamlfile import did_you_mean, load_yaml

TURN_KEYS = ("person", "role", "team", "from", "to", "note")
ROLE_RE = re.compile(r"^[a-z][a-z0-9-]{0,59}$")
EXAMPLE = "rotations:\n  - {person: ana, role: sprint-lead, team: payments, from: 2026-10-01, to: 2026-10-14}"


@dataclass(frozen=True)
class Turn:
    """One person's turn in a role, both days included."""

    person: str
    role: str
    start: date
    end: date
    team: str | None = None
    note: str | None = None
    line: int | None = None

    def overlaps(self, start: date, end: date) -> bool:
        """True when the turn shares a day with [start, end] (both included)."""
        return self.start <= end and start <= self.end


def load_rotations(path: str | Path, known_people: set[str] | None = None,
                   known_teams: set[str] | None = None) -> list[Turn]:
    """Validate the rotations file; every problem is reported with its line, all at once.

    ``known_people``: roster ids a turn may name (a forgotten or misspelt person is an error, not a
    silent gap in the report); ``known_teams`` likewise, when teams are known.
    """
    path = Path(path)
    data = load_yaml(path, "rotations", allow_empty=True)
    if data is None:
        return []
    if not isinstance(data, dict) or "rotations" not in data:
        raise UserError(Problem("the rotations file must have a top-level 'rotations:' list", file=str(path),
                                line=1, code="type", hint=EXAMPLE))
    c = Collector(str(path))
    c.unknown_keys(data, {"rotations"}, hint="the rotations file has one key, rotations:")
    items = data["rotations"] or []
    if not isinstance(items, list):
        c.at(data, "rotations", "rotations", "expected a list of turns", hint=EXAMPLE, code="type")
        c.raise_if_any()
    turns: list[Turn] = []
    for i, node in enumerate(items):
        dotted = f"rotations[{i}]"
        if not isinstance(node, dict):
            c.item(items, i, dotted, "expected a mapping (person:, role:, team:, from:, to:)")
            continue
        turn = _turn(c, node, dotted, known_people, known_teams)
        if turn is not None:
            _no_repeat(c, node, dotted, turn, turns)
            turns.append(turn)
    c.raise_if_any()
    return sorted(turns, key=lambda t: (t.start, t.role, t.team or "", t.person))


def _turn(c: Collector, node: Any, dotted: str, known_people: set[str] | None,
          known_teams: set[str] | None) -> Turn | None:
    c.unknown_keys(node, TURN_KEYS, f"{dotted}.")
    person = _text(c, node, "person", dotted, required=True)
    role = _text(c, node, "role", dotted, required=True)
    team = _text(c, node, "team", dotted)
    note = _text(c, node, "note", dotted)
    start, end = _day(c, node, "from", dotted), _day(c, node, "to", dotted)
    if person and known_people is not None and person not in known_people:
        c.at(node, "person", f"{dotted}.person", f"unknown person {person!r}",
             hint=did_you_mean(person, sorted(known_people)) or "use a roster id; remove people who were forgotten",
             code="unknown-person")
    if role and not ROLE_RE.match(role):
        c.at(node, "role", f"{dotted}.role", f"not a role name: {role!r}",
             hint="lower-case words joined by '-', e.g. sprint-lead", code="bad-value")
    if team and known_teams and team not in known_teams:
        c.at(node, "team", f"{dotted}.team", f"unknown team {team!r}",
             hint=did_you_mean(team, sorted(known_teams)) or "teams: " + ", ".join(sorted(known_teams)),
             code="unknown-team")
    if start and end and end < start:
        c.at(node, "to", f"{dotted}.to", f"the turn ends ({end}) before it starts ({start})",
             hint="from: is the first day of the turn, to: the last", code="bad-value")
    if not (person and role and start and end) or end < start:
        return None
    line = getattr(getattr(node, "lc", None), "line", None)
    return Turn(person=person, role=role, team=team, start=start, end=end, note=note,
                line=line + 1 if line is not None else None)


def _no_repeat(c: Collector, node: Any, dotted: str, turn: Turn, earlier: list[Turn]) -> None:
    """The same person in the same role and team on overlapping days is a copy-paste slip, not two turns."""
    for other in earlier:
        if (other.person, other.role, other.team) == (turn.person, turn.role, turn.team) and \
                other.overlaps(turn.start, turn.end):
            c.at(node, "from", f"{dotted}.from", f"overlaps {turn.person}'s {turn.role} turn from {other.start} "
                 f"(line {other.line})", hint="merge the two turns or fix the dates", code="duplicate")
            return


def _text(c: Collector, node: Any, key: str, dotted: str, required: bool = False) -> str | None:
    v = node.get(key)
    if v is None or (isinstance(v, str) and not v.strip()):
        if required:
            c.at(node, key if key in node else next(iter(node), 0), f"{dotted}.{key}", f"every turn needs {key}:",
                 hint=EXAMPLE, code="missing", value=key in node)
        return None
    if not isinstance(v, str | int) or isinstance(v, bool):
        c.at(node, key, f"{dotted}.{key}", f"expected text, got {type(v).__name__}", code="type")
        return None
    return str(v).strip()


def _day(c: Collector, node: Any, key: str, dotted: str) -> date | None:
    if node.get(key) is None:
        c.at(node, key if key in node else next(iter(node), 0), f"{dotted}.{key}", f"every turn needs {key}:",
             hint=f"{key}: 2026-10-01", code="missing", value=key in node)
        return None
    return c.date(node, key, f"{dotted}.{key}", "2026-10-01")
