"""``leadsig packet sign`` from the command line: recorded, logged, shown in the next packet; mistakes exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from clirun import run_cli, write_config

from leadsig.warehouse import signoff
from leadsig.warehouse.db import open_warehouse
from leadsig.warehouse.trust import access_entries

ROSTER = """\
people:
  - {id: ana, name: Ana Lima, team: payments}
  - {id: bo, name: Bo Berg, team: payments}
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    body = "warehouse: sqlite:///w.db\nroster: people.yaml\nrules: []\nreports: {out_dir: out}\n"
    return write_config(tmp_path, body, ROSTER)



def test_sign_records_logs_and_says_whether_three_agree(monkeypatch, capsys, config: Path) -> None:
    for who, decision in (("Dana Ortiz", "agree"), ("Eli Park", "agree"), ("Fay Chen", "agree")):
        code, out, _ = run_cli(monkeypatch, capsys, "packet", "sign", "--person", "ana", "--by", who,
                            "--decision", decision, "--note", "ready", "--config", str(config), "--as", "chair")
        assert code == 0
    assert out.strip() == 'recorded: Fay Chen agrees. 3 agree, 0 disagree; "at least 3 senior leaders agree" holds.'
    engine = open_warehouse(f"sqlite:///{config.parent / 'w.db'}")
    assert [r["signed_by"] for r in signoff.rows(engine, "ana")] == ["Dana Ortiz", "Eli Park", "Fay Chen"]
    assert [(e["viewer"], e["action"]) for e in access_entries(engine, "ana")] == [("chair", "packet-sign")] * 3
    engine.dispose()
    code, out, _ = run_cli(monkeypatch, capsys, "report", "packet", "--person", "ana", "--config", str(config),
                        "--months", "1")
    md = Path(out.splitlines()[0].split(": ", 1)[1]).read_text()
    assert '"At least 3 senior leaders agree": **holds** (3 agree, 0 disagree).' in md


@pytest.mark.parametrize(("args", "needle"), [
    (("--person", "anna", "--by", "Dana", "--decision", "agree"), "did you mean 'ana'"),
    (("--person", "ana", "--by", "Dana", "--decision", "perhaps"), "--decision"),
    (("--person", "ana", "--by", " ", "--decision", "agree"), "--by"),
])
def test_mistakes_exit_2_and_store_nothing(monkeypatch, capsys, config: Path, args, needle) -> None:
    code, _, err = run_cli(monkeypatch, capsys, "packet", "sign", *args, "--config", str(config))
    assert code == 2 and needle in err
    engine = open_warehouse(f"sqlite:///{config.parent / 'w.db'}")
    assert signoff.rows(engine, "ana") == [] and access_entries(engine, "ana") == []
    engine.dispose()
