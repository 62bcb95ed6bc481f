"""Evidence rows as the reports show them: cleaned forge text, a link only when it is http(s)."""

from __future__ import annotations

import pandas as pd

from leadsig.reports.indicators import label_of
from leadsig.reports.text import clean, safe_url


def evidence_items(records: list[dict]) -> list[dict]:
    """Evidence rows as display-ready dicts: cleaned text, and a URL only when it is http(s)."""
    return [{
        "date": pd.Timestamp(r["occurred_at"]).strftime("%Y-%m-%d"), "signal_type": r["signal_type"],
        "indicator": label_of(r["indicator"]), "impact": r["impact"],
        "title": _title(r), "url": safe_url(r["evidence_url"]),
        "raw_url": clean(r["evidence_url"], 2000), "repo": clean(r["repo"], 200),
        "summary": clean(r["summary"], 300), "excerpt": clean(r["excerpt"], 200),
        "kind": r["kind"] or "", "rule_id": clean(r["rule_id"], 200), "turn": r.get("turn") or "",
    } for r in records]


def _title(record: dict) -> str:
    """The PR/MR/issue title; for a commit (no parent) its message's first line, as the forge shows it."""
    title = clean(record["title"], 160)
    if not title and record.get("excerpt"):
        title = clean(str(record["excerpt"]).strip().split("\n", 1)[0], 160)
    return title or f"({record.get('kind') or 'untitled'})"
