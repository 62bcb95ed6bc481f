"""The Starlette application: routes, signed session cookies, security headers, refusals logged.

Pages are rendered on the server; the app serves its own stylesheet and no JavaScript, and the
Content-Security-Policy says so, so even text that slipped through escaping could not run or load.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from leadsig.config import Config
from leadsig.web import views
from leadsig.web.auth import Refused, identify, log_refusal, session_secret
from leadsig.web.site import Site

STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
           (b"cross-origin-opener-policy", b"same-origin")]
MESSAGES = {400: "That request was not understood.", 401: "Please sign in (with your sign-in link, or through "
            "your organisation's sign-in).", 403: "You are not allowed to see this.", 413: "That was too large."}


class SecurityHeaders:
    """Adds the CSP and friends to every response, static files and errors included."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers if scope["type"] == "http" else send)


async def _no_icon(request: Request) -> Response:
    """Browsers ask for it on every page; an empty answer keeps their consoles (and the tests) free of 404s."""
    return Response(status_code=204, headers={"Cache-Control": "max-age=86400"})


def create_app(engine: Engine, cfg: Config, secure_cookies: bool = False) -> Starlette:
    site = Site(engine, cfg)

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        viewer = None
        if exc.status != 401:
            try:
                viewer = identify(request, engine, cfg).label
            except Refused:
                viewer = None
        log_refusal(engine, request, exc, viewer)
        return site.render(request, "message.html.j2", None, status=exc.status, title=str(exc.status),
                           message=MESSAGES.get(exc.status, "Refused."))

    routes = [
        Route("/", views.overview), Route("/person/{pid}", views.person),
        Route("/person/{pid}/access", views.access_log), Route("/activity/{aid:path}", views.activity),
        Route("/rules", views.rules_view), Route("/reports", views.reports_view),
        Route("/reports/{name}", views.report_file), Route("/feedback", views.dismiss, methods=["POST"]),
        Route("/signin/{token}", views.signin_page),
        Route("/signin/{token}", views.signin, methods=["POST"]), Route("/signout", views.signout, methods=["POST"]),
        Route("/signed-out", views.signed_out), Route("/favicon.ico", _no_icon),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    secret = session_secret(engine, os.environ.get("LEADSIG_WEB_SECRET"))
    middleware = [Middleware(SecurityHeaders),
                  Middleware(SessionMiddleware, secret_key=secret, session_cookie="leadsig_session",
                             max_age=cfg.web.session_hours * 3600, same_site="lax", https_only=secure_cookies)]
    app = Starlette(routes=routes, middleware=middleware, exception_handlers={Refused: refused})
    app.state.site = site
    return app
