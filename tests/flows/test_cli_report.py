"""``leadsig report monthly`` and ``leadsig report packet`` from the command line, errors exit 2."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from clirun import run_cli, write_config
from sqlalchemy import insert

from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse

AT = datetime(2026, 10, 5, tzinfo=UTC)


@pytest.fixture
def config(tmp_path):
    engine = open_warehouse(f"sqlite:///{tmp_path / 'w.db'}")
    with engine.begin() as conn:
        conn.execute(insert(m.Person), [{"id": "ana", "name": "Ana", "team": "payments", "level": "senior",
                                         "start_date": date(2023, 1, 1), "timezone": "UTC", "region": "Europe"}])
        conn.execute(insert(m.Activity), [{
            "id": "github:github.com:pr_review:1", "forge": "github", "host": "github.com", "kind": "pr_review",
            "native_id": "1", "repo": "acme/api", "actor_login": "ana", "person_id": "ana", "occurred_at": AT,
            "url": "https://github.com/acme/api/pull/1#pullrequestreview-1", "parent_title": "Retry budget",
            "content_hash": "x", "mined_at": AT}])
        conn.execute(insert(m.Signal), [{
            "activity_id": "github:github.com:pr_review:1", "rule_id": "r", "rule_version": 1, "rule_hash": "h",
            "person_id": "ana", "signal_type": "technical", "indicator": "reviews_proactively", "impact": "high",
            "evidence_url": "https://github.com/acme/api/pull/1#pullrequestreview-1", "occurred_at": AT,
            "summary": "reviewed", "why": {}, "classified_at": AT}])
    engine.dispose()
    return write_config(tmp_path, "warehouse: sqlite:///w.db\nreports: {out_dir: out, min_group_size: 1}\n")



def test_monthly_writes_three_formats(monkeypatch, capsys, config):
    code, out, _ = run_cli(monkeypatch, capsys, "report", "monthly", "--month", "2026-10", "--config", str(config))
    assert code == 0
    for fmt, ext in (("md", "md"), ("html", "html"), ("csv", "csv")):
        path = config.parent / "out" / f"leadsig-2026-10.{ext}"
        assert f"{fmt}: {path}" in out and path.exists()
    assert "Retry budget" in (config.parent / "out" / "leadsig-2026-10.md").read_text()


def test_packet_writes_markdown_and_html(monkeypatch, capsys, config):
    code, out, _ = run_cli(monkeypatch, capsys, "report", "packet", "--person", "ana", "--config", str(config))
    assert code == 0
    md, html = (Path(line.split(": ", 1)[1]) for line in out.splitlines())
    assert out.startswith("md: ") and md.suffix == ".md" and html.suffix == ".html"
    assert md.read_text().startswith("# Promotion packet: Ana, ")
    assert "<title>Promotion packet: Ana, " in html.read_text()


@pytest.mark.parametrize(("args", "needle"), [
    (("monthly", "--month", "2026-13"), "--month"),
    (("monthly", "--month", "2026-10", "--team", "paymnts"), "did you mean 'payments'?"),
    (("packet", "--person", "anna"), "did you mean 'ana' ("),
])
def test_user_errors_exit_2_with_a_hint(monkeypatch, capsys, config, args, needle):
    code, _, err = run_cli(monkeypatch, capsys, "report", *args, "--config", str(config))
    assert code == 2 and needle in err
    assert not (config.parent / "out").exists()
