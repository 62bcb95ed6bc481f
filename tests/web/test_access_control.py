"""Access control from the outside: each refused request gets 401/403, is in the access log of the person it
was after, and its response carries nothing of theirs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from starlette.testclient import TestClient

from leadsig.warehouse import models as m
from leadsig.warehouse.trust import access_entries

OTTO_TEXT = "Otto's platform note"


def _refusals(wh, person_id: str) -> list[dict]:  # noqa: ANN001
    return [e for e in access_entries(wh.engine, person_id) if e["action"] == "web-refused"]


def test_a_person_sees_their_own_page_and_the_view_is_logged(wh, sign_in) -> None:  # noqa: ANN001
    page = sign_in("pat").get("/person/pat?month=2026-10")
    assert page.status_code == 200 and "careful review of the retry logic" in page.text
    views = [e for e in access_entries(wh.engine, "pat") if e["action"] == "web-person"]
    assert views and views[-1]["viewer"] == "pat (web, person)"


def test_a_person_cannot_open_another_persons_page(wh, sign_in) -> None:  # noqa: ANN001
    before = len(_refusals(wh, "otto"))
    pat = sign_in("pat")
    for path in ("/person/otto?month=2026-10", "/person/otto/access", f"/activity/{wh.otto_signal}"):
        r = pat.get(path)
        assert r.status_code == 403, path
        assert OTTO_TEXT not in r.text and "Otto" not in r.text
    assert len(_refusals(wh, "otto")) == before + 3
    assert _refusals(wh, "otto")[-1]["viewer"] == "pat (web, person)"


def test_an_unknown_person_looks_like_a_forbidden_one(sign_in) -> None:  # noqa: ANN001
    pat = sign_in("pat")
    assert pat.get("/person/nobody").text == pat.get("/person/otto").text.replace("otto", "nobody")


def test_a_manager_sees_their_team_and_not_another(wh, sign_in) -> None:  # noqa: ANN001
    mona = sign_in("mona", "manager")
    assert mona.get("/person/pat?month=2026-10").status_code == 200
    r = mona.get("/person/otto?month=2026-10")
    assert r.status_code == 403 and OTTO_TEXT not in r.text
    assert _refusals(wh, "otto")[-1]["viewer"] == "mona (web, manager)"
    overview = mona.get("/?month=2026-10")
    assert "/person/pat" in overview.text and "/person/otto" not in overview.text
    assert "platform" not in overview.text
    other_team = mona.get("/?month=2026-10&team=platform")
    assert other_team.status_code == 403 and "Otto" not in other_team.text


def test_rules_page_is_for_leads_and_admins(sign_in) -> None:  # noqa: ANN001
    assert sign_in("pat").get("/rules").status_code == 403
    assert sign_in("lee", "lead").get("/rules").status_code == 200
    assert sign_in("lee", "lead").get("/person/pat").status_code == 403  # a lead sees rules, not people


def test_nobody_signed_in_gets_401(app) -> None:  # noqa: ANN001
    r = TestClient(app, follow_redirects=False).get("/person/pat")
    assert r.status_code == 401 and "careful review" not in r.text


def test_a_proxy_header_from_an_unconfigured_address_is_refused_and_logged(wh, app) -> None:  # noqa: ANN001
    forged = TestClient(app, follow_redirects=False, client=("192.0.2.1", 5000))
    r = forged.get("/person/pat?month=2026-10", headers={"X-Forwarded-User": "ada"})
    assert r.status_code == 401 and "careful review" not in r.text
    with wh.engine.connect() as conn:
        rows = conn.execute(select(m.AccessLog.detail).where(m.AccessLog.action == "web-refused")).scalars().all()
    assert any(d["client"] == "192.0.2.1" and "not a configured proxy" in d["reason"] for d in rows)


def test_the_proxy_header_from_the_configured_proxy_is_believed(app) -> None:  # noqa: ANN001
    proxy = TestClient(app, follow_redirects=False, client=("10.9.8.7", 5000))
    assert proxy.get("/person/otto?month=2026-10", headers={"X-Forwarded-User": "ada"}).status_code == 200
    assert proxy.get("/person/otto", headers={"X-Forwarded-User": "pat"}).status_code == 403


def test_after_dismissing_the_browser_is_only_sent_back_within_the_site(wh, sign_in) -> None:  # noqa: ANN001
    pia_id = wh.signal("pia", body="pia's second review")
    pia = sign_in("pia")
    page = pia.get("/person/pia?month=2026-10").text
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    r = pia.post("/feedback", data={"csrf": csrf, "activity": pia_id, "rule": "reviews_proactively.default",
                                    "verdict": "wrong", "reason": "not mine", "back": "/\\evil.example/x"})
    assert r.status_code == 303 and r.headers["location"] == "/person/pia"


def test_a_form_post_without_csrf_token_is_refused(wh, sign_in) -> None:  # noqa: ANN001
    before = len(_refusals(wh, "pat"))
    pat = sign_in("pat")
    form = {"activity": wh.pat_signal, "rule": "reviews_proactively.default", "verdict": "wrong", "reason": "x"}
    for csrf in ({}, {"csrf": "forged"}):
        r = pat.post("/feedback", data={**form, **csrf})
        assert r.status_code == 403
    assert pat.get("/person/pat?month=2026-10").text.count("careful review") == 1  # still shown: nothing dismissed
    refusals = _refusals(wh, "pat")[before:]
    assert len(refusals) == 2 and all("CSRF" in e["detail"]["reason"] for e in refusals)


def test_a_replayed_or_expired_invite_is_refused_and_logged(wh, app) -> None:  # noqa: ANN001
    token = wh.invite("pia")
    first = TestClient(app, follow_redirects=False)
    assert first.get(f"/signin/{token}").status_code == 200  # a link preview fetching it spends nothing
    assert first.post(f"/signin/{token}").status_code == 303
    again = TestClient(app, follow_redirects=False)
    r = again.post(f"/signin/{token}")
    assert r.status_code == 401 and "leadsig_session" not in r.headers.get("set-cookie", "")
    assert again.get("/person/pia").status_code == 401
    old = wh.invite("pia", now=datetime.now(UTC) - timedelta(hours=2))
    assert TestClient(app, follow_redirects=False).post(f"/signin/{old}").status_code == 401
    reasons = [e["detail"]["reason"] for e in _refusals(wh, "pia")]
    assert "sign-in link used" in reasons and "sign-in link expired" in reasons


def test_report_files_are_for_admins_and_the_managers_of_their_team(wh, sign_in) -> None:  # noqa: ANN001
    out = wh.tmp_path / "out"
    out.mkdir(exist_ok=True)
    for name in ("leadsig-2026-10.html", "leadsig-2026-10-payments.csv", "leadsig-2026-10-platform.csv"):
        (out / name).write_text(f"report {name}")
    ada, mona = sign_in("ada", "admin"), sign_in("mona", "manager")
    assert "leadsig-2026-10.html" in ada.get("/reports").text
    listed = mona.get("/reports").text
    assert "leadsig-2026-10-payments.csv" in listed and "platform" not in listed and "2026-10.html" not in listed
    got = mona.get("/reports/leadsig-2026-10-payments.csv")
    assert got.status_code == 200 and got.text == "report leadsig-2026-10-payments.csv"
    assert "attachment" in got.headers["content-disposition"]
    assert mona.get("/reports/leadsig-2026-10-platform.csv").status_code == 403
    assert mona.get("/reports/..%2Fwarehouse.db").status_code in (403, 404)
    assert sign_in("pat").get("/reports").status_code == 403
    with wh.engine.connect() as conn:
        views = conn.execute(select(m.AccessLog.viewer, m.AccessLog.detail)
                             .where(m.AccessLog.action == "web-report")).all()
    assert ("mona (web, manager)", {"file": "leadsig-2026-10-payments.csv"}) in [tuple(v) for v in views]
