"""What one GraphQL query costs in rate-limit points, by GitHub's documented formula.

GitHub ("Rate limits and node limits for the GraphQL API"): add up the requests needed to fulfil each
unique connection in the call, assuming every ``first``/``last`` argument is reached (a connection nested
under a ``first: 50`` connection needs 50 requests, one per parent node); divide by 100 and round to the
nearest whole number; the score is at least 1. Only fields given ``first`` or ``last`` are connections
here: ``comments { totalCount }`` fetches no nodes and GitHub lets it go without a bound.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    parse,
    value_from_ast_untyped,
)
from graphql.language import FragmentSpreadNode, InlineFragmentNode, SelectionSetNode


def query_cost(query: str, variables: dict[str, Any] | None = None, operation: str | None = None) -> int:
    """Points for ``query``; 1 for a document that does not parse (GitHub charges a failed call too)."""
    try:
        doc = parse(query)
    except GraphQLError:
        return 1
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    op = next((o for o in ops if operation is None or (o.name and o.name.value == operation)), None)
    if op is None:
        return 1
    requests = _requests(op.selection_set, 1, fragments, variables or {})
    return max(1, int(requests / 100 + 0.5))


def body_cost(body: bytes) -> int:
    """Points for one ``POST /graphql`` body (JSON with ``query`` and ``variables``)."""
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        return 1
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return 1
    return query_cost(payload["query"], payload.get("variables") or {}, payload.get("operationName"))


def _bound(field: FieldNode, variables: dict[str, Any]) -> int | None:
    for arg in field.arguments or ():
        if arg.name.value in ("first", "last"):
            value = value_from_ast_untyped(arg.value, variables)
            return int(value) if isinstance(value, int) else None
    return None


def _requests(selection: SelectionSetNode | None, parents: int, fragments: dict[str, FragmentDefinitionNode],
              variables: dict[str, Any]) -> int:
    """Requests for every connection under ``selection``, reached from ``parents`` parent nodes."""
    if selection is None:
        return 0
    total = 0
    for node in selection.selections:
        if isinstance(node, FragmentSpreadNode):
            frag = fragments.get(node.name.value)
            total += _requests(frag.selection_set if frag else None, parents, fragments, variables)
        elif isinstance(node, InlineFragmentNode):
            total += _requests(node.selection_set, parents, fragments, variables)
        elif isinstance(node, FieldNode):
            bound = _bound(node, variables)
            if bound is None:
                total += _requests(node.selection_set, parents, fragments, variables)
            else:
                total += parents + _requests(node.selection_set, parents * bound, fragments, variables)
    return total
