"""A corpus of bad input through the real command line: each exits non-zero, names the file and line or the
argument, and leaves the warehouse exactly as it was."""

from __future__ import annotations

from pathlib import Path

import clirun
import pytest
from dumps import dump
from factories import make_activity, make_person, make_resolver

from leadsig.warehouse import store
from leadsig.warehouse.db import open_warehouse

GOOD_CONFIG = """warehouse: sqlite:///{db}
roster: people.yaml
teams:
  payments: {{repos: ["acme/*"]}}
sources:
  - kind: github
    name: gh
    url: http://127.0.0.1:9
    orgs: [acme]
"""
GOOD_ROSTER = "people:\n  - id: alice\n    team: payments\n    github: [alice]\n"

# name -> (files to write {name: text or bytes}, argv, expected substrings in stderr)
CASES: dict[str, tuple[dict[str, str | bytes], list[str], list[str]]] = {
    "month out of range": ({}, ["report", "monthly", "--month", "2026-13"], ["--month", "2026-13"]),
    "month wrong shape": ({}, ["report", "monthly", "--month", "26-10"], ["--month", "YYYY-MM"]),
    "month without padding": ({}, ["report", "monthly", "--month", "2026-1"], ["--month"]),
    "unknown team": ({}, ["report", "monthly", "--month", "2026-10", "--team", "paymnts"], ["--team", "payments"]),
    "unknown person packet": ({}, ["report", "packet", "--person", "alcie"], ["--person", "alice"]),
    "months zero": ({}, ["report", "packet", "--person", "alice", "--months", "0"], ["--months"]),
    "since not a date": ({}, ["mine", "--since", "2026-02-30"], ["--since", "YYYY-MM-DD"]),
    "unknown source": ({}, ["mine", "--source", "gitlab"], ["--source", "gh"]),
    "classify since": ({}, ["classify", "--since", "yesterday"], ["--since"]),
    "export unknown person": ({}, ["export", "--person", "bob"], ["--person", "bob"]),
    "forget bad login": ({}, ["forget", "--login", "bitbucket:x", "--yes"], ["--login", "github:LOGIN"]),
    "audit unknown person": ({}, ["audit", "--person", "zed"], ["--person", "zed"]),
    "simulate bad size": ({}, ["simulate", "--size", "gigantic"], ["--size", "tiny"]),
    "config missing": ({}, ["classify", "--config", "nope.yaml"], ["nope.yaml", "not found"]),
    "config is a directory": ({"adir/x": ""}, ["classify", "--config", "adir"], ["adir", "is a directory"]),
    "config empty": ({"e.yaml": ""}, ["classify", "--config", "e.yaml"], ["e.yaml:1", "empty"]),
    "config latin-1": (
        {"l.yaml": "warehouse: x\n# caf\xe9\n".encode("latin-1")},
        ["classify", "--config", "l.yaml"],
        ["l.yaml:2", "UTF-8"],
    ),
    "config huge": ({"h.yaml": b"#" * (6 * 1024 * 1024)}, ["classify", "--config", "h.yaml"], ["h.yaml", "limit"]),
    "config tab indent": (
        {"t.yaml": "sources:\n\t- kind: github\n"},
        ["classify", "--config", "t.yaml"],
        ["t.yaml:2", "YAML syntax"],
    ),
    "config unknown key": (
        {"u.yaml": "warehouse: sqlite:///x.db\nsorces: []\n"},
        ["classify", "--config", "u.yaml"],
        ["u.yaml:2", "sources"],
    ),
    "config wrong type": ({"w.yaml": "rules: 3\n"}, ["classify", "--config", "w.yaml"], ["w.yaml:1", "list"]),
    "roster missing": ({"people.yaml": None}, ["classify"], ["people.yaml", "not found"]),
    "roster duplicate id": (
        {"people.yaml": GOOD_ROSTER + "  - id: alice\n"},
        ["classify"],
        ["people.yaml:5", "duplicate id"],
    ),
    "roster unknown team": (
        {"people.yaml": "people:\n  - id: bo\n    team: payment\n"},
        ["classify"],
        ["people.yaml:3", "payments"],
    ),
    "roster not a list": ({"people.yaml": "people: alice\n"}, ["classify"], ["people.yaml:1", "list"]),
    "roster bad yaml": ({"people.yaml": "people:\n  - id: [\n"}, ["classify"], ["people.yaml:3", "YAML syntax"]),
    "token variable unset": (
        {
            "leadsig.yaml": "warehouse: sqlite:///{db}\nsources:\n  - kind: github\n"
            "    token_env: LEADSIG_TEST_UNSET_TOKEN\n    orgs: [a]\n"
        },
        ["mine"],
        ["LEADSIG_TEST_UNSET_TOKEN", "export"],
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site")
    db = root / "w.db"
    (root / "leadsig.yaml").write_text(GOOD_CONFIG.format(db=db), encoding="utf-8")
    (root / "people.yaml").write_text(GOOD_ROSTER, encoding="utf-8")
    engine = open_warehouse(f"sqlite:///{db}")
    resolver = make_resolver(make_person("alice"))
    store.sync_roster(engine, resolver.roster, resolver)
    store.save_batch(engine, "gh", "acme/api", "review_comments", [make_activity() for _ in range(5)], None, resolver)
    engine.dispose()
    return root


def run_cli(
    argv: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    code, out, err = clirun.run_cli(monkeypatch, capsys, *argv)
    return code, err + out


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_named_and_changes_nothing(
    name: str, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    files, argv, expected = CASES[name]
    work = tmp_path / "w"
    work.mkdir()
    db = site / "w.db"
    (work / "leadsig.yaml").write_text(GOOD_CONFIG.format(db=db), encoding="utf-8")
    (work / "people.yaml").write_text(GOOD_ROSTER, encoding="utf-8")
    for rel, content in files.items():
        target = work / rel
        if content is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content.replace("{db}", str(db)), encoding="utf-8")
    engine = open_warehouse(f"sqlite:///{db}")
    before = dump(engine)
    code, text = run_cli(argv, work, monkeypatch, capsys)
    assert code != 0, text
    for piece in expected:
        assert piece in text, f"{piece!r} not in:\n{text}"
    assert dump(engine) == before
    assert not (work / "reports").exists()
    engine.dispose()
