"""GitHub routes over raw HTTP: shapes, pagination, filters, the Enterprise prefix, and evidence pages."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import requests

from leadsig.simulator import GITHUB


def test_pagination_links_are_absolute(sim) -> None:
    r = requests.get(f"{sim.url}/repos/acme/api/pulls", params={"state": "all", "per_page": 3})
    assert r.status_code == 200 and len(r.json()) == 3
    assert r.links["next"]["url"].startswith(sim.url + "/repos/acme/api/pulls?")
    last = parse_qs(urlsplit(r.links["last"]["url"]).query)
    total = len(sim.org.pulls["acme/api"])
    assert int(last["page"][0]) == -(-total // 3) and last["state"] == ["all"]
    r2 = requests.get(r.links["last"]["url"])
    assert "next" not in r2.links and "prev" in r2.links and "first" in r2.links


def test_single_page_has_no_link_and_per_page_is_capped(sim) -> None:
    r = requests.get(f"{sim.url}/repos/acme/api/pulls", params={"state": "all", "per_page": 1000})
    assert "Link" not in r.headers and len(r.json()) == len(sim.org.pulls["acme/api"])


def test_enterprise_prefix(sim) -> None:
    r = requests.get(f"{sim.url}/api/v3/repos/acme/api/issues", params={"state": "all", "per_page": 2})
    assert r.links["next"]["url"].startswith(sim.url + "/api/v3/repos/acme/api/issues?")
    assert r.json()[0]["url"].startswith(sim.url + "/api/v3/repos/")
    assert r.json()[0]["html_url"].startswith(sim.url + "/acme/api/")


def test_pull_shape(sim) -> None:
    pr = (
        requests.get(f"{sim.url}/repos/acme/api/pulls/1").json()
        if 1 in {p.number for p in sim.org.pulls["acme/api"]}
        else requests.get(f"{sim.url}/repos/acme/api/pulls/{sim.org.pulls['acme/api'][0].number}").json()
    )
    for key in [
        "id",
        "node_id",
        "number",
        "html_url",
        "url",
        "user",
        "state",
        "title",
        "body",
        "labels",
        "created_at",
        "updated_at",
        "closed_at",
        "merged_at",
        "merged_by",
        "requested_reviewers",
        "head",
        "base",
        "merged",
        "additions",
        "deletions",
        "changed_files",
    ]:
        assert key in pr, key
    assert set(pr["user"]) >= {"login", "id", "type", "site_admin"}
    assert pr["head"]["ref"] and pr["base"]["ref"] == "main"


def test_filters_state_sort_direction_since(sim) -> None:
    org = sim.org
    r = requests.get(f"{sim.url}/repos/acme/api/pulls", params={"state": "open", "per_page": 100}).json()
    assert {p["number"] for p in r} == {p.number for p in org.pulls["acme/api"] if p.state == "open"}
    asc = requests.get(
        f"{sim.url}/repos/acme/api/pulls",
        params={"state": "all", "sort": "updated", "direction": "asc", "per_page": 100},
    ).json()
    assert [p["updated_at"] for p in asc] == sorted(p["updated_at"] for p in asc)
    cut = sorted(c.updated_at for pr in org.pulls["acme/api"] for c in pr.comments)[-3]
    since = cut.strftime("%Y-%m-%dT%H:%M:%SZ")
    rc = requests.get(f"{sim.url}/repos/acme/api/pulls/comments", params={"since": since}).json()
    ic = requests.get(f"{sim.url}/repos/acme/api/issues/comments", params={"since": since}).json()
    assert rc or ic
    assert all(c["updated_at"] >= since for c in rc + ic)
    bad = requests.get(f"{sim.url}/repos/acme/api/pulls", params={"direction": "up"})
    assert bad.status_code == 422


def test_issues_listing_includes_pulls(sim) -> None:
    items = requests.get(f"{sim.url}/repos/acme/api/issues", params={"state": "all", "per_page": 100}).json()
    prs = [i for i in items if "pull_request" in i]
    assert len(prs) == len(sim.org.pulls["acme/api"])
    assert len(items) - len(prs) == len(sim.org.issues["acme/api"])


def test_commits_filters_and_files(sim) -> None:
    commits = requests.get(f"{sim.url}/repos/acme/api/commits", params={"per_page": 100}).json()
    assert commits and all(set(c["commit"]["author"]) == {"name", "email", "date"} for c in commits)
    docs = requests.get(f"{sim.url}/repos/acme/api/commits", params={"path": "docs", "per_page": 100}).json()
    one = requests.get(f"{sim.url}/repos/acme/api/commits/{commits[0]['sha']}").json()
    assert one["stats"]["total"] == sum(f["changes"] for f in one["files"])
    for c in docs:
        files = requests.get(f"{sim.url}/repos/acme/api/commits/{c['sha']}").json()["files"]
        assert any(f["filename"].startswith("docs/") for f in files)


def test_not_found_is_json(sim) -> None:
    r = requests.get(f"{sim.url}/repos/acme/nope")
    assert r.status_code == 404 and r.json()["message"] == "Not Found"


def test_every_evidence_link_is_served(sim) -> None:
    org = sim.org
    links: list[tuple[str, str]] = []
    for repo in org.repos_of(GITHUB):
        for pr in org.pulls[repo.full_name]:
            reviews = requests.get(f"{sim.url}/repos/{repo.full_name}/pulls/{pr.number}/reviews").json()
            links += [(r["html_url"], r["body"]) for r in reviews]
        for path in ("pulls/comments", "issues/comments"):
            page = requests.get(f"{sim.url}/repos/{repo.full_name}/{path}", params={"per_page": 100}).json()
            links += [(c["html_url"], c["body"]) for c in page]
    assert len(links) > 20
    pages: dict[str, str] = {}
    for url, body in links:
        base, _, frag = url.partition("#")
        if base not in pages:
            resp = requests.get(base)
            assert resp.status_code == 200 and "text/html" in resp.headers["Content-Type"]
            pages[base] = resp.text
        assert f"id='{frag}'" in pages[base]
        from html import escape

        assert escape(body) in pages[base]
