"""Logging setup with a redaction filter, so a token can never reach a log line or a traceback text."""

from __future__ import annotations

import logging
import os

SECRET_ENV_HINTS = ("TOKEN", "SECRET", "PASSWORD", "PRIVATE")


def secret_values(extra_env_names: list[str] | None = None) -> list[str]:
    """Current values of every env var that names a token (configured token_env names included)."""
    names = set(extra_env_names or [])
    names |= {k for k in os.environ if any(h in k.upper() for h in SECRET_ENV_HINTS)}
    return sorted({os.environ[n] for n in names if len(os.environ.get(n, "")) >= 6}, key=len, reverse=True)


def redact(text: str, secrets: list[str] | None = None) -> str:
    for value in secrets if secrets is not None else secret_values():
        text = text.replace(value, "***")
    return text


class RedactingFilter(logging.Filter):
    def __init__(self, extra_env_names: list[str] | None = None):
        super().__init__()
        self.extra = extra_env_names or []

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = secret_values(self.extra)
        if secrets:
            record.msg = redact(record.getMessage(), secrets)
            record.args = ()
        return True


def setup_logging(verbose: int = 0, extra_env_names: list[str] | None = None) -> None:
    from rich.console import Console
    from rich.logging import RichHandler

    level = logging.DEBUG if verbose > 1 else logging.INFO if verbose == 1 else logging.WARNING
    handler = RichHandler(console=Console(stderr=True), show_path=False, rich_tracebacks=False, markup=False)
    handler.addFilter(RedactingFilter(extra_env_names))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("leadsig").setLevel(level)
    for noisy in ("urllib3", "github", "gitlab", "github.GithubRetry"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose > 2 else logging.WARNING)


def offline_prefect() -> None:
    """Keep a local Prefect API from phoning home: leadsig runs offline (the demo, tests, air-gapped sites)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
