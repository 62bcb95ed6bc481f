"""The nightly flow's retry policy reads the error's type: what may pass on another try is tried again, a
refused token or a missing repo fails at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from simconfig import write_sim_config
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError
from stubforge import stub_forge

from leadsig.errors import ForgeError, NotFound, RateLimited, Refused, Transient
from leadsig.warehouse import models as m


class DriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(("error", "again"), [
    (Transient("503"), True),
    (RateLimited("403", 403, wait=60.0), True),
    (OperationalError("insert", {}, DriverError("40P01")), True),  # deadlock: the batch was rolled back
    (OperationalError("insert", {}, DriverError("40001")), True),  # serialization failure
    (Refused("401 Bad credentials", 401), False),
    (NotFound("404", 404), False),
    (ForgeError("422", 422), False),
    (OperationalError("insert", {}, DriverError("23505")), False),  # a unique violation is a bug, not bad luck
    (KeyError("number"), False),
    (None, False),
])
def test_retriable_reads_the_type(error: BaseException | None, again: bool) -> None:
    from leadsig.flows.nightly import retriable

    assert retriable(error) is again


def test_a_refused_token_is_asked_once_and_fails_the_source(prefect_harness, tmp_path: Path, sqlite_url: str) -> None:
    from leadsig.flows.nightly import nightly

    with stub_forge(401, b'{"message": "Bad credentials"}') as (url, seen):
        cfg = write_sim_config(tmp_path / "leadsig.yaml", url, sqlite_url, gitlab=False)
        state = nightly(config_path=str(cfg), return_state=True)
    assert state.is_failed()
    assert seen == ["GET /orgs/acme/repos?per_page=100&type=all"]  # no retry, by PyGithub or by the flow
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        (run,) = conn.execute(select(m.MiningRun.__table__)).all()
    engine.dispose()
    assert list(run.errors) == ["gh"] and "401" in run.errors["gh"]
