"""Forget and opt-out leave nothing of the person in anyone's rows: their logins in others' activity become an
irreversible pseudonym, their @mentions are redacted, and a forget holds against a run that loaded its
suppression list before it (the loader checks at write time)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from factories import make_activity, make_person, make_resolver
from leaks import leaks
from sqlalchemy import insert, select

from leadsig.roster import Login, Roster
from leadsig.rules.matcher.enrich import enrich, read_warehouse
from leadsig.warehouse import models as m
from leadsig.warehouse import people, store, trust
from leadsig.warehouse.db import open_warehouse

ALICIA = ["aliciaq", "alicia.quist", "aliciaq@acme.example", "Alicia Quist"]


def _alicia(**over):
    return make_person("alicia", name="Alicia Quist", level="junior", github=[Login("aliciaq")],
                       gitlab=[Login("alicia.quist")], emails=["aliciaq@acme.example"], **over)


def _resolver(opt_out: bool = False):
    return make_resolver(_alicia(opt_out=opt_out), make_person("brunor", name="Bruno Rossi"))


def _about_alicia() -> list:
    """Bruno's activity that names Alicia every way a forge does: PR author, requested reviewer, assignee,
    @mention, email and full name in text."""
    return [
        make_activity(actor_login="brunor", parent_author="AliciaQ", parent_number=7,
                      body="Thanks @aliciaq! cc aliciaq@acme.example; Alicia Quist wrote the first client.",
                      parent_title="Retry budget (follow-up to @aliciaq's change)",
                      extra={"requested_reviewers": ["aliciaq", "brunor"], "assignees": ["AliciaQ"]}),
        make_activity(forge="gitlab", host="gitlab.com", actor_login="brunor", parent_author="alicia.quist",
                      body="@alicia.quist, over to you."),
        make_activity(actor_login="aliciaq", parent_author="brunor", parent_number=8),
    ]


def _load(engine, resolver, batch) -> int:
    resolver.suppression = trust.Suppression.load(engine)
    store.sync_roster(engine, resolver.roster, resolver)
    return store.save_batch(engine, "gh", "acme/api", "review_comments", batch, None, resolver)


def _bruno_signal(engine) -> None:
    """A signal of Bruno's as classification writes it: the summary and why name the PR's author."""
    with engine.begin() as conn:
        act = conn.execute(select(m.Activity.id).where(m.Activity.parent_number == 7)).scalar_one()
        conn.execute(insert(m.Signal), [{
            "activity_id": act, "rule_id": "mentoring.default", "rule_version": 1, "rule_hash": "h",
            "person_id": "brunor", "signal_type": "technical", "indicator": "mentoring", "impact": "medium",
            "evidence_url": "https://github.com/acme/api/pull/7", "occurred_at": datetime(2026, 10, 2, tzinfo=UTC),
            "summary": "Bruno Rossi explained a review point to Alicia Quist on acme/api#7",
            "why": {"conditions": {"mentions": "Thanks @aliciaq!"}, "impact_step": None, "evidence": ""},
            "classified_at": datetime(2026, 10, 2, tzinfo=UTC)}])


def test_forget_between_a_runs_start_and_its_write_holds(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    resolver = _resolver()
    resolver.suppression = trust.Suppression.load(engine)  # what a run does when it starts
    store.sync_roster(engine, resolver.roster, resolver)
    people.forget_person(engine, resolver.roster, "alicia", [], [], "admin")  # while that run is mining
    stored = store.save_batch(engine, "gh", "acme/api", "review_comments", _about_alicia(), None, resolver)
    assert stored == 2
    assert leaks(engine, ALICIA) == []


def test_forget_pseudonymises_the_person_in_everyone_elses_rows(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    resolver = _resolver()
    assert _load(engine, resolver, _about_alicia()) == 3
    _bruno_signal(engine)
    assert leaks(engine, ALICIA)  # the test can see them
    people.forget_person(engine, resolver.roster, "alicia", [], [], "admin")
    assert leaks(engine, ALICIA) == []
    with engine.connect() as conn:
        row = conn.execute(select(m.Activity.__table__).where(m.Activity.parent_number == 7)).one()
        (signal,) = conn.execute(select(m.Signal.summary, m.Signal.person_id)).all()
    assert row.parent_author.startswith("anon-") and row.actor_login == "brunor"
    assert row.body.startswith(f"Thanks @{row.parent_author}!")  # still a mention, of nobody in particular
    assert row.extra["requested_reviewers"] == [row.parent_author, "brunor"]
    assert signal.person_id == "brunor" and "Bruno Rossi" in signal.summary
    _load(engine, resolver, _about_alicia())  # mine --full: the forge still has it all
    assert leaks(engine, ALICIA) == []


def test_an_opted_out_person_is_a_pseudonym_from_the_start(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    assert _load(engine, _resolver(opt_out=True), _about_alicia()) == 2
    assert leaks(engine, ALICIA) == []


def test_a_person_who_opts_out_later_is_pseudonymised_on_the_next_sync(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    _load(engine, _resolver(), _about_alicia())
    _load(engine, _resolver(opt_out=True), [])
    assert leaks(engine, ALICIA) == []


def _author_facts(engine) -> dict:
    tables = read_warehouse(engine)
    df = enrich(tables["activities"], tables["people"], tables["identities"], tables["repositories"])
    row = df[(df["parent_number"] == 7) & (df["actor_login"] == "brunor")].iloc[0]
    return {"level": row["parent_author.level"], "team": row["parent_author.team"],
            "tenure_days": row["parent_author.tenure_days"], "name": row["parent_author.name"]}


def test_an_opted_out_junior_author_stays_junior_to_enrichment(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    _load(engine, _resolver(opt_out=True), _about_alicia())
    facts = _author_facts(engine)
    assert facts["level"] == "junior" and facts["team"] == "payments"
    assert facts["tenure_days"] >= (date(2026, 10, 1) - date(2022, 1, 10)).days  # activity dates vary by a day
    assert facts["name"].startswith("anon-")  # the name is never stored, so summaries show the pseudonym
    assert leaks(engine, ALICIA) == []


def test_a_forgotten_person_leaves_no_facts_behind(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    resolver = _resolver(opt_out=True)
    _load(engine, resolver, _about_alicia())
    people.forget_person(engine, resolver.roster, "alicia", [], [], "admin")
    _load(engine, resolver, _about_alicia())
    assert _author_facts(engine)["level"] is None
    with engine.connect() as conn:
        assert conn.execute(select(m.Pseudonym)).all() == []


def test_forget_by_email_takes_commits_whose_actor_is_that_email(warehouse_url: str) -> None:
    engine = open_warehouse(warehouse_url)
    resolver = make_resolver(make_person("brunor"))
    commit = make_activity(forge="gitlab", host="gitlab.com", kind="commit", actor_login="dana@home.example",
                           actor_email="dana@home.example", parent_number=None, parent_author=None)
    assert _load(engine, resolver, [commit]) == 1
    counts = people.forget_person(engine, Roster(), None, [], ["Dana@home.example"], "admin")
    assert counts["activities"] == 1 and counts["identities"] == 1
    assert leaks(engine, ["dana@home.example"]) == []
    assert _load(engine, resolver, [commit]) == 0
