"""What a measured person can ask for: the export holds their rows and is logged, forget takes them by roster
or by login, and an unknown person is a located error, not an empty answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from factories import make_activity, make_person, make_resolver

from leadsig.errors import UserError
from leadsig.roster import Roster
from leadsig.warehouse import people, store, trust
from leadsig.warehouse.db import open_warehouse


def _loaded(url: str):
    engine = open_warehouse(url)
    resolver = make_resolver(make_person("alice"), make_person("bob"))
    resolver.suppression = trust.Suppression.load(engine)
    store.sync_roster(engine, resolver.roster, resolver)
    batch = [make_activity(actor_login="alice"), make_activity(actor_login="bob")]
    store.save_batch(engine, "gh", "acme/api", "review_comments", batch, None, resolver)
    return engine, resolver.roster


def test_export_writes_the_persons_rows_and_the_pack_then_logs_every_file(warehouse_url: str, tmp_path: Path) -> None:
    engine, roster = _loaded(warehouse_url)

    def packet(target: Path) -> list[Path]:
        (target / "packet.md").write_text("pack")
        return [target / "packet.md"]

    files = people.export_person(engine, roster, "alice", tmp_path, "alice", packet=packet)
    assert [f.name for f in files] == ["export.json", "person.csv", "identities.csv", "activities.csv",
                                       "signals.csv", "signoffs.csv", "track.csv", "attestations.csv", "checkins.csv",
                                       "access_log.csv", "feedback.csv", "sign_in_links.csv", "web_views.csv",
                                       "packet.md"]
    data = json.loads((tmp_path / "export-alice" / "export.json").read_text())
    assert [a["actor_login"] for a in data["activities"]] == ["alice"]  # nothing of bob's
    (entry,) = trust.access_entries(engine, "alice")
    assert entry["action"] == "export" and entry["viewer"] == "alice"
    assert entry["detail"]["files"] == [str(f) for f in files]


def test_forget_by_login_of_someone_off_the_roster(warehouse_url: str) -> None:
    engine, _ = _loaded(warehouse_url)
    counts = people.forget_person(engine, Roster(), None, ["github:bob"], [], "admin")
    assert counts["activities"] == 1 and counts["people"] == 0


@pytest.mark.parametrize("raw", ["bob", "bitbucket:bob", "github:"])
def test_a_login_without_its_forge_is_the_users_to_fix(raw: str) -> None:
    with pytest.raises(UserError, match="github:LOGIN or gitlab:LOGIN"):
        people.parse_logins([raw])


def test_forget_with_nothing_named_refuses(sqlite_url: str) -> None:
    engine, roster = _loaded(sqlite_url)
    with pytest.raises(UserError, match="nothing to forget"):
        people.forget_person(engine, roster, None, [], [], None)


def test_audit_of_an_unknown_person_is_an_error_with_a_suggestion(sqlite_url: str) -> None:
    engine, roster = _loaded(sqlite_url)
    with pytest.raises(UserError, match="alice"):
        people.audit_rows(engine, roster, "alicee")
