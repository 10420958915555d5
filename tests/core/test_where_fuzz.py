"""WHERE under fuzzing: any text parses or raises WhereError, evaluation raises only WhereError,
and well-formed expressions obey the laws of the grammar and of boolean logic."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mtx_gitops.core.where import Expr, Not, Subject, evaluate, format_where, parse_where
from mtx_gitops.errors import WhereError

DOCUMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "trade-service", "labels": {"app": "trade-service"}, "annotations": None},
    "spec": {
        "replicas": 3,
        "paused": False,
        "ratio": 0.5,
        "template": {
            "spec": {
                "containers": [
                    {
                        "name": "trade-service",
                        "image": "ghcr.io/finos/traderx/trade-service:v2",
                        "env": [{"name": "X", "value": "1"}, {"name": "Y", "value": None}],
                        "ports": [{"containerPort": 8080}],
                    },
                    "not-a-map",
                    None,
                ]
            }
        },
    },
    "data": {"config.yaml": "a: 1\n", "n": 7},
}
SUBJECTS = [
    Subject(
        slug="trade-service",
        space="traderx-prod-eu",
        labels={"tier": "trading"},
        space_labels={"region": "eu"},
        upstream_unit="trade-service",
        upstream_space="traderx-base",
        upgrade_needed=True,
        head_revision_num=4,
        documents=[DOCUMENT, {"kind": "Service", "spec": {"ports": [{"port": 80}]}}],
        text="kind: Deployment\nimage: trade-service:v2\n",
    ),
    Subject(slug="empty", space="s"),
    Subject(slug="odd", space="s", documents=[{"spec": [1, "a", None, {"replicas": "3"}]}]),
]

ATTRIBUTES = [
    "Slug",
    "space.slug",
    "Space.Slug",
    "Labels.tier",
    "labels.missing",
    "Space.Labels.region",
    "UpstreamUnit.Slug",
    "UpstreamSpace.Slug",
    "UpgradeNeeded",
    "Kind",
    "HeadRevisionNum",
    "kind",
    "spec",
    "spec.replicas",
    "spec.paused",
    "spec.ratio",
    "spec.template",
    "spec[0]",
    "spec[*].replicas",
    "spec.template.spec.containers[name=trade-service].image",
    "spec.template.spec.containers[*].env[name=X].value",
    "spec.template.spec.containers[*].ports[containerPort=8080,protocol=TCP]",
    'metadata.labels["app"]',
    "data.n",
    '["Spec"]',
]
VALUES = [
    "'trade-service'",
    "'%eu%'",
    "'it''s'",
    "''",
    "3",
    "-2.5",
    "1e999",
    "true",
    "FALSE",
    "null",
    "'['",
    "'(a|b'",
]
OPERATORS = ["=", "!=", "<>", "==", "<", ">", "<=", ">=", "LIKE", "ilike", "~", "NOT LIKE"]
JUNK = [
    "(",
    ")",
    ",",
    "AND",
    "or",
    "Not",
    "IN",
    "NOT IN",
    "CONTAINS",
    "Data",
    "data",
    "'",
    '"',
    "[",
    "]",
    ".",
    "&",
    "-",
]

token_soup = st.lists(st.sampled_from(ATTRIBUTES + VALUES + OPERATORS + JUNK), max_size=12).map(" ".join)


def predicate() -> st.SearchStrategy[str]:
    compare = st.builds(
        lambda a, o, v: f"{a} {o} {v}",
        st.sampled_from(ATTRIBUTES),
        st.sampled_from(OPERATORS),
        st.sampled_from(VALUES),
    )
    listed = st.builds(
        lambda a, n, vs: f"{a} {n}IN ({', '.join(vs)})",
        st.sampled_from(ATTRIBUTES),
        st.sampled_from(["", "NOT ", "not "]),
        st.lists(st.sampled_from(VALUES), min_size=1, max_size=3),
    )
    contains = st.sampled_from(["Data CONTAINS 'image'", "data contains 'x'", "DATA CONTAINS ''''"])
    return st.one_of(compare, listed, contains)


def combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda a, b: f"{a} AND {b}", children, children),
        st.builds(lambda a, b: f"{a} or {b}", children, children),
        children.map(lambda a: f"NOT {a}"),
        children.map(lambda a: f"({a})"),
    )


expressions = st.recursive(predicate(), combine, max_leaves=8)


def parsed_or_none(text: str) -> Expr | None:
    try:
        return parse_where(text)
    except WhereError:
        return None


def outcome(expr: Expr, subject: Subject) -> bool | None:
    """The result of evaluating, or None when evaluation raised WhereError (a type mismatch)."""
    try:
        return evaluate(expr, subject)
    except WhereError:
        return None


@settings(max_examples=400)
@given(st.text(max_size=60))
def test_any_text_parses_or_raises_where_error(text: str) -> None:
    expr = parsed_or_none(text)
    if expr is not None:
        for subject in SUBJECTS:
            outcome(expr, subject)


@settings(max_examples=400)
@given(token_soup)
def test_any_token_soup_parses_or_raises_where_error(text: str) -> None:
    expr = parsed_or_none(text)
    if expr is not None:
        assert parse_where(format_where(expr)) == expr
        for subject in SUBJECTS:
            outcome(expr, subject)


@settings(max_examples=300)
@given(expressions)
def test_well_formed_expressions_round_trip_and_obey_logic(text: str) -> None:
    expr = parsed_or_none(text)
    if expr is None:
        return  # a well-formed shape can still be ill-typed (Slug = 3) or an invalid regex
    assert parse_where(format_where(expr)) == expr
    for subject in SUBJECTS:
        result = outcome(expr, subject)
        if result is not None:
            assert evaluate(Not(expr), subject) is (not result)


@given(expressions, expressions)
def test_de_morgan(left: str, right: str) -> None:
    both = parsed_or_none(f"NOT (({left}) AND ({right}))")
    either = parsed_or_none(f"NOT ({left}) OR NOT ({right})")
    assert (both is None) == (either is None)
    if both is None or either is None:
        return
    for subject in SUBJECTS:
        expected = outcome(both, subject)
        if expected is not None:
            assert outcome(either, subject) in (expected, None)
