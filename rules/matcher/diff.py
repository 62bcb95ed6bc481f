"""What a rule edit changes: replay stored activity through base and working rules, compare signals.

Changes are reported per rule and per person, with sample evidence links and the named conditions
whose outcome flipped, so a tech lead sees the effect of an edit before it lands.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from leadsig.config import Config
from leadsig.rules.language.model import Rule, RuleSet
from leadsig.rules.matcher import naive
from leadsig.rules.matcher.classify import Progress, compute_signals, frames_in_passes
from leadsig.rules.matcher.enrich import select_rows
from leadsig.rules.matcher.records import frame_record

Key = tuple[str, str]  # (activity id, rule id)


@dataclass
class Change:
    kind: str  # added | removed | changed
    activity_id: str
    rule_id: str
    person_id: str
    url: str
    before: str | None  # "impact type" or None
    after: str | None
    flipped: list[str] = field(default_factory=list)


@dataclass
class DiffReport:
    base_total: int
    work_total: int
    changes: list[Change]
    samples: int = 3

    def counts(self, by: str) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = defaultdict(lambda: {"added": 0, "removed": 0, "changed": 0})
        for c in self.changes:
            out[getattr(c, by)][c.kind] += 1
        return dict(sorted(out.items()))

    @property
    def changed_pct(self) -> float:
        return 100.0 * len(self.changes) / max(self.base_total, 1)

    def sample(self, rule_id: str) -> list[Change]:
        return [c for c in self.changes if c.rule_id == rule_id][: self.samples]

    def as_json(self) -> dict[str, Any]:
        return {
            "base_signals": self.base_total, "working_signals": self.work_total,
            "changed_pct": round(self.changed_pct, 3),
            "by_rule": {r: {**n, "samples": [c.__dict__ for c in self.sample(r)]}
                        for r, n in self.counts("rule_id").items()},
            "by_person": self.counts("person_id"),
        }


def diff_warehouse(engine: Engine, cfg: Config, base: RuleSet, work: RuleSet, since: date | None = None,
                   samples: int = 3, progress: Progress | None = None) -> DiffReport:
    """diff_signals over the whole warehouse, a few repositories at a time (as a full classification).

    Each pass's changes come sorted by (activity, rule), and the report's are sorted again at the end, so
    the samples (the first ones per rule) are the ones a single pass would show, and each was explained
    in its own pass. ``progress`` hears each step, so a long replay on a terminal is not silent.
    """
    base_total = work_total = 0
    changes: list[Change] = []
    done = 0
    for _repos, df in frames_in_passes(engine, cfg, progress):
        if progress is not None:
            progress(done, None, "replaying through base and working rules")
        done += len(df)
        if since is not None:
            df = df[select_rows(df, since, None)]
        part = diff_signals(df, base, work, samples)
        base_total, work_total = base_total + part.base_total, work_total + part.work_total
        changes += part.changes
    changes.sort(key=lambda c: (c.activity_id, c.rule_id))
    if progress is not None:
        progress(done, done, "done")
    return DiffReport(base_total, work_total, changes, samples)


def _label(sig: dict[str, Any]) -> str:
    return f"{sig['impact']} {sig['signal_type']}"


def diff_signals(df: pd.DataFrame, base: RuleSet, work: RuleSet, samples: int = 3) -> DiffReport:
    old = {(s["activity_id"], s["rule_id"]): s for s in compute_signals(df, base.enabled())}
    new = {(s["activity_id"], s["rule_id"]): s for s in compute_signals(df, work.enabled())}
    changes = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a and b and (a["impact"], a["signal_type"]) == (b["impact"], b["signal_type"]):
            continue
        kind = "added" if a is None else "removed" if b is None else "changed"
        s = b or a
        changes.append(Change(kind, key[0], key[1], s["person_id"], s["evidence_url"], a and _label(a),
                              b and _label(b)))
    report = DiffReport(len(old), len(new), changes, samples)
    _explain_samples(df, base, work, report)
    return report


def _explain_samples(df: pd.DataFrame, base: RuleSet, work: RuleSet, report: DiffReport) -> None:
    ids = df["id"].reset_index(drop=True)
    pos = {aid: i for i, aid in enumerate(ids)}
    shown = {id(c) for r in {c.rule_id for c in report.changes} for c in report.sample(r)}
    frame = df.reset_index(drop=True)
    for change in report.changes:
        if id(change) in shown and change.activity_id in pos:
            record = frame_record(frame, pos[change.activity_id])
            change.flipped = flipped(base.get(change.rule_id), work.get(change.rule_id), record)


def flipped(before: Rule | None, after: Rule | None, record: dict[str, Any]) -> list[str]:
    """Named conditions whose outcome differs between the two versions of a rule (or exist in one only)."""
    def outcomes(rule: Rule | None) -> dict[str, bool]:
        if rule is None or not rule.enabled:
            return {"enabled": False}
        return {name: naive.test(c, record) for name, c in rule.conditions.items()} | {"enabled": True}

    a, b = outcomes(before), outcomes(after)
    out = []
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            out.append(f"{name}: {_yn(a.get(name))} -> {_yn(b.get(name))}")
    return out


def _yn(v: bool | None) -> str:
    return "absent" if v is None else "true" if v else "false"


def render_text(report: DiffReport) -> str:
    lines = [f"signals: {report.base_total} (base) -> {report.work_total} (working); "
             f"{len(report.changes)} changed ({report.changed_pct:.2f}%)"]
    for rule_id, n in report.counts("rule_id").items():
        lines.append(f"\n{rule_id}: +{n['added']} -{n['removed']} ~{n['changed']}")
        for c in report.sample(rule_id):
            lines.append(f"  {c.kind:8} {c.person_id:12} {c.before or '-'} -> {c.after or '-'}  {c.url}")
            if c.flipped:
                lines.append("           flipped: " + "; ".join(c.flipped))
    if report.changes:
        lines.append("\nby person:")
        for person, n in report.counts("person_id").items():
            lines.append(f"  {person:16} +{n['added']} -{n['removed']} ~{n['changed']}")
    return "\n".join(lines)


def render_markdown(report: DiffReport) -> str:
    out = [f"**Rule diff**: {report.base_total} → {report.work_total} signals, {len(report.changes)} changed "
           f"({report.changed_pct:.2f}%)", ""]
    if not report.changes:
        return "\n".join(out + ["No signal changes."])
    out += ["| rule | added | removed | changed |", "|---|---:|---:|---:|"]
    out += [f"| `{r}` | {n['added']} | {n['removed']} | {n['changed']} |" for r, n in report.counts("rule_id").items()]
    out += ["", "| person | added | removed | changed |", "|---|---:|---:|---:|"]
    out += [f"| {p} | {n['added']} | {n['removed']} | {n['changed']} |" for p, n in report.counts("person_id").items()]
    out += ["", "Samples:", ""]
    for rule_id in report.counts("rule_id"):
        for c in report.sample(rule_id):
            flips = f" — flipped: {'; '.join(c.flipped)}" if c.flipped else ""
            out.append(f"- `{rule_id}` {c.kind} for {c.person_id}: {c.before or '–'} → {c.after or '–'} "
                       f"([evidence]({_md_url(c.url)})){flips}")
    return "\n".join(out)


def _md_url(url: str) -> str:
    return url.replace(")", "%29").replace(" ", "%20")
