"""``leadsig web`` serves the signals in the browser; ``leadsig web invite`` makes a one-time sign-in link.

The app itself is :mod:`leadsig.web`; these commands load the config, open the warehouse and hand over.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from leadsig.errors import Problem, UserError
from leadsig.flows.cli.options import DEFAULT_CONFIG, AsOpt, ConfigOpt

app = typer.Typer(help="Signals in the browser: drill-down, feedback, per-person access.")
err = Console(stderr=True)
HostOpt = Annotated[str, typer.Option("--host", help="Address to listen on (keep 127.0.0.1 behind a proxy).")]
PortOpt = Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")]


@app.callback(invoke_without_command=True)
def web(ctx: typer.Context, host: HostOpt = "127.0.0.1", port: PortOpt = 8700, config: ConfigOpt = DEFAULT_CONFIG,
        secure_cookies: Annotated[bool, typer.Option(
            "--secure-cookies", help="Send the session cookie over HTTPS only (behind a TLS proxy).")] = False,
        ) -> None:
    """Serve the web view on the warehouse named in the config (sign in with `leadsig web invite` links or a
    trusted proxy header, see docs/web.md)."""
    if ctx.invoked_subcommand is not None:
        return
    import uvicorn

    from leadsig.config import load_config
    from leadsig.warehouse.db import open_warehouse
    from leadsig.web.app import create_app

    cfg = load_config(config)
    engine = open_warehouse(cfg.warehouse)
    err.print(f"leadsig web on http://{host}:{port}/ (Ctrl-C stops it)", markup=False, highlight=False)
    uvicorn.run(create_app(engine, cfg, secure_cookies=secure_cookies), host=host, port=port, log_level="warning",
                proxy_headers=False, server_header=False)


@app.command("invite")
def invite(
    person: Annotated[str, typer.Option("--person", help="Roster id of who signs in.")],
    role: Annotated[str, typer.Option("--role", help="person, manager, lead or admin.")] = "person",
    base_url: Annotated[str, typer.Option("--url", help="Where the web view is reached.")] = "http://127.0.0.1:8700",
    config: ConfigOpt = DEFAULT_CONFIG,
    as_: AsOpt = None,
) -> None:
    """Print a sign-in link for one person: single use, expires after web.invite_hours (default 72)."""
    from leadsig.config import load_config
    from leadsig.config.web import ROLES
    from leadsig.flows.pipeline import prepare
    from leadsig.warehouse.invites import create_invite
    from leadsig.warehouse.trust import log_access, viewer_name

    if role not in ROLES:
        raise UserError(Problem(f"unknown role {role!r}", key="--role", hint="one of " + ", ".join(ROLES),
                                code="bad-argument"))
    cfg = load_config(config)
    if role == "manager" and not cfg.web.grant(person).teams:
        raise UserError(Problem(f"{person} manages no team in the config", key="--role", code="bad-argument",
                                hint=f"add web: {{roles: {{{person}: {{role: manager, teams: [TEAM]}}}}}} to "
                                     f"{cfg.path}"))
    p = prepare(cfg)
    p.roster.get(person)  # an unknown person is a located error with a did-you-mean
    token = create_invite(p.engine, person, role, cfg.web.invite_hours, viewer_name(as_))
    log_access(p.engine, "web-invite", [person], {"role": role, "hours": cfg.web.invite_hours}, as_)
    typer.echo(f"{base_url.rstrip('/')}/signin/{token}")
    err.print(f"single use, valid for {cfg.web.invite_hours} hours; send it to {person} privately", markup=False,
              highlight=False)
