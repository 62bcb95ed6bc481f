"""The ``web:`` section: who may see what in ``leadsig web``, and which proxy may say who is asking.

Roles are given per roster id or forge login; anyone else who signs in sees only their own data. An
identity header is believed only from the proxy addresses listed here: from anywhere else it is forged.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from leadsig.collect import Collector

ROLES = ("person", "manager", "lead", "admin")
WEB_KEYS = {"roles", "proxy_header", "proxy_addresses", "invite_hours", "session_hours"}
HEADER_RE = re.compile(r"^[A-Za-z0-9-]{1,100}$")


@dataclass(frozen=True)
class Grant:
    """One configured role: ``teams`` is what a manager manages (empty for the other roles)."""

    role: str
    teams: tuple[str, ...] = ()


@dataclass(frozen=True)
class WebConfig:
    roles: dict[str, Grant] = field(default_factory=dict)  # person id or login (lower-cased) -> grant
    proxy_header: str | None = None  # e.g. X-Forwarded-User (oauth2-proxy), X-Forwarded-Email
    proxy_addresses: tuple[str, ...] = ()  # addresses or networks (CIDR) the header is believed from
    invite_hours: int = 72
    session_hours: int = 12

    def grant(self, *names: str | None) -> Grant:
        """The configured grant of the first name that has one; a plain person otherwise."""
        for name in names:
            if name and name.lower() in self.roles:
                return self.roles[name.lower()]
        return Grant("person")

    def trusted_proxy(self, address: str | None) -> bool:
        if not address or not self.proxy_header:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in ipaddress.ip_network(net, strict=False) for net in self.proxy_addresses)


def read_web(c: Collector, data: Any) -> WebConfig:
    raw = data.get("web")
    if raw is None:
        return WebConfig()
    if not isinstance(raw, dict):
        c.at(data, "web", "web", "expected a mapping", hint="web: {roles: {alice: admin}}", code="type")
        return WebConfig()
    c.unknown_keys(raw, WEB_KEYS, "web.")
    return WebConfig(roles=_roles(c, raw), proxy_header=_header(c, raw), proxy_addresses=_addresses(c, raw),
                     invite_hours=_hours(c, raw, "invite_hours", 72), session_hours=_hours(c, raw, "session_hours", 12))


def _roles(c: Collector, raw: dict) -> dict[str, Grant]:
    node = raw.get("roles")
    if node is None:
        return {}
    if not isinstance(node, dict):
        c.at(raw, "roles", "web.roles", "expected a mapping of person id or login to role",
             hint="roles: {alice: admin, bob: {role: manager, teams: [payments]}}", code="type")
        return {}
    out = {}
    for who, value in node.items():
        dotted = f"web.roles.{who}"
        grant = _grant(c, node, who, value, dotted)
        if grant is not None:
            out[str(who).lower()] = grant
    return out


def _grant(c: Collector, node: dict, who: Any, value: Any, dotted: str) -> Grant | None:
    if isinstance(value, str):
        role, teams = value, []
        if role == "manager":
            c.at(node, who, dotted, "a manager needs the teams they manage",
                 hint=f"{who}: {{role: manager, teams: [payments]}}", code="bad-value")
            return None
    elif isinstance(value, dict):
        c.unknown_keys(value, {"role", "teams"}, dotted + ".")
        role, teams = value.get("role"), c.str_list(value, "teams", dotted + ".teams")
        if role == "manager" and not teams:
            c.at(value, "role", dotted + ".teams", "a manager needs the teams they manage",
                 hint=f"{who}: {{role: manager, teams: [payments]}}", code="bad-value")
            return None
        if teams and role != "manager":
            c.at(value, "teams", dotted + ".teams", f"only managers have teams, not a {role}", hint="remove teams:",
                 code="bad-value")
    else:
        c.at(node, who, dotted, f"expected a role ({', '.join(ROLES)})", hint=f"{who}: lead", code="type")
        return None
    if role not in ROLES:
        where = node if isinstance(value, str) else value
        c.at(where, who if isinstance(value, str) else "role", dotted, f"unknown role {role!r}",
             hint="one of " + ", ".join(ROLES), code="bad-value")
        return None
    return Grant(role, tuple(teams))


def _header(c: Collector, raw: dict) -> str | None:
    value = raw.get("proxy_header")
    if value is None:
        if raw.get("proxy_addresses"):
            c.at(raw, "proxy_addresses", "web.proxy_addresses", "proxy addresses without proxy_header",
                 hint="proxy_header: X-Forwarded-User", code="bad-value")
        return None
    if not isinstance(value, str) or not HEADER_RE.match(value):
        c.at(raw, "proxy_header", "web.proxy_header", f"not an HTTP header name: {value!r}",
             hint="proxy_header: X-Forwarded-User", code="bad-value")
        return None
    if not raw.get("proxy_addresses"):
        c.at(raw, "proxy_header", "web.proxy_addresses", "a proxy header is believed only from listed addresses",
             hint="proxy_addresses: [127.0.0.1]", code="bad-value", value=False)
    return value


def _addresses(c: Collector, raw: dict) -> tuple[str, ...]:
    values = c.str_list(raw, "proxy_addresses", "web.proxy_addresses")
    out = []
    for v in values:
        try:
            out.append(str(ipaddress.ip_network(v, strict=False)))
        except ValueError:
            c.at(raw, "proxy_addresses", "web.proxy_addresses", f"not an IP address or network: {v!r}",
                 hint="proxy_addresses: [127.0.0.1, 10.0.0.0/8]", code="bad-value")
    return tuple(out)


def _hours(c: Collector, raw: dict, key: str, default: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 24 * 90:
        c.at(raw, key, f"web.{key}", f"expected a whole number of hours from 1 to 2160, got {value!r}",
             hint=f"{key}: {default}", code="type")
        return default
    return value
