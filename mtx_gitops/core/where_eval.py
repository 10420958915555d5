"""Evaluate a parsed WHERE expression against units, and say what of a unit it reads.

An expression is compiled once into nested closures (cached per parsed tree), so evaluating it
over thousands of units does no tree walking, no type dispatch and no path parsing per unit.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from mtx_gitops.core import where_ast as ast
from mtx_gitops.core.kube_types import Node, TypeTable, node_at
from mtx_gitops.core.paths import ABSENT, as_text, getter
from mtx_gitops.core.where_subject import Subject, Values, WhereSubject, attribute_values
from mtx_gitops.core.where_types import WrongType, typed_compare
from mtx_gitops.errors import WhereError

__all__ = ["Subject", "WhereSubject", "compile_where", "evaluate", "needs"]

Test = Callable[[WhereSubject], bool]

_ORDER: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "<=": operator.le,
    ">=": operator.ge,
}
# Compiled trees by id(); each entry keeps its tree alive, so an id cannot be reused while cached.
_COMPILED: dict[tuple[int, int, int], tuple[ast.Expr, TypeTable | None, list[str] | None, Test]] = {}
_COMPILED_MAX = 256


def evaluate(
    expr: ast.Expr, subject: WhereSubject, *, types: TypeTable | None = None, notes: list[str] | None = None
) -> bool:
    """True when `subject` satisfies `expr`; WhereError when a path meets a value of the wrong type.

    With `types`, fields the schema describes compare by their type (`where_types`): a unit whose
    value has the wrong type does not match and is noted in `notes` instead of failing the query.
    """
    key = (id(expr), id(types), id(notes))
    entry = _COMPILED.get(key)
    # The entry holds expr, types and notes, so their ids cannot be reused while it is cached.
    if entry is None or entry[0] is not expr or entry[1] is not types or entry[2] is not notes:
        if len(_COMPILED) >= _COMPILED_MAX:
            _COMPILED.clear()
        entry = _COMPILED[key] = (expr, types, notes, compile_where(expr, types=types, notes=notes))
    return entry[3](subject)


def compile_where(expr: ast.Expr, *, types: TypeTable | None = None, notes: list[str] | None = None) -> Test:
    """A function of a subject equivalent to `evaluate(expr, subject, types=types, notes=notes)`."""
    if isinstance(expr, ast.And | ast.Or):
        parts = [compile_where(part, types=types, notes=notes) for part in expr.parts]
        return _junction(parts, every=isinstance(expr, ast.And))
    if isinstance(expr, ast.Not):
        inner = compile_where(expr.expr, types=types, notes=notes)
        return lambda subject: not inner(subject)
    if isinstance(expr, ast.Contains):
        needle = expr.needle
        return lambda subject: needle in subject.text
    attr = expr.attr
    plain_path = attr.name == ast.PATH and not attr.length and not attr.accessor and not any(s.split for s in attr.path)
    if types is not None and isinstance(expr, ast.Compare) and expr.value is not None and plain_path:
        return _typed_some(expr, types, notes)
    values = attribute_values(expr.attr)
    if isinstance(expr, ast.Compare) and expr.value is None:
        # `= null` holds when no value is there (or only nulls); `!= null` when some value is.
        wanted = expr.op == "!="
        return lambda subject: any(value is not None and value is not ABSENT for value in values(subject)) is wanted
    # cub's split path: an element lacking the field satisfies `!=` (and NOT IN), nothing else.
    absent = expr.op == "!=" if isinstance(expr, ast.Compare) else expr.negated
    return _some(values, _test(expr), absent=absent)


def _junction(parts: list[Test], *, every: bool) -> Test:
    if len(parts) == 2:  # the common case, without a generator per unit
        first, second = parts
        if every:
            return lambda subject: first(subject) and second(subject)
        return lambda subject: first(subject) or second(subject)
    if every:
        return lambda subject: all(part(subject) for part in parts)
    return lambda subject: any(part(subject) for part in parts)


def _some(values: Values, test: Callable[[Any], bool], *, absent: bool = False) -> Test:
    """A predicate holds when some non-null value of the attribute passes `test` (or, when `absent`,
    a split path found an element without the field)."""

    def some(subject: WhereSubject) -> bool:
        try:
            for value in values(subject):
                if value is ABSENT:
                    if absent:
                        return True
                elif value is not None and test(value):
                    return True
        except WhereError as error:
            raise WhereError(f"{error} (in {subject.space}/{subject.slug})") from None
        return False

    return some


def _typed_some(expr: ast.Compare, types: TypeTable, notes: list[str] | None) -> Test:
    """`_some` over a path whose values are judged by their type in each document's schema."""
    get, plain = getter(expr.attr.path), _test(expr)
    keys = tuple(step.key for step in expr.attr.path)
    nodes: dict[tuple[Any, Any], Node | None] = {}

    def some(subject: WhereSubject) -> bool:
        for document in subject.documents:
            kind = (document.get("apiVersion"), document.get("kind"))
            if kind not in nodes:
                nodes[kind] = node_at(types.for_document(document), keys)
            node = nodes[kind]
            for value in get(document):
                if value is None:
                    continue
                try:
                    verdict = typed_compare(node, expr, value) if node is not None else None
                    if verdict is None:
                        verdict = plain(value)
                except WrongType as wrong:
                    if notes is not None:
                        notes.append(
                            f"{subject.space}/{subject.slug}: {expr.attr.text} is {value!r}, not {wrong.expected} "
                            f"as {document.get('kind')} needs: left out of the answer"
                        )
                    continue
                except WhereError as error:
                    raise WhereError(f"{error} (in {subject.space}/{subject.slug})") from None
                if verdict:
                    return True
        return False

    return some


