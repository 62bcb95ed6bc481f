"""`leadsig export`, `forget` and `audit`: what the people being measured can ask for."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from leadsig.config import load_config
from leadsig.errors import Problem, UserError
from leadsig.flows.pipeline import prepare
from leadsig.warehouse import models as m
from leadsig.warehouse import trust


def _plain(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


def person_rows(engine: Engine, person_id: str) -> dict[str, list[dict[str, Any]]]:
    """Everything stored about one person, across all their identities."""
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
    out = {
        "person": people,
        "identities": idents,
        "activities": acts,
        "signals": sigs,
        "access_log": trust.access_entries(engine, person_id),
    }
    return {k: [{c: _plain(v) for c, v in dict(r).items()} for r in rows] for k, rows in out.items()}


def export_person(config_path: str, person_id: str, out_dir: Path, viewer: str | None) -> list[Path]:
    cfg = load_config(config_path)
    p = prepare(cfg)
    p.roster.get(person_id)  # unknown person -> located error with did-you-mean
    data = person_rows(p.engine, person_id)
    target = out_dir / f"export-{person_id}"
    target.mkdir(parents=True, exist_ok=True)
    written = [target / "export.json"]
    written[0].write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    for table, rows in data.items():
        path = target / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            cols = sorted({c for r in rows for c in r})
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            for r in rows:
                w.writerow({k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in r.items()})
        written.append(path)
    try:  # the same evidence pack a manager reads, so the two views cannot differ
        from leadsig.reports.packet import build_packet

        written.append(build_packet(p.engine, cfg, person_id, out_dir=target))
    except ImportError:
        pass
    trust.log_access(p.engine, "export", [person_id], {"files": [str(w) for w in written]}, viewer)
    return written


def forget_person(
    config_path: str, person_id: str | None, logins: list[str], emails: list[str], viewer: str | None
) -> dict[str, int]:
    cfg = load_config(config_path)
    p = prepare(cfg)
    pairs: list[tuple[str, str]] = []
    for raw in logins:
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
    all_emails = list(emails)
    if person_id:
        person = p.roster.by_id().get(person_id)
        if person is None:
            with p.engine.connect() as conn:
                known = conn.execute(select(m.Identity.id).where(m.Identity.person_id == person_id)).first()
            if known is None:
                p.roster.get(person_id)  # raises the unknown-person error with a did-you-mean
        else:
            pairs += [("github", lg.login) for lg in person.github] + [("gitlab", lg.login) for lg in person.gitlab]
            all_emails += person.emails
    if not (person_id or pairs or all_emails):
        raise UserError(
            Problem(
                "nothing to forget", key="--person", hint="pass --person ID, --login or --email", code="bad-argument"
            )
        )
    return trust.forget(p.engine, person_id, pairs, all_emails, viewer)


def audit_rows(config_path: str, person_id: str) -> list[dict[str, Any]]:
    cfg = load_config(config_path)
    p = prepare(cfg)
    p.roster.get(person_id)
    return trust.access_entries(p.engine, person_id)


