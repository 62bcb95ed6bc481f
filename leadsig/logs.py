"""Logging setup, and the redaction that keeps tokens out of every message leadsig or its libraries make.

Redaction goes by *value*: whatever a configured ``token_env`` holds is redacted once :func:`remember_secret`
has seen it (``SourceConfig.token()`` calls it as it reads the variable), whatever the variable's name, and
so is the value of any variable whose name hints at a secret. A forge that echoes the credential in an
error body is the case to beat: the text travels as an exception message into log lines, tracebacks,
Prefect's task states and events, the run table and the console.

The redaction sits where the text is made, not where one handler prints it: a log-record factory redacts
every record of the process (Prefect's console and API handlers, the CLI's Rich handler, any other), the
miners' error translation redacts exception messages (what Prefect's task states and events carry), and
an excepthook redacts a traceback the CLI did not catch.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback
from types import TracebackType
from urllib.parse import quote

SECRET_ENV_HINTS = ("TOKEN", "SECRET", "PASSWORD", "PRIVATE")
MIN_SECRET = 6  # shorter values are not tokens, and redacting them would mangle ordinary words
MASK = "***"

_lock = threading.Lock()
_names: set[str] = set()  # configured token_env names: their current values are redacted
_values: set[str] = set()  # values seen by remember_secret (kept even if the variable changes later)
_installed = False


def remember_secret(env_name: str | None, value: str | None = None) -> None:
    """Redact the variable's value (and ``value``) from every message of this process from now on."""
    with _lock:
        if env_name:
            _names.add(env_name)
        if value and len(value) >= MIN_SECRET:
            _values.add(value)
    install_redaction()


def secret_values(extra_env_names: list[str] | None = None) -> list[str]:
    """Every value to redact, longest first, with its URL-encoded form where that differs."""
    with _lock:
        names, values = _names | set(extra_env_names or []), set(_values)
    names |= {k for k in os.environ if any(h in k.upper() for h in SECRET_ENV_HINTS)}
    values |= {os.environ[n] for n in names if len(os.environ.get(n, "")) >= MIN_SECRET}
    values |= {quote(v, safe="") for v in values}
    return sorted(values, key=len, reverse=True)


def redact(text: str, secrets: list[str] | None = None) -> str:
    for value in secrets if secrets is not None else secret_values():
        text = text.replace(value, MASK)
    return text


def redact_record(record: logging.LogRecord, secrets: list[str] | None = None) -> logging.LogRecord:
    """Redact a record's message and traceback in place; the traceback becomes ``exc_text`` (which every
    ``logging.Formatter`` prints) and ``exc_info`` is dropped when it held a secret."""
    secrets = secret_values() if secrets is None else secrets
    if not secrets:
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: leave it to the handler to report, as logging does
        return record
    record.msg, record.args = redact(message, secrets), ()
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        clean = redact(text, secrets)
        record.exc_text = clean
        if clean != text:
            record.exc_info = None
    elif record.exc_text:
        record.exc_text = redact(record.exc_text, secrets)
    if record.stack_info:
        record.stack_info = redact(record.stack_info, secrets)
    return record


def install_redaction() -> None:
    """Once per process: every log record is redacted as it is made, and so is an uncaught traceback."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args: object, **kwargs: object) -> logging.LogRecord:
        return redact_record(make_record(*args, **kwargs))

    logging.setLogRecordFactory(redacting_factory)
    previous_hook = sys.excepthook

    def redacting_hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        secrets = secret_values()
        if not secrets:
            previous_hook(kind, exc, tb)
            return
        sys.stderr.write(redact("".join(traceback.format_exception(kind, exc, tb)), secrets))

    sys.excepthook = redacting_hook


class RedactingFilter(logging.Filter):
    """For a handler that receives records made before :func:`install_redaction` (or by another factory)."""

    def __init__(self, extra_env_names: list[str] | None = None):
        super().__init__()
        self.extra = extra_env_names or []

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record, secret_values(self.extra))
        return True


def setup_logging(verbose: int = 0, extra_env_names: list[str] | None = None) -> None:
    from rich.console import Console
    from rich.logging import RichHandler

    install_redaction()
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
