"""A long `contains` list or phrase family works in classification, on every text path, as validation said.

The literals of a list are joined into one case-insensitive alternation; a few hundred five-word phrases can
exceed the budget of RE2's match-only set (the nightly run then failed for everyone, after `rules validate`
and `rules test` had passed). Such a pattern is now answered by the compiled pattern's own search.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from leadsig.rules.language.loader import load_rules
from leadsig.rules.matcher import textscan
from leadsig.rules.matcher.engine import Frame, match_all

WORDS = ("proposal", "owner", "notes", "budget", "review", "because", "tradeoff", "design", "rollback",
         "handoff", "async", "summary", "instead", "follow", "consider", "reviewer", "blocked", "queue",
         "flaky", "pipeline", "capacity", "incident", "waiting", "sync", "timezone", "deploy", "latency",
         "approve", "team", "decision", "migration", "retry")


def phrases(n: int = 600) -> list[str]:
    r = random.Random(1)
    return sorted({" ".join(r.choice(WORDS) for _ in range(5)) for _ in range(n)})


def rule_file(tmp_path, op: str, items: list[str]):
    listed = "\n".join(f"        - '{p}'" for p in items)
    path = tmp_path / "big.yaml"
    path.write_text(f"""rules:
  - id: local.big
    version: 1
    type: communication
    indicator: facilitates_async_discussion
    kinds: [pr_comment]
    lists:
      phrases:
{listed}
    conditions:
      said: {{field: body, {op}: "@phrases"}}
    match: said
    summary: s
""")
    return path


@pytest.mark.parametrize("path", ["off", "auto"])
@pytest.mark.parametrize("op", ["contains", "says"])
def test_hundreds_of_phrases_classify(tmp_path, monkeypatch, path: str, op: str) -> None:
    monkeypatch.setenv("LEADSIG_TEXTSCAN", path)
    textscan.engine.cache_clear() if hasattr(textscan.engine, "cache_clear") else None
    items = phrases()
    rules = load_rules([str(rule_file(tmp_path, op, items))], tmp_path).enabled()
    texts = [f"comment {i}: the queue and the pipeline were fine" for i in range(150)]
    texts += [f"so, {items[7]}, right?", f"x {items[-1]} y".upper()]
    n = len(texts)
    df = pd.DataFrame({"id": [str(i) for i in range(n)], "kind": ["pr_comment"] * n, "body": texts,
                       "body_length": [len(t) for t in texts], "person_id": ["p"] * n, "actor_is_bot": [False] * n})
    (hits,) = list(match_all(Frame(df), rules))
    assert sorted(int(r) for r in hits.rows) == [150, 151]
