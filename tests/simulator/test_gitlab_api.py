"""GitLab routes over raw HTTP: ids and encoded paths, offset and keyset pagination, filters, notes."""

from __future__ import annotations

from urllib.parse import quote

import requests

from leadsig.simulator import GITLAB

API = "/api/v4"


def _project(sim):
    return sim.org.repos_of(GITLAB)[0]


def test_project_by_encoded_path_and_id(sim) -> None:
    r = _project(sim)
    by_path = requests.get(f"{sim.url}{API}/projects/{quote(r.full_name, safe='')}").json()
    by_id = requests.get(f"{sim.url}{API}/projects/{r.id}").json()
    assert by_path == by_id and by_id["path_with_namespace"] == r.full_name
    assert by_id["namespace"]["full_path"] == r.owner


def test_group_projects_with_subgroups(sim) -> None:
    top = requests.get(f"{sim.url}{API}/groups/acme/projects").json()
    assert top == []  # projects live in subgroups
    allp = requests.get(f"{sim.url}{API}/groups/acme/projects", params={"include_subgroups": "true"}).json()
    assert {p["path_with_namespace"] for p in allp} == {r.full_name for r in sim.org.repos_of(GITLAB)}
    subs = requests.get(f"{sim.url}{API}/groups/acme/subgroups").json()
    assert {g["full_path"] for g in subs} == {f"acme/{t}" for t in sim.org.teams}


def test_offset_pagination_headers(sim) -> None:
    r = _project(sim)
    total = len(sim.org.pulls[r.full_name])
    resp = requests.get(f"{sim.url}{API}/projects/{r.id}/merge_requests", params={"per_page": 3})
    h = resp.headers
    assert (h["X-Page"], h["X-Per-Page"], h["X-Next-Page"], h["X-Prev-Page"]) == ("1", "3", "2", "")
    assert h["X-Total"] == str(total) and h["X-Total-Pages"] == str(-(-total // 3))
    assert resp.links["next"]["url"].startswith(f"{sim.url}{API}/projects/{r.id}/merge_requests?")


def test_keyset_pagination(sim) -> None:
    r = _project(sim)
    url, ids = f"{sim.url}{API}/projects/{r.id}/merge_requests?pagination=keyset&order_by=id&per_page=4", []
    while url:
        resp = requests.get(url)
        ids += [m["id"] for m in resp.json()]
        url = resp.links.get("next", {}).get("url")
    assert ids == sorted(p.id for p in sim.org.pulls[r.full_name])


def test_updated_after_and_state(sim) -> None:
    r = _project(sim)
    prs = sim.org.pulls[r.full_name]
    cut = sorted(p.updated_at for p in prs)[len(prs) // 2]
    got = requests.get(
        f"{sim.url}{API}/projects/{r.id}/merge_requests",
        params={"updated_after": cut.isoformat(), "per_page": 100, "order_by": "updated_at", "sort": "asc"},
    ).json()
    assert {m["iid"] for m in got} == {p.number for p in prs if p.updated_at >= cut}
    assert [m["updated_at"] for m in got] == sorted(m["updated_at"] for m in got)
    merged = requests.get(f"{sim.url}{API}/projects/{r.id}/merge_requests", params={"state": "merged"}).json()
    assert all(m["state"] == "merged" and m["merged_at"] for m in merged)


def test_notes_discussions_approvals(sim) -> None:
    r = _project(sim)
    mr = max(sim.org.pulls[r.full_name], key=lambda p: len(p.comments))
    base = f"{sim.url}{API}/projects/{r.id}/merge_requests/{mr.number}"
    notes = requests.get(f"{base}/notes", params={"per_page": 100}).json()
    assert len(notes) == len(mr.comments)
    assert any(n["system"] for n in notes)
    diff = [n for n in notes if n["type"] == "DiffNote"]
    assert all(n["position"]["new_path"] and n["position"]["new_line"] for n in diff)
    assert all(n["noteable_type"] == "MergeRequest" and n["noteable_iid"] == mr.number for n in notes)
    discussions = requests.get(f"{base}/discussions").json()
    assert sum(len(d["notes"]) for d in discussions) == len(notes)
    approvals = requests.get(f"{base}/approvals").json()
    assert [a["user"]["username"] for a in approvals["approved_by"]] == [a.user.gl_username for a in mr.approvals]


def test_commits_stats_and_diff(sim) -> None:
    r = _project(sim)
    commits = requests.get(
        f"{sim.url}{API}/projects/{r.id}/repository/commits", params={"with_stats": "true", "per_page": 100}
    ).json()
    c = commits[0]
    assert c["authored_date"][-6] in "+-" and "stats" in c
    diff = requests.get(f"{sim.url}{API}/projects/{r.id}/repository/commits/{c['id']}/diff").json()
    plus = sum(line.startswith("+") for d in diff for line in d["diff"].splitlines()[1:])
    assert plus == c["stats"]["additions"]


def test_web_urls_are_served(sim) -> None:
    r = _project(sim)
    mr = sim.org.pulls[r.full_name][0]
    notes = requests.get(f"{sim.url}{API}/projects/{r.id}/merge_requests/{mr.number}/notes").json()
    mr_json = requests.get(f"{sim.url}{API}/projects/{r.id}/merge_requests/{mr.number}").json()
    page = requests.get(mr_json["web_url"])
    assert page.status_code == 200
    assert all(f"id='note_{n['id']}'" in page.text for n in notes)


def test_users_lookup(sim) -> None:
    p = sim.org.humans()[0]
    got = requests.get(f"{sim.url}{API}/users", params={"username": p.gl_username}).json()
    assert [u["id"] for u in got] == [p.gl_id] and got[0]["bot"] is False
    bot = sim.org.bots()[0]
    assert requests.get(f"{sim.url}{API}/users", params={"username": bot.gl_username}).json()[0]["bot"] is True
