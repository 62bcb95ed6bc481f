"""Who and what the synthetic org is made of: people (names, timezones, levels), teams and repositories.

Kept apart from ``generate`` (which fills the repositories with activity); the draws from ``rng`` come in
the same order as they always have, so a seed gives the same people and repositories.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from leadsig.simulator.model import GITHUB, GITLAB, Person, Repo
from leadsig.simulator.org import Org
from leadsig.simulator.sizes import Size

FIRST = [
    "Ada",
    "Bola",
    "Chen",
    "Dara",
    "Elif",
    "Femi",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Luca",
    "Maya",
    "Nikhil",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sanjay",
    "Tomas",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Amara",
    "Bruno",
    "Carmen",
    "Dmitri",
    "Esi",
    "Farah",
    "Goran",
    "Hana",
    "Ivan",
    "Jia",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Nakamura",
    "Garcia",
    "Kowalski",
    "Mensah",
    "Patel",
    "Schmidt",
    "Silva",
    "Tanaka",
    "Nguyen",
    "Rossi",
    "Haddad",
    "Fischer",
    "Moreau",
    "Khan",
    "Novak",
    "Costa",
    "Ito",
    "Adeyemi",
]
TIMEZONES = [  # (IANA, region, standard offset minutes)
    ("America/New_York", "Americas", -300),
    ("America/Los_Angeles", "Americas", -480),
    ("America/Sao_Paulo", "Americas", -180),
    ("Europe/London", "Europe", 0),
    ("Europe/Berlin", "Europe", 60),
    ("Europe/Warsaw", "Europe", 60),
    ("Asia/Kolkata", "Asia-Pacific", 330),
    ("Asia/Singapore", "Asia-Pacific", 480),
    ("Australia/Sydney", "Asia-Pacific", 600),
    ("Asia/Tokyo", "Asia-Pacific", 540),
    ("Africa/Lagos", "Africa", 60),
]
LEVELS = [("junior", 25), ("mid", 35), ("senior", 25), ("staff", 10), ("principal", 5)]
TEAMS = ["platform", "payments", "mobile", "data", "infra", "growth"]
REPO_NAMES = [
    "api",
    "ledger",
    "web",
    "billing",
    "payments-service",
    "gateway",
    "mobile-app",
    "checkout",
    "data-pipeline",
    "reports",
    "auth",
    "scheduler",
    "search",
    "inventory",
    "notifications",
    "metrics",
    "infra-terraform",
    "webhooks",
    "docs-site",
    "exporter",
    "sdk-python",
    "admin",
    "sdk-js",
    "cli",
]


def add_people(org: Org, size: Size, rng: random.Random, start: datetime) -> None:
    """The roster: ``size.people`` humans spread over timezones and levels, then the two bots."""
    org.teams = TEAMS[: size.teams]
    names = [(f, last) for f in FIRST for last in LAST]
    rng.shuffle(names)
    for i in range(size.people):
        first, last = names[i]
        tz, region, std = TIMEZONES[i % len(TIMEZONES)] if i < len(TIMEZONES) else rng.choice(TIMEZONES)
        level = rng.choices([lv for lv, _ in LEVELS], [w for _, w in LEVELS])[0]
        years = {"junior": 1, "mid": 3, "senior": 5, "staff": 8, "principal": 10}[level]
        start = org.now - timedelta(days=rng.randint(30, 365 * years))
        login = f"{first.lower()}{last[:3].lower()}"
        p = Person(
            key=f"{first.lower()}-{last.lower()}",
            name=f"{first} {last}",
            email=f"{first.lower()}.{last.lower()}@acme.example",
            gh_login=login,
            gl_username=f"{first.lower()}.{last.lower()}",
            gh_id=1000 + i * 7 + 3,
            gl_id=5000 + i * 3 + 1,
            team=org.teams[i % len(org.teams)],
            level=level,
            start_date=start.replace(hour=0, minute=0, second=0),
            timezone=tz,
            region=region,
            utc_offset_minutes=std,
        )
        p.extra_emails = [f"{p.gh_id}+{login}@users.noreply.github.com", f"{login}@home.example"]
        org.people.append(p)
    for j, (gh, gl, name) in enumerate(
        [("dependabot[bot]", "dependabot-bot", "dependabot"), ("acme-ci[bot]", "acme-ci-bot", "Acme CI")]
    ):
        org.people.append(
            Person(
                key=name.lower().replace(" ", "-"),
                name=name,
                email=f"{49699333 + j}+{gh}@users.noreply.github.com",  # how GitHub Apps commit
                gh_login=gh,
                gl_username=gl,
                gh_id=49699333 + j,
                gl_id=9000 + j,
                team="",
                level="bot",
                start_date=start,
                timezone="UTC",
                region="",
                utc_offset_minutes=0,
                is_bot=True,
            )
        )


def add_repos(org: Org, size: Size, rng: random.Random, start: datetime) -> None:
    """Repositories alternate between the forges; GitLab ones sit in one subgroup per team."""
    s = size
    org.gitlab_groups[org.gitlab_group] = org.ids.next("gl_group")
    for team in org.teams:
        org.gitlab_groups[f"{org.gitlab_group}/{team}"] = org.ids.next("gl_group")
    total = s.gh_repos + s.gl_repos
    names = [REPO_NAMES[i] if i < len(REPO_NAMES) else f"service-{i}" for i in range(total)]
    gh_i = gl_i = 0
    for i, name in enumerate(names):
        team = org.teams[i % len(org.teams)]
        want_gh = (i % 2 == 0 and gh_i < s.gh_repos) or gl_i >= s.gl_repos
        created = start - timedelta(days=rng.randint(100, 900))
        if want_gh:
            gh_i += 1
            repo = Repo(
                forge=GITHUB,
                full_name=f"{org.github_org}/{name}",
                name=name,
                team=team,
                id=org.ids.next("gh_repo"),
                created_at=created,
                description=f"{name} service ({team})",
            )
        else:
            gl_i += 1
            path = f"{org.gitlab_group}/{team}"
            repo = Repo(
                forge=GITLAB,
                full_name=f"{path}/{name}",
                name=name,
                team=team,
                id=org.ids.next("gl_project"),
                created_at=created,
                description=f"{name} service ({team})",
                namespace_id=org.gitlab_groups[path],
            )
        org.repos.append(repo)
