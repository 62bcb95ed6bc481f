"""The body both forges' simulated GraphQL endpoints answer with: ``data`` first, then ``errors``.

Shared because GitHub and GitLab lay out a graphql-core result the same way (``data`` kept, even null, when
execution started; ``errors`` only when there are some); each forge words its error objects its own way."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import ExecutionResult, GraphQLError


def answer_body(result: ExecutionResult, error_json: Callable[[GraphQLError], dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if result.errors:
        body["errors"] = [error_json(e) for e in result.errors]
    if result.data is not None or not result.errors:
        body = {"data": result.data, **body}
    return body
