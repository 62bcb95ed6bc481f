"""Write a leadsig config pointing at a running forge simulator (tests only; the demo writes its own)."""

from __future__ import annotations

from pathlib import Path


def write_sim_config(
    path: Path,
    sim_url: str,
    warehouse_url: str,
    *,
    github: bool = True,
    gitlab: bool = True,
    extra_repos: list[str] | None = None,
    roster: str | None = None,
    since: str = "2020-01-01",
) -> Path:
    lines = [f"warehouse: {warehouse_url}", f"since: {since}"]
    if roster:
        lines.append(f"roster: {roster}")
    lines.append("sources:")
    if github:
        lines += [
            "  - kind: github",
            "    name: gh",
            f"    url: {sim_url}",
            "    orgs: [acme]",
            "    seconds_between_requests: 0",
            "    max_retries: 10",
        ]
        if extra_repos:
            lines.append(f"    repos: [{', '.join(extra_repos)}]")
    if gitlab:
        lines += [
            "  - kind: gitlab",
            "    name: gl",
            f"    url: {sim_url}",
            "    groups: [acme]",
            "    max_retries: 10",
        ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
