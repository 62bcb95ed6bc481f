"""Every activity field a rule may name, with its type and meaning.

The catalog is the single source for validation (unknown field; which operators a type takes is declared
with each operator, in rules.language.operators), for the reference in rules/README.md (a test checks they
agree) and for building engine columns.
"""

from __future__ import annotations

from dataclasses import dataclass

NUM, STR, TEXT, LIST, BOOL, TIME = "number", "string", "text", "list", "boolean", "time"


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    doc: str
    in_conditions: bool = True  # False: templates only (URLs, timestamps)
    distinct: bool = False  # values rarely repeat: the engine skips de-duplicating them


_F = Field
FIELDS: tuple[Field, ...] = (
    _F("kind", STR, "activity kind: pr_opened, pr_merged, pr_review, review_comment, pr_comment, issue_opened, "
       "issue_comment, commit"),
    _F("forge", STR, "github or gitlab"),
    _F("host", STR, "forge host, e.g. github.com"),
    _F("repo", STR, "owner/name or group/sub/project"),
    _F("actor_login", STR, "the actor's forge login (lower case)"),
    _F("body", TEXT, "the text of the review, comment, issue, PR description or commit message", distinct=True),
    _F("body_length", NUM, "characters in body"),
    _F("parent_number", NUM, "PR/MR/issue number"),
    _F("parent_title", TEXT, "title of the PR/MR/issue"),
    _F("parent_labels", LIST, "labels of the PR/MR/issue"),
    _F("parent_author", STR, "login of the PR/MR/issue author"),
    _F("state", STR, "review state: approved, changes_requested, commented, dismissed"),
    _F("review_comment_count", NUM, "inline comments attached to a review, as the forge reports it"),
    _F("files", NUM, "files changed (commits, PRs)"),
    _F("additions", NUM, "lines added"),
    _F("deletions", NUM, "lines removed"),
    _F("lines_changed", NUM, "additions + deletions"),
    _F("path_groups", LIST, "configured path groups a commit touches (docs, ci, process, ...)"),
    _F("actor_utc_offset_minutes", NUM, "the actor's UTC offset where the forge gives one (commits)"),
    _F("occurred_at", TIME, "when it happened (UTC)", in_conditions=False),
    _F("url", STR, "evidence URL", in_conditions=False),
    _F("id", STR, "activity id", in_conditions=False),
    _F("actor.person", STR, "roster id of the actor"),
    _F("actor.name", STR, "the actor's name (roster), else the login (an email login without its @domain)"),
    _F("actor.team", STR, "the actor's team (roster)"),
    _F("actor.level", STR, "the actor's level (roster), e.g. junior, senior"),
    _F("actor.tenure_days", NUM, "days from the actor's start date to the activity"),
    _F("actor.timezone", STR, "the actor's IANA time zone"),
    _F("actor.region", STR, "the actor's region (Americas, Europe, Asia-Pacific, Africa)"),
    _F("parent_author.person", STR, "roster id of the PR/issue author"),
    _F("parent_author.name", STR, "name of the PR/issue author (roster), else the login"),
    _F("parent_author.team", STR, "team of the PR/issue author"),
    _F("parent_author.level", STR, "level of the PR/issue author"),
    _F("parent_author.tenure_days", NUM, "tenure of the PR/issue author in days, on the activity date"),
    _F("parent_author.region", STR, "region of the PR/issue author"),
    _F("repo.team", STR, "team that owns the repository (config teams:)"),
    _F("cross_team", BOOL, "the repository is owned by another team than the actor's"),
    _F("thread.participants", NUM, "distinct human participants in the PR/issue thread"),
    _F("thread.teams", LIST, "teams of the thread's participants"),
    _F("thread.team_count", NUM, "number of distinct teams in the thread"),
    _F("thread.regions", LIST, "regions of the thread's participants"),
    _F("thread.region_count", NUM, "number of distinct regions in the thread"),
    _F("thread.comment_count", NUM, "comments (conversation and inline) in the thread"),
    _F("thread.actor_opened", BOOL, "the actor opened the PR/issue"),
    _F("thread.actor_comments", NUM, "comments the actor wrote in the thread"),
    _F("thread.requested_reviewers", LIST, "logins asked to review the PR (lower case; every request the forge "
       "lists, see below); missing on issues and where the forge says nothing"),
    _F("thread.actor_requested", BOOL, "the actor is among thread.requested_reviewers (missing where those are "
       "unknown)"),
    _F("thread.files", LIST, "paths the PR changes (GitHub through GraphQL; missing where not mined)"),
    _F("thread.path_groups", LIST, "configured path groups the PR's files touch (docs, ci, process, ...); "
       "missing where the files are unknown"),
    _F("mentioned_teams", LIST, "teams of the people @mentioned in body, and roster teams named as @org/team"),
    _F("mentioned_other_teams", LIST, "mentioned_teams without the actor's own team (missing when the actor's "
       "team is unknown)"),
    _F("review.inline_comments", NUM, "inline comments of this review (forge count, else counted in the thread)"),
    _F("review.requested", BOOL, "the actor was asked to review (only where the forge says so; else missing)"),
)
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
EXTRA_PREFIX = "extra."  # extra.<key>: forge facts kept in Activity.extra; type 'any'
ANY = "any"


def lookup(name: str) -> Field | None:
    """The catalog entry, or an 'any'-typed field for extra.<key>."""
    if name in BY_NAME:
        return BY_NAME[name]
    if name.startswith(EXTRA_PREFIX) and len(name) > len(EXTRA_PREFIX):
        return Field(name, ANY, "forge fact from Activity.extra")
    return None


def condition_fields() -> list[str]:
    return [f.name for f in FIELDS if f.in_conditions]
