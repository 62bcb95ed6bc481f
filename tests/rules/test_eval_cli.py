"""``leadsig rules eval`` as a lead runs it: bad items all reported at once (exit 2), the gates (exit 1),
--json, --indicator and --errors."""

from __future__ import annotations

import json
import sys

import pytest
from corpora import corpus_item, docs_commit_item, line_of, write_corpus
from typer.testing import CliRunner

from leadsig.flows.cli import app, main

runner = CliRunner()
NO_CONFIG = ("--config", "/nonexistent/leadsig.yaml")


def run(*args: str):
    return runner.invoke(app, ["rules", "eval", *args, *NO_CONFIG])


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """Through main(), which prints a UserError's problems and exits 2; whitespace folded (rich wraps lines)."""
    monkeypatch.setattr(sys, "argv", ["leadsig", "rules", "eval", *args, *NO_CONFIG])
    with pytest.raises(SystemExit) as exc:
        main()
    out = capsys.readouterr()
    return exc.value.code, " ".join((out.out + out.err).split())


def corpus(tmp_path):
    """Two true positives, one false positive (a hard negative), one false negative."""
    hard = corpus_item("senior-debate", labels=[], tags=["hard_negative"])
    return write_corpus(tmp_path / "c.jsonl", [
        "// a comment line, then a blank one", "",
        corpus_item("mentor"), docs_commit_item("guide"), hard,
        docs_commit_item("short-guide", additions=5)])


def test_bad_items_are_all_reported_with_file_line_item_and_key(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    bad = write_corpus(tmp_path / "bad.jsonl", [
        corpus_item("typo-label", labels=["mentors_in_review"]),
        corpus_item("bad-kind", item={"kind": "review", "actor": "mara"}),
        "{not json",
        corpus_item("no-thread", thread=None),
        corpus_item("bad-reply", item={"kind": "pr_comment", "actor": "mara", "in_reply_to": 2}),
        corpus_item("typo-label"),
    ])
    bad.write_text(bad.read_text().replace('"thread": null, ', ""))
    code, err = run_main(monkeypatch, capsys, str(bad))
    assert code == 2
    assert f"bad.jsonl:{line_of(bad, 'typo-label')}: unknown-indicator: labels: item 'typo-label': unknown " \
           "indicator 'mentors_in_review'" in err and "did you mean 'mentors_in_reviews'?" in err
    assert f":{line_of(bad, 'bad-kind')}: bad-value: item.kind: item 'bad-kind': unknown value \"review\"" in err
    assert "bad.jsonl:3: bad-json: item: not valid JSON" in err
    assert "thread: item 'no-thread': a review_comment belongs to a PR or issue" in err
    assert "item.in_reply_to: item 'bad-reply': 2 is not an earlier entry of before" in err
    assert "bad.jsonl:6: duplicate-id: id: item 'typo-label': duplicate id, first used on line 1" in err
    assert list(tmp_path.iterdir()) == [bad]  # nothing written


def test_human_output_lists_figures_and_mistakes(tmp_path):
    result = run(str(corpus(tmp_path)), "--errors", "5")
    assert result.exit_code == 0, result.output
    assert "rules eval: 4 items" in result.output
    assert "hard_negative items with any signal: 1 of 1 (100%)" in result.output
    assert "false positives: 1" in result.output and "- senior-debate (" in result.output
    assert "rule mentors_in_reviews.explains_to_junior (" in result.output and "author_junior=\"junior\"" in \
        result.output
    assert "false negatives: 1" in result.output and "short-guide" in result.output


def test_errors_limits_the_mistakes_shown(tmp_path):
    result = run(str(corpus(tmp_path)), "--errors", "0")
    assert "false positives: 1 (0 shown, --errors N for more)" in result.output
    assert "senior-debate (" not in result.output


def test_gates_exit_1_when_micro_precision_or_recall_is_low(tmp_path):
    path = str(corpus(tmp_path))  # precision 2/3, recall 2/3
    assert run(path, "--min-precision", "0.6", "--min-recall", "0.6").exit_code == 0
    low = run(path, "--min-precision", "0.7")
    assert low.exit_code == 1 and "micro precision 0.67 is under --min-precision 0.70" in low.output
    assert run(path, "--min-recall", "0.9").exit_code == 1
    assert run(path, "--min-recall", "1.5").exit_code == 2  # not a fraction


def test_json_carries_every_figure_and_result(tmp_path):
    result = run(str(corpus(tmp_path)), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["items"] == 4 and data["rules"]["layers"] == ["default"]
    assert (data["micro"]["tp"], data["micro"]["fp"], data["micro"]["fn"]) == (2, 1, 1)
    assert data["per_indicator"]["writes_documentation"]["recall"] == 0.5
    assert data["hard_negatives"] == {"items": 1, "with_signal": 1, "rate": 1.0}
    assert [m["item"] for m in data["false_positives"]] == ["senior-debate"]
    assert data["false_positives"][0]["signals"][0]["why"]["conditions"]["author_junior"] == "junior"
    assert {r["item"] for r in data["results"]} == {"mentor", "guide", "senior-debate", "short-guide"}


def test_indicator_and_rules_options(tmp_path, monkeypatch, capsys):
    path = str(corpus(tmp_path))
    data = json.loads(run(path, "--json", "--indicator", "writes_documentation").stdout)
    assert list(data["per_indicator"]) == ["writes_documentation"] and data["micro"]["fp"] == 0
    code, err = run_main(monkeypatch, capsys, path, "--indicator", "writes_docs")
    assert code == 2
    assert "--indicator: unknown indicator 'writes_docs' hint: did you mean 'writes_documentation'?" in err
    (tmp_path / "off.yaml").write_text("overrides:\n  - id: mentors_in_reviews.explains_to_junior\n"
                                       "    enabled: false\n")
    off = json.loads(run(path, "--json", "--rules", "default", "--rules", str(tmp_path / "off.yaml")).stdout)
    assert off["micro"]["fp"] == 0 and off["per_indicator"]["mentors_in_reviews"]["fn"] == 1
