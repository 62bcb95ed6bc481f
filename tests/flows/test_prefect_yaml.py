"""prefect.yaml's deployments point at real flows with parameters those flows accept."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_deployments_name_real_flows_and_parameters() -> None:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    assert {d["name"] for d in spec["deployments"]} >= {"nightly-github", "nightly-gitlab", "monthly-report"}
    for dep in spec["deployments"]:
        path, func = dep["entrypoint"].split(":")
        module_spec = importlib.util.spec_from_file_location("entry", ROOT / path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        flow = getattr(module, func)
        accepted = set(inspect.signature(flow.fn).parameters)
        assert set(dep["parameters"]) <= accepted, dep["name"]
        assert dep["work_pool"]["name"] == "leadsig"
        assert all(len(s["cron"].split()) == 5 for s in dep["schedules"])
