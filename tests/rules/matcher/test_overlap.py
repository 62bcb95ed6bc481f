"""One signal per act: rules of one family on one activity, and a pull request with its merge commit."""

from __future__ import annotations

from corpora import corpus_item, write_corpus
from factories import make_activity
from sqlalchemy import select

from leadsig.rules.evaluation.evaluate import Settings, evaluate_files
from leadsig.rules.matcher.classify import classify_warehouse
from leadsig.rules.matcher.overlap import merged_pr
from leadsig.warehouse import models as m

RULES = """\
rules:
  - id: local.recap_meeting
    version: 1
    type: communication
    indicator: summarizes_for_timezones
    family: write_up
    kinds: [issue_comment, pr_comment, pr_opened, commit]
    conditions:
      recap: {field: body, says: [recap, notes from]}
      call: {field: body, says: [call, meeting]}
    match: recap
    impact: [{level: high, when: call}, {level: low}]
    summary: "{actor.name} wrote a recap"
  - id: local.recap_thread
    version: 1
    type: communication
    indicator: facilitates_async_discussion
    family: FAMILY
    kinds: [issue_comment, pr_comment]
    conditions:
      recap: {field: body, says: [recap]}
    match: recap
    summary: "{actor.name} summed up the thread"
  - id: local.process_change
    version: 1
    type: operational
    indicator: suggests_workflow_improvements
    kinds: [pr_opened, commit]
    conditions:
      ci: {field: body, says: [cache the dependencies]}
    match: ci
    summary: "{actor.name} changed the workflow"
"""


def run(tmp_path, items, family: str = "write_up"):
    (tmp_path / "local.yaml").write_text(RULES.replace("FAMILY", family))
    scores = evaluate_files([write_corpus(tmp_path / "c.jsonl", items)],
                            Settings(layers=["local.yaml"], base_dir=tmp_path))
    return {o.item.id: o.signals for o in scores.outcomes}


def recap_item() -> dict:
    item = corpus_item("recap", labels=["summarizes_for_timezones"])
    item["thread"] = {"type": "issue", "number": 7, "author": "tomas", "title": "Q3 planning"}
    item["item"] = {"kind": "issue_comment", "actor": "mara", "body": "Recap of today's call for APAC: we ship B."}
    return item


def test_two_rules_of_one_family_give_one_signal_the_stronger_naming_the_other(tmp_path):
    signals = run(tmp_path, [recap_item()])["recap"]
    assert [(s["rule_id"], s["impact"]) for s in signals] == [("local.recap_meeting", "high")]
    assert signals[0]["why"]["also"][0].startswith("local.recap_thread (low) on ")


def test_rules_of_different_families_each_keep_their_signal(tmp_path):
    signals = run(tmp_path, [recap_item()], family="thread_care")["recap"]
    assert sorted(s["rule_id"] for s in signals) == ["local.recap_meeting", "local.recap_thread"]


def _pr_and_merge(repo_of_commit: str) -> list:
    pr = make_activity(kind="pr_opened", native_id="acme/api#12", actor_login="alice", repo="acme/api",
                       parent_number=12, parent_author="alice", url="https://github.com/acme/api/pull/12",
                       body="CI: cache the dependencies between jobs")
    commit = make_activity(kind="commit", native_id="sha-12", actor_login="alice", repo=repo_of_commit,
                           parent_number=None, parent_title="", parent_author=None,
                           url=f"https://github.com/{repo_of_commit}/commit/sha-12", path_groups=("ci",),
                           body="CI: cache the dependencies between jobs (#12)")
    return [pr, commit]


def test_a_merge_commit_does_not_count_again_beside_its_pull_request(seeded, tmp_path):
    (tmp_path / "local.yaml").write_text(RULES.replace("FAMILY", "write_up"))
    engine, cfg = seeded(["local.yaml"], _pr_and_merge("acme/api"))
    classify_warehouse(engine, cfg)
    rows = stored(engine)
    assert [r["activity_id"].split(":")[-1] for r in rows] == ["acme/api#12"]
    assert rows[0]["why"]["also"] == ["local.process_change (low) on https://github.com/acme/api/commit/sha-12"]


def test_a_commit_naming_a_pull_request_of_another_repo_keeps_its_signal(seeded, tmp_path):
    (tmp_path / "local.yaml").write_text(RULES.replace("FAMILY", "write_up"))
    engine, cfg = seeded(["local.yaml"], _pr_and_merge("acme/payments-core"))
    classify_warehouse(engine, cfg)
    assert sorted(r["activity_id"].split(":")[-1] for r in stored(engine)) == ["acme/api#12", "sha-12"]


def stored(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(m.Signal.__table__)).mappings().all()]


def test_merge_commit_messages_of_both_forges_name_their_pull_request():
    assert merged_pr("CI: cache the dependencies between jobs (#12)") == 12
    assert merged_pr("Merge pull request #31 from acme/ci-cache\n\nCache deps") == 31
    assert merged_pr("Cache deps\n\nSee merge request acme/api!8") == 8
    assert merged_pr("Bump #12 in the changelog") is None
