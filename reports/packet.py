"""The promotion packet for one person: FRAMEWORK.md's packet, filled with linked, quoted evidence.

The tool fills what the forge shows (evidence with a quote of the text that triggered it and the rule's
why, rotations held, milestones met) and lays out the decision matrix as a worksheet: per criterion the
evidence that informs it and a blank for the committee. It leaves clearly marked placeholders for what it
cannot know (the proposed role, the 360 feedback) and never weighs anything: the senior leaders' sign-offs
are recorded as they gave them. The pack describes one person; it never compares them with anyone.
Markdown for editing, and one self-contained HTML file (the monthly report's rules) for reading.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from leadsig.config import Config
from leadsig.errors import Problem, UserError
from leadsig.reports import aggregates as agg
from leadsig.reports.data import load_evidence, load_people, shift_month
from leadsig.reports.indicators import IndicatorInfo, indicators
from leadsig.reports.items import evidence_items
from leadsig.reports.render import html_env, md_env, render, staged
from leadsig.reports.rotations import load_turns, mark_turns, turn_sections, turns_between
from leadsig.reports.text import clean
from leadsig.reports.worksheet import milestone_rows, worksheet
from leadsig.roster import person_hint
from leadsig.rotations import Turn
from leadsig.warehouse import signoff
from leadsig.warehouse.trust import log_access

MAX_ITEMS_PER_SECTION = 30
QUOTE_CHARS = 200
IMPACT_ORDER = {"high": 0, "medium": 1, "low": 2}
# Which packet heading each indicator's evidence belongs under; other indicators go by signal type.
SECTIONS = (
    ("technical", "Technical leadership", {"reviews_proactively", "proposes_architecture", "documents_decisions"}),
    ("people", "People leadership", {"mentors_in_reviews", "bridges_team_segments"}),
    ("operational", "Operational leadership", {"identifies_bottlenecks", "suggests_workflow_improvements",
                                               "volunteers_cross_functional", "coordinates_handoffs"}),
    ("async", "Asynchronous communication examples", {"writes_documentation", "facilitates_async_discussion",
                                                       "summarizes_for_timezones"}),
)
BY_TYPE = {"technical": "technical", "operational": "operational", "communication": "async"}


def build_packet(engine: Engine, cfg: Config, person_id: str, months: int = 12, out_dir: Path | None = None,
                 now: datetime | None = None, viewer: str | None = None) -> dict[str, Path]:
    """Write the pack as Markdown and HTML; returns {"md": path, "html": path}, both named with the period.

    An unknown person, a bad --months or a broken rotations file is a UserError, and nothing is written.
    """
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 120:
        raise UserError(Problem(f"not a number of months between 1 and 120: {months!r}", key="--months",
                                hint="e.g. --months 12", code="bad-argument"))
    people = load_people(engine)
    person = _person(people, person_id)
    turns = load_turns(cfg, people)
    now = now or datetime.now(UTC)
    start = _months_back(now, months)
    evidence = mark_turns(load_evidence(engine, start, now, person_ids=[person_id], with_why=True), turns)
    notes = rule_notes(cfg, set(evidence["rule_id"]))
    context = packet_context(cfg, person, evidence, start, now, notes)
    context |= committee_context(engine, cfg, person, evidence, turns_between(turns, start, now, {person_id}),
                                 now, notes, context["trend"])
    out = Path(out_dir or cfg.reports_out_dir)
    stem = f"packet-{_slug(person_id)}-{start:%Y-%m-%d}-to-{now:%Y-%m-%d}"
    paths = {"md": out / f"{stem}.md", "html": out / f"{stem}.html"}
    texts = {"md": render(md_env(), "packet.md.j2", context), "html": render(html_env(), "packet.html.j2", context)}
    with staged({paths[k]: texts[k] for k in paths}):  # no pack without its access log entry
        log_access(engine, "report-packet", [person_id], {"months": months, "files": [str(p) for p in paths.values()]},
                   viewer)
    return paths


def committee_context(engine: Engine, cfg: Config, person: pd.Series, evidence: pd.DataFrame, turns: list[Turn],
                      now: datetime, notes: dict[str, str], trend: list[dict]) -> dict:
    """What the committee works from beyond the evidence lists: turns, milestones, worksheet, sign-offs."""
    items = packet_items(evidence.to_dict("records"), notes)
    turn_rows = turn_sections(engine, turns, {person["id"]: person["name"]})
    milestones = milestone_rows(engine, person["id"], now, cfg.tracks)
    sheet = worksheet(evidence, items, milestones, turn_rows, trend, other_team_signals(cfg, person["team"], evidence))
    standing = signoff.standing(engine, person["id"])
    return {"turns": turn_rows, "milestones": milestones, "worksheet": sheet,
            "signoff": {"latest": [_signoff_row(r) for r in standing.latest], "agree": standing.agree,
                        "disagree": standing.disagree, "holds": standing.holds,
                        "required": signoff.REQUIRED_AGREEMENTS, "history": len(standing.history)}}


def _signoff_row(row: dict) -> dict:
    return {"by": clean(row["signed_by"], 200), "decision": row["decision"], "note": clean(row["note"], 500),
            "date": pd.Timestamp(row["at"]).strftime("%Y-%m-%d")}


def rule_notes(cfg: Config, rule_ids: set[str]) -> dict[str, str]:
    """Each rule's own description (the rules as configured now); a rule since removed has none."""
    if not rule_ids:
        return {}
    from leadsig.rules.language.loader import layer_files
    from leadsig.yamlfile import read_text

    base = Path(cfg.path).resolve().parent
    sources = tuple((i, str(path), read_text(path, "rules")) for i, layer in enumerate(cfg.rules)
                    for path in layer_files(layer, base))
    return {k: v for k, v in _descriptions(sources).items() if k in rule_ids}


