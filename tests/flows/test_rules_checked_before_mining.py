"""A broken rule layer stops `leadsig mine` before the first request: nothing mined, nothing stored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from simconfig import write_sim_config
from sqlalchemy import create_engine, inspect, text

from leadsig.simulator import ForgeSimulator


@pytest.mark.parametrize("layer,message", [
    ("./rules-missing", "rules layer './rules-missing' not found"),
    ("./bad.yaml", "unknown indicator"),
])
def test_a_bad_rule_layer_is_reported_before_anything_is_mined(tmp_path: Path, layer: str, message: str) -> None:
    (tmp_path / "bad.yaml").write_text("rules:\n  - id: x.y\n    version: 1\n    type: technical\n"
                                       "    indicator: mentoring\n    kinds: [pr_review]\n"
                                       "    conditions: {a: {field: body, says: hi}}\n    match: a\n    summary: s\n")
    db = tmp_path / "w.db"
    with ForgeSimulator(size="tiny", seed=3) as sim:
        cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, f"sqlite:///{db}")
        cfg.write_text(cfg.read_text() + f"rules: [default, {layer}]\n")
        sim.reset_requests()
        proc = subprocess.run([sys.executable, "-m", "leadsig", "mine", "--config", str(cfg)], cwd=tmp_path,
                              capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"}, timeout=300)
        served = sim.request_count()
    err = " ".join(proc.stderr.split())
    assert proc.returncode == 2, err
    assert message in err
    assert served == 0
    if db.exists():
        engine = create_engine(f"sqlite:///{db}")
        if "activities" in inspect(engine).get_table_names():
            with engine.connect() as conn:
                assert conn.execute(text("select count(*) from activities")).scalar() == 0
