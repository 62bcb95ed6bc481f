"""git gets the token through its environment only: a canary token is in no process's argv while clones
and fetches run, nowhere in the cache folder (``.git/config`` included), in no log line; and when git
cannot clone, commits come through the API and the run says so once."""

from __future__ import annotations

import base64
import logging
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from leadsig.activity import COMMIT
from leadsig.config import DEFAULT_BOT_PATTERNS, DEFAULT_PATH_GROUPS, Config, ScheduleConfig, SourceConfig
from leadsig.simulator import ForgeSimulator
from leadsig.warehouse import models as m
from tests.support.mining import FORGES, first_run

CANARY = "lscanary-Gt5Vb8Jq2Wx7Rk4Mz9"
FORMS = [CANARY.encode()] + [base64.b64encode(f"{u}:{CANARY}".encode()) for u in ("x-access-token", "oauth2")]


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(size="tiny", seed=5) as s:
        s.switches.git_needs_token = True  # private repositories: git must authenticate
        yield s


def config(tmp_path: Path, url: str, forge: str, token_env: str | None) -> Config:
    scope = {"orgs": ["acme"]} if forge == "github" else {"groups": ["acme"]}
    src = SourceConfig(kind=forge, url=url, name=forge, seconds_between_requests=0, max_retries=2,
                       token_env=token_env, git_cache=tmp_path / "cache", **scope)  # type: ignore[arg-type]
    return Config(path=tmp_path / "leadsig.yaml", warehouse=f"sqlite:///{tmp_path / 'w'}.db", roster=None,
                  since=date(2000, 1, 1), rules=["default"], path_groups=dict(DEFAULT_PATH_GROUPS), sources=[src],
                  teams={}, schedule=ScheduleConfig(), reports_out_dir=tmp_path, bot_patterns=DEFAULT_BOT_PATTERNS)


def watch_argv(stop: threading.Event, seen: list[bytes]) -> None:
    """Every git process's command line while mining runs (what ``ps`` shows)."""
    while not stop.is_set():
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                text = cmdline.read_bytes()
            except OSError:
                continue
            if b"git" in text.split(b"\0", 1)[0]:
                seen.append(text)


@pytest.mark.parametrize("forge", FORGES)
def test_the_token_is_in_no_argv_cache_file_or_log_line(sim, tmp_path, forge, monkeypatch, caplog):
    monkeypatch.setenv("LEADSIG_GIT_CANARY", CANARY)
    sim.reset_requests()
    seen: list[bytes] = []
    stop = threading.Event()
    watcher = threading.Thread(target=watch_argv, args=(stop, seen), daemon=True)
    watcher.start()
    try:
        with caplog.at_level(logging.DEBUG):
            cfg = config(tmp_path, sim.url, forge, "LEADSIG_GIT_CANARY")
            first_run(cfg)
    finally:
        stop.set()
        watcher.join()
    assert sim.request_count("GET /{repo}.git/info/refs") >= 1
    assert not [s for (meth, path, s) in sim.log if ".git/" in path and s != 200]  # authenticated every time
    assert any(b"clone" in s or b"fetch" in s or b"remote-http" in s for s in seen), "no git process was seen"
    for form in FORMS:
        assert not [s for s in seen if form in s]
        assert form.decode() not in caplog.text
        hits = [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and form in p.read_bytes()]
        assert not hits, hits
    configs = list((tmp_path / "cache").rglob("config"))
    assert configs and all("extraheader" not in p.read_text().lower() for p in configs)


def test_when_the_forge_refuses_the_clone_commits_come_through_the_api_said_once(sim, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="leadsig.mine.git"):
        engine = first_run(config(tmp_path, sim.url, "github", None))  # no token: the private clone is refused
    said = [r for r in caplog.records if "reading commits through the API" in r.getMessage()]
    assert len(said) == 1 and "git clone failed" in said[0].getMessage()  # two repos, one message
    with engine.connect() as conn:
        assert conn.execute(select(m.Activity.id).where(m.Activity.kind == COMMIT)).first() is not None


def test_without_a_git_binary_commits_come_through_the_api(sim, tmp_path, caplog, monkeypatch):
    monkeypatch.setattr("leadsig.miners.git_stream.git_binary", lambda: None)
    with caplog.at_level(logging.WARNING, logger="leadsig.mine.git"):
        engine = first_run(config(tmp_path, sim.url, "gitlab", None))
    said = [r.getMessage() for r in caplog.records if "reading commits through the API" in r.getMessage()]
    assert len(said) == 1 and "no git binary" in said[0]
    with engine.connect() as conn:
        assert conn.execute(select(m.Activity.id).where(m.Activity.kind == COMMIT)).first() is not None
