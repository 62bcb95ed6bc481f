"""GitLab v4 routes (placeholder, filled next)."""

from miners.simulator.http import Router


def register(router: Router) -> None:
    """Add every GitLab route."""
