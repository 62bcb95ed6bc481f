"""rules/README.md is the reference leads read: it must cover every field, operator and problem code, and
its examples must be valid rules that pass their own examples."""

from __future__ import annotations

import re
from pathlib import Path

from leadsig.rules import fields as F
from leadsig.rules.examples import run_examples
from leadsig.rules.loader import load_rules

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
BAD = Path(__file__).parent / "bad"


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README, flags=re.S)


def test_every_field_and_operator_is_documented():
    assert not [f.name for f in F.FIELDS if f"`{f.name}`" not in README]
    assert not [op for op in F.ALL_OPS if f"`{op}`" not in README]


def test_every_problem_code_is_documented():
    codes = {c for p in BAD.glob("*.yaml") for c in re.findall(r"([a-z0-9-]+) at line", p.read_text())}
    codes |= {"unused-param", "unused-list", "unused-condition", "missing-file", "empty-file", "encoding"}
    assert not sorted(c for c in codes if f"`{c}`" not in README)


def test_the_rule_example_loads_and_passes(tmp_path):
    rule_yaml = next(b for b in yaml_blocks() if b.startswith("rules:"))
    (tmp_path / "example.yaml").write_text(rule_yaml)
    rules = load_rules([str(tmp_path / "example.yaml")], tmp_path)
    report = run_examples(rules.rules[0])
    assert report.failed == []
    assert [o.verdict for o in report.outcomes] == ["tp", "tn", "todo"]


def test_the_override_example_loads_on_the_default_pack(tmp_path):
    block = next(b for b in yaml_blocks() if b.startswith("overrides:"))
    (tmp_path / "local.yaml").write_text(block)
    rules = load_rules(["default", "local.yaml"], tmp_path)
    assert rules.get("writes_documentation.docs_commit").params["min_lines"] == 40
    assert not rules.get("reviews_proactively.unrequested_review").enabled
