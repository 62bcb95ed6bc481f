"""Roster and config export, so ``leadsig simulate --write-config`` gives a ready-to-mine setup.

The roster lists humans only (bots stay out of signals by design) with every identity the simulator
uses for them: GitHub login, GitLab username, work email, GitHub noreply email and the home email some
commits carry (linked to no forge account, so only the roster can resolve it).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from leadsig.simulator.mentoring import CHECKIN_LABEL, checkin_repo, track_fields
from leadsig.simulator.model import GITHUB, GITLAB
from leadsig.simulator.org import Org

DEFAULT_PATH_GROUPS = {
    "docs": ["docs/**", "**/*.md", "**/*.rst", "adr/**"],
    "ci": [".github/workflows/**", ".gitlab-ci.yml"],
    "process": ["CONTRIBUTING*", "CODEOWNERS", ".github/*TEMPLATE*", ".gitlab/merge_request_templates/**"],
}


def roster_entries(org: Org, opt_out: set[str] | None = None) -> list[dict[str, Any]]:
    """One dict per human, in the roster file's format (``people.yaml``)."""
    opt_out = opt_out or set()
    return [
        {
            "id": p.key,
            "name": p.name,
            "team": p.team,
            "level": p.level,
            "start_date": p.start_date.strftime("%Y-%m-%d"),
            "timezone": p.timezone,
            "region": p.region,
            "github": [p.gh_login],
            "gitlab": [p.gl_username],
            "emails": [p.email, *p.extra_emails],
            "opt_out": p.key in opt_out,
            **track_fields(p, org.now),
        }
        for p in org.humans()
    ]


def rotation_entries(org: Org) -> list[dict[str, Any]]:
    """Sprint-lead turns for the last complete month (``rotations.yaml``): in each team, the first two people
    by id take one half of the month each, so the demo's monthly report and packets show rotations."""
    month_end = org.now.replace(day=1) - timedelta(days=1)
    halves = ((month_end.replace(day=1), month_end.replace(day=14)), (month_end.replace(day=15), month_end))
    turns = []
    for team in sorted({p.team for p in org.humans()}):
        members = sorted((p for p in org.humans() if p.team == team), key=lambda p: p.key)
        for person, (start, end) in zip(members, halves, strict=False):
            turns.append({"person": person.key, "role": "sprint-lead", "team": team,
                          "from": start.strftime("%Y-%m-%d"), "to": end.strftime("%Y-%m-%d")})
    return turns


def config_dict(org: Org, url: str, config_dir: Path, roster_name: str = "people.yaml",
                rules: list[str] | None = None, rotations_name: str | None = "rotations.yaml") -> dict[str, Any]:
    """A leadsig config mining both halves of the simulated org.  No token_env: the simulator needs none."""
    common = {"url": url, "per_page": 100, "seconds_between_requests": 0, "max_retries": 5, "timeout": 30}
    teams: dict[str, dict[str, list[str]]] = {}
    for r in org.repos:
        teams.setdefault(r.team, {"repos": []})["repos"].append(r.full_name)
    return {
        "warehouse": f"sqlite:///{(config_dir / 'leadsig.db').resolve()}",
        "roster": roster_name,
        **({"rotations": rotations_name} if rotations_name else {}),
        "since": (org.now - timedelta(days=200)).strftime("%Y-%m-%d"),
        "rules": list(rules or ["default"]),
        "path_groups": DEFAULT_PATH_GROUPS,
        "sources": [
            {"kind": GITHUB, "name": "sim-github", **common, "orgs": [org.github_org]},
            {"kind": GITLAB, "name": "sim-gitlab", **common, "groups": [org.gitlab_group]},
        ],
        "teams": teams,
        "schedule": {"nightly": "0 2 * * *", "monthly_report": "0 6 1 * *", "timezone": "UTC"},
        "reports": {"out_dir": str((config_dir / "reports" / "out").resolve())},
        "checkins": {"repo": checkin_repo(org), "label": CHECKIN_LABEL},  # demo: simulator.mentoring writes them
    }


def _dump(data: Any, path: Path) -> None:
    yaml = YAML()
    yaml.default_flow_style = False
    with path.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)


def roster_path_for(config_path: Path) -> Path:
    return Path(config_path).parent / "people.yaml"


def rotations_path_for(config_path: Path) -> Path:
    return Path(config_path).parent / "rotations.yaml"


def existing_rules(config_path: Path) -> list[str] | None:
    """The ``rules:`` layers of a config about to be replaced: a user's local overrides must survive."""
    try:
        data = YAML(typ="safe").load(Path(config_path).read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - no readable config (or none at all): nothing to keep
        return None
    rules = data.get("rules") if isinstance(data, dict) else None
    return [str(r) for r in rules] if isinstance(rules, list) and rules else None


def write_config(org: Org, url: str, config_path: Path) -> tuple[Path, Path]:
    """Write the config YAML, ``people.yaml`` and ``rotations.yaml`` beside it (keeping the rule layers of a config
    it replaces); returns the config's and the roster's paths. Whether replacing is allowed is the caller's to
    decide (``leadsig simulate --force``)."""
    config_path = Path(config_path)
    config_path.parent.mkdir(parents=True, exist_ok=True)
    roster_path = roster_path_for(config_path)
    rules = existing_rules(config_path)
    _dump({"people": roster_entries(org)}, roster_path)
    _dump({"rotations": rotation_entries(org)}, rotations_path_for(config_path))
    _dump(config_dict(org, url, config_path.parent, roster_path.name, rules), config_path)
    return config_path, roster_path
