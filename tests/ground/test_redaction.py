"""Redaction goes by value: once a configured token variable is read, its value (whatever the variable is
called) is masked in every log record of the process, whoever logs it and whichever handler prints it,
tracebacks and chained causes included, and in a traceback nobody caught."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys

import pytest

from leadsig.config import SourceConfig
from leadsig.logs import redact, remember_secret, secret_values

CANARY = "canary/Vq8+Lz3Wd7Kp"  # "/" and "+" so that its URL-encoded form differs


@pytest.fixture(autouse=True)
def canary_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GH_PAT", CANARY)


def test_a_configured_variable_is_redacted_whatever_its_name() -> None:
    assert SourceConfig(kind="github", url="https://api.github.com", token_env="GH_PAT").token() == CANARY
    assert CANARY in secret_values()  # the name says nothing of secrets: reading it is what counts
    assert redact(f"echo {CANARY} and %2F-encoded canary%2FVq8%2BLz3Wd7Kp") == "echo *** and %2F-encoded ***"


def test_every_log_record_is_redacted_whoever_logs_it() -> None:
    remember_secret("GH_PAT")
    stream = io.StringIO()
    other = logging.getLogger("some.library")  # not leadsig's, with a handler that is not leadsig's
    other.propagate, other.handlers[:] = False, [logging.StreamHandler(stream)]
    try:
        try:
            try:
                raise ValueError(f"401 Bad credentials: {CANARY}")
            except ValueError as cause:
                raise RuntimeError("the repo failed") from cause
        except RuntimeError:
            other.exception("failed with %s", CANARY)
    finally:
        other.handlers.clear()
    text = stream.getvalue()
    assert "failed with ***" in text and "401 Bad credentials: ***" in text  # traceback and cause kept, masked
    assert CANARY not in text


def test_an_uncaught_traceback_is_redacted() -> None:
    code = ("from leadsig.logs import remember_secret; import os\n"
            "remember_secret('GH_PAT')\n"
            "raise SystemError('forge said ' + os.environ['GH_PAT'])\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ),
                          timeout=60)
    assert proc.returncode == 1 and "SystemError: forge said ***" in proc.stderr
    assert CANARY not in proc.stderr
