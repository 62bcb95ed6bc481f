"""Identity resolution: by login, email and noreply address, never by display name; bots; opt-out."""

from __future__ import annotations

from factories import make_activity, make_person, make_resolver

from leadsig.roster import Login
from leadsig.warehouse import store
from leadsig.warehouse.db import open_warehouse


def test_two_logins_resolve_to_one_person() -> None:
    r = make_resolver(make_person("alice", github=[Login("alice"), Login("alice-work")]))
    assert r.person("github", "github.com", "Alice-Work").id == "alice"  # case-insensitive
    assert r.person("github", "github.com", "alice").id == "alice"


def test_same_login_on_github_and_gitlab_can_be_different_people() -> None:
    r = make_resolver(
        make_person("ann", github=[Login("sam")], gitlab=[]),
        make_person("sam", github=[], gitlab=[Login("sam")]),
    )
    assert r.person("github", "github.com", "sam").id == "ann"
    assert r.person("gitlab", "gitlab.com", "sam").id == "sam"


def test_login_pinned_to_a_host_only_matches_there() -> None:
    r = make_resolver(make_person("ann", github=[Login("ann2", host="ghe.acme.example")], emails=[]))
    assert r.person("github", "ghe.acme.example", "ann2").id == "ann"
    assert r.person("github", "github.com", "ann2") is None


def test_noreply_and_plain_emails_resolve() -> None:
    r = make_resolver(make_person("bo", github=[Login("bo-gh")], emails=["bo@acme.example"]))
    assert r.person("github", "github.com", None, "12345+bo-gh@users.noreply.github.com").id == "bo"
    assert r.person("github", "github.com", None, "bo-gh@users.noreply.github.com").id == "bo"
    assert r.person("gitlab", "gitlab.com", "unknown", "BO@acme.example").id == "bo"


def test_display_name_alone_never_resolves() -> None:
    r = make_resolver(make_person("carol", name="Carol Smith", github=[Login("carol")], emails=[]))
    assert r.person("github", "github.com", "Carol Smith") is None


def test_bots_by_type_suffix_and_pattern() -> None:
    r = make_resolver(bot_patterns=["renovate*", "*-ci"])
    assert r.is_bot("dependabot[bot]")
    assert r.is_bot("renovate-helper")
    assert r.is_bot("deploy-ci")
    assert r.is_bot("someone", forge_says_bot=True)
    assert not r.is_bot("alice")


def test_bots_are_kept_without_a_person(sqlite_url: str) -> None:
    engine = open_warehouse(sqlite_url)
    r = make_resolver(make_person("alice"))
    a = make_activity(actor_login="renovate-bot")
    store.save_batch(engine, "gh", "acme/api", "review_comments", [a], None, r)
    with engine.connect() as conn:
        row = conn.exec_driver_sql("select actor_is_bot, person_id from activities").one()
    assert row == (1, None)


def test_opted_out_people_have_nothing_stored(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    r = make_resolver(make_person("alice"), make_person("olga", opt_out=True, emails=["olga@acme.example"]))
    stored = store.save_batch(
        engine,
        "gh",
        "acme/api",
        "review_comments",
        [
            make_activity(actor_login="olga"),
            make_activity(actor_login="someone-else", actor_email="olga@acme.example"),
            make_activity(actor_login="alice"),
        ],
        None,
        r,
    )
    assert stored == 1
    with engine.connect() as conn:
        logins = [x for (x,) in conn.exec_driver_sql("select login from identities order by login")]
        actors = [x for (x,) in conn.exec_driver_sql("select actor_login from activities")]
    assert actors == ["alice"]
    assert "olga" not in logins


def test_unknown_actors_are_kept_as_identities_without_person(sqlite_url: str) -> None:
    engine = open_warehouse(sqlite_url)
    store.save_batch(
        engine,
        "gh",
        "acme/api",
        "review_comments",
        [make_activity(actor_login="stranger")],
        None,
        make_resolver(make_person("alice")),
    )
    with engine.connect() as conn:
        assert conn.exec_driver_sql("select login, person_id from identities").all() == [("stranger", None)]


def test_roster_sync_removes_a_person_who_opts_out_later(sqlite_url: str) -> None:
    engine = open_warehouse(sqlite_url)
    alice = make_person("alice")
    r = make_resolver(alice)
    store.sync_roster(engine, r.roster, r)
    store.save_batch(
        engine, "gh", "acme/api", "review_comments", [make_activity(actor_login="alice")], None, r
    )
    alice.opt_out = True
    r2 = make_resolver(alice)
    store.sync_roster(engine, r2.roster, r2)
    counts = store.table_counts(engine)
    assert (counts["activities"], counts["identities"], counts["people"]) == (0, 0, 0)


def test_bracket_in_a_bot_pattern_is_literal() -> None:
    r = make_resolver(bot_patterns=["*[bot]"])
    assert r.is_bot("helper[bot]")
    assert not r.is_bot("robert")  # would match if [bot] were a character class
