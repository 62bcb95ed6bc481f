"""``leadsig tracks`` (validate, show), ``leadsig milestone`` (attest, withdraw, status) and ``leadsig checkins``.

A lead edits the tracks file and checks it here before a run uses it; attestations are written by people and
logged; check-ins are read from their folder or from labelled issues already mined.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from leadsig.flows.cli.options import DEFAULT_CONFIG, AsOpt, ConfigOpt

app = typer.Typer(no_args_is_help=True, help="Development tracks: check and show the tracks file.")
milestone_app = typer.Typer(no_args_is_help=True, help="Milestones: attest, withdraw, show where a person stands.")
checkins_app = typer.Typer(no_args_is_help=True, help="Mentoring check-ins: read and store them.")
err = Console(stderr=True)
PersonOpt = Annotated[str, typer.Option("--person", help="Roster id.")]
MilestoneOpt = Annotated[str, typer.Option("--milestone", help="Milestone id (leadsig tracks show lists them).")]


def _tracks_file(file: Path | None, config: Path) -> Path | None:
    """FILE when given, else the config's tracks: (when there is a config), else the built-in track."""
    if file is not None:
        return file
    if config.exists():
        from leadsig.config import load_config

        return load_config(config).tracks
    return None


@app.command("validate")
def validate(
    file: Annotated[Path | None, typer.Argument(help="Tracks file (default: the config's, else the built-in).")] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
) -> None:
    """Check a tracks file: every problem at once with its line; exits 2 when there is one."""
    from leadsig.rules.language.indicators import BY_ID
    from leadsig.tracks import DEFAULT_PATH, load_tracks

    known = set(BY_ID)
    path = file
    if config.exists():  # the config's tracks file, and its rule packs' indicators
        from leadsig.config import load_config
        from leadsig.rules.matcher.classify import rules_for

        cfg = load_config(config)
        path = file if file is not None else cfg.tracks
        known |= {r.indicator for r in rules_for(cfg).rules}
    tracks = load_tracks(path, known_indicators=known)
    count = sum(len(s.milestones) for t in tracks.tracks.values() for s in t.stages)
    typer.echo(f"{path or DEFAULT_PATH}: ok, {len(tracks.tracks)} track(s), {count} milestones")


@app.command("show")
def show(
    file: Annotated[Path | None, typer.Argument(help="Tracks file (default: the config's, else the built-in).")] = None,
    config: ConfigOpt = DEFAULT_CONFIG,
) -> None:
    """Each track's stages (nominal months, context only) and milestones: measured (what counts) or attested."""
    from leadsig.tracks import load_tracks

    tracks = load_tracks(_tracks_file(file, config))
    for track in tracks.tracks.values():
        table = Table(title=f"{track.title} ({track.id})")
        for col in ("stage", "milestone", "kind", "how it is met"):
            table.add_column(col)
        for stage in track.stages:
            for ms in stage.milestones:
                how = ms.description if ms.measure is None else _how(ms.measure)
                table.add_row(f"{stage.title} (~{stage.months} months)", f"{ms.id}: {ms.title}", ms.kind, how)
        Console().print(table)


def _how(measure) -> str:  # noqa: ANN001 - leadsig.tracks.Measure, imported lazily
    what = measure.indicators or measure.kinds or (f"check-ins as {measure.role}",)
    where = f" where {' and '.join(measure.where)}" if measure.where else ""
    return f"{measure.source} {', '.join(what)}{where}; distinct by {measure.distinct}; at least {measure.at_least}"


def _prepared(config: Path):  # noqa: ANN202 - leadsig.flows.pipeline.Prepared, imported lazily
    """Config, tracks, roster (synced) and warehouse, without loading the rules: nothing here classifies."""
    from leadsig.config import load_config
    from leadsig.flows.pipeline import prepare

    return prepare(load_config(str(config)), rules=False)


