"""How big a synthetic org is (``SIZES``), and the fixed "now" its six months of history end at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

DEFAULT_NOW = datetime(2025, 6, 30, 12, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Size:
    """How big an org is.  Repos are per forge."""

    people: int
    teams: int
    gh_repos: int
    gl_repos: int
    pulls_per_repo: int
    issues_per_repo: int
    direct_commits_per_repo: int


SIZES: dict[str, Size] = {
    "tiny": Size(
        people=8, teams=2, gh_repos=2, gl_repos=1, pulls_per_repo=10, issues_per_repo=3, direct_commits_per_repo=3
    ),
    "small": Size(20, 3, 3, 3, 50, 10, 8),
    "medium": Size(40, 4, 6, 6, 200, 30, 15),
    # benchmark-sized: 20 repos and 5,200 PRs/MRs per forge (issues and direct commits as before, spread wider)
    "large": Size(80, 6, 20, 20, 260, 36, 18),
}