@functools.lru_cache(maxsize=4)
def _descriptions(sources: tuple[tuple[int, str, str], ...]) -> dict[str, str]:
    """Rule descriptions by id, built once per set of rule texts (building a rule set takes seconds)."""
    from leadsig.rules.language.loader import load_rules

    return {r.id: r.description for r in load_rules([], Path.cwd(), texts=list(sources)).rules if r.description}


def packet_items(records: list[dict], notes: dict[str, str]) -> list[dict]:
    """Evidence rows for a committee: the display fields, a short quote of the text that triggered the
    signal, and the rule's why (its description, the conditions that held, the evidence line)."""
    items = evidence_items(records)
    for item, rec in zip(items, records, strict=True):
        item["quote"] = clean(rec.get("excerpt"), QUOTE_CHARS)
        item["why"] = why_text(notes.get(rec["rule_id"]), rec.get("why"))
    return items


def why_text(description: str | None, why: object) -> str:
    """One line a committee can check against the quote: what the rule looks for, and what held here."""
    why = why if isinstance(why, dict) else {}
    held = sorted((why.get("conditions") or {}).keys()) if isinstance(why.get("conditions"), dict) else []
    parts = [clean(description, 300).rstrip(".")] if description else []
    if held:
        parts.append("conditions held: " + ", ".join(clean(h, 60) for h in held))
    if why.get("evidence"):
        parts.append("evidence: " + clean(why["evidence"], 200).rstrip("."))
    return clean(". ".join(p for p in parts if p) + ".", 500) if parts else ""


def _person(people: pd.DataFrame, person_id: str) -> pd.Series:
    found = people[people["id"] == person_id]
    if found.empty:
        ids = sorted(people["id"])
        hint = person_hint(person_id, list(zip(people["id"], people["name"], strict=True))) or (
            "see the ids in the roster file" if ids else "the warehouse has no people yet: run leadsig mine first")
        raise UserError(Problem(f"unknown person {person_id!r}", key="--person", hint=hint, code="unknown-person"))
    return found.iloc[0]


def _months_back(now: datetime, months: int) -> datetime:
    """The same day ``months`` months ago (clamped to the 28th so every month has it)."""
    month = shift_month(now.strftime("%Y-%m"), -months)
    return datetime(int(month[:4]), int(month[5:7]), min(now.day, 28), tzinfo=UTC)


