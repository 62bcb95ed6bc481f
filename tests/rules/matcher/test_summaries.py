"""Summary lines name people by their roster name and never show an email address."""

from __future__ import annotations

from sqlalchemy import select

from leadsig.rules.language.templates import render
from leadsig.rules.matcher.classify import classify_warehouse
from leadsig.warehouse import models as m
from leadsig.warehouse import store


def summaries(engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.execute(select(m.Signal.activity_id, m.Signal.summary)).all())


def test_email_identity_commit_is_summarised_with_the_roster_name(seeded, email_docs_commit, roster_resolver):
    """GitLab commits carry the author email as the actor login; the summary shows the person's name."""
    engine, cfg = seeded(activities=[email_docs_commit])
    classify_warehouse(engine, cfg)
    (line,) = summaries(engine).values()
    assert line == "Carol wrote 120 lines of documentation in acme/api"
    # Re-syncing the roster keeps the email identity linked, so re-classifying keeps the signal as it is.
    store.sync_roster(engine, roster_resolver.roster, roster_resolver)
    again = classify_warehouse(engine, cfg)
    assert (again["added"], again["removed"], again["changed"]) == (0, 0, 0)


def test_unknown_parent_author_falls_back_to_the_login_without_domain(seeded):
    engine, cfg = seeded()
    classify_warehouse(engine, cfg)
    lines = summaries(engine)
    assert lines["github:github.com:review_comment:c1"].startswith("Alice explained a review point to Bob on ")
    assert not [s for s in lines.values() if "@acme" in s]


def test_templates_never_render_an_email_address():
    line = render("{actor.name} wrote {body}", {"actor.name": "ada.silva@acme.example",
                                                "body": "Fix typo (reported by x.y+z@corp.example.org), cc @maria"})
    assert line == "ada.silva wrote Fix typo (reported by x.y+z), cc @maria"
