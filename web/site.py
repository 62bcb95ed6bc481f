"""What every page shares: the warehouse, the config, the rules (loaded once), and the templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import HTMLResponse

from leadsig.config import Config
from leadsig.reports.text import clean, safe_url
from leadsig.rules.language.model import RuleSet
from leadsig.rules.matcher.classify import enriched_frame, rules_for
from leadsig.rules.matcher.explain import Explanation, explain
from leadsig.web.auth import Viewer, csrf_token


@dataclass
class Site:
    engine: Engine
    cfg: Config
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = Environment(loader=PackageLoader("leadsig.web", "templates"),
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(clean=clean, safe_url=safe_url, pct=lambda v: f"{v * 100:.0f}%")

    @cached_property
    def ruleset(self) -> RuleSet:
        return rules_for(self.cfg)

    def explain(self, activity_id: str) -> Explanation:
        """Every rule's verdict on one activity, as ``leadsig rules explain`` prints it."""
        frame = enriched_frame(self.engine, self.cfg, activity_ids=[activity_id])
        return explain(frame, activity_id, self.ruleset)

    def render(self, request: Request, template: str, viewer: Viewer | None, status: int = 200,
               **context: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(
            viewer=viewer, csrf=csrf_token(request) if viewer is not None else "", path=request.url.path, **context)
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
