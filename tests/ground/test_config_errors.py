"""Every config and roster mistake names the file, the line and the key, with a hint, and exits 2."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from leadsig.config import load_config
from leadsig.errors import UserError
from leadsig.roster import load_roster

GOOD_SOURCE = "sources:\n  - kind: github\n    orgs: [acme]\n"

CONFIG_CASES = {
    "unknown top key": (
        "warehouse: sqlite:///x.db\nwarehous: x\n",
        2,
        "unknown key",
        "did you mean 'warehouse'",
    ),
    "bad warehouse url": (
        "warehouse: mysql://x/y\n",
        1,
        "not a supported database URL",
        "postgresql+psycopg",
    ),
    "bad source kind": (
        "sources:\n  - kind: bitbucket\n    repos: [a/b]\n",
        2,
        "unknown source kind",
        "kind: github",
    ),
    "bad source url": (
        "sources:\n  - kind: github\n    url: ftp//nope\n    orgs: [a]\n",
        3,
        "not an http(s) URL",
        "api/v3",
    ),
    "token in token_env": (
        "sources:\n  - kind: github\n    token_env: ghp-abc.def\n    orgs: [a]\n",
        3,
        "NAME of an environment variable",
        "GITHUB_TOKEN",
    ),
    "misspelt source key": (
        "sources:\n  - kind: gitlab\n    grups: [acme]\n",
        3,
        "unknown key",
        "did you mean 'groups'",
    ),
    "github with groups": (
        "sources:\n  - kind: github\n    orgs: [a]\n    groups: [b]\n",
        4,
        "github sources have no groups",
        "use orgs",
    ),
    "per_page too big": (
        "sources:\n  - kind: github\n    orgs: [a]\n    per_page: 500\n",
        4,
        "bad value 500",
        "1-100",
    ),
    "orgs not a list": (
        "sources:\n  - kind: github\n    orgs: {a: 1}\n",
        3,
        "expected a list of strings",
        "orgs:",
    ),
    "nothing to mine": ("sources:\n  - kind: github\n", 2, "names nothing to mine", "orgs:/repos:"),
    "bad since": (GOOD_SOURCE + "since: last year\n", 4, "not a date", "2025-01-01"),
    "bad cron": (GOOD_SOURCE + "schedule:\n  nightly: at two\n", 5, "cron", "minute hour"),
    "bad timezone": (GOOD_SOURCE + "schedule:\n  timezone: Mars/Olympus\n", 5, "unknown time zone", "IANA"),
    "duplicate key": ("warehouse: sqlite:///a.db\nwarehouse: sqlite:///b.db\n", 2, "duplicate key", "once"),
    "yaml syntax": ("sources:\n  - kind: github\n   orgs: [acme\n", 3, "YAML syntax error", "indentation"),
    "teams wrong shape": (GOOD_SOURCE + "teams:\n  payments: [acme/pay]\n", 5, "expected a mapping", "repos"),
    "retention not months": (GOOD_SOURCE + "retention:\n  activity_months: 0\n", 5, "whole number of months", "12"),
    "retention unknown key": (GOOD_SOURCE + "retention:\n  activity_days: 30\n", 5, "unknown key", "activity_months"),
    "graphql not a bool": ("sources:\n  - kind: github\n    orgs: [a]\n    graphql: maybe\n", 4, "true or false", None),
    "graphql not a bool on gitlab": ("sources:\n  - kind: gitlab\n    groups: [a]\n    graphql: maybe\n", 4,
                                     "true or false", None),
    "approvals_api on github": ("sources:\n  - kind: github\n    orgs: [a]\n    approvals_api: true\n", 4,
                                "github sources have no approvals_api", "remove it"),
    "not a mapping": ("- just\n- a list\n", 1, "must be a mapping", None),
    "reports group size": (GOOD_SOURCE + "reports:\n  min_group_size: -1\n", 5, "whole number of people", "5"),
    "reports per_person": (GOOD_SOURCE + "reports:\n  per_person: sometimes\n", 5, "true or false", None),
    "privacy is no section": (GOOD_SOURCE + "privacy: {}\n", 4, "unknown key", "allowed keys"),
    "retention in the millions": (GOOD_SOURCE + "retention:\n  signals_months: 5000000\n", 5, "from 1 to 1200",
                                  None),
    "since before any forge": (GOOD_SOURCE + "since: 0001-01-01\n", 4, "too early", "1970-01-01"),
    "since in the future": (GOOD_SOURCE + "since: 2999-01-01\n", 4, "in the future", None),
    "timeout not a number": ("sources:\n  - kind: github\n    orgs: [a]\n    timeout: .nan\n", 4, "bad value nan",
                             "finite"),
    "pause infinite": ("sources:\n  - kind: github\n    orgs: [a]\n    seconds_between_requests: .inf\n", 4,
                       "bad value inf", "finite"),
    "source name with a slash": ("sources:\n  - kind: github\n    name: acme/gh\n    orgs: [a]\n", 3,
                                 "not a usable source name", "letters, digits"),
    "empty file": ("", 1, "config file is empty", "reference"),
    "check-ins repo not owner/name": (
        "checkins:\n  folder: checkins\n  repo: mentoring\n",
        3,
        "expected a repository as owner/name",
        "repo: acme/mentoring",
    ),
    "tracks not a path": (
        "tracks: [a, b]\n",
        1,
        "expected a file path",
        "tracks: tracks.yaml",
    ),
    "commits neither git nor api": ("sources:\n  - kind: gitlab\n    groups: [a]\n    commits: clone\n", 4,
                                    "expected git or api, got 'clone'", "commits: api"),
    "git_cache not a path": (GOOD_SOURCE + "git_cache: [a, b]\n", 4, "expected a folder path", "git_cache:"),
}


@pytest.mark.parametrize("name", sorted(CONFIG_CASES))
def test_bad_config_names_line_and_key(tmp_path: Path, name: str) -> None:
    text, line, message, hint = CONFIG_CASES[name]
    path = tmp_path / "leadsig.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_config(path)
    shown = str(err.value)
    assert f"{path}:{line}" in shown, shown
    assert message in shown
    if hint:
        assert hint in shown


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "leadsig.yaml"
    path.write_text("warehous: x\nsources:\n  - kind: github\n    orgz: [a]\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_config(path)
    assert len(err.value.problems) == 3  # two unknown keys and a source with nothing to mine


def test_file_level_problems(tmp_path: Path) -> None:
    cases = {
        tmp_path / "missing.yaml": "config file not found",
        tmp_path: "is a directory",
    }
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes("warehouse: sqlite:///x.db\n# caf\xe9\n".encode("latin-1"))
    cases[latin] = "not valid UTF-8"
    huge = tmp_path / "huge.yaml"
    huge.write_bytes(b"#" * (6 * 1024 * 1024))
    cases[huge] = "the limit is"
    for path, message in cases.items():
        with pytest.raises(UserError) as err:
            load_config(path)
        assert message in str(err.value) and str(path) in str(err.value)
    with pytest.raises(UserError) as err:
        load_config(latin)
    assert f"{latin}:2" in str(err.value)


ROSTER_CASES = {
    "no people key": ("folks: []\n", 1, "top-level 'people:'"),
    "missing id": ("people:\n  - name: Ann\n", 2, "needs an id"),
    "duplicate id": ("people:\n  - id: ann\n  - id: ann\n", 3, "duplicate id"),
    "unknown key": ("people:\n  - id: ann\n    githb: [ann]\n", 3, "did you mean 'github'"),
    "bad date": ("people:\n  - id: ann\n    start_date: soon\n", 3, "not a date"),
    "bad timezone": ("people:\n  - id: ann\n    timezone: Europe/Nowhere\n", 3, "unknown time zone"),
    "bad opt_out": ("people:\n  - id: ann\n    opt_out: maybe\n", 3, "expected true or false"),
    "login claimed twice": (
        "people:\n  - id: ann\n    github: [x]\n  - id: bo\n    github: [x]\n",
        5,
        "already 'ann'",
    ),
    "bad email": ("people:\n  - id: ann\n    emails: [ann.example]\n", 3, "not an email"),
    "unknown team": ("people:\n  - id: ann\n    team: paymnts\n", 3, "did you mean 'payments'"),
    "email claimed twice": ("people:\n  - id: ann\n    emails: [a@x.org]\n  - id: bo\n    emails: [A@x.org]\n", 5,
                            "already 'ann'"),
    "name not text": ("people:\n  - id: ann\n    name: {a: 1}\n", 3, "expected text"),
}


@pytest.mark.parametrize("name", sorted(ROSTER_CASES))
def test_bad_roster_names_line(tmp_path: Path, name: str) -> None:
    text, line, message = ROSTER_CASES[name]
    path = tmp_path / "people.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_roster(path, known_teams={"payments", "platform"})
    assert f"{path}:{line}" in str(err.value), str(err.value)
    assert message in str(err.value)


def test_cli_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    cfg = tmp_path / "leadsig.yaml"
    cfg.write_text("warehouse: sqlite:///w.db\nsources:\n  - kind: github\n    orgs: [a]\n    per_page: 0\n")
    proc = subprocess.run(
        [sys.executable, "-m", "leadsig", "db", "upgrade", "--config", str(cfg)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert f"{cfg}:5" in proc.stderr and "per_page" in proc.stderr
    assert not (tmp_path / "w.db").exists()


def test_an_unreadable_config_file_is_named_with_the_fix(tmp_path: Path) -> None:
    """Mode 000: read as an unprivileged user (a forked child drops root, which reads anything)."""
    import os

    folder = Path(tempfile.mkdtemp(prefix="leadsig-unreadable-"))  # world-traversable, unlike tmp_path
    path = folder / "leadsig.yaml"
    path.write_text("warehouse: sqlite:///x.db\n", encoding="utf-8")
    path.chmod(0)
    folder.chmod(0o755)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: become nobody if root, try to load, report the message, exit
        os.close(read)
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            load_config(path)
            message = "loaded"
        except UserError as exc:
            message = str(exc)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails the test
            message = f"unexpected {type(exc).__name__}: {exc}"
        os.write(write, message.encode("utf-8"))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode("utf-8")
    os.waitpid(pid, 0)
    shutil.rmtree(folder)
    assert "cannot read config file: permission denied" in message and str(path) in message, message
    assert "check its mode" in message


def test_an_alias_bomb_is_refused_at_once_with_its_line(tmp_path: Path) -> None:
    """Nine levels of nine aliases stand for 387 million values: refused before anything walks them."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path = tmp_path / "leadsig.yaml"
    path.write_text("\n".join(lines) + "\nwarehouse: sqlite:///x.db\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_config(path)
    (problem,) = err.value.problems
    assert problem.code == "yaml-aliases" and problem.line == 6 and problem.file == str(path)


def test_a_few_aliases_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "leadsig.yaml"
    path.write_text("teams:\n  a: {repos: &repos [acme/a, acme/b]}\n  b: {repos: *repos}\n", encoding="utf-8")
    assert load_config(path).teams["b"].repos == ["acme/a", "acme/b"]


def test_the_git_cache_defaults_to_beside_the_warehouse_and_follows_the_config(tmp_path: Path) -> None:
    path = tmp_path / "leadsig.yaml"
    path.write_text("warehouse: sqlite:///data/w.db\n" + GOOD_SOURCE, encoding="utf-8")
    cfg = load_config(path)
    assert cfg.git_cache == tmp_path / "data" / "leadsig-git-cache" and cfg.sources[0].commits == "git"
    path.write_text(GOOD_SOURCE + "git_cache: clones\n", encoding="utf-8")
    cfg = load_config(path)
    assert cfg.git_cache == tmp_path / "clones" and cfg.sources[0].git_cache == tmp_path / "clones"
