"""Development tracks as data: stages with a nominal duration and the milestones that mark progress.

A lead changes what progress means (an operational or hybrid track, another threshold) by editing a YAML
file, not code; so the file is validated like the rules, every problem at once with its line. A milestone is
either measured (a declarative count over stored signals, activities or mentoring check-ins with a
threshold) or attested (a person records it with evidence, for what Git cannot see).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadsig.activity import KINDS
from leadsig.collect import Collector
from leadsig.errors import Problem, UserError
from leadsig.yamlfile import did_you_mean, load_yaml

DEFAULT_PATH = Path(__file__).with_name("tracks_default.yaml")
DEFAULT_JUNIOR_LEVELS = ("intern", "junior", "graduate", "associate", "l1", "l2")
# which of a commit's or PR's files are documentation, for "documentation used" (the config's docs group, wider)
DEFAULT_DOCS_PATHS = ("docs/**", "doc/**", "adr/**", "runbooks/**", "**/*.md", "**/*.rst", "**/*.adoc")
SOURCES = ("signals", "activities", "checkins")
# what a measured milestone counts distinct things by, per source
DISTINCT = {
    "signals": ("item", "thread", "thread_author", "later_participants", "documentation_users"),
    "activities": ("item", "thread", "thread_author", "later_participants", "documentation_users"),
    "checkins": ("item", "month", "counterpart"),
}
# conditions on the thread an item is in (signals and activities only)
CONDITIONS = {
    "merged": "the thread is a pull/merge request that was merged",
    "junior_author": "the thread was opened by someone whose roster level is a junior level",
    "other_team": "the repository belongs to another team than the person's",
    "others_thread": "the thread was opened by someone else",
}
CHECKIN_ROLES = ("mentor", "mentee")
MEASURED_KEYS = {*SOURCES, "where", "distinct", "at_least"}
MILESTONE_KEYS = {"id", "title", "measured", "attested", "description"}
STAGE_KEYS = {"id", "title", "months", "milestones"}
TRACK_KEYS = {"id", "title", "stages"}
TOP_KEYS = {"tracks", "junior_levels", "docs_paths"}


@dataclass(frozen=True)
class Measure:
    """``source`` items (signals of ``indicators``, activities of ``kinds``, or check-ins where the person is
    ``role``) that pass every condition in ``where``, counted distinct by ``distinct``; met at ``at_least``."""

    source: str
    at_least: int
    distinct: str = "item"
    indicators: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    role: str | None = None
    where: tuple[str, ...] = ()


@dataclass(frozen=True)
class Milestone:
    id: str
    title: str
    kind: str  # measured | attested
    measure: Measure | None = None
    description: str = ""  # attested: who attests and with what evidence


@dataclass(frozen=True)
class Stage:
    id: str
    title: str
    months: int  # nominal, shown as context only
    milestones: tuple[Milestone, ...]


@dataclass(frozen=True)
class Track:
    id: str
    title: str
    stages: tuple[Stage, ...]

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)


@dataclass
class Tracks:
    tracks: dict[str, Track] = field(default_factory=dict)
    junior_levels: tuple[str, ...] = DEFAULT_JUNIOR_LEVELS
    path: Path | None = None
    docs_paths: tuple[str, ...] = DEFAULT_DOCS_PATHS  # globs (leadsig.paths): a written file is documentation

    def get(self, track_id: str) -> Track:
        found = self.tracks.get(track_id)
        if found is None:
            hint = did_you_mean(track_id, sorted(self.tracks)) or "tracks: " + ", ".join(sorted(self.tracks))
            raise UserError(Problem(f"unknown track {track_id!r}", file=str(self.path) if self.path else None,
                                    hint=hint, code="unknown-track"))
        return found

    def milestone(self, track_id: str, milestone_id: str) -> tuple[Stage, Milestone]:
        """The stage and milestone ``milestone_id`` of a track; unknown ids name the ones that exist."""
        track = self.get(track_id)
        for stage in track.stages:
            for ms in stage.milestones:
                if ms.id == milestone_id:
                    return stage, ms
        ids = [ms.id for s in track.stages for ms in s.milestones]
        raise UserError(Problem(f"track {track_id!r} has no milestone {milestone_id!r}", key="--milestone",
                                hint=did_you_mean(milestone_id, ids) or "milestones: " + ", ".join(ids),
                                code="unknown-milestone"))


def load_tracks(path: str | Path | None = None, known_indicators: set[str] | None = None) -> Tracks:
    """Validate a tracks file (the built-in one when ``path`` is None); all problems at once, each located.

    ``known_indicators`` (the rule pack's) lets a misspelt indicator be caught here rather than count nothing.
    """
    path = Path(path) if path is not None else DEFAULT_PATH
    data = load_yaml(path, "tracks")
    c = Collector(str(path))
    if not isinstance(data, dict) or "tracks" not in data:
        raise UserError(Problem("a tracks file must have a top-level 'tracks:' list", file=str(path), line=1,
                                code="type", hint="tracks:\n  - id: technical\n    stages: [...]"))
    c.unknown_keys(data, TOP_KEYS)
    juniors = tuple(v.lower() for v in c.str_list(data, "junior_levels", "junior_levels")) or DEFAULT_JUNIOR_LEVELS
    docs_paths = tuple(v.strip().lstrip("/") for v in c.str_list(data, "docs_paths", "docs_paths"))
    items = data["tracks"]
    if not isinstance(items, list) or not items:
        c.at(data, "tracks", "tracks", "expected a non-empty list of tracks", code="type")
        c.raise_if_any()
    out: dict[str, Track] = {}
    for i, node in enumerate(items):
        track = _track(c, items, i, node, known_indicators)
        if track is None:
            continue
        if track.id in out:
            c.at(node, "id", f"tracks[{i}].id", f"duplicate track id {track.id!r}", code="duplicate")
        out[track.id] = track
    c.raise_if_any()
    return Tracks(tracks=out, junior_levels=juniors, path=path, docs_paths=docs_paths or DEFAULT_DOCS_PATHS)


def _ident(c: Collector, node: dict, dotted: str, what: str) -> str | None:
    value = node.get("id")
    if not isinstance(value, str) or not value.strip():
        c.at(node, "id" if "id" in node else next(iter(node), 0), f"{dotted}.id", f"every {what} needs an id",
             hint="id: a-short-name (letters, digits, - and _)", code="missing", value="id" in node)
        return None
    if not value.replace("-", "").replace("_", "").isalnum():
        c.at(node, "id", f"{dotted}.id", f"not a usable id: {value!r}", hint="letters, digits, - and _ only",
             code="bad-value")
    return value


def _title(c: Collector, node: dict, dotted: str, fallback: str) -> str:
    value = node.get("title")
    if value is None:
        return fallback
    if not isinstance(value, str):
        c.at(node, "title", f"{dotted}.title", "expected text", code="type")
        return fallback
    return value


def _track(c: Collector, items: list, i: int, node: Any, known: set[str] | None) -> Track | None:
    dotted = f"tracks[{i}]"
    if not isinstance(node, dict):
        c.item(items, i, dotted, "expected a mapping (id:, title:, stages:)")
        return None
    c.unknown_keys(node, TRACK_KEYS, f"{dotted}.")
    tid = _ident(c, node, dotted, "track")
    stages_node = node.get("stages")
    if not isinstance(stages_node, list) or not stages_node:
        c.at(node, "stages" if "stages" in node else "id", f"{dotted}.stages", "a track needs a list of stages",
             hint="stages:\n  - id: early\n    months: 3\n    milestones: [...]", code="missing",
             value="stages" in node)
        return None
    stages, seen_stage, seen_ms = [], set(), set()
    for j, snode in enumerate(stages_node):
        stage = _stage(c, stages_node, j, snode, f"{dotted}.stages[{j}]", known, seen_ms)
        if stage is None:
            continue
        if stage.id in seen_stage:
            c.at(snode, "id", f"{dotted}.stages[{j}].id", f"duplicate stage id {stage.id!r}", code="duplicate")
        seen_stage.add(stage.id)
        stages.append(stage)
    if tid is None:
        return None
    return Track(id=tid, title=_title(c, node, dotted, tid), stages=tuple(stages))


def _stage(c: Collector, seq: list, j: int, node: Any, dotted: str, known: set[str] | None,
           seen_ms: set[str]) -> Stage | None:
    if not isinstance(node, dict):
        c.item(seq, j, dotted, "expected a mapping (id:, title:, months:, milestones:)")
        return None
    c.unknown_keys(node, STAGE_KEYS, f"{dotted}.")
    sid = _ident(c, node, dotted, "stage")
    months = node.get("months")
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 120:
        c.at(node, "months" if "months" in node else "id", f"{dotted}.months",
             f"expected the nominal duration in months (1 to 120), got {months!r}", hint="months: 6",
             code="missing" if months is None else "bad-value", value="months" in node)
        months = 0
    ms_node = node.get("milestones")
    if not isinstance(ms_node, list) or not ms_node:
        c.at(node, "milestones" if "milestones" in node else "id", f"{dotted}.milestones",
             "a stage needs a list of milestones", code="missing", value="milestones" in node)
        ms_node = []
    milestones = []
    for k, mnode in enumerate(ms_node):
        ms = _milestone(c, ms_node, k, mnode, f"{dotted}.milestones[{k}]", known)
        if ms is None:
            continue
        if ms.id in seen_ms:  # attest --milestone names it without the stage: unique in its track
            c.at(mnode, "id", f"{dotted}.milestones[{k}].id", f"duplicate milestone id {ms.id!r} in this track",
                 code="duplicate")
        seen_ms.add(ms.id)
        milestones.append(ms)
    if sid is None:
        return None
    return Stage(id=sid, title=_title(c, node, dotted, sid), months=months, milestones=tuple(milestones))


def _milestone(c: Collector, seq: list, k: int, node: Any, dotted: str, known: set[str] | None) -> Milestone | None:
    if not isinstance(node, dict):
        c.item(seq, k, dotted, "expected a mapping (id:, title:, measured: or attested:)")
        return None
    c.unknown_keys(node, MILESTONE_KEYS, f"{dotted}.")
    mid = _ident(c, node, dotted, "milestone")
    if ("measured" in node) == ("attested" in node):
        c.at(node, "id" if "id" in node else next(iter(node)), dotted,
             "a milestone is either measured: (a count with a threshold) or attested: (recorded by a person)",
             hint="add one of the two keys, not both", code="missing" if "measured" not in node else "conflict",
             value=False)
        return None
    if mid is None:
        return None
    title = _title(c, node, dotted, mid)
    if "attested" in node:
        text = node.get("attested")
        if not isinstance(text, str):
            c.at(node, "attested", f"{dotted}.attested", "expected text: who attests, with what evidence",
                 hint="attested: the hiring manager links the onboarding plans", code="type")
            text = ""
        return Milestone(id=mid, title=title, kind="attested", description=text)
    measure = _measure(c, node, dotted, known)
    return None if measure is None else Milestone(id=mid, title=title, kind="measured", measure=measure)


def _measure(c: Collector, parent: dict, dotted: str, known: set[str] | None) -> Measure | None:
    node, dotted = parent["measured"], f"{dotted}.measured"
    if not isinstance(node, dict):
        c.at(parent, "measured", dotted, "expected a mapping (signals:, where:, distinct:, at_least:)", code="type")
        return None
    c.unknown_keys(node, MEASURED_KEYS, f"{dotted}.")
    sources = [s for s in SOURCES if s in node]
    if len(sources) != 1:
        c.at(parent, "measured", dotted, "say what is counted: exactly one of signals:, activities:, checkins:",
             hint="signals: [mentors_in_reviews]", code="missing" if not sources else "conflict", value=False)
        return None
    source = sources[0]
    indicators, kinds, role = (), (), None
    if source == "signals":
        indicators = tuple(c.str_list(node, "signals", f"{dotted}.signals"))
        for name in indicators:
            if known is not None and name not in known:
                c.at(node, "signals", f"{dotted}.signals", f"unknown indicator {name!r}",
                     hint=did_you_mean(name, sorted(known)) or "indicators: " + ", ".join(sorted(known)),
                     code="unknown-indicator")
    elif source == "activities":
        kinds = tuple(c.str_list(node, "activities", f"{dotted}.activities"))
        for name in kinds:
            if name not in KINDS:
                c.at(node, "activities", f"{dotted}.activities", f"unknown activity kind {name!r}",
                     hint=did_you_mean(name, KINDS) or "kinds: " + ", ".join(KINDS), code="unknown-kind")
    else:
        role = node.get("checkins")
        if role not in CHECKIN_ROLES:
            c.at(node, "checkins", f"{dotted}.checkins", f"expected mentor or mentee, got {role!r}",
                 hint="checkins: mentor (check-ins the person wrote as mentor)", code="bad-value")
    if source != "checkins" and not node.get(source):
        c.at(node, source, f"{dotted}.{source}",
             f"name at least one {'indicator' if source == 'signals' else 'activity kind'}", code="missing")
    where = tuple(c.str_list(node, "where", f"{dotted}.where"))
    for cond in where:
        if source == "checkins" or cond not in CONDITIONS:
            allowed = () if source == "checkins" else tuple(CONDITIONS)
            c.at(node, "where", f"{dotted}.where", f"unknown condition {cond!r} for {source}",
                 hint=did_you_mean(cond, allowed) or ("conditions: " + ", ".join(allowed) if allowed
                                                      else "check-ins take no conditions"), code="bad-value")
    distinct = node.get("distinct", "item")
    if distinct not in DISTINCT[source]:
        c.at(node, "distinct", f"{dotted}.distinct", f"cannot count {source} distinct by {distinct!r}",
             hint=did_you_mean(str(distinct), DISTINCT[source]) or "one of: " + ", ".join(DISTINCT[source]),
             code="bad-value")
    at_least = node.get("at_least")
    if not isinstance(at_least, int) or isinstance(at_least, bool) or at_least < 1:
        c.at(node, "at_least" if "at_least" in node else source, f"{dotted}.at_least",
             f"expected the threshold, a whole number of at least 1, got {at_least!r}", hint="at_least: 3",
             code="missing" if at_least is None else "bad-value", value="at_least" in node)
        return None
    return Measure(source=source, at_least=at_least, distinct=str(distinct), indicators=indicators, kinds=kinds,
                   role=role, where=where)
