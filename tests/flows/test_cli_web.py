"""``leadsig web invite`` prints a link that signs in once; ``rules test`` and ``rules diff`` show each rule's
observed precision once people have dismissed its signals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert
from typer.testing import CliRunner

from leadsig.errors import UserError
from leadsig.flows.cli import app
from leadsig.warehouse import models as m
from leadsig.warehouse.db import open_warehouse
from leadsig.warehouse.feedback import dismiss
from leadsig.warehouse.invites import redeem

runner = CliRunner()
CONFIG = """warehouse: sqlite:///warehouse.db
roster: people.yaml
rules: [./local]
web:
  invite_hours: 5
  roles:
    mona: {role: manager, teams: [payments]}
"""
RULE = """rules:
  - id: local.sample
    version: 1
    type: technical
    indicator: reviews_proactively
    kinds: [pr_review]
    conditions:
      explains: {field: body, contains: because}
    match: explains
    summary: "{actor_login} reviewed"
    examples:
      - name: explains
        expect: low
        activity: {kind: pr_review, body: "no, because the lock is held"}
"""
PEOPLE = """people:
  - {id: pat, name: Pat, team: payments, github: [pat]}
  - {id: mona, name: Mona, team: leads, github: [mona]}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "people.yaml").write_text(PEOPLE)
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "sample.yaml").write_text(RULE)
    path = tmp_path / "leadsig.yaml"
    path.write_text(CONFIG)
    return path


def run(*args: str):  # noqa: ANN202
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_invite_prints_a_single_use_link(config: Path) -> None:
    result = run("web", "invite", "--person", "pat", "--url", "https://leadsig.example", "--config", str(config))
    assert result.exit_code == 0, result.output
    link = result.stdout.strip().splitlines()[-1]
    assert link.startswith("https://leadsig.example/signin/")
    engine = open_warehouse(f"sqlite:///{config.parent / 'warehouse.db'}")
    token = link.rsplit("/", 1)[1]
    assert redeem(engine, token)[0].person_id == "pat"
    assert redeem(engine, token) == (None, "used")
    engine.dispose()


@pytest.mark.parametrize(("args", "message"), [(["--person", "pta"], "did you mean 'pat'"),
                                               (["--person", "pat", "--role", "manager"], "manages no team"),
                                               (["--person", "pat", "--role", "boss"], "unknown role")])
def test_invite_refuses_what_cannot_work(config: Path, args: list[str], message: str) -> None:
    with pytest.raises(UserError, match=message):
        run("web", "invite", *args, "--config", str(config))


def test_rules_test_and_diff_show_observed_precision(config: Path, tmp_path: Path) -> None:
    engine = open_warehouse(f"sqlite:///{tmp_path / 'warehouse.db'}")
    at = datetime(2026, 10, 1, tzinfo=UTC)
    rule = "local.sample"  # a one-rule layer keeps `rules test` and `rules diff` fast
    with engine.begin() as conn:
        for n in (1, 2, 3, 4):
            conn.execute(insert(m.Activity), [{"id": f"a{n}", "forge": "github", "host": "github.com",
                                               "kind": "pr_review", "native_id": str(n), "repo": "acme/api",
                                               "actor_login": "pat", "person_id": "pat", "occurred_at": at,
                                               "url": f"https://github.com/acme/api/pull/{n}", "content_hash": "x",
                                               "mined_at": at}])
            conn.execute(insert(m.Signal), [{"activity_id": f"a{n}", "rule_id": rule, "rule_version": 1,
                                             "rule_hash": "h", "person_id": "pat", "signal_type": "technical",
                                             "indicator": "reviews_proactively", "impact": "low",
                                             "evidence_url": f"https://github.com/acme/api/pull/{n}",
                                             "occurred_at": at, "classified_at": at}])
    dismiss(engine, "a1", rule, "wrong", "a drive-by approval", "pat")
    engine.dispose()
    line = f"{rule}: observed precision 0.75 (1 of 4 stored signals dismissed as wrong or duplicate)"
    assert line in run("rules", "test", "--config", str(config)).stdout
    data = json.loads(run("rules", "diff", "--base", "./local", "--format", "json", "--config", str(config)).stdout)
    assert line in data["observed_precision"]


def test_leadsig_web_serves_with_its_security_headers(config: Path) -> None:
    """The command itself: uvicorn on the given port, the CSP on every answer, 401 before signing in."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "leadsig", "web", "--port", str(port), "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/person/pat", timeout=5)
            except urllib.error.HTTPError as exc:
                answer = exc
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else ""
                time.sleep(0.2)
        assert answer.code == 401
        assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    finally:
        proc.terminate()
        proc.wait(20)
