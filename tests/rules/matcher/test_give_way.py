"""gives_way_to: where a pack knows two readings of one activity are one act, the narrower one is kept."""

from __future__ import annotations

from corpora import corpus_item, write_corpus

from leadsig.rules.evaluation.evaluate import Settings, evaluate_files
from leadsig.rules.language.loader import load_rules
from leadsig.rules.matcher.explain import explain_record

RULES = """\
rules:
  - id: local.relay
    version: 1
    type: communication
    indicator: bridges_team_segments
    kinds: [pr_comment]
    conditions:
      relay: {field: body, says: [the payments team says]}
    match: relay
    summary: "{actor.name} carried another team's finding over"
  - id: local.finding
    version: 1
    type: technical
    indicator: reviews_proactively
    GIVES
    kinds: [pr_comment]
    conditions:
      finding: {field: body, says: [leaks the handle, race]}
    match: finding
    summary: "{actor.name} found a bug"
  - id: local.proposal
    version: 1
    type: operational
    indicator: suggests_workflow_improvements
    gives_way_to: [bridges_team_segments]
    kinds: [pr_comment]
    conditions:
      proposal: {field: body, says: [add a checklist]}
    match: proposal
    summary: "{actor.name} proposed a process change"
"""


def run(tmp_path, bodies: dict[str, str], gives: str = "gives_way_to: [bridges_team_segments]"):
    (tmp_path / "local.yaml").write_text(RULES.replace("GIVES", gives))
    items = []
    for name, body in bodies.items():
        item = corpus_item(name, labels=[])
        item["thread"] = {"type": "pr", "number": 4, "author": "tomas", "title": "Close file handles on retry"}
        item["item"] = {"kind": "pr_comment", "actor": "mara", "body": body}
        items.append(item)
    scores = evaluate_files([write_corpus(tmp_path / "c.jsonl", items)],
                            Settings(layers=["local.yaml"], base_dir=tmp_path))
    return {o.item.id: o.signals for o in scores.outcomes}


RELAY = "fwiw the payments team says this leaks the handle on every retry, they hit it in prod last week"


def test_the_broader_reading_gives_way_and_is_named_in_the_kept_signal(tmp_path):
    signals = run(tmp_path, {"relay": RELAY})["relay"]
    assert [s["rule_id"] for s in signals] == ["local.relay"]
    also = signals[0]["why"]["also"]
    assert len(also) == 1
    assert also[0].startswith("local.finding (") and also[0].endswith("gives way to bridges_team_segments")


def test_without_gives_way_to_both_acts_are_credited(tmp_path):
    signals = run(tmp_path, {"relay": RELAY}, gives="")["relay"]
    assert sorted(s["rule_id"] for s in signals) == ["local.finding", "local.relay"]


def test_a_rule_keeps_its_signal_where_the_narrower_act_is_not_there(tmp_path):
    signals = run(tmp_path, {"own": "this leaks the handle when the retry fires, close it in the finally"})["own"]
    assert [s["rule_id"] for s in signals] == ["local.finding"]


def test_every_rule_that_gives_way_to_a_kept_act_is_set_aside(tmp_path):
    body = RELAY + "; to catch it earlier we could add a checklist item for handle cleanup"
    signals = run(tmp_path, {"both": body})["both"]
    assert [s["rule_id"] for s in signals] == ["local.relay"]
    assert len(signals[0]["why"]["also"]) == 2


def test_activities_are_judged_one_by_one(tmp_path):
    out = run(tmp_path, {"relay": "the payments team says retries are fine now",
                         "finding": "there is a race between close and retry here"})
    assert [s["rule_id"] for s in out["relay"]] == ["local.relay"]
    assert [s["rule_id"] for s in out["finding"]] == ["local.finding"]


def test_giving_way_changes_the_rule_hash_so_stored_signals_are_recomputed(tmp_path):
    hashes = []
    for gives in ("", "gives_way_to: [bridges_team_segments]"):
        (tmp_path / "local.yaml").write_text(RULES.replace("GIVES", gives))
        hashes.append(load_rules(["local.yaml"], tmp_path).get("local.finding").hash)
    assert hashes[0] != hashes[1]


def test_explain_says_which_matching_rule_gives_way_and_to_what(tmp_path):
    (tmp_path / "local.yaml").write_text(RULES.replace("GIVES", "gives_way_to: [bridges_team_segments]"))
    ruleset = load_rules(["local.yaml"], tmp_path)
    record = {"id": "a1", "kind": "pr_comment", "body": RELAY, "person_id": "mara", "actor_is_bot": False}
    results = {r.rule.id: r for r in explain_record(record, ruleset).rules}
    assert results["local.finding"].impact and results["local.relay"].impact
    assert results["local.finding"].set_aside == "gives way to bridges_team_segments: local.relay is kept"
    assert results["local.relay"].set_aside == ""
