"""Development tracks and written mentoring check-ins for the simulated organisation, so the demo shows
milestones met and not yet met.

Tracks follow levels (an invented but plausible mapping); check-ins are issues with a label in one
repository, in the Markdown form leadsig reads (front matter, five sections). Nothing here draws from the
generator's random stream: adding check-ins never changes the rest of the organisation.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from leadsig.simulator.model import GITHUB, Issue, Person
from leadsig.simulator.org import Org

CHECKIN_LABEL = "mentoring-checkin"
STAGE_BY_LEVEL = {"junior": "early", "mid": "early", "senior": "emerging", "staff": "established",
                  "principal": "established"}
MENTEE_LEVELS = ("junior", "mid")


def track_fields(p: Person, now: datetime) -> dict[str, str]:
    """A person's track:, stage: and stage_since: for the roster (the stage began up to four months ago)."""
    since = max(p.start_date, now - timedelta(days=30 * (2 + p.gh_id % 3)))
    return {"track": "technical", "stage": STAGE_BY_LEVEL.get(p.level, "early"),
            "stage_since": since.strftime("%Y-%m-%d")}


def checkin_repo(org: Org) -> str:
    return org.repos_of(GITHUB)[0].full_name


def _month_start(now: datetime, back: int) -> datetime:
    index = now.year * 12 + now.month - 1 - back
    return now.replace(year=index // 12, month=index % 12 + 1, day=1, hour=10, minute=0, second=0, microsecond=0)


def add_checkins(org: Org) -> list[Issue]:
    """Two mentor/mentee pairs: the first wrote check-ins in each of the last three complete months (enough
    for "coached a teammate through blockers"), the second in two of them (one short)."""
    mentors = sorted((p for p in org.humans() if p.level == "senior"), key=lambda p: p.key)  # emerging stage
    mentees = sorted((p for p in org.humans() if p.level in MENTEE_LEVELS), key=lambda p: p.key)
    repo, issues = checkin_repo(org), []
    for (mentor, mentee), months in zip(zip(mentors, mentees, strict=False), (3, 2), strict=False):
        for back in range(months, 0, -1):
            month = _month_start(org.now, back)
            body = _body(mentee, f"{month:%Y-%m}", back)
            title = f"Mentoring check-in {month:%Y-%m}: {mentee.name}"
            at = month + timedelta(days=26)
            issues.append(org.add_issue(repo, mentor, title, body, at, [CHECKIN_LABEL]))
    return issues


def _body(mentee: Person, month: str, back: int) -> str:
    return (f"---\nmentee: {mentee.key}\nmonth: {month}\n---\n"
            f"## Focus area\nOwning the retry and timeout design in the payments client.\n\n"
            f"## Progress on last month's goals\nWrote the design note; {4 - back} of 3 reviews done.\n\n"
            f"## Challenges\nReviewers are eight hours away; decisions wait a day.\n\n"
            f"## Mentor observation\nExplains trade-offs clearly in writing; asks for review early.\n\n"
            f"## Next month's focus\nRun the design review asynchronously and summarise the outcome.\n")
