"""run_simulator and the config/roster it writes."""

from __future__ import annotations

import threading
import time

import requests
from ruamel.yaml import YAML

from leadsig.simulator.cli import run_simulator


def test_run_simulator_writes_config_and_serves(tmp_path) -> None:
    stop, lines = threading.Event(), []
    cfg = tmp_path / "leadsig.yaml"
    t = threading.Thread(
        target=run_simulator,
        kwargs=dict(size="tiny", seed=3, write_config_path=cfg, stop=stop, echo=lines.append),
        daemon=True,
    )
    t.start()
    for _ in range(100):
        if cfg.exists() and (tmp_path / "people.yaml").exists() and any("wrote" in x for x in lines):
            break
        time.sleep(0.05)
    url = lines[0].split()[2]
    assert requests.get(f"{url}/orgs/acme").status_code == 200
    config = YAML(typ="safe").load(cfg.read_text())
    assert config["roster"] == "people.yaml" and config["warehouse"].endswith("leadsig.db")
    kinds = {s["kind"]: s for s in config["sources"]}
    assert kinds["github"]["url"] == url and kinds["github"]["orgs"] == ["acme"]
    assert kinds["gitlab"]["groups"] == ["acme"] and "token_env" not in kinds["gitlab"]
    assert all(s["seconds_between_requests"] == 0 for s in config["sources"])
    people = YAML(typ="safe").load((tmp_path / "people.yaml").read_text())["people"]
    assert people and {"id", "github", "gitlab", "emails", "timezone"} <= set(people[0])
    stop.set()
    t.join(5)
    assert not t.is_alive()
