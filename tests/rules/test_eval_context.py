"""rules eval loads each item as the miners would store it: thread context, roster facts, requested
reviewers and commit files reach the engine, and items never leak into each other."""

from __future__ import annotations

import pytest
from corpora import corpus_item, docs_commit_item, write_corpus

from leadsig.errors import UserError
from leadsig.rules.evaluation.evaluate import Settings, evaluate_files


def results(tmp_path, items, settings=None):
    scores = evaluate_files([write_corpus(tmp_path / "c.jsonl", items)], settings or Settings(base_dir=tmp_path))
    return {o.item.id: o for o in scores.outcomes}, scores


def test_a_junior_pr_authors_level_reaches_the_mentoring_rule(tmp_path):
    senior_author = corpus_item("senior-author", labels=[])
    senior_author["people"]["tomas"] = {"team": "billing", "level": "senior", "start_date": "2019-01-01"}
    got, _ = results(tmp_path, [corpus_item("junior-author"), senior_author])
    mentoring = [s for s in got["junior-author"].signals if s["indicator"] == "mentors_in_reviews"]
    assert [s["rule_id"] for s in mentoring] == ["mentors_in_reviews.explains_to_junior"]
    assert mentoring[0]["why"]["conditions"]["author_junior"] == "junior"  # read through parent_author.level
    assert got["senior-author"].got() == set()  # same login, same repo and PR number: its own facts


def test_tenure_is_counted_to_the_items_date(tmp_path):
    new = corpus_item("new-joiner", at="2026-05-01")
    new["people"]["tomas"] = {"team": "billing", "level": "mid", "start_date": "2026-04-01"}
    veteran = corpus_item("veteran", at="2026-05-01", labels=[])
    veteran["people"]["tomas"] = {"team": "billing", "level": "mid", "start_date": "2020-04-01"}
    got, _ = results(tmp_path, [new, veteran])
    assert got["new-joiner"].signals[0]["why"]["conditions"]["author_new"] == 30
    assert got["veteran"].got() == set()


def test_requested_reviewers_decide_whether_a_review_is_proactive(tmp_path):
    review = {"kind": "pr_review", "actor": "mara", "state": "commented", "inline_comments": 4,
              "body": "Notes inline: the retry loop never stops on a 4xx."}
    asked = corpus_item("asked", labels=[], item=review)
    unasked = corpus_item("unasked", labels=["reviews_proactively"], item=review)
    unasked["thread"] = {**unasked["thread"], "requested_reviewers": ["lee"]}
    got, scores = results(tmp_path, [asked, unasked])
    assert "reviews_proactively" not in got["asked"].got()
    assert "reviews_proactively" in got["unasked"].got()
    assert scores.per_indicator["reviews_proactively"].tp == 1


def test_before_entries_count_in_the_thread_and_the_actor_off_the_roster_gets_nothing(tmp_path):
    outsider = corpus_item("outsider", labels=[])
    outsider["item"] = {**outsider["item"], "actor": "stranger"}
    bot = corpus_item("bot", labels=[])
    bot["item"] = {**bot["item"], "actor": "helper[bot]"}
    got, scores = results(tmp_path, [outsider, bot])
    assert got["outsider"].signals == [] and got["bot"].signals == []
    assert (scores.negatives.items, scores.negatives.with_signal) == (2, 0)


def test_commit_files_become_sizes_and_path_groups(tmp_path):
    got, _ = results(tmp_path, [docs_commit_item("guide"), docs_commit_item("tiny", labels=[], additions=5)])
    [signal] = got["guide"].signals
    assert signal["rule_id"] == "writes_documentation.docs_commit"
    assert signal["why"]["conditions"] == {"docs": ["docs"], "substantial": 120, "says_docs": "Add the on-call guide",
                                           "docs_first": "Add the on-call guide", "genre_line": "Add the on-call guide",
                                           "docs_title_line": "Add the on-call guide"}
    assert got["tiny"].signals == []


def test_extra_keys_a_rule_can_read(tmp_path):
    (tmp_path / "local.yaml").write_text("""\
rules:
  - id: local.first_timer_reply
    version: 1
    status: experimental
    type: technical
    indicator: mentors_in_reviews
    kinds: [pr_comment]
    conditions:
      first_timer: {field: extra.parent_author_association, eq: FIRST_TIME_CONTRIBUTOR}
      answers_author: {field: extra.in_reply_to_actor, eq_field: parent_author}
    match: first_timer and answers_author
    impact: [{level: low}]
    summary: "{actor.name} answered a first-time contributor"
    evidence: "comment"
""")
    item = corpus_item("reply", before=[{"kind": "pr_comment", "actor": "tomas", "body": "why does this fail?"}],
                       item={"kind": "pr_comment", "actor": "mara", "in_reply_to": 0, "body": "It fails since ..."})
    item["thread"] = {**item["thread"], "author_association": "FIRST_TIME_CONTRIBUTOR"}
    got, _ = results(tmp_path, [item], Settings(layers=["local.yaml"], base_dir=tmp_path))
    assert [s["rule_id"] for s in got["reply"].signals] == ["local.first_timer_reply"]


def test_inline_comments_written_out_count_for_the_review(tmp_path):
    notes = [{"path": "billing/webhooks.py", "body": "race here"}, {"path": "billing/x.py", "body": "and here"}]
    review = {"kind": "pr_review", "actor": "mara", "inline_comments": notes,
              "body": "Two notes inline: the retry loop breaks on every 4xx response."}
    unasked = corpus_item("written", labels=["reviews_proactively"], item=review)
    unasked["thread"] = {**unasked["thread"], "requested_reviewers": []}
    got, _ = results(tmp_path, [unasked])
    [signal] = got["written"].signals
    assert signal["rule_id"] == "reviews_proactively.unrequested_review"
    assert signal["why"]["conditions"]["substantive"] == 2  # review.inline_comments from the written list


def test_the_opening_may_be_written_as_the_first_before_entry(tmp_path):
    item = corpus_item("opened", labels=[], before=[{"kind": "pr_opened", "actor": "tomas", "body": "Adds retries."}])
    got, scores = results(tmp_path, [item])
    assert "mentors_in_reviews" in got["opened"].got()  # the thread still has its author
    bad = corpus_item("wrong", before=[{"kind": "issue_opened", "actor": "lee", "body": "x"}])
    with pytest.raises(UserError) as exc:
        results(tmp_path, [bad])
    text = str(exc.value)
    assert "before[0].kind: item 'wrong': the thread is a pr: its opening is pr_opened" in text
    assert "before[0].actor: item 'wrong': the opening's actor 'lee' is not the thread's author 'tomas'" in text
