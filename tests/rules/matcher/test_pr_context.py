"""Pull-request facts reach every activity of the PR, and @mentions reach the mentioned people's teams:
checked through the eval harness, which stores items as the miners do and enriches them as the nightly run does."""

from __future__ import annotations

import textwrap

import pytest
from corpora import corpus_item, write_corpus

from leadsig.rules.evaluation.evaluate import Settings, evaluate_files

PROBE = textwrap.dedent("""\
    rules:
      - id: probe.context
        version: 1
        type: technical
        indicator: reviews_proactively
        kinds: [review_comment, pr_comment, issue_comment]
        conditions:
          any: {field: body_length, gte: 0}
        match: any
        summary: "asked={thread.actor_requested} reviewers={thread.requested_reviewers} files={thread.files}
          groups={thread.path_groups} teams={mentioned_teams} others={mentioned_other_teams}"
    """)


@pytest.fixture(scope="module")
def probed(tmp_path_factory) -> dict[str, str]:
    """Each item's evidence line: the probe rule prints the fields under test."""
    folder = tmp_path_factory.mktemp("ctx")
    (folder / "probe.yaml").write_text(PROBE)
    people = {"mara": {"team": "billing", "level": "senior"}, "tomas": {"team": "billing", "level": "junior"},
              "ana": {"team": "data"}, "lee": {"team": "platform"}}
    comment = {"kind": "pr_comment", "actor": "mara", "body": "Looping in @ana and @Acme/Platform about the schema."}
    items = [
        corpus_item("requested", people=people),
        corpus_item("unasked", people=people, thread={"type": "pr", "author": "tomas", "requested_reviewers": ["lee"],
                                                    "files": ["docs/retries.md", "README.md"]}, item=comment),
        corpus_item("no-pr-facts", people=people, thread={"type": "issue", "author": "tomas"},
                    item={"kind": "issue_comment", "actor": "mara", "body": "mail me at mara@acme.example or @tomas"}),
    ]
    scores = evaluate_files([write_corpus(folder / "c.jsonl", items)],
                            Settings(layers=[str(folder / "probe.yaml")], base_dir=folder))
    return {o.item.id: o.signals[0]["summary"] for o in scores.outcomes}


def test_an_inline_comment_by_a_requested_reviewer_knows_it(probed):
    assert "asked=True reviewers=mara" in probed["requested"]


def test_a_conversation_comment_knows_it_was_not_asked_and_the_prs_files(probed):
    assert "asked=False reviewers=lee files=docs/retries.md, README.md" in probed["unasked"]
    assert "groups=docs" in probed["unasked"]


def test_mentions_reach_people_and_team_handles_but_not_the_actors_own_team(probed):
    assert "teams=data, platform others=data, platform" in probed["unasked"]
    assert "teams=billing others= " in probed["no-pr-facts"] + " "  # tomas is mara's team; the email is no mention


def test_an_issue_has_no_pr_facts(probed):
    assert "asked=? reviewers=? files=? groups=?" in probed["no-pr-facts"]
