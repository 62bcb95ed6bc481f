"""The pages: month overview, a person's signals, an activity's verdicts, a person's access log, rule figures.

Each handler asks ``auth`` who is viewing, refuses what they may not see, logs every view of a person's
data, and renders a Jinja2 template (autoescaped; forge text is cleaned by reports/text.py first).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from leadsig.errors import UserError
from leadsig.reports import aggregates as agg
from leadsig.reports.data import last_complete_month, parse_month, shift_month
from leadsig.reports.indicators import IMPACTS, SIGNAL_TYPES, label_of
from leadsig.reports.monthly import report_stem
from leadsig.reports.text import clean, safe_url
from leadsig.warehouse import feedback
from leadsig.warehouse.invites import invite_subject, redeem
from leadsig.warehouse.trust import access_entries, log_access
from leadsig.web import queries as q
from leadsig.web.auth import Refused, Viewer, check_csrf, identify
from leadsig.web.overview import month_overview
from leadsig.web.site import Site

MAX_FORM = 64 * 1024


def _month(request: Request) -> str:
    raw = request.query_params.get("month") or last_complete_month()
    try:
        return parse_month(raw, key="month").month
    except UserError:
        raise Refused(400, "not a month") from None


def _page(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


def _subject(site: Site, viewer: Viewer, person_id: str) -> dict:
    """The person, when the viewer may see them; an unknown id and a forbidden one look the same."""
    person = q.person_row(site.engine, person_id)
    if person is None or not viewer.can_see(person_id, person.get("team")):
        raise Refused(403, "not allowed to see this person", subject=person_id if person else None)
    return person


async def overview(request: Request) -> Response:
    site: Site = request.app.state.site
    viewer = identify(request, site.engine, site.cfg)
    if viewer.role == "person":
        return RedirectResponse(f"/person/{viewer.person_id}", status_code=303)
    month = _month(request)
    team = request.query_params.get("team") or None
    context = month_overview(site, viewer, month, team)
    return site.render(request, "overview.html.j2", viewer, month=month, prev=shift_month(month, -1),
                       next=shift_month(month, 1), **context)


async def person(request: Request) -> Response:
    site: Site = request.app.state.site
    viewer = identify(request, site.engine, site.cfg)
    pid = request.path_params["pid"]
    who = _subject(site, viewer, pid)
    month, page = _month(request), _page(request)
    window = parse_month(month)
    filters = q.Filters.of(request.query_params)
    counts = q.month_counts(site.engine, pid, window)
    shown = [c for c in counts if _passes(c, filters)]
    total = sum(c[4] for c in shown)
    rows = q.signal_page(site.engine, pid, window, filters, page)
    log_access(site.engine, "web-person", [pid], {"month": month, "filters": filters.query(), "page": page},
               viewer.label)
    by_type: dict[tuple, int] = {}
    for t, _i, imp, _r, n in counts:
        by_type[(t, imp)] = by_type.get((t, imp), 0) + n
    pages = max(1, -(-total // q.PER_PAGE))
    base = {"month": month, **filters.query()}
    return site.render(
        request, "person.html.j2", viewer, person={"id": pid, "name": clean(who["name"], 200), "team": who["team"]},
        month=month, prev=shift_month(month, -1), next=shift_month(month, 1), filters=filters,
        options={"type": SIGNAL_TYPES, "impact": IMPACTS, "indicator": sorted({c[1] for c in counts}),
                 "repo": sorted({c[3] for c in counts})},
        by_type=agg.type_impact_rows(by_type), total=total, page=page, pages=pages,
        signals=[_signal_item(r) for r in rows], can_dismiss=_can_dismiss(viewer, pid, who.get("team")),
        page_link=lambda p: "?" + urlencode({**base, "page": p}), label_of=label_of)


def _passes(c: tuple, f: q.Filters) -> bool:
    return all(not want or want == got for want, got in ((f.type, c[0]), (f.indicator, c[1]), (f.impact, c[2]),
                                                          (f.repo, c[3])))


def _can_dismiss(viewer: Viewer, person_id: str, team: str | None) -> bool:
    return viewer.person_id == person_id or (viewer.role == "manager" and team in viewer.teams) or \
        viewer.role == "admin"


def _signal_item(r: dict) -> dict:
    why = r.get("why") or {}
    conditions = why.get("conditions") if isinstance(why, dict) else None
    return {
        "activity_id": r["activity_id"], "rule_id": clean(r["rule_id"], 200), "rule_raw": r["rule_id"],
        "date": pd.Timestamp(r["occurred_at"]).strftime("%Y-%m-%d"), "signal_type": r["signal_type"],
        "indicator": label_of(r["indicator"]), "impact": r["impact"], "repo": clean(r["repo"], 200),
        "title": clean(r["title"], 200) or f"({r['kind']})", "summary": clean(r["summary"], 300),
        "quote": clean(r["quote"], 600), "url": safe_url(r["evidence_url"]), "raw_url": clean(r["evidence_url"], 300),
        "why": [(clean(k, 100), clean(repr(v), 200)) for k, v in (conditions or {}).items()],
    }


async def activity(request: Request) -> Response:
    site: Site = request.app.state.site
    viewer = identify(request, site.engine, site.cfg)
    aid = request.path_params["aid"]
    row = q.activity_row(site.engine, aid)
    if row is None:
        raise Refused(403, "not allowed to see this activity")
    if row["person_id"] is None:
        if not viewer.sees_rules:
            raise Refused(403, "not allowed to see this activity")
    else:
        _subject(site, viewer, row["person_id"])
        log_access(site.engine, "web-activity", [row["person_id"]], {"activity": aid}, viewer.label)
    explanation = site.explain(aid)
    stored = q.activity_signals(site.engine, aid)
    given = feedback.feedback_on(site.engine, [aid])
    team = (q.person_row(site.engine, row["person_id"]) or {}).get("team") if row["person_id"] else None
    return site.render(request, "activity.html.j2", viewer, row={
        "id": aid, "kind": row["kind"], "repo": clean(row["repo"], 200), "actor": clean(row["actor_login"], 200),
        "person_id": row["person_id"], "url": safe_url(row["url"]), "raw_url": clean(row["url"], 300),
        "title": clean(row["title"], 300), "body": clean(row["body"], 2000),
        "date": pd.Timestamp(row["occurred_at"]).strftime("%Y-%m-%d %H:%M UTC")}, explanation=explanation,
        stored=[{**s, "feedback": given.get((aid, s["rule_id"]))} for s in stored],
        can_dismiss=row["person_id"] is not None and _can_dismiss(viewer, row["person_id"], team), show=_show)


def _show(value: object) -> str:
    return clean(repr(value), 160)


async def access_log(request: Request) -> Response:
    site: Site = request.app.state.site
    viewer = identify(request, site.engine, site.cfg)
    pid = request.path_params["pid"]
    who = _subject(site, viewer, pid)
    entries = access_entries(site.engine, pid)
    log_access(site.engine, "web-access-log", [pid], {}, viewer.label)
    rows = [{"at": str(e["at"])[:19], "viewer": clean(e["viewer"], 200), "action": clean(e["action"], 100),
             "detail": clean(str(e["detail"]), 300)} for e in reversed(entries)]
    return site.render(request, "access.html.j2", viewer, person={"id": pid, "name": clean(who["name"], 200)},
                       entries=rows)


async def rules_view(request: Request) -> Response:
    site: Site = request.app.state.site
    viewer = identify(request, site.engine, site.cfg)
    if not viewer.sees_rules:
        raise Refused(403, "rules and their figures are for leads and admins")
    figures = feedback.rule_figures(site.engine)
    rows = [{"id": r.id, "version": r.version, "indicator": label_of(r.indicator), "enabled": r.enabled,
             "signals": figures[r.id].signals if r.id in figures else 0,
             "dismissed": figures[r.id].dismissed if r.id in figures else 0,
             "precision": figures[r.id].precision if r.id in figures else None} for r in site.ruleset.rules]
    return site.render(request, "rules.html.j2", viewer, rules=rows)


REPORT_FILE = re.compile(r"^leadsig-(\d{4}-\d{2})(-[A-Za-z0-9_.-]+)?\.(html|md|csv)$")


def _report_files(site: Site, viewer: Viewer) -> list[Path]:
    """The monthly report files an admin (all) or a manager (their teams' own) may download."""
    if viewer.role not in ("admin", "manager"):
        raise Refused(403, "reports are for managers and admins")
    out_dir = Path(site.cfg.reports_out_dir)
    files = sorted(out_dir.glob("leadsig-*"), reverse=True) if out_dir.is_dir() else []
    files = [f for f in files if REPORT_FILE.match(f.name) and f.is_file()]
    if viewer.role == "admin":
        return files
    mine = {report_stem(match.group(1), team) for f in files if (match := REPORT_FILE.match(f.name))
            for team in viewer.teams}
    return [f for f in files if f.name.rsplit(".", 1)[0] in mine]


async def reports_view(request: Request) -> Response:
    site: Site = request.app.state.site
    viewer = identify(request, site.engine, site.cfg)
    files = _report_files(site, viewer)
    return site.render(request, "reports.html.j2", viewer, files=[f.name for f in files])


async def report_file(request: Request) -> Response:
    site: Site = request.app.state.site
    viewer = identify(request, site.engine, site.cfg)
    name = request.path_params["name"]
    match = next((f for f in _report_files(site, viewer) if f.name == name), None)
    if match is None:
        raise Refused(403, "not allowed to read this report")
    log_access(site.engine, "web-report", [None], {"file": name}, viewer.label)
    return FileResponse(match, filename=name, content_disposition_type="attachment",
                        headers={"Cache-Control": "no-store"})


async def read_form(request: Request) -> dict[str, str]:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            raise Refused(413, "form too large")
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


async def dismiss(request: Request) -> Response:
    site: Site = request.app.state.site
    viewer = identify(request, site.engine, site.cfg)
    form = await read_form(request)
    aid, rule = form.get("activity", ""), form.get("rule", "")
    row = q.activity_row(site.engine, aid)
    check_csrf(request, form, subject=row["person_id"] if row else None)
    if row is None or row["person_id"] is None:
        raise Refused(403, "not allowed to give feedback on this signal")
    team = (q.person_row(site.engine, row["person_id"]) or {}).get("team")
    if not _can_dismiss(viewer, row["person_id"], team):
        raise Refused(403, "not allowed to give feedback on this signal", subject=row["person_id"])
    try:
        feedback.dismiss(site.engine, aid, rule, form.get("verdict", ""), form.get("reason", ""), viewer.label)
    except UserError as exc:
        raise Refused(400, str(exc).splitlines()[0][:200], subject=row["person_id"]) from None
    back = form.get("back", "")
    return RedirectResponse(back if _local(back) else f"/person/{row['person_id']}", status_code=303)


async def signin_page(request: Request) -> Response:
    """The link only shows a button: chat and mail previews fetch links, and must not spend a single-use one."""
    site: Site = request.app.state.site
    return site.render(request, "signin.html.j2", None, token=request.path_params["token"])


async def signin(request: Request) -> Response:
    site: Site = request.app.state.site
    token = request.path_params["token"]
    who, outcome = redeem(site.engine, token)
    if who is None:
        raise Refused(401, f"sign-in link {outcome}", subject=invite_subject(site.engine, token))
    request.session.clear()
    request.session.update({"pid": who.person_id, "role": who.role})
    log_access(site.engine, "web-sign-in", [who.person_id], {"role": who.role}, f"{who.person_id} (web, {who.role})")
    return RedirectResponse("/", status_code=303)


def _local(back: str) -> bool:
    """A path on this site (so a form cannot send the browser elsewhere after posting)."""
    parts = urlsplit(back)
    return back.startswith("/") and not back.startswith(("//", "/\\")) and not parts.scheme and not parts.netloc


async def signout(request: Request) -> Response:
    form = await read_form(request)
    check_csrf(request, form)
    request.session.clear()
    return RedirectResponse("/signed-out", status_code=303)


async def signed_out(request: Request) -> Response:
    site: Site = request.app.state.site
    return site.render(request, "message.html.j2", None, title="Signed out",
                       message="You are signed out. Use a new sign-in link to come back.")
