"""The nightly flow under Prefect: mines both forges, classifies, records the run, fails only what failed."""

from __future__ import annotations

from pathlib import Path

from simconfig import write_sim_config
from sqlalchemy import create_engine, select

from leadsig.simulator.server import ForgeSimulator
from leadsig.warehouse import models as m


def _runs(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(m.MiningRun.__table__).order_by(m.MiningRun.id)).all()
    engine.dispose()
    return rows


def test_nightly_mines_both_forges_and_records_the_run(prefect_harness, tmp_path: Path, sqlite_url: str) -> None:
    from leadsig.flows.nightly import nightly

    with ForgeSimulator(size="tiny", seed=11) as sim:
        cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, sqlite_url)
        state = nightly(config_path=str(cfg), return_state=True)
    assert state.is_completed(), state.message
    (run,) = _runs(sqlite_url)
    assert run.status == "ok"
    kinds = run.counts["activities"]
    assert kinds.get("pr_review", 0) > 0 and kinds.get("review_comment", 0) > 0 and kinds.get("issue_comment", 0) > 0
    assert run.requests > 0
    # the simulated org ends 2025-06-30, so the default 12-month retention has old activity to delete
    assert run.counts["retention_deleted"]["activities"] > 0


def test_one_failing_repo_fails_the_run_but_not_the_others(prefect_harness, tmp_path: Path, sqlite_url: str) -> None:
    from leadsig.flows.nightly import nightly

    with ForgeSimulator(size="tiny", seed=11) as sim:
        cfg = write_sim_config(
            tmp_path / "leadsig.yaml", sim.url, sqlite_url, gitlab=False, extra_repos=["acme/does-not-exist"]
        )
        state = nightly(config_path=str(cfg), return_state=True)
    assert state.is_failed()
    (run,) = _runs(sqlite_url)
    assert run.status == "failed"
    assert list(run.errors) == ["gh/acme/does-not-exist"]
    assert sum(run.counts["activities"].values()) > 0  # the other repos were mined


def test_two_nightly_runs_at_once_end_like_one_run(prefect_harness, tmp_path: Path, warehouse_url: str) -> None:
    """Two nightly flow runs started together on one warehouse leave exactly the rows of a single run."""
    import threading

    from dumps import dump

    from leadsig.flows.nightly import nightly
    from leadsig.warehouse.db import open_warehouse

    with ForgeSimulator(size="tiny", seed=5) as sim:
        (tmp_path / "single").mkdir()
        one_url = f"sqlite:///{tmp_path / 'single' / 'w.db'}"
        assert nightly(config_path=str(write_sim_config(tmp_path / "single" / "leadsig.yaml", sim.url, one_url)),
                       return_state=True).is_completed()
        cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, warehouse_url)
        states = []
        threads = [threading.Thread(target=lambda: states.append(nightly(config_path=str(cfg), return_state=True)))
                   for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(states) == 2 and all(s.is_completed() for s in states)
    assert dump(open_warehouse(warehouse_url)) == dump(open_warehouse(one_url))
    assert len(_runs(warehouse_url)) == 2


def test_the_run_counts_every_request_the_forge_served(prefect_harness, tmp_path: Path, sqlite_url: str) -> None:
    """Listing the org's repos and every repo's requests, as the forge saw them: nothing goes uncounted."""
    from leadsig.flows.nightly import nightly

    with ForgeSimulator(size="tiny", seed=11) as sim:
        cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, sqlite_url)
        state = nightly(config_path=str(cfg), return_state=True)
        served = sim.request_count()
    assert state.is_completed(), state.message
    (run,) = _runs(sqlite_url)
    assert run.requests == served


def test_requests_of_attempts_that_failed_after_their_retries_are_counted(
    prefect_harness, tmp_path: Path, sqlite_url: str, monkeypatch
) -> None:
    from leadsig.flows import nightly as nightly_module

    monkeypatch.setattr(nightly_module, "mine_repo_task", nightly_module.mine_repo_task.with_options(
        retries=2, retry_delay_seconds=0))
    with ForgeSimulator(size="tiny", seed=11) as sim:
        cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, sqlite_url, gitlab=False)
        text = cfg.read_text().replace("max_retries: 10", "max_retries: 0")
        cfg.write_text(text)
        sim.switches.failing = ("acme/api",)  # every request of this repo gets a 503, every time
        state = nightly_module.nightly(config_path=str(cfg), return_state=True)
        served = sim.request_count()
        failed_requests = sim.statuses.get(503, 0)
    assert state.is_failed()
    (run,) = _runs(sqlite_url)
    assert list(run.errors) == ["gh/acme/api"]
    assert failed_requests >= 3  # three attempts of the failing repo reached the forge
    assert run.requests == served  # and every one of them is in the run's count


def test_a_refused_graphql_query_is_not_asked_again_for_every_repo(
    prefect_harness, tmp_path: Path, sqlite_url: str, monkeypatch
) -> None:
    """An Enterprise Server without a field of the query: the source's later repos go straight to REST."""
    from leadsig.flows.nightly import PER_HOST, nightly
    from leadsig.miners import github_graphql

    for query in ("PULLS_QUERY", "PULLS_NESTED_QUERY"):  # a first run asks the one nesting comments
        monkeypatch.setattr(github_graphql, query, getattr(github_graphql, query).replace("isDraft", "isDraftX"))
    with ForgeSimulator(size="small", seed=11) as sim:
        cfg = write_sim_config(tmp_path / "leadsig.yaml", sim.url, sqlite_url, gitlab=False)
        state = nightly(config_path=str(cfg), return_state=True)
        refused = sim.request_count("POST /graphql")
        repos = len(sim.org.repos_of("github"))
    assert state.is_completed(), state.message
    assert repos > PER_HOST and refused <= PER_HOST  # only the repos already running when it was refused
