"""WHERE as text: the tree an expression parses to, how it prints back, what it needs loaded, and the errors
that name the column."""

from __future__ import annotations

import re

import pytest

from mtx_gitops.core.where import And, Attr, Compare, Contains, In, Not, Or, format_where, needs, parse_where
from mtx_gitops.errors import UserError, WhereError


def test_syntax_errors_point_at_the_column() -> None:
    with pytest.raises(WhereError) as error:
        parse_where("spec.replicas >")
    assert str(error.value) == "invalid WHERE: expected a value at column 16: spec.replicas >"
    assert isinstance(error.value, UserError)


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("", "the expression is empty"),
        ("   ", "the expression is empty"),
        ("Slug = 'abc", "unterminated string starting at column 8"),
        ("Slug = 'a' 'b'", "expected AND, OR or the end at column 12"),
        ("Slug = 'a' AND", "expected an attribute, NOT or '(' at column 15"),
        ("(Slug = 'a'", "expected AND, OR or ')' at column 12"),
        ("Slug = 'a')", "expected AND, OR or the end at column 11"),
        ("Slug 'a'", "expected an operator"),
        ('Slug = "a"', "unexpected '\"' (strings take single quotes) at column 8"),
        ("Slug = 'a' & x", "unexpected character '&' at column 12"),
        ("Slug IN 'a'", "expected '(' after IN at column 9"),
        ("Slug IN ('a' 'b')", "expected ',' or ')' at column 14"),
        ("Slug NOT = 'a'", "expected IN, LIKE or ILIKE after NOT at column 10"),
        ("spec.containers[name=] = 1", "expected a value at column 22"),
        ("spec.containers[name=a = 1", "expected ',' or ']' at column 27"),
        ("spec. = 1", "expected a field name at column 6"),
        ("Slug CONTAINS 'x'", "CONTAINS applies only to Data at column 6"),
        ("Data = 'x'", "Data supports only CONTAINS at column 6"),
        ("Data CONTAINS 3", "expected a string at column 15"),
        ("spec.replicas > null", "null can only be compared with = or != at column 17"),
        ("Slug IN (null)", "null is not allowed in IN"),
        ("Slug LIKE 3", "LIKE needs a string, 3 is a number at column 11"),
        ("Slug = 3", "type mismatch: Slug is a string, 3 is a number at column 8"),
        ("UpgradeNeeded = 'yes'", "type mismatch: UpgradeNeeded is a boolean, 'yes' is a string"),
        ("HeadRevisionNum > '2'", "type mismatch: HeadRevisionNum is a number, '2' is a string"),
        ("(" * 100 + "Slug = 'a'" + ")" * 100, "nested too deeply"),
    ],
)
def test_syntax_errors(where: str, message: str) -> None:
    with pytest.raises(WhereError) as error:
        parse_where(where)
    assert message in str(error.value)


def test_unknown_attribute_lists_the_valid_ones() -> None:
    with pytest.raises(WhereError) as error:
        parse_where("Spec.replicas > 2")
    message = str(error.value)
    assert "unknown attribute 'Spec.replicas' at column 1" in message
    for valid in (
        "Slug",
        "Space.Slug",
        "Labels.<key>",
        "UpstreamUnit.Slug",
        "UpgradeNeeded",
        "HeadRevisionNum",
    ):
        assert valid in message
    with pytest.raises(WhereError, match=re.escape("unknown attribute 'Space.Name'")):
        parse_where("Space.Name = 'x'")


def test_invalid_regex_is_a_where_error() -> None:
    with pytest.raises(WhereError, match=r"invalid regular expression '\(' .* at column 8"):
        parse_where("Slug ~ '('")


def test_the_tree() -> None:
    slug = Attr("Slug", "Slug")
    assert parse_where("Slug = 'a' OR NOT Slug IN ('b') AND Data CONTAINS 'c'") == Or(
        (Compare(slug, "=", "a"), And((Not(In(slug, ("b",))), Contains("c"))))
    )


@pytest.mark.parametrize(
    "where",
    [
        "Space.Slug LIKE '%prod-eu%' AND spec.replicas > 2",
        "NOT (Slug = 'a' OR Slug = 'b') AND (Kind = 'Service' OR HeadRevisionNum < -3.5)",
        "Labels.app.kubernetes.io/name = 'x' AND Space.Labels.region NOT IN ('eu', 'us')",
        "spec.template.spec.containers[*].env[name=X].value ~ '^a''b'",
        '["Spec"].replicas = 1 AND ["not"] = true AND ["slug"] = null',
        "(a = 1 AND b = 2) AND c = 3",
    ],
)
def test_format_where_round_trips(where: str) -> None:
    expr = parse_where(where)
    assert parse_where(format_where(expr)) == expr


def test_needs_says_what_to_load() -> None:
    assert needs(parse_where("Slug = 'a' AND Space.Labels.region = 'eu'")) == frozenset()
    assert needs(parse_where("spec.replicas > 2")) == {"documents"}
    assert needs(parse_where("Kind = 'Service'")) == {"documents"}
    assert needs(parse_where("NOT Data CONTAINS 'x' OR HeadRevisionNum > 1")) == {"text", "revision_num"}
