"""A commit's lines are stored per path group, the same from a clone as from the API: a commit that rewrites
code and touches a README is a documentation commit of the README's lines, not of the whole diff."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from leadsig.activity import COMMIT
from leadsig.simulator import ForgeSimulator
from leadsig.simulator.model import FileChange
from leadsig.warehouse import models as m
from tests.miners.test_git_commits import config
from tests.support.mining import FORGES, first_run


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    """A tiny org with, on each forge, one commit mixing code, a docs page and a workflow change."""
    with ForgeSimulator(size="tiny", seed=12) as s:
        s.mixed = {}  # type: ignore[attr-defined]
        for forge in FORGES:
            repo = s.org.repos_of(forge)[0].full_name
            files = [FileChange(path, adds, dels, "modified") for path, adds, dels in
                     [("src/engine.py", 300, 40), ("docs/guide.md", 12, 3), ("README.md", 5, 0),
                      (".github/workflows/ci.yml", 2, 1)]]
            c = s.org.add_commit(repo, s.org.humans()[0], "engine rewrite, with its guide", files,
                                 at=s.org.now - timedelta(days=2))
            s.mixed[forge] = c  # type: ignore[attr-defined]
        yield s


def group_lines(engine, sha: str) -> tuple[dict, int | None]:
    with engine.connect() as conn:
        row = conn.execute(select(m.Activity.extra, m.Activity.additions)
                           .where(m.Activity.kind == COMMIT, m.Activity.native_id == sha)).one()
    return row.extra["group_lines"], row.additions


@pytest.mark.parametrize("forge", FORGES)
def test_lines_are_stored_per_path_group_alike_from_git_and_from_the_api(sim, tmp_path, forge):
    api, git = (first_run(config(tmp_path, sim.url, forge, how, how)) for how in ("api", "git"))
    sha = sim.mixed[forge].sha  # git's SHA: the simulator rewrites it when the commit lands in its repository
    from_api, from_git = group_lines(api, sha), group_lines(git, sha)
    assert from_git == from_api
    lines, additions = from_git
    assert additions == 319  # the commit as a whole ...
    model = {f.filename: f for f in sim.mixed[forge].files}  # as the simulator's git history has them
    docs = [model["docs/guide.md"], model["README.md"]]
    assert lines["docs"] == {"additions": 17, "deletions": sum(f.deletions for f in docs)}  # ... its docs lines
    assert lines["ci"]["additions"] == 2
    assert "src" not in lines
