"""Git over smart HTTP at the forges' clone URLs, answered by ``git http-backend`` (CGI).

GitHub clones at ``/OWNER/REPO.git``, GitLab at ``/GROUP/SUBGROUP/PROJECT.git``: the same URLs the API
answers give as ``clone_url`` and ``http_url_to_repo``. Authentication is checked as the API's: a token
as HTTP basic auth (any user name, the token as password); anonymous clones are served, as public
repositories are, unless ``switches.git_needs_token`` (a private repository: 401 with a Basic challenge,
which is what makes a git client ask for credentials); ``switches.unauthorized`` refuses every request. Faults
(5xx, dropped connections, latency) apply as on the API, but git traffic uses no API rate-limit budget,
as on github.com. The bare repositories come from :class:`~leadsig.simulator.git_repos.GitStore`.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import time
from typing import Any

from leadsig.simulator.http import Response

GIT_PATH = re.compile(r"^/(?P<repo>.+?)\.git(?P<rest>/(?:info/refs|git-upload-pack|git-receive-pack|HEAD|objects/.*))$")
TEXT = "text/plain; charset=utf-8"


def match(raw_path: str) -> tuple[str, str] | None:
    """(repository full name, the path after ``.git``) for a git request, else None."""
    m = GIT_PATH.match(raw_path)
    return (m["repo"], m["rest"]) if m else None


def counter_key(method: str, rest: str) -> str:
    """The request counter's key: ``GET /{repo}.git/info/refs``, ``POST /{repo}.git/git-upload-pack``."""
    return f"{method} /{{repo}}.git{'/objects/...' if rest.startswith('/objects/') else rest}"


def is_git_key(key: str) -> bool:
    return " /{repo}.git" in key


def has_token(headers: dict[str, str]) -> bool:
    """Basic auth with a non-empty password (the token), or a bearer/token header as the API takes."""
    for name, value in headers.items():
        if name.lower() != "authorization" or not value:
            continue
        scheme, _, cred = value.partition(" ")
        if scheme.lower() == "basic":
            try:
                return bool(base64.b64decode(cred).decode().partition(":")[2])
            except (ValueError, UnicodeDecodeError):
                return False
        return scheme.lower() in ("token", "bearer") and bool(cred)
    return False


def serve(sim: Any, method: str, target: str, headers: dict[str, str], body: bytes) -> Response | None:
    """Answer one git request; ``None`` drops the connection (an injected fault)."""
    path, _, query = target.partition("?")
    found = match(path)
    assert found is not None  # the server routes here only after match()
    name, rest = found
    forge = _forge_of(sim.org, name)
    pushing = rest.startswith("/git-receive-pack") or "service=git-receive-pack" in query
    if forge is None or shutil.which("git") is None or pushing:
        return Response(404, "Repository not found.\n", content_type=TEXT)
    if sim.switches.unauthorized or (sim.switches.git_needs_token and not has_token(headers)):
        return Response(401, "Authentication failed.\n", {"WWW-Authenticate": 'Basic realm="forge git"'}, TEXT)
    decision = sim.faults.git_decision()
    if decision.delay:
        time.sleep(decision.delay)
    if decision.action == "drop":
        return None
    if decision.action == "error" or any(frag in path for frag in sim.switches.failing):
        return Response(decision.status if decision.action == "error" else 503, "Server error.\n", content_type=TEXT)
    repo_path = sim.git.repo_path(name)
    return _cgi(repo_path, rest, method, query, headers, body)


def _forge_of(org: Any, name: str) -> str | None:
    try:
        return str(org.repo(name).forge)
    except KeyError:
        return None


def _cgi(repo_path: Any, rest: str, method: str, query: str, headers: dict[str, str], body: bytes) -> Response:
    """Run ``git http-backend`` for one request and turn its CGI answer into a Response."""
    low = {k.lower(): v for k, v in headers.items()}
    env = {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "HOME": "/nonexistent",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_PROJECT_ROOT": str(repo_path.parent),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": f"/{repo_path.name}{rest}",
        "REQUEST_METHOD": method,
        "QUERY_STRING": query,
        "CONTENT_TYPE": low.get("content-type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_USER": "git",
        "REMOTE_ADDR": "127.0.0.1",
    }
    if "content-encoding" in low:
        env["HTTP_CONTENT_ENCODING"] = low["content-encoding"]
    if "git-protocol" in low:
        env["GIT_PROTOCOL"] = low["git-protocol"]
    out = subprocess.run(["git", "http-backend"], input=body, capture_output=True, env=env, check=False).stdout
    head, _, payload = out.partition(b"\r\n\r\n" if b"\r\n\r\n" in out else b"\n\n")
    status, content_type, extra = 200, "application/octet-stream", {}
    for line in head.decode("latin-1").splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip(), value.strip()
        if key.lower() == "status":
            status = int(value.split()[0])
        elif key.lower() == "content-type":
            content_type = value
        elif key:
            extra[key] = value
    return Response(status, payload, extra, content_type)
