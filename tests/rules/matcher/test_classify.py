"""classify_warehouse: signals from stored activity, idempotent re-runs, and rule edits that change only
their own signals."""

from __future__ import annotations

import textwrap

from sqlalchemy import select

from leadsig.rules.matcher.classify import classify_warehouse
from leadsig.warehouse import models as m


def signals(engine) -> dict[tuple[str, str], dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(m.Signal.__table__)).mappings().all()
    return {(r["activity_id"].split(":")[-1], r["rule_id"]): dict(r) for r in rows}


def test_signals_for_people_on_the_roster_only(seeded):
    engine, cfg = seeded()
    stats = classify_warehouse(engine, cfg)
    got = signals(engine)
    assert ("r1", "reviews_proactively.unrequested_review") in got
    assert ("c1", "mentors_in_reviews.explains_to_junior") in got
    assert ("sha-carol-120", "writes_documentation.docs_commit") in got
    assert not [k for k in got if k[0] in ("bot1", "x1")]  # bot and outsider: same text, no signal
    review = got[("r1", "reviews_proactively.unrequested_review")]
    assert review["impact"] == "high"  # cross-team (platform reviewing payments), tested, a problem found
    assert review["person_id"] == "alice"
    assert review["signal_type"] == "technical"
    assert review["evidence_url"].endswith("#pullrequestreview-1")
    assert review["summary"] == "Alice reviewed acme/payments-core#1 unasked (6 inline comments)"  # roster name
    assert review["why"]["conditions"]["cross_team"] is True
    assert "requested" not in review["why"]["conditions"]  # it did not hold
    mentoring = got[("c1", "mentors_in_reviews.explains_to_junior")]
    assert mentoring["why"]["conditions"]["author_junior"] == "junior"
    assert stats["added"] == len(got) and stats["by_rule"]["writes_documentation.docs_commit"] == 1


def test_requested_reviewer_is_not_proactive(seeded):
    engine, cfg = seeded()
    classify_warehouse(engine, cfg)
    assert ("rd1", "reviews_proactively.unrequested_review") not in signals(engine)


def test_reclassifying_unchanged_rules_keeps_rows(seeded):
    engine, cfg = seeded()
    classify_warehouse(engine, cfg)
    before = signals(engine)
    stats = classify_warehouse(engine, cfg)
    assert stats["added"] == stats["removed"] == stats["changed"] == 0
    assert signals(engine) == before  # same ids, same classified_at


def test_one_parameter_edit_changes_only_that_rule(seeded, tmp_path):
    engine, cfg = seeded()
    classify_warehouse(engine, cfg)
    before = signals(engine)
    local = tmp_path / "rules-local"
    local.mkdir()
    (local / "tune.yaml").write_text(textwrap.dedent("""\
        overrides:
          - id: writes_documentation.docs_commit
            impact: {high: 100}
        """))
    engine, cfg = seeded(["default", "./rules-local"])  # same warehouse, config now has the local layer
    stats = classify_warehouse(engine, cfg)
    after = signals(engine)
    assert stats["changed"] == 1 and stats["added"] == stats["removed"] == 0
    key = ("sha-carol-120", "writes_documentation.docs_commit")
    assert before[key]["impact"] == "medium" and after[key]["impact"] == "high"
    assert after[key]["rule_hash"] != before[key]["rule_hash"]
    for k, row in before.items():
        if k != key:
            assert after[k] == row


def test_disabled_rule_signals_are_deleted(seeded, tmp_path):
    engine, cfg = seeded()
    classify_warehouse(engine, cfg)
    local = tmp_path / "off.yaml"
    local.write_text("overrides:\n  - id: reviews_proactively.unrequested_review\n    enabled: false\n")
    engine, cfg = seeded(["default", "off.yaml"])
    stats = classify_warehouse(engine, cfg)
    assert stats["removed"] == 1
    assert not [k for k in signals(engine) if k[1] == "reviews_proactively.unrequested_review"]


def test_scoped_run_leaves_other_activities_alone(seeded, tmp_path):
    engine, cfg = seeded()
    classify_warehouse(engine, cfg)
    local = tmp_path / "off.yaml"
    local.write_text("overrides:\n  - id: writes_documentation.docs_commit\n    enabled: false\n")
    engine, cfg = seeded(["default", "off.yaml"])
    pr_ids = [a for a in _activity_ids(engine) if ":commit:" not in a]
    stats = classify_warehouse(engine, cfg, activity_ids=pr_ids)
    assert stats["removed"] == 0  # the docs commit is out of scope: its signal stays
    assert ("sha-carol-120", "writes_documentation.docs_commit") in signals(engine)


def _activity_ids(engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(select(m.Activity.id)).scalars())


def test_group_passes_fills_each_pass_up_to_the_size_a_bigger_repo_alone():
    """The grouping classify_warehouse's passes and benchmarks/classify.py's "in passes" figure share."""
    from leadsig.rules.matcher.classify import group_passes

    counts = [("github", "h", "a", 40), ("github", "h", "b", 50), ("github", "h", "c", 20), ("github", "h", "d", 150),
              ("github", "h", "e", 10), ("gitlab", "h", "f", 100)]
    got = group_passes(counts, 100)
    assert [[r for _f, _h, r, _n in p] for p in got] == [["a", "b"], ["c"], ["d"], ["e"], ["f"]]
    assert [c for p in got for c in p] == counts  # every repository once, in the order given
    assert group_passes([], 100) == []


def test_everything_classified_a_repo_at_a_time_equals_one_pass(seeded, tmp_path, monkeypatch):
    """A full re-classification reads a few repos at a time (bounded memory): same signals as one pass."""
    from leadsig.rules.matcher import classify

    engine, cfg = seeded()
    classify_warehouse(engine, cfg)
    one_pass = signals(engine)
    monkeypatch.setattr(classify, "FULL_PASS", 1)  # every repo its own pass
    assert len(classify.repo_passes(engine, 1)) == 2
    again = classify_warehouse(engine, cfg)
    assert (again["added"], again["removed"], again["changed"]) == (0, 0, 0)
    assert again["unchanged"] == again["signals"] == len(one_pass)
    assert signals(engine) == one_pass
    # a rule switched off loses its signals, whichever pass they are in
    (tmp_path / "off.yaml").write_text("overrides:\n  - id: writes_documentation.docs_commit\n    enabled: false\n")
    engine, cfg = seeded(["default", "off.yaml"])
    off = classify_warehouse(engine, cfg)
    assert off["removed"] == 1 and not [k for k in signals(engine) if k[1] == "writes_documentation.docs_commit"]