def _attestable(p, person: str, milestone: str) -> tuple[str, str]:  # noqa: ANN001 - Prepared
    """The person's track and the milestone, which must be one of its attested milestones."""
    from leadsig.errors import Problem, UserError

    who = p.roster.get(person)
    if who.opt_out or p.resolver.suppressed(None, None, None, who.id):
        raise UserError(Problem(f"{person!r} opted out or was forgotten: nothing is recorded about them",
                                key="--person", code="opted-out"))
    if not who.track:
        raise UserError(Problem(f"{person!r} is on no track", key="--person", code="no-track",
                                hint="give them track: and stage: in the roster file"))
    _, ms = p.tracks.milestone(who.track, milestone)
    if ms.kind != "attested":
        raise UserError(Problem(f"{milestone!r} is measured from the forge, not attested", key="--milestone",
                                code="measured", hint="leadsig milestone status --person ID shows its evidence"))
    return who.track, ms.id


@milestone_app.command("attest")
def attest(
    person: PersonOpt,
    milestone: MilestoneOpt,
    evidence: Annotated[str, typer.Option("--evidence", help="Link to the evidence (slides, recording, doc).")],
    by: Annotated[str, typer.Option("--by", help="Who attests (name).")],
    note: Annotated[str, typer.Option("--note", help="A sentence of context.")] = "",
    config: ConfigOpt = DEFAULT_CONFIG,
    as_: AsOpt = None,
) -> None:
    """Record that a person met an attested milestone, with evidence; kept in the access log."""
    from leadsig.warehouse import tracks

    p = _prepared(config)
    track, ms = _attestable(p, person, milestone)
    new_id = tracks.attest(p.engine, person, track, ms, evidence, by, note, viewer=as_)
    err.print(f"attestation {new_id}: {person} {ms} by {by}")


@milestone_app.command("withdraw")
def withdraw(
    person: PersonOpt,
    milestone: MilestoneOpt,
    by: Annotated[str, typer.Option("--by", help="Who withdraws it (name).")],
    config: ConfigOpt = DEFAULT_CONFIG,
    as_: AsOpt = None,
) -> None:
    """Withdraw a person's standing attestation of a milestone (kept as withdrawn; in the access log)."""
    from leadsig.warehouse import tracks

    p = _prepared(config)
    p.roster.get(person)
    count = tracks.withdraw(p.engine, person, milestone, by, viewer=as_)
    err.print(f"withdrew {count} attestation(s) of {milestone} for {person}")


@milestone_app.command("status")
def status(person: PersonOpt, config: ConfigOpt = DEFAULT_CONFIG, as_: AsOpt = None) -> None:
    """Every milestone of the person's current stage: met or not yet, why, and the evidence links."""
    from sqlalchemy.orm import Session

    from leadsig.reports.milestones import milestone_status
    from leadsig.warehouse.trust import log_access

    p = _prepared(config)
    who = p.roster.get(person)
    with Session(p.engine) as s:
        rows = milestone_status(s, person, datetime.now(UTC), p.tracks)
    log_access(p.engine, "milestone-status", [person], {}, as_)
    if not rows:
        err.print(f"{person} is on no track (roster: track:, stage:)")
        return
    table = Table(title=f"{who.name}: {who.track}, stage {who.stage} (since {who.stage_since or 'unknown'})")
    for col in ("milestone", "status", "why", "evidence"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.title, "met" if r.met else "not yet", r.why, "\n".join(u for u, _ in r.evidence[:5]))
    Console().print(table)


@checkins_app.command("sync")
def sync(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Read check-ins from checkins.folder and from issues labelled checkins.label in checkins.repo; store them."""
    from leadsig.warehouse.tracks import sync_checkins

    p = _prepared(config)
    counts = sync_checkins(p.engine, p.cfg.checkins, p.roster)
    err.print(f"check-ins stored: {counts['files']} from files, {counts['issues']} from issues")
