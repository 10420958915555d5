"""WHERE comparisons that know the field's Kubernetes type: quantities, int-or-string, wrong values.

A `Quantity` field (`resources.limits.memory`) compares by amount, so `> '256Mi'` matches `1Gi`
and `cpu >= '500m'` matches `1`; an int-or-string field (`maxSurge`, `targetPort`) compares
numbers as numbers and text as text, and a number against text only for (in)equality. A value
whose type is not the field's (`replicas: "five"`) is the unit's fault, not the query's: it does
not match, and the evaluation notes it so the command can warn, instead of failing a query over
the whole fleet. Fields no schema describes keep the untyped rules of `where_eval`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from mtx_gitops.core import where_ast as ast
from mtx_gitops.core.kube_types import INT_OR_STRING, QUANTITY, Node
from mtx_gitops.core.quantity import parse_quantity
from mtx_gitops.errors import WhereError

ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}  # fmt: skip
_SCHEMA_KIND = {"integer": "number", "number": "number", "boolean": "boolean", "string": "string"}


class WrongType(Exception):
    """A unit's value does not have the type its field's schema gives (`expected` names that type)."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


def typed_compare(node: Node, compare: ast.Compare, value: Any) -> bool | None:
    """Whether `value` of a field of type `node` passes `compare`; None when the type has no say.

    Raises WrongType when the value is not of the field's type, and WhereError when the query
    orders a field by a literal of another type (`spec.replicas > 'two'`).
    """
    literal, op = compare.value, compare.op
    if compare.pattern is not None or literal is None:
        return None
    test = ORDER[op]
    kind = node.type
    if kind == QUANTITY:
        wanted = parse_quantity(literal)
        if wanted is None:
            return _mismatch(compare, "a quantity")
        amount = parse_quantity(value)
        if amount is None:
            raise WrongType("a quantity")
        return test(amount, wanted)
    if kind == INT_OR_STRING:
        return _int_or_string(value, literal, op)
    expected = _SCHEMA_KIND.get(kind)
    if expected is None:
        return None
    if ast.type_name(value) != expected:
        raise WrongType("an integer" if kind == "integer" else f"a {expected}")
    if ast.type_name(literal) != expected:
        return _mismatch(compare, "an integer" if kind == "integer" else f"a {expected}")
    return test(value, literal)


def _int_or_string(value: Any, literal: Any, op: str) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise WrongType("an integer or a string")
    number, wanted = _as_int(value), _as_int(literal)
    if number is not None and wanted is not None:
        return ORDER[op](number, wanted)
    if isinstance(value, str) and isinstance(literal, str):
        return ORDER[op](value, literal)
    return op == "!="  # a number and a name are never equal, and never in order


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _mismatch(compare: ast.Compare, expected: str) -> bool:
    if compare.op in ("=", "!="):
        return compare.op == "!="
    raise WhereError(
        f"invalid WHERE: type mismatch: {compare.attr.text} is {expected}, {ast.format_value(compare.value)} is not"
    )
