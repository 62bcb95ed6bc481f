"""The miner's GraphQL document against GitHub's published schema and the simulator's, and the simulator's
schema as a faithful subset of GitHub's.

GitHub publishes its GraphQL schema in the npm package ``@octokit/graphql-schema`` (``schema.graphql``);
CI installs it and names the file in LEADSIG_OCTOKIT_GRAPHQL_SCHEMA. Without it the checks against
GitHub's schema are skipped; the check against the simulator's schema always runs.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import NoDeprecatedCustomRule

from leadsig.miners.github_commit_accounts import _query as commit_accounts_query
from leadsig.miners.github_graphql import PULLS_NESTED_QUERY, PULLS_QUERY
from leadsig.miners.github_graphql_issues import ISSUES_NESTED_QUERY, ISSUES_QUERY
from leadsig.simulator.github_graphql import schema as simulator_schema

SCHEMA_ENV = "LEADSIG_OCTOKIT_GRAPHQL_SCHEMA"
RULES = [*specified_rules, NoDeprecatedCustomRule]  # a deprecated field would break on removal day


@cache
def github_schema() -> GraphQLSchema:
    path = os.environ.get(SCHEMA_ENV)
    if not path:
        pytest.skip(f"{SCHEMA_ENV} is unset: install @octokit/graphql-schema and point it at its schema.graphql")
    # GitHub's published SDL is not spec-clean (two EnterpriseOwnerInfo fields defined twice, fields deprecated
    # where their interface's are not): graphql-core would refuse it, so its own consistency checks are skipped
    return build_schema(Path(path).read_text(), assume_valid_sdl=True, assume_valid=True)


def errors(schema: GraphQLSchema, query: str) -> list[str]:
    return [e.message for e in validate(schema, parse(query), RULES)]


QUERIES = pytest.mark.parametrize(
    "query", [PULLS_QUERY, PULLS_NESTED_QUERY, ISSUES_QUERY, ISSUES_NESTED_QUERY, commit_accounts_query(3)],
    ids=["pulls", "pulls-with-comments", "issues", "issues-with-comments", "commit-authors"])


@QUERIES
def test_every_query_is_valid_against_githubs_schema(query):
    assert errors(github_schema(), query) == []


@QUERIES
def test_every_query_is_valid_against_the_simulators_schema(query):
    assert errors(simulator_schema(), query) == []


def test_a_wrong_field_or_a_deprecated_one_is_caught():
    """The check can fail: a misspelt field and the deprecated 32-bit ``databaseId`` are both reported."""
    bad = PULLS_QUERY.replace("fullDatabaseId\n        number", "databaseId\n        numbr")
    assert bad != PULLS_QUERY
    found = errors(simulator_schema(), bad)
    assert any("numbr" in e for e in found) and any("databaseId" in e and "deprecated" in e for e in found)


def _named_types(schema: GraphQLSchema) -> dict[str, object]:
    return {name: t for name, t in schema.type_map.items() if not name.startswith("__")}


def test_simulator_schema_is_a_subset_of_githubs():
    """Every type, field, argument, enum value and union member the simulator serves exists on GitHub with the
    same type and nullability, so a query the simulator accepts means the same thing on github.com."""
    real = _named_types(github_schema())
    problems = []
    for name, t in _named_types(simulator_schema()).items():
        r = real.get(name)
        if r is None or type(r) is not type(t):
            problems.append(f"{name}: not a {type(t).__name__} on GitHub")
            continue
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for fname, f in t.fields.items():
                rf = r.fields.get(fname)  # type: ignore[attr-defined]
                if rf is None or str(rf.type) != str(f.type):
                    problems.append(f"{name}.{fname}: {f.type} here, {rf.type if rf else 'missing'} on GitHub")
                    continue
                for aname, a in getattr(f, "args", {}).items():
                    ra = rf.args.get(aname)
                    if ra is None or str(ra.type) != str(a.type):
                        problems.append(f"{name}.{fname}({aname}): {a.type} here, "
                                        f"{ra.type if ra else 'missing'} on GitHub")
        elif isinstance(t, GraphQLEnumType):
            problems += [f"{name}.{v}: no such value" for v in t.values if v not in r.values]  # type: ignore[attr-defined]
        elif isinstance(t, GraphQLUnionType):
            members = {m.name for m in r.types}  # type: ignore[attr-defined]
            problems += [f"{name}: {m.name} not a member" for m in t.types if m.name not in members]
    assert problems == []

