"""The web: section: roles per id or login, a proxy header believed only from listed addresses; every mistake
located (file, line, key) with a hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadsig.config import load_config
from leadsig.errors import UserError

GOOD = """web:
  roles:
    ada: admin
    Mona: {role: manager, teams: [payments, platform]}
  proxy_header: X-Forwarded-User
  proxy_addresses: [127.0.0.1, 10.0.0.0/8]
  invite_hours: 24
"""


def _load(tmp_path: Path, text: str):  # noqa: ANN202
    path = tmp_path / "leadsig.yaml"
    path.write_text(text)
    return load_config(path)


def test_roles_and_proxy_are_read(tmp_path: Path) -> None:
    web = _load(tmp_path, GOOD).web
    assert web.grant("ada").role == "admin"
    assert web.grant("mona").teams == ("payments", "platform")  # logins compare case-insensitively
    assert web.grant("someone").role == "person"
    assert web.trusted_proxy("10.1.2.3") and web.trusted_proxy("127.0.0.1")
    assert not web.trusted_proxy("192.168.1.5") and not web.trusted_proxy("testclient")
    assert web.invite_hours == 24


def test_no_web_section_trusts_no_header(tmp_path: Path) -> None:
    web = _load(tmp_path, "warehouse: sqlite:///x.db\n").web
    assert web.roles == {} and not web.trusted_proxy("127.0.0.1")


CASES = {
    "unknown role": ("web:\n  roles:\n    ada: boss\n", 3, "unknown role 'boss'", "admin"),
    "manager without teams": ("web:\n  roles:\n    mona: manager\n", 3, "teams they manage", "teams: [payments]"),
    "header without addresses": ("web:\n  proxy_header: X-Forwarded-User\n", 2, "only from listed addresses",
                                 "proxy_addresses"),
    "bad address": ("web:\n  proxy_header: X-User\n  proxy_addresses: [not-an-ip]\n", 3, "not an IP address",
                    "10.0.0.0/8"),
    "bad header": ("web:\n  proxy_header: 'X User: 1'\n  proxy_addresses: [127.0.0.1]\n", 2, "not an HTTP header",
                   "X-Forwarded-User"),
    "misspelt key": ("web:\n  rolse: {}\n", 2, "unknown key", "roles"),
    "bad hours": ("web:\n  invite_hours: 0\n", 2, "whole number of hours", "invite_hours: 72"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_web_mistakes_are_located(tmp_path: Path, case: str) -> None:
    text, line, message, hint = CASES[case]
    with pytest.raises(UserError) as exc:
        _load(tmp_path, text)
    problem = exc.value.problems[0]
    assert problem.line == line and problem.key.startswith("web.")
    assert message in problem.message and hint in (problem.hint or "")
