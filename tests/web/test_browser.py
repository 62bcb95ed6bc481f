"""leadsig web in a real browser (Debian's Chromium, driven by Playwright; no browser is downloaded): sign in
as a person, a manager and an admin, filter, open a signal, dismiss it, and hostile forge text stays inert.

Every test runs on SQLite and, when LEADSIG_TEST_POSTGRES is set, again on PostgreSQL (one served app per
backend, one browser for the module)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from webapp import build

from leadsig.reports.monthly import build_monthly
from leadsig.web.app import create_app

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
PWNED = "document.title='PWNED'"
HOSTILE_BODY = f"<script>{PWNED}</script><img src=x onerror=\"{PWNED}\"> a review"
RTL = "invoice\u202egpj.exe"


class Served:
    def __init__(self, wh, url: str):  # noqa: ANN001
        self.wh, self.url = wh, url
        self.signals: dict[str, str] = {}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, module_warehouse_url: str) -> Iterator[Served]:
    wh = build(tmp_path_factory.mktemp("browser"), module_warehouse_url)
    sig = {"high": wh.signal("pat", impact="high", body="Pat's strongest review: the retry budget."),
           "low": wh.signal("pat", impact="low", indicator="mentors_in_reviews", body="Pat's small nudge."),
           "otto": wh.signal("otto", body="Otto's own work."),
           "hostile": wh.signal("pat", impact="medium", body=HOSTILE_BODY, title=RTL,
                                url="javascript:alert(document.cookie)"),
           "huge": wh.signal("pat", impact="low", body="x" * (5 * 1024 * 1024), repo="acme/<b>big</b>")}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(wh.engine, wh.config()), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    out = Served(wh, f"http://127.0.0.1:{port}")
    out.signals = sig
    yield out
    server.should_exit = True
    thread.join(10)
    wh.engine.dispose()


@pytest.fixture(scope="module")
def browser():  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def open_as(served: Served, browser):  # noqa: ANN001, ANN201
    contexts = []

    def page_for(person_id: str, role: str = "person"):  # noqa: ANN202
        ctx = browser.new_context()
        contexts.append(ctx)
        page = ctx.new_page()
        page.errors = []
        page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        page.goto(f"{served.url}/signin/{served.wh.invite(person_id, role)}")
        page.click("#signin")
        return page

    yield page_for
    for ctx in contexts:
        ctx.close()


def test_a_person_filters_opens_and_dismisses_a_signal(served: Served, open_as) -> None:  # noqa: ANN001
    page = open_as("pat")
    page.goto(f"{served.url}/person/pat?month=2026-10")
    items = page.locator("li.signal")
    assert items.count() == 4
    assert "strongest review" in items.first.inner_text()  # high impact first
    page.select_option("select[name=impact]", "low")
    page.click("#filters button[type=submit]")
    assert page.locator("li.signal").count() == 2 and "impact=low" in page.url
    page.select_option("select[name=impact]", "")
    page.select_option("select[name=indicator]", "mentors_in_reviews")
    page.click("#filters button[type=submit]")
    assert page.locator("li.signal").count() == 1
    page.click("li.signal a.open")
    assert "Every rule's verdict" in page.inner_text("main") and "small nudge" in page.inner_text("main")
    page.fill("input[name=reason]", "a one-word nudge is not mentoring")
    page.click("form.inline button[type=submit]")
    assert "dismissed as wrong" in page.inner_text("main")
    page.goto(f"{served.url}/person/pat?month=2026-10")
    assert "small nudge" not in page.inner_text("main") and page.locator("li.signal").count() == 3
    csv = build_monthly(served.wh.engine, served.wh.config(), "2026-10", out_dir=served.wh.tmp_path / "out")["csv"]
    assert "pull/2#" not in csv.read_text() and "pull/1#" in csv.read_text()
    assert page.errors == []


def test_a_manager_sees_their_team_and_is_refused_another(served: Served, open_as) -> None:  # noqa: ANN001
    page = open_as("mona", "manager")
    page.goto(f"{served.url}/?month=2026-10")  # the signals' month (the default is the last complete month)
    assert "Team payments" in page.inner_text("main")
    page.click("text=Pat")
    assert "strongest review" in page.inner_text("main")
    response = page.goto(f"{served.url}/person/otto?month=2026-10")
    assert response.status == 403 and "Otto's own work" not in page.content()


def test_an_admin_sees_everyone_and_the_rules(served: Served, open_as) -> None:  # noqa: ANN001
    page = open_as("ada", "admin")
    page.goto(f"{served.url}/?month=2026-10")  # the signals' month (the default is the last complete month)
    assert "Organisation" in page.inner_text("main") and "Pat" not in page.inner_text("main")
    page.click("nav.teams >> text=payments")
    assert "Team payments" in page.inner_text("main") and "Organisation" not in page.inner_text("main")
    page.click("text=Pat")
    assert "strongest review" in page.inner_text("main")
    page.goto(f"{served.url}/person/otto?month=2026-10")
    assert "Otto's own work" in page.inner_text("main")
    page.goto(f"{served.url}/rules")
    assert "observed precision" in page.inner_text("main")
    page.goto(f"{served.url}/person/pat/access")
    assert "web-person" in page.inner_text("main")


PROBE = """() => ({
  title: document.title, scripts: document.scripts.length, imgs: document.images.length,
  js_links: [...document.querySelectorAll('a')].filter(a => a.href.startsWith('javascript:')).length,
  rtl: document.body.innerText.includes('\\u202e'), bold: document.querySelectorAll('main b').length,
  size: document.documentElement.outerHTML.length,
})"""


def test_hostile_forge_text_is_inert_on_every_page(served: Served, open_as) -> None:  # noqa: ANN001
    page = open_as("pat")
    hostile = served.signals["hostile"]
    pages = ["/person/pat?month=2026-10", f"/activity/{hostile}", "/person/pat?month=2026-10&repo=<script>x</script>",
             "/person/pat/access", "/?month=2026-10"]
    _inert(page, served.url, pages)
    page.goto(f"{served.url}/activity/{hostile}")
    assert "<script>document.title='PWNED'</script>" in page.inner_text("main")  # shown as text


@pytest.mark.slow  # every rule's verdict on a 5 MB body takes the rule engine several seconds
def test_a_5mb_body_is_cut_on_its_activity_page(served: Served, open_as) -> None:  # noqa: ANN001
    _inert(open_as("pat"), served.url, [f"/activity/{served.signals['huge']}"])


def _inert(page, url: str, paths: list[str]) -> None:  # noqa: ANN001
    for path in paths:
        page.goto(url + path)
        seen = page.evaluate(PROBE)
        assert seen["title"] != "PWNED" and seen["scripts"] == 0 and seen["imgs"] == 0, (path, seen)
        assert seen["js_links"] == 0 and not seen["rtl"] and seen["bold"] == 0, (path, seen)
        assert seen["size"] < 300_000, (path, seen["size"])  # a 5 MB body is cut, not shipped
    assert page.errors == []
