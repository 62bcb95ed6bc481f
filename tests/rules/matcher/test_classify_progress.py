"""Long classify and rules diff runs report progress in activities: the stages call back at each step."""

from __future__ import annotations

from pathlib import Path

from leadsig.rules.language.loader import load_rules
from leadsig.rules.matcher.classify import classify_warehouse
from leadsig.rules.matcher.diff import diff_warehouse


def _calls(store: list) -> object:
    return lambda done, total, what: store.append((done, total, what))


def test_a_full_classification_reports_each_step_up_to_all_activities(seeded) -> None:
    engine, cfg = seeded()
    calls: list = []
    stats = classify_warehouse(engine, cfg, progress=_calls(calls))
    n = stats["activities"]
    assert n > 0
    assert calls[0] == (0, n, "reading activities")
    assert (0, None, "matching rules") in calls
    assert calls[-1] == (n, n, "done")


def test_a_scoped_classification_reports_too(seeded) -> None:
    engine, cfg = seeded()
    calls: list = []
    stats = classify_warehouse(engine, cfg, since=cfg.since, progress=_calls(calls))
    assert calls[0][2] == "reading activities" and calls[-1] == (stats["activities"], stats["activities"], "done")


def test_a_rules_diff_reports_its_replay(seeded) -> None:
    engine, cfg = seeded()
    calls: list = []
    rules = load_rules(["default"], Path.cwd())
    diff_warehouse(engine, cfg, rules, rules, progress=_calls(calls))
    whats = [what for _, _, what in calls]
    assert whats[0] == "reading activities" and "replaying through base and working rules" in whats
    assert calls[-1][2] == "done" and calls[-1][0] == calls[-1][1] == calls[0][1] > 0
