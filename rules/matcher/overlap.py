"""One signal per act: where two rules describe the same act, the stronger signal is kept.

A recap comment matched by a facilitation rule and a time-zone summary rule of one family, or two rules of one
indicator on the same comment, is one thing a person did; counting it twice inflates the report. So on each
activity one signal per family (a rule's ``family:``, else its indicator) is kept: the higher impact, then the
rule listed first. A pull request and the commit that merged it (GitHub's "Merge pull request #N" or a squash
title ending "(#N)", GitLab's "See merge request ...!N") are one act too: the pull request's signal is kept.
The signals set aside are named in the kept one's ``why`` (``also``), so nothing disappears unexplained.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from leadsig.rules.language.model import Rule

IMPACT_RANK = {"high": 0, "medium": 1, "low": 2}
PR_KINDS = ("pr_opened", "pr_merged")


def one_per_act(records: list[dict[str, Any]], rules: list[Rule], df: pd.DataFrame) -> list[dict[str, Any]]:
    if len(records) < 2:
        return records
    kept, beaten = strongest_per_act(records, rules)
    for loser, winner in beaten:
        _also(winner, loser)
    return _merge_commits(kept, {r.id: r.act for r in rules}, df)


def strongest_per_act(records: list[dict[str, Any]], rules: list[Rule]
                      ) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], dict[str, Any]]]]:
    """(the signal kept per activity and act, each (set aside, kept) pair): ``rules.explain`` shows the same choice."""
    order = {r.id: i for i, r in enumerate(rules)}
    act = {r.id: r.act for r in rules}
    kept: dict[tuple[str, str], dict[str, Any]] = {}
    beaten: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for rec in sorted(records, key=lambda r: (IMPACT_RANK.get(r["impact"], 3), order.get(r["rule_id"], 0))):
        key = (rec["activity_id"], act.get(rec["rule_id"], rec["indicator"]))
        if key in kept:
            beaten.append((rec, kept[key]))
        else:
            kept[key] = rec
    return list(kept.values()), beaten


def _also(winner: dict[str, Any], loser: dict[str, Any]) -> None:
    winner["why"].setdefault("also", []).append(f"{loser['rule_id']} ({loser['impact']}) on {loser['evidence_url']}")


def _merge_commits(records: list[dict[str, Any]], act: dict[str, str], df: pd.DataFrame) -> list[dict[str, Any]]:
    """Drop a merge commit's signal where its pull request has one of the same act."""
    ids = {r["activity_id"] for r in records}
    facts = df.loc[df["id"].isin(ids), ["id", "kind", "forge", "host", "repo", "parent_number", "body"]]
    if not (facts["kind"] == "commit").any() or not facts["kind"].isin(PR_KINDS).any():
        return records
    by_id = facts.set_index("id").to_dict("index")
    prs: dict[tuple[Any, ...], dict[str, Any]] = {}
    for rec in records:
        f = by_id.get(rec["activity_id"])
        if f and f["kind"] in PR_KINDS:
            prs.setdefault((f["forge"], f["host"], f["repo"], int(f["parent_number"]), act.get(rec["rule_id"])), rec)
    out = []
    for rec in records:
        f = by_id.get(rec["activity_id"])
        number = merged_pr(f["body"]) if f and f["kind"] == "commit" else None
        pr = prs.get((f["forge"], f["host"], f["repo"], number, act.get(rec["rule_id"]))) if number else None
        if pr is None:
            out.append(rec)
        else:
            _also(pr, rec)
    return out


# A merge commit's three forms (GitHub's merge, a squash's "(#N)" line end, GitLab's "See merge request"),
# each with a literal it needs: a body without it is not searched for that form
FORMS = tuple((need, re.compile(form, re.I | re.M)) for need, form in (
    (" #", r"merge pull request #(\d+)"), ("(#", r"\(#(\d+)\)\s*$"), ("!", r"see merge request \S*!(\d+)")))


def merged_pr(body: Any) -> int | None:
    """The pull request number that the three forms in one regex would find first in a commit's body.

    The forms start with different characters, so the leftmost match of any form is the one regex's match (the
    tests keep that regex as the reference); each form alone is searched only where its literal is (every squash
    commit has "(#", few bodies " #" or "!"), and "(#" is a literal prefix the regex engine skips to: a third of
    the time of one search for all three.
    """
    if not isinstance(body, str):
        return None
    first = None
    for need, form in FORMS:
        if need in body:
            m = form.search(body)
            if m is not None and (first is None or m.start() < first.start()):
                first = m
    return int(first.group(1)) if first else None
