"""Shared fixtures: one tiny org and one running simulator per module (fast: ~30 PRs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from leadsig.simulator import ForgeSimulator, build_org


@pytest.fixture(scope="module")
def sim() -> Iterator[ForgeSimulator]:
    with ForgeSimulator(build_org(seed=7, size="tiny")) as s:
        yield s


@pytest.fixture
def fresh_sim() -> Iterator[ForgeSimulator]:
    """A simulator of its own, for tests that mutate the org or flip switches."""
    with ForgeSimulator(build_org(seed=11, size="tiny")) as s:
        yield s