def _test(node: ast.Compare | ast.In) -> Callable[[Any], bool]:
    """The check one value must pass."""
    if isinstance(node, ast.In):
        return _listed(node)
    if node.pattern is not None:
        search = node.pattern.search
        if node.op in ast.NEGATED_PATTERNS:
            return lambda value: (text := _pattern_text(value)) is not None and search(text) is None
        return lambda value: (text := _pattern_text(value)) is not None and search(text) is not None
    literal, op, compare = node.value, node.op, _ORDER[node.op]
    literal_type, literal_kind = type(literal), ast.type_name(literal)

    def test(value: Any) -> bool:
        if type(value) is not literal_type:
            value, kind = _typed(value)
            if kind != literal_kind:
                if op in ("=", "!="):
                    return op == "!="
                raise WhereError(
                    f"invalid WHERE: type mismatch: {node.attr.text} is a {kind}, "
                    f"{ast.format_value(literal)} is a {literal_kind}"
                )
        return bool(compare(value, literal))

    return test


def _listed(node: ast.In) -> Callable[[Any], bool]:
    # Options grouped by type, so 1 and true (equal in Python) stay apart.
    options: dict[str, set[Any]] = {}
    for option in node.values:
        options.setdefault(ast.type_name(option), set()).add(option)
    negated = node.negated

    def test(value: Any) -> bool:
        value, kind = _typed(value)
        same_kind = options.get(kind, ())
        try:
            return (value in same_kind) != negated
        except TypeError:  # an unhashable value (a map or list) is in no list of scalars
            return negated

    return test


def _typed(value: Any) -> tuple[Any, str]:
    """A found value and its WHERE type, with "other" scalars (timestamps) turned into text."""
    kind = ast.type_name(value)
    return (str(value), "string") if kind == "other" else (value, kind)


def _pattern_text(value: Any) -> str | None:
    """The text LIKE and ~ match: strings as they are, numbers and booleans as YAML spells them."""
    if isinstance(value, str):
        return value
    kind = ast.type_name(value)
    if kind in ("number", "boolean"):
        return as_text(value)
    return str(value) if kind == "other" else None


def needs(expr: ast.Expr) -> frozenset[str]:
    """What of a unit `expr` reads beyond its names: "documents", "text" and/or "revision_num"."""
    if isinstance(expr, ast.And | ast.Or):
        return frozenset().union(*(needs(part) for part in expr.parts))
    if isinstance(expr, ast.Not):
        return needs(expr.expr)
    if isinstance(expr, ast.Contains):
        return frozenset({"text"})
    if expr.attr.name in (ast.PATH, ast.KIND):
        return frozenset({"documents"})
    if expr.attr.name in (ast.HEAD_REVISION_NUM, ast.CREATED_AT):
        return frozenset({"revision_num"})
    if expr.attr.name == ast.CHANGESET:
        return frozenset({"changeset"})
    return frozenset()
