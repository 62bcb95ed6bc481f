"""Written monthly mentoring check-ins: Markdown with a front matter (mentor, mentee, month) and five sections.

The same text is read from a file in the configured folder or from the body of an issue with the configured
label; either way it is a record a promotion discussion relies on, so a check-in that does not say who, when
and all five things is refused with its file (or issue) and line rather than stored half-way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadsig.collect import Collector
from leadsig.errors import Problem, UserError
from leadsig.yamlfile import did_you_mean, parse_yaml, read_text

# section field -> the words its heading starts with (case-insensitive), in the order the template has them
SECTIONS = {
    "focus_area": ("focus area",),
    "progress": ("progress on last month", "progress"),
    "challenges": ("challenges",),
    "observation": ("mentor observation", "mentor's observation", "observation"),
    "next_focus": ("next month's focus", "next month", "next focus"),
}
HEADINGS = {"focus_area": "Focus area", "progress": "Progress on last month's goals", "challenges": "Challenges",
            "observation": "Mentor observation", "next_focus": "Next month's focus"}
FRONT_KEYS = {"mentor", "mentee", "month"}
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
HEADING_RE = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
MAX_SECTION = 20_000
TEMPLATE = "---\nmentor: dana\nmentee: alice\nmonth: 2026-03\n---\n" + "".join(
    f"## {h}\n...\n" for h in HEADINGS.values())


@dataclass(frozen=True)
class CheckIn:
    source: str  # file path or issue URL
    mentor_id: str
    mentee_id: str
    month: str
    focus_area: str
    progress: str
    challenges: str
    observation: str
    next_focus: str

    def row(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse_checkin(text: str, source: str, people: set[str], default_mentor: str | None = None,
                  today: datetime | None = None) -> tuple[CheckIn | None, list[Problem]]:
    """One check-in and the problems that keep it from being stored (none when it is whole)."""
    c = Collector(source)
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---" or "---" not in [ln.strip() for ln in lines[1:]]:
        c.errors.append(Problem("a check-in starts with a front matter between --- lines (mentor, mentee, month)",
                                file=source, line=1, code="missing", hint="start with:\n" + TEMPLATE[:52]))
        return None, c.errors
    end = 1 + [ln.strip() for ln in lines[1:]].index("---")
    try:  # a leading blank line stands for the opening ---, so positions are the file's own
        front = parse_yaml("\n" + "\n".join(lines[1:end]) + "\n", source, "check-in front matter")
    except UserError as exc:
        return None, exc.problems
    if not isinstance(front, dict):
        c.errors.append(Problem("the front matter must be keys (mentor:, mentee:, month:)", file=source, line=2,
                                code="type"))
        return None, c.errors
    c.unknown_keys(front, FRONT_KEYS)
    who = {k: _person(c, front, k, people, default_mentor if k == "mentor" else None) for k in ("mentor", "mentee")}
    month = _month(c, front, today or datetime.now(UTC))
    if who["mentor"] and who["mentor"] == who["mentee"]:
        c.at(front, "mentee", "mentee", "mentor and mentee are the same person", code="bad-value")
    sections = _sections(c, lines, end + 1, source)
    if c.errors or not (who["mentor"] and who["mentee"] and month):
        return None, c.errors
    return CheckIn(source=source, mentor_id=who["mentor"], mentee_id=who["mentee"], month=month,
                   **sections), []


def _person(c: Collector, front: dict, key: str, people: set[str], default: str | None) -> str | None:
    value = front.get(key, default)
    if value is None:
        c.errors.append(Problem(f"the front matter needs {key}:", file=c.file, line=2, key=key, code="missing",
                                hint=f"{key}: <roster id>"))
        return None
    value = str(value)
    if value not in people:
        if key in front:
            c.at(front, key, key, f"{value!r} is not on the roster", code="unknown-person",
                 hint=did_you_mean(value, sorted(people)) or "use the person's roster id")
        else:
            c.errors.append(Problem(f"the issue's author {value!r} is not on the roster", file=c.file, line=2,
                                    key=key, code="unknown-person", hint="name the mentor: mentor: <roster id>"))
        return None
    return value


def _month(c: Collector, front: dict, today: datetime) -> str | None:
    raw = front.get("month")
    value = str(raw) if raw is not None else ""
    if not MONTH_RE.match(value):
        c.at(front, "month" if "month" in front else next(iter(front), "month"), "month",
             f"expected the month as YYYY-MM, got {raw!r}", hint=f'month: "{today:%Y-%m}"', code="bad-value")
        return None
    if value > f"{today:%Y-%m}":
        c.at(front, "month", "month", f"{value} has not begun yet", code="bad-value",
             hint="a check-in records a month that has happened")
        return None
    return value


def _sections(c: Collector, lines: list[str], start: int, source: str) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    current: str | None = None
    heading_line: dict[str, int] = {}
    for n, line in enumerate(lines[start:], start=start + 1):
        m = HEADING_RE.match(line)
        if m:
            title = m.group(1).strip().casefold()
            current = next((f for f, starts in SECTIONS.items() if title.startswith(starts)), None)
            if current is None:
                c.errors.append(Problem(f"unknown section {m.group(1)!r}", file=source, line=n, code="unknown-key",
                                        hint="sections: " + ", ".join(HEADINGS.values())))
            elif current in found:
                c.errors.append(Problem(f"section {HEADINGS[current]!r} appears twice", file=source, line=n,
                                        code="duplicate"))
            else:
                found[current], heading_line[current] = [], n
            continue
        if current in found:
            found[current].append(line)
    out = {}
    last = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=1)  # where one is added
    for field_name, heading in HEADINGS.items():
        body = "\n".join(found.get(field_name, [])).strip()
        if field_name not in found:
            c.errors.append(Problem(f"missing section {heading!r}", file=source, line=last, code="missing",
                                    hint=f"add a heading: ## {heading}"))
        elif not body:
            c.errors.append(Problem(f"section {heading!r} is empty", file=source, line=heading_line[field_name],
                                    code="missing", hint="write a sentence or two; 'none' is an answer"))
        out[field_name] = body[:MAX_SECTION]
    return out


def read_folder(folder: Path, people: set[str], today: datetime | None = None) -> list[CheckIn]:
    """Every ``*.md`` check-in in ``folder`` (sorted); all problems of all files at once, nothing stored half."""
    if not folder.is_dir():
        raise UserError(Problem("check-in folder not found", file=str(folder), key="checkins.folder",
                                hint="create it or fix checkins.folder in leadsig.yaml"))
    out, problems = [], []
    for path in sorted(folder.glob("*.md")):
        record, found = parse_checkin(read_text(path, "check-in"), str(path), people, today=today)
        problems += found
        if record is not None:
            out.append(record)
    _no_two_for_one_month(out, problems)
    if problems:
        raise UserError(problems)
    return out


def _no_two_for_one_month(records: list[CheckIn], problems: list[Problem]) -> None:
    seen: dict[tuple[str, str, str], str] = {}
    for r in records:
        key = (r.mentor_id, r.mentee_id, r.month)
        if key in seen:
            problems.append(Problem(f"a second check-in of {r.mentor_id} with {r.mentee_id} for {r.month} "
                                    f"(also {seen[key]})", file=r.source, line=1, code="duplicate",
                                    hint="one check-in per pair and month: merge the two"))
        seen.setdefault(key, r.source)
