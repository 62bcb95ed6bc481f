"""Checking corpus files: comments and blanks skipped, every mistake of an item named with its key and fix."""

from __future__ import annotations

import pytest
from corpora import corpus_item, write_corpus

from leadsig.errors import UserError
from leadsig.rules.evaluation.corpus import read_corpus, read_file


def problems(tmp_path, *items) -> list[str]:
    _, found = read_file(write_corpus(tmp_path / "c.jsonl", list(items)))
    return [p.format() for p in found]


def test_a_good_file_with_comments_and_blank_lines(tmp_path):
    items, found = read_file(write_corpus(tmp_path / "c.jsonl", ["// labelled by ana", "", corpus_item("a")]))
    assert found == [] and [(i.id, i.line, i.labels) for i in items] == [("a", 3, ("mentors_in_reviews",))]


def test_every_mistake_of_one_item_at_once(tmp_path):
    item = corpus_item("x", people={"mara": {"timezone": "Europe/Berlim", "start_date": "2026-13-01", "lvl": "x"}},
                       before=[{"kind": "pr_opened", "actor": "tomas"},
                                                 {"kind": "pr_merged", "actor": "tomas"}])
    item["thread"] = {**item["thread"], "type": "issue"}
    got = "\n".join(problems(tmp_path, item))
    assert "people.mara.timezone: item 'x': unknown time zone 'Europe/Berlim'" in got
    assert "people.mara.start_date: item 'x': not a date" in got
    assert "unknown-key: people.mara.lvl: item 'x': unknown key 'lvl'" in got
    assert "thread.requested_reviewers: item 'x': only a PR has this" in got
    assert "thread.type: item 'x': a review_comment cannot be in a thread of type 'issue'" in got
    assert "before[0].kind: item 'x': the thread is an issue: its opening is issue_opened" in got
    assert "before[1].kind: item 'x': a pr_merged here is not the thread's first entry" in got


def test_keys_that_do_not_fit_the_kind(tmp_path):
    item = corpus_item("y", item={"kind": "pr_comment", "actor": "mara", "state": "approved", "files": []})
    got = "\n".join(problems(tmp_path, item))
    assert "item.state: item 'y': a pr_comment has no state (only pr_review)" in got
    assert "item.files: item 'y': a pr_comment has no files (only commit)" in got


def test_missing_labels_item_and_id(tmp_path):
    got = "\n".join(problems(tmp_path, {"id": "z"}, {"labels": []}))
    assert "c.jsonl:1: missing-key: labels: item 'z': missing" in got and "item: item 'z': missing" in got
    assert "c.jsonl:2: missing-key: id: item: missing" in got


def test_an_empty_or_missing_corpus_is_an_error(tmp_path):
    with pytest.raises(UserError, match="no items in the corpus"):
        read_corpus([write_corpus(tmp_path / "e.jsonl", ["// nothing yet"])])
    with pytest.raises(UserError, match="corpus file not found"):
        read_corpus([tmp_path / "missing.jsonl"])
