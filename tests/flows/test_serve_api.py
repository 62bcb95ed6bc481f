"""``leadsig serve`` without PREFECT_API_URL runs ONE local Prefect API for all its runs: the flow runs it
starts (child processes) inherit its URL instead of each starting a temporary API on the same database,
which made two overlapping runs time out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import prefect
import pytest
from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

from leadsig.flows import serve as serve_module
from leadsig.flows.serve import serve_deployments, write_starter

CHILD = "import os, httpx; print(httpx.get(os.environ['PREFECT_API_URL'] + '/health', timeout=30).status_code)"


def test_serve_starts_one_api_that_overlapping_runs_share(tmp_path: Path, monkeypatch) -> None:
    write_starter(tmp_path)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    seen: dict = {}

    def fake_serve(*deployments) -> None:  # what prefect.serve's runner hands each flow run it starts
        url = get_current_settings().api.url
        env = {**os.environ, **get_current_settings().to_environment_variables(exclude_unset=True)}
        runs = [subprocess.Popen([sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE, text=True)
                for _ in range(2)]  # two overlapping runs
        seen.update(url=url, child_url=env.get("PREFECT_API_URL"), names=[d.name for d in deployments],
                    children=[r.communicate(timeout=60)[0].strip() for r in runs])

    monkeypatch.setattr(prefect, "serve", fake_serve)
    lines: list[str] = []
    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
        serve_deployments(tmp_path / "leadsig.yaml", say=lines.append)
    assert seen["url"] and seen["url"].startswith("http://127.0.0.1:")
    assert seen["child_url"] == seen["url"] and seen["children"] == ["200", "200"]
    assert seen["names"] == ["nightly", "monthly-report"]
    assert seen["url"] in lines[0]
    assert "PREFECT_API_URL" not in os.environ  # restored, and the server is gone
    with pytest.raises(httpx.TransportError):
        httpx.get(seen["url"] + "/health", timeout=2)


def test_a_configured_api_is_used_and_nothing_is_started(monkeypatch) -> None:
    from prefect.server.api import server

    monkeypatch.setattr(server.SubprocessASGIServer, "start", lambda *a, **k: pytest.fail("started a server"))
    with temporary_settings(updates={PREFECT_API_URL: "http://prefect.example:4200/api"}), \
            serve_module.local_api(say=lambda _: None) as url:
        assert url == "http://prefect.example:4200/api"
