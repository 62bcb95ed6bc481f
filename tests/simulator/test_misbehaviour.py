"""The simulator misbehaves as a real forge or its proxy does, on demand: a 401 for a token it took
yesterday, a redirect to another host, a 200 with a login page or with JSON cut short, and an error body
that repeats the credential."""

from __future__ import annotations

import json

import pytest
import requests

API = "/api/v4"
TOKEN = "sim-canary-0123456789"


def test_unauthorized_answers_401_on_both_forges(fresh_sim) -> None:
    fresh_sim.switches.unauthorized = True
    gh = requests.get(f"{fresh_sim.url}/repos/acme/api", headers={"Authorization": f"token {TOKEN}"})
    gl = requests.get(f"{fresh_sim.url}{API}/groups/acme", headers={"PRIVATE-TOKEN": TOKEN})
    assert (gh.status_code, gh.json()["message"]) == (401, "Bad credentials")
    assert (gl.status_code, gl.json()["message"]) == (401, "401 Unauthorized")
    assert TOKEN not in gh.text + gl.text  # only echo_token repeats it


@pytest.mark.parametrize(("path", "header"), [("/repos/acme/nope", "Authorization"),
                                               (f"{API}/projects/acme%2Fnope", "PRIVATE-TOKEN")])
def test_echo_token_repeats_the_credential_in_error_bodies(fresh_sim, path: str, header: str) -> None:
    fresh_sim.switches.echo_token = True
    value = f"Bearer {TOKEN}" if header == "Authorization" else TOKEN
    missing = requests.get(f"{fresh_sim.url}{path}", headers={header: value})
    found = requests.get(f"{fresh_sim.url}/repos/acme/api", headers={header: value})
    assert missing.status_code == 404 and TOKEN in missing.json()["message"]
    assert found.status_code == 200 and TOKEN not in found.text


def test_redirect_to_another_host_keeps_path_and_query(fresh_sim) -> None:
    fresh_sim.switches.redirect_to, fresh_sim.switches.redirect_status = "http://elsewhere.invalid:9", 301
    r = requests.get(f"{fresh_sim.url}{API}/groups/acme/projects?page=2", allow_redirects=False)
    assert r.status_code == 301
    assert r.headers["Location"] == "http://elsewhere.invalid:9/api/v4/groups/acme/projects?page=2"


def test_html_body_on_200(fresh_sim) -> None:
    fresh_sim.switches.bad_body, fresh_sim.switches.bad_body_max = "html", 1
    first, second = (requests.get(f"{fresh_sim.url}/repos/acme/api") for _ in range(2))
    assert first.status_code == 200 and first.headers["Content-Type"].startswith("text/html")
    assert first.text.startswith("<!DOCTYPE html>")
    assert second.json()["full_name"] == "acme/api"  # bad_body_max: only the first one


def test_truncated_body_on_200(fresh_sim) -> None:
    whole = requests.get(f"{fresh_sim.url}{API}/groups/acme/projects").content
    fresh_sim.switches.bad_body = "truncated"
    cut = requests.get(f"{fresh_sim.url}{API}/groups/acme/projects")
    assert cut.status_code == 200 and cut.headers["Content-Type"].startswith("application/json")
    assert whole.startswith(cut.content) and len(cut.content) < len(whole)
    with pytest.raises(json.JSONDecodeError):
        cut.json()


def test_html_pages_are_never_spoiled(fresh_sim) -> None:
    fresh_sim.switches.bad_body, fresh_sim.switches.unauthorized = "truncated", True
    page = requests.get(f"{fresh_sim.url}/acme/api/pull/1")
    assert page.status_code != 401 and page.text.rstrip().endswith(("</html>", "}"))
