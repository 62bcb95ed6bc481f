"""When git cannot clone, the nightly flow says "commits through the API" once per source, not once per
repository: each repository task builds its own miner, and an operator reads one line, not twenty."""

from __future__ import annotations

import logging
from pathlib import Path

from simconfig import write_sim_config

from leadsig.simulator.server import ForgeSimulator


class Kept(logging.Handler):
    """The git logger's records (Prefect's logging setup keeps them from pytest's caplog)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_refused_clone_is_said_once_per_source_in_a_nightly_run(prefect_harness, tmp_path: Path,
                                                                 sqlite_url: str) -> None:
    from leadsig.flows.nightly import nightly

    logger, kept = logging.getLogger("leadsig.mine.git"), Kept()
    level = logger.level
    logger.addHandler(kept)
    logger.setLevel(logging.DEBUG)
    try:
        with ForgeSimulator(size="tiny", seed=11) as sim:
            sim.switches.git_needs_token = True  # private repositories, and the config gives no token: git gets 401
            cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, sqlite_url, gitlab=False)
            state = nightly(config_path=str(cfg), return_state=True)
            repos = {"gh": sim.org.repos_of("github")}
    finally:
        logger.removeHandler(kept)
        logger.setLevel(level)
    assert state.is_completed(), state.message
    assert len(repos["gh"]) >= 2
    for source, in_source in repos.items():
        said = [r.getMessage() for r in kept.records if r.levelno == logging.WARNING
                and r.getMessage().startswith(f"source {source}: reading commits through the API")]
        quiet = [r for r in kept.records if r.levelno == logging.DEBUG and "commits through the API" in r.getMessage()
                 and any(r.getMessage().startswith(repo.full_name + ":") for repo in in_source)]
        assert len(said) == 1, said
        assert "Authentication failed" in said[0]
        assert len(quiet) == len(in_source) - 1  # every other repository fell back too, quietly
