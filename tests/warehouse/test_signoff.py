"""Sign-offs: each senior leader's latest decision counts, "at least three agree" is computed, every decision is
in the access log, and export, forget and audit cover them like the rest of a person's data."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import make_person, make_resolver

from leadsig.errors import UserError
from leadsig.warehouse import people, signoff, store, trust
from leadsig.warehouse.db import open_warehouse

T0 = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def loaded(warehouse_url: str):
    engine = open_warehouse(warehouse_url)
    resolver = make_resolver(make_person("ana", name="Ana Lima"), make_person("dana", name="Dana Ortiz"))
    resolver.suppression = trust.Suppression.load(engine)
    store.sync_roster(engine, resolver.roster, resolver)
    yield engine, resolver.roster
    engine.dispose()


def _sign(engine, by: str, decision: str, minutes: int, person: str = "ana", note: str | None = None) -> None:
    signoff.record(engine, person, by, decision, note, viewer="committee-chair", now=T0 + timedelta(minutes=minutes))


def test_three_agreeing_leaders_make_the_rule_hold_and_a_leader_may_change_their_mind(loaded) -> None:
    engine, _ = loaded
    _sign(engine, "Dana Ortiz", "agree", 1)
    _sign(engine, "Eli Park", "agree", 2)
    _sign(engine, "Fay Chen", "disagree", 3, note="wants one more quarter of evidence")
    assert not signoff.standing(engine, "ana").holds
    _sign(engine, "fay chen", "agree", 4)  # the same leader, later: their latest decision counts
    now = signoff.standing(engine, "ana")
    assert (now.agree, now.disagree, now.holds, len(now.history)) == (3, 0, True, 4)
    assert [r["signed_by"] for r in now.latest] == ["Dana Ortiz", "Eli Park", "fay chen"]
    _sign(engine, "Eli Park", "disagree", 5)
    assert not signoff.standing(engine, "ana").holds
    assert signoff.standing(engine, "dana").history == []  # one person's sign-offs are theirs only


@pytest.mark.parametrize(("by", "decision", "note", "key"), [
    ("Dana", "maybe", None, "--decision"), ("  ", "agree", None, "--by"), ("Dana", "agree", "x" * 2001, "--note"),
])
def test_a_bad_sign_off_names_the_option_and_stores_nothing(loaded, by, decision, note, key) -> None:
    engine, _ = loaded
    with pytest.raises(UserError) as err:
        signoff.record(engine, "ana", by, decision, note)
    assert err.value.problems[0].key == key
    assert signoff.rows(engine, "ana") == [] and trust.access_entries(engine, "ana") == []


def test_every_sign_off_is_in_the_access_log_and_the_audit(loaded) -> None:
    engine, roster = loaded
    _sign(engine, "Dana Ortiz", "agree", 1)
    (entry,) = people.audit_rows(engine, roster, "ana")
    assert (entry["action"], entry["viewer"]) == ("packet-sign", "committee-chair")
    assert entry["detail"] == {"by": "Dana Ortiz", "decision": "agree"}


def test_export_holds_the_sign_offs(loaded, tmp_path: Path) -> None:
    engine, roster = loaded
    _sign(engine, "Dana Ortiz", "agree", 1, note="=HYPERLINK(\"http://x\")")
    people.export_person(engine, roster, "ana", tmp_path, "ana")
    data = json.loads((tmp_path / "export-ana" / "export.json").read_text())
    assert [(r["signed_by"], r["decision"]) for r in data["signoffs"]] == [("Dana Ortiz", "agree")]
    assert "'=HYPERLINK" in (tmp_path / "export-ana" / "signoffs.csv").read_text()  # inert in a spreadsheet


def test_forget_deletes_the_persons_sign_offs_and_hides_them_as_a_signer(loaded) -> None:
    engine, roster = loaded
    _sign(engine, "Dana Ortiz", "agree", 1)
    _sign(engine, "Eli Park", "agree", 2)
    _sign(engine, "Ana Lima", "agree", 3, person="dana")  # Ana signed Dana's packet
    counts = people.forget_person(engine, roster, "ana", [], [], "admin")
    assert counts["signoffs"] == 2 and signoff.rows(engine, "ana") == []
    (kept,) = signoff.rows(engine, "dana")
    assert kept["decision"] == "agree" and "ana" not in kept["signed_by"].lower()
