"""A factory for labelled corpus items (docs/eval-corpus.md): a review comment on a junior's PR by default,
so a test writes only what it is about."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

MENTORING = ("Consider keeping a set of retriable codes here, because a 501 will never succeed however often we "
             "retry; have a look at how the payments client does it for the pattern we prefer.")


def corpus_item(item_id: str, labels: list[str] | None = None, **over: Any) -> dict[str, Any]:
    """mara (senior) explains a point on tomas' (junior) PR; keyword arguments replace top-level keys."""
    data: dict[str, Any] = {
        "id": item_id,
        "labels": ["mentors_in_reviews"] if labels is None else labels,
        "repo": "acme/billing-api",
        "teams": {"billing": ["acme/billing-*"]},
        "people": {"mara": {"team": "billing", "level": "senior", "timezone": "Europe/Berlin"},
                   "tomas": {"team": "billing", "level": "junior", "timezone": "America/Sao_Paulo",
                             "start_date": "2026-04-01"}},
        "thread": {"type": "pr", "number": 41, "author": "tomas", "title": "Retry webhook delivery on 5xx",
                   "requested_reviewers": ["mara"]},
        "item": {"kind": "review_comment", "actor": "mara", "path": "billing/webhooks.py", "body": MENTORING},
    }
    data.update(over)
    return data


def docs_commit_item(item_id: str, labels: list[str] | None = None, additions: int = 120,
                     message: str = "Add the on-call guide") -> dict[str, Any]:
    return {"id": item_id, "labels": ["writes_documentation"] if labels is None else labels,
            "people": {"carol": {"team": "platform", "level": "staff"}},
            "item": {"kind": "commit", "actor": "carol", "body": message,
                     "files": [{"path": "docs/oncall.md", "additions": additions, "deletions": 2}]}}


def write_corpus(path: Path, items: list[dict[str, Any] | str]) -> Path:
    """One JSON object per line; a str is written as it is (a comment, a blank or a broken line)."""
    path.write_text("".join((i if isinstance(i, str) else json.dumps(i)) + "\n" for i in items), encoding="utf-8")
    return path


def line_of(path: Path, item_id: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, ln in enumerate(lines, 1) if re.search(rf'"id": "{re.escape(item_id)}"', ln))
