"""rules/README.md is the reference leads read: it must cover every field, operator and problem code, and
its examples must be valid rules that pass their own examples."""

from __future__ import annotations

import re
from pathlib import Path

from leadsig.rules.language import fields as F
from leadsig.rules.language import operators as O
from leadsig.rules.language.loader import load_rules
from leadsig.rules.matcher.examples import run_examples

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
BAD = Path(__file__).parent / "bad"


def yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", README, flags=re.S)


def test_every_field_and_operator_is_documented():
    assert not [f.name for f in F.FIELDS if f"`{f.name}`" not in README]
    assert not [op for op in O.names() if f"`{op}`" not in README]


def test_operators_by_field_type_agree_with_the_registry():
    line = " ".join(re.search(r"Operators by field type: (.*?)\.\n\n", README, flags=re.S).group(1).split())
    documented = {name.strip(): set(ops.split()) for name, ops in re.findall(r"([a-z`.*]+): ([a-z_ ]+)", line)}
    words = {F.NUM: "numbers", F.STR: "strings", F.TEXT: "text", F.LIST: "lists", F.BOOL: "booleans",
             F.ANY: "`extra.*`"}
    registry = {words[t]: {o for o in O.for_type(t) if not O.get(o).compares_fields} for t in words}
    assert documented == registry


def test_every_problem_code_is_documented():
    codes = {c for p in BAD.glob("*.yaml") for c in re.findall(r"([a-z0-9-]+) at line", p.read_text())}
    codes |= {"unused-param", "unused-list", "unused-condition", "unused-lexicon", "missing-file", "empty-file",
              "encoding"}
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


def test_the_lexicon_example_loads_and_passes(tmp_path):
    block = next(b for b in yaml_blocks() if b.startswith("lexicons:"))
    (tmp_path / "lexicon.yaml").write_text(block)
    rules = load_rules([str(tmp_path / "lexicon.yaml")], tmp_path)
    assert [r.id for r in rules.rules] == ["local.review_wait"]
    report = run_examples(rules.rules[0])
    assert report.failed == []
    assert [o.verdict for o in report.outcomes] == ["tp", "tn"]


def test_the_context_example_loads_and_passes(tmp_path):
    """The pull-request context fields (requests, files, mentioned teams) as a lead writes them."""
    block = next(b for b in yaml_blocks() if "local.unasked_docs_review" in b)
    (tmp_path / "context.yaml").write_text(block)
    rules = load_rules([str(tmp_path / "context.yaml")], tmp_path)
    report = run_examples(rules.rules[0])
    assert report.failed == []
    assert [o.verdict for o in report.outcomes] == ["tp", "tn"]


def test_the_gives_way_to_example_loads_and_gives_way(tmp_path):
    block = next(b for b in yaml_blocks() if b.startswith("# gives_way_to"))
    (tmp_path / "example.yaml").write_text(block)
    rules = load_rules(["default", "example.yaml"], tmp_path)
    assert rules.get("local.relayed_finding").gives_way_to == ("bridges_team_segments",)


def test_the_n_of_example_loads_and_passes(tmp_path):
    """`N of (...)` as a lead writes it: any two of three signs, not one alone."""
    block = next(b for b in yaml_blocks() if b.startswith("# N of"))
    (tmp_path / "n_of.yaml").write_text(block)
    rules = load_rules([str(tmp_path / "n_of.yaml")], tmp_path)
    report = run_examples(rules.rules[0])
    assert report.failed == []
    assert [o.verdict for o in report.outcomes] == ["tp", "tn"]
