"""A lexicon no rule reads is reported by ``rules validate`` as a warning at its definition (file:line)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from leadsig.rules.language.loader import check_rules

LOCAL = textwrap.dedent("""\
    lexicons:
      review_wait: ["waiting on review", "review queue"]
      reveiw_wait: ["stuck in review"]
    rules:
      - id: local.review_wait
        version: 1
        type: operational
        indicator: identifies_bottlenecks
        kinds: [issue_comment]
        conditions:
          waits: {field: body, says: "@review_wait"}
        match: waits
        summary: "{actor_login} named the review wait"
    """)


def unused(found) -> list[tuple[str, int, str]]:
    return [(Path(p.file).name, p.line, p.message) for p in found.warnings if p.code == "unused-lexicon"]


def test_unread_lexicon_is_a_warning_at_its_line(tmp_path: Path):
    (tmp_path / "local.yaml").write_text(LOCAL)
    _, found = check_rules([str(tmp_path / "local.yaml")], tmp_path)
    assert not found.errors
    assert unused(found) == [("local.yaml", 3, "lexicon 'reveiw_wait' is never referenced by any rule")]


def test_a_lexicon_read_only_by_a_rule_of_another_layer_is_used(tmp_path: Path):
    (tmp_path / "a.yaml").write_text("lexicons:\n  review_wait: [review queue]\n")
    (tmp_path / "b.yaml").write_text(LOCAL.split("rules:", 1)[0].replace("review_wait: [", "other: [", 1)
                                     .replace('  reveiw_wait: ["stuck in review"]\n', "")
                                     + "rules:" + LOCAL.split("rules:", 1)[1])
    _, found = check_rules([str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")], tmp_path)
    assert not found.errors
    assert unused(found) == [("b.yaml", 2, "lexicon 'other' is never referenced by any rule")]
