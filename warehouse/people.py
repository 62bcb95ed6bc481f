"""What the people being measured can ask for: everything stored about them, to forget them, and who looked.

The command line opens the warehouse and loads the roster (``leadsig.flows.pipeline.prepare``); these
functions hold the rules of export, erasure and audit, so every caller gets the same ones.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine, select

from leadsig.errors import Problem, UserError
from leadsig.roster import Roster
from leadsig.warehouse import models as m
from leadsig.warehouse import signoff, tracks, trust, web_rows
from leadsig.warehouse.runs import classify_lock


def _plain(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


def person_rows(engine: Engine, person_id: str) -> dict[str, list[dict[str, Any]]]:
    """Everything stored about one person, across all their identities, and senior leaders' sign-offs on them."""
    with engine.connect() as conn:
        people = conn.execute(select(m.Person.__table__).where(m.Person.id == person_id)).mappings().all()
        idents = conn.execute(select(m.Identity.__table__).where(m.Identity.person_id == person_id)).mappings().all()
        acts = (
            conn.execute(
                select(m.Activity.__table__).where(m.Activity.person_id == person_id).order_by(m.Activity.occurred_at)
            )
            .mappings()
            .all()
        )
        sigs = (
            conn.execute(
                select(m.Signal.__table__).where(m.Signal.person_id == person_id).order_by(m.Signal.occurred_at)
            )
            .mappings()
            .all()
        )
        tracks_rows = tracks.person_rows(conn, person_id)
        web = web_rows.person_rows(conn, person_id)
    out = {
        "person": people,
        "identities": idents,
        "activities": acts,
        "signals": sigs,
        "signoffs": signoff.rows(engine, person_id),
        "track": tracks_rows["track"],
        "attestations": tracks_rows["attestations"],
        "checkins": tracks_rows["checkins"],
        "access_log": trust.access_entries(engine, person_id),
        **web,
    }
    return {k: [{c: _plain(v) for c, v in dict(r).items()} for r in rows] for k, rows in out.items()}


FORMULA_START = tuple("=+-@\t\r")  # what a spreadsheet evaluates, or shifts into the next cell


def formula_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (``=HYPERLINK(..)``, ``@SUM``, ``+cmd``) gets a leading quote."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def export_folder(out_dir: Path, person_id: str) -> Path:
    """``out_dir/export-ID``, with the id reduced to a safe file name: a roster id is not a path."""
    name = re.sub(r"[^\w.-]+", "_", person_id).strip("._") or "person"
    target = out_dir / f"export-{name}"
    if not target.resolve().is_relative_to(out_dir.resolve()):
        raise UserError(Problem(f"cannot export {person_id!r} into {out_dir}", key="--person", code="bad-argument"))
    return target


def _private(path: Path) -> TextIO:
    """A file readable by its owner only (0600), as reports are: it holds one person's data."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # also when the file was there before
    return os.fdopen(fd, "w", newline="", encoding="utf-8")


def write_tables(data: dict[str, list[dict[str, Any]]], target: Path) -> list[Path]:
    """``export.json`` with every table, and one CSV per table (nested values as JSON text, formulas inert)."""
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    target.chmod(0o700)
    written = [target / "export.json"]
    with _private(written[0]) as fh:
        fh.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    for table, rows in data.items():
        path = target / f"{table}.csv"
        with _private(path) as fh:
            cols = sorted({c for r in rows for c in r})
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            for r in rows:
                w.writerow({k: formula_safe(json.dumps(v) if isinstance(v, dict | list) else v) for k, v in r.items()})
        written.append(path)
    return written


def export_person(
    engine: Engine,
    roster: Roster,
    person_id: str,
    out_dir: Path,
    viewer: str | None,
    packet: Callable[[Path], list[Path]] | None = None,
) -> list[Path]:
    """Write ``out_dir/export-ID/`` and log the export with every file it wrote.

    ``packet`` writes the person's evidence pack (its files) into that folder (the reports layer builds it, so the
    person reads the very pack a manager reads); it runs before the access log entry, which lists its file.
    When the entry cannot be written, the files are removed: no export goes unlogged.
    """
    roster.get(person_id)  # unknown person -> located error with did-you-mean
    target = export_folder(out_dir, person_id)
    written: list[Path] = []
    try:
        written += write_tables(person_rows(engine, person_id), target)
        if packet is not None:
            written += packet(target)
        trust.log_access(engine, "export", [person_id], {"files": [str(w) for w in written]}, viewer)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            target.rmdir()  # only when empty: never what was there before
        raise
    return written


def parse_logins(raw_logins: list[str]) -> list[tuple[str, str]]:
    """``github:LOGIN`` / ``gitlab:LOGIN`` -> (forge, login) pairs; anything else is the user's to fix."""
    pairs: list[tuple[str, str]] = []
    for raw in raw_logins:
        forge, sep, login = raw.partition(":")
        if not sep or forge not in ("github", "gitlab") or not login:
            raise UserError(
                Problem(
                    f"not a forge login: {raw!r}",
                    key="--login",
                    hint="write github:LOGIN or gitlab:LOGIN",
                    code="bad-argument",
                )
            )
        pairs.append((forge, login))
    return pairs


def forget_person(
    engine: Engine, roster: Roster, person_id: str | None, logins: list[str], emails: list[str], viewer: str | None
) -> dict[str, int]:
    """Forget a person by roster id, forge logins and emails; returns what was deleted per table.

    A person already removed from the roster can still be forgotten by id while the warehouse knows them.
    """
    pairs = parse_logins(logins)
    all_emails = list(emails)
    names: list[str] = []
    if person_id:
        person = roster.by_id().get(person_id)
        if person is None:
            with engine.connect() as conn:
                known = conn.execute(select(m.Identity.id).where(m.Identity.person_id == person_id)).first()
            if known is None:
                roster.get(person_id)  # raises the unknown-person error with a did-you-mean
        else:
            pairs += [("github", lg.login) for lg in person.github] + [("gitlab", lg.login) for lg in person.gitlab]
            all_emails += person.emails
            names.append(person.name)
    if not (person_id or pairs or all_emails):
        raise UserError(
            Problem(
                "nothing to forget", key="--person", hint="pass --person ID, --login or --email", code="bad-argument"
            )
        )
    with classify_lock(engine):  # a classification in flight would write signals from rows about to go
        return trust.forget(engine, person_id, pairs, all_emails, viewer, names=names)


def audit_rows(engine: Engine, roster: Roster, person_id: str) -> list[dict[str, Any]]:
    """The access log about a person on the roster (an unknown id is an error, not an empty log)."""
    roster.get(person_id)
    return trust.access_entries(engine, person_id)