def packet_context(cfg: Config, person: pd.Series, evidence: pd.DataFrame, start: datetime,
                   now: datetime, notes: dict[str, str] | None = None) -> dict:
    registry = indicators()
    months = _month_range(start, now)
    return {
        "person": {"id": person["id"], "name": clean(person["name"], 200), "team": person["team"],
                   "level": person["level"], "region": person["region"], "timezone": person["timezone"],
                   "start_date": person["start_date"], "time_in_role": time_in_role(person["start_date"], now)},
        "start": start.strftime("%Y-%m-%d"), "end": now.strftime("%Y-%m-%d"), "generated_at": now.strftime("%Y-%m-%d"),
        "period": f"{start:%Y-%m-%d} to {now:%Y-%m-%d}",
        "sections": evidence_sections(evidence, registry, notes), "signals": len(evidence),
        "by_type": agg.type_impact_rows(evidence), "by_indicator": agg.indicator_rows(evidence, registry),
        "missing": agg.missing_indicators(evidence, registry), "registry": registry,
        "trend": agg.trend_rows(evidence, months), "repos": repo_rows(evidence),
        "other_team_signals": other_team_signals(cfg, person["team"], evidence),
    }


def evidence_sections(evidence: pd.DataFrame, registry: tuple[IndicatorInfo, ...],
                      notes: dict[str, str] | None = None) -> list[dict]:
    """Evidence under the packet's headings, strongest first (impact, then newest)."""
    notes = notes or {}
    known = {i.id: key for key, _, ids in SECTIONS for i in registry if i.id in ids}
    section_of = evidence["indicator"].map(known)
    section_of = section_of.fillna(evidence["signal_type"].map(BY_TYPE)).fillna("technical")
    ordered = evidence.assign(_section=section_of, _impact=evidence["impact"].map(IMPACT_ORDER).fillna(3))
    ordered = ordered.sort_values(["_impact", "occurred_at"], ascending=[True, False], kind="stable")
    out = []
    for key, title, _ in SECTIONS:
        rows = ordered[ordered["_section"] == key]
        out.append({"key": key, "title": title, "count": len(rows),
                    "items": packet_items(rows.head(MAX_ITEMS_PER_SECTION).to_dict("records"), notes),
                    "more": max(0, len(rows) - MAX_ITEMS_PER_SECTION)})
    return out


def time_in_role(start_date, now: datetime) -> str | None:  # noqa: ANN001 - date or None/NaT
    if start_date is None or pd.isna(start_date):
        return None
    months = (now.year - start_date.year) * 12 + now.month - start_date.month - (now.day < start_date.day)
    years, rest = divmod(max(months, 0), 12)
    parts = [f"{years} year{'s' if years != 1 else ''}"] if years else []
    return " ".join([*parts, f"{rest} month{'s' if rest != 1 else ''}"])


def repo_rows(evidence: pd.DataFrame) -> list[dict]:
    """Repositories with evidence, alphabetically: breadth of where the person's work shows."""
    if evidence.empty:
        return []
    counts = evidence["repo"].fillna("(unknown)").value_counts()
    return [{"repo": clean(r, 200), "count": int(counts[r])} for r in sorted(counts.index, key=str.casefold)]


def other_team_signals(cfg: Config, team: str, evidence: pd.DataFrame) -> int | None:
    """Signals in repositories another configured team owns: cross-team reach, when teams are configured."""
    owners = {name: t.repos for name, t in cfg.teams.items() if t.repos}
    if not owners or evidence.empty:
        return None

    def other(repo: object) -> bool:
        return any(any(fnmatch.fnmatch(str(repo), g) for g in globs) for name, globs in owners.items()
                   if name != team)

    return int(evidence["repo"].map(other).sum())


def _month_range(start: datetime, end: datetime) -> list[str]:
    first, last = start.strftime("%Y-%m"), end.strftime("%Y-%m")
    out = [first]
    while out[-1] < last:
        out.append(shift_month(out[-1], 1))
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._") or "person"
