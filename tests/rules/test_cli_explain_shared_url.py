"""``rules explain URL`` when several stored activities share the URL (a PR opened and merged): it lists them
all and explains the one that carries the signal, so it cannot contradict the report that links there."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

from factories import make_activity
from typer.testing import CliRunner

from leadsig.flows.cli import app
from leadsig.rules.matcher.classify import classify_warehouse

URL = "https://github.com/acme/payments-core/pull/1"
MERGED_ONLY = textwrap.dedent("""\
    rules:
      - id: local.merged_refunds
        version: 1
        type: communication
        indicator: writes_documentation
        kinds: [pr_merged]
        conditions:
          refunds: {field: parent_title, contains: refunds}
        match: refunds
        summary: "{actor_login} merged refunds"
    """)


def _thread_with_merge() -> list:
    """bob opens PR 1 and merges it the same day: two activities, one evidence URL."""
    base = {"repo": "acme/payments-core", "parent_number": 1, "parent_title": "Add refunds", "parent_author": "bob",
            "native_id": "acme/payments-core#1", "actor_login": "bob", "url": URL, "body": "Adds refunds."}
    return [make_activity(kind="pr_opened", occurred_at=datetime(2026, 3, 2, 9, tzinfo=UTC), **base),
            make_activity(kind="pr_merged", occurred_at=datetime(2026, 3, 2, 17, tzinfo=UTC), **base)]


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_a_shared_url_lists_every_activity_and_explains_the_one_with_the_signal(seeded, tmp_path):
    (tmp_path / "rules-local").mkdir()
    (tmp_path / "rules-local" / "merged.yaml").write_text(MERGED_ONLY)
    engine, cfg = seeded(["default", "./rules-local"], _thread_with_merge())
    classify_warehouse(engine, cfg)
    out = run("rules", "explain", URL, "--config", str(cfg.path)).output
    assert "2 stored activities share this URL:" in out
    assert "github:github.com:pr_merged:acme/payments-core#1 (pr_merged): signals: local.merged_refunds" in out
    assert "github:github.com:pr_opened:acme/payments-core#1 (pr_opened): no signal" in out
    explained = [line for line in out.splitlines() if line.startswith("github:github.com:")]
    assert explained == ["github:github.com:pr_merged:acme/payments-core#1"]
    assert "- local.merged_refunds v1 [writes_documentation]: MATCH" in out


def test_with_no_signal_on_either_both_are_explained(seeded):
    _, cfg = seeded(None, _thread_with_merge())
    out = run("rules", "explain", URL, "--config", str(cfg.path)).output
    assert "2 stored activities share this URL:" in out and "none carries a signal" in out
    explained = [line for line in out.splitlines() if line.startswith("github:github.com:")]
    assert sorted(explained) == ["github:github.com:pr_merged:acme/payments-core#1",
                                 "github:github.com:pr_opened:acme/payments-core#1"]
