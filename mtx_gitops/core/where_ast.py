"""The WHERE syntax tree: frozen dataclasses, the attribute table, and canonical formatting."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops.core.path_syntax import Step, format_path

Scalar = str | int | float | bool | None

# Attribute names, canonical spelling; PATH marks a YAML field path into the unit's documents.
SLUG = "Slug"
SPACE_SLUG = "Space.Slug"
LABELS = "Labels"
SPACE_LABELS = "Space.Labels"
UPSTREAM_UNIT = "UpstreamUnit.Slug"
UPSTREAM_SPACE = "UpstreamSpace.Slug"
UPGRADE_NEEDED = "UpgradeNeeded"
KIND = "Kind"
HEAD_REVISION_NUM = "HeadRevisionNum"
CREATED_AT = "CreatedAt"
CHANGESET = "ChangeSet.Slug"
DATA = "Data"
PATH = "path"

# The value type of each fixed attribute, checked when the expression is parsed.
ATTRIBUTE_TYPES: dict[str, str] = {
    SLUG: "string",
    SPACE_SLUG: "string",
    LABELS: "string",
    SPACE_LABELS: "string",
    UPSTREAM_UNIT: "string",
    UPSTREAM_SPACE: "string",
    KIND: "string",
    UPGRADE_NEEDED: "boolean",
    HEAD_REVISION_NUM: "number",
    CREATED_AT: "string",
    CHANGESET: "string",
}

VALID_ATTRIBUTES = (
    "Slug, Space.Slug, Labels.<key>, Space.Labels.<key>, UpstreamUnit.Slug, UpstreamSpace.Slug, "
    "UpgradeNeeded, Kind, HeadRevisionNum, CreatedAt, ChangeSet.Slug, Data (with CONTAINS), LEN(attribute), "
    "or a YAML path starting with a lower-case letter such as spec.replicas"
)

# cub's embedded accessors: the parts of an image reference (`nginx:1.25` has uri `nginx`, reference `:1.25`).
ACCESSORS = ("uri", "reference")

PATTERN_OPERATORS = frozenset({"LIKE", "ILIKE", "~", "~*", "!~", "!~*", "!~~"})
# cub's value-by-value negations: each holds for a value its pattern does not match.
NEGATED_PATTERNS = frozenset({"!~", "!~*", "!~~"})
KEYWORDS = frozenset({"and", "or", "not", "in", "like", "ilike", "contains", "true", "false", "null"})


@dataclass(frozen=True)
class Attr:
    """What a predicate looks at: a fixed attribute (`label` for Labels.<key>) or a field `path`;
    `length` for LEN(…), the number of elements (or characters) of each value."""

    name: str
    text: str = field(compare=False)  # as the user wrote it, for messages
    label: str = ""
    path: tuple[Step, ...] = ()
    length: bool = False
    accessor: str = ""  # cub's embedded accessor after '#': `image#uri`, `image#reference`


@dataclass(frozen=True)
class Compare:
    """`attr OP value`; `pattern` is the compiled LIKE/ILIKE/~ regex, made once at parse time."""

    attr: Attr
    op: str
    value: Scalar
    pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class In:
    """`attr IN (v, …)`, or `attr NOT IN (v, …)` when `negated`."""

    attr: Attr
    values: tuple[Scalar, ...]
    negated: bool = False


@dataclass(frozen=True)
class Contains:
    """`Data CONTAINS 'text'`: the unit's YAML text contains `needle` (case-sensitive)."""

    needle: str


@dataclass(frozen=True)
class Not:
    """`NOT expr`."""

    expr: Expr


@dataclass(frozen=True)
class And:
    """`a AND b AND …`."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    """`a OR b OR …`."""

    parts: tuple[Expr, ...]


Expr = Or | And | Not | Compare | In | Contains

_PLAIN_HEAD = re.compile(r"[a-z_][A-Za-z0-9_\-/$@]*")
# Fixed attributes that may be spelled in lower case because no Kubernetes field shares the name.
# `kind` and `data` are real fields, so lower-case `kind`/`data.x` stay paths (`data CONTAINS` aside).
LOWER_FIXED = frozenset(
    {"slug", "space", "labels", "upstreamunit", "upstreamspace", "upgradeneeded", "headrevisionnum", "changeset"}
)


def type_name(value: Any) -> str:
    """The WHERE type of a value: number, string, boolean, null, map, list, or other.

    "other" is any other scalar a YAML loader makes (a timestamp), which WHERE compares as its text.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, list | tuple):
        return "list"
    return "other"


def format_value(value: Scalar) -> str:
    """A literal as it is written in WHERE."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, float) and math.isinf(value):
        return "-1e999" if value < 0 else "1e999"
    return repr(value)


def format_attr(attr: Attr) -> str:
    """An attribute as it is written in WHERE."""
    if attr.length:
        inner = Attr(attr.name, attr.text, attr.label, attr.path)
        return f"LEN({attr.name if attr.name in (LABELS, SPACE_LABELS) and not attr.label else format_attr(inner)})"
    if attr.name in (LABELS, SPACE_LABELS):
        return attr.name + format_path((Step(key="x"), Step(key=attr.label)))[1:]
    if attr.name != PATH:
        return attr.name
    accessor = "#" + attr.accessor if attr.accessor else ""
    key = attr.path[0].key
    if key is not None and _PLAIN_HEAD.fullmatch(key) and key.lower() not in LOWER_FIXED | KEYWORDS:
        return format_path(attr.path) + accessor
    # Any other head is written in brackets, which always reads as a path.
    head = format_path(attr.path[:1]) if key is None else '["' + key.replace('"', '""') + '"]'
    rest = format_path(attr.path[1:])
    return head + ("." + rest if rest and not rest.startswith("[") else rest) + accessor


def format_where(expr: Expr) -> str:
    """Canonical WHERE text for `expr`; parsing it gives back an equal tree."""
    if isinstance(expr, Or):
        return " OR ".join(_grouped(part, (Or,)) for part in expr.parts)
    if isinstance(expr, And):
        return " AND ".join(_grouped(part, (Or, And)) for part in expr.parts)
    if isinstance(expr, Not):
        return "NOT " + _grouped(expr.expr, (Or, And))
    if isinstance(expr, Contains):
        return "Data CONTAINS " + format_value(expr.needle)
    if isinstance(expr, In):
        values = ", ".join(format_value(value) for value in expr.values)
        return f"{format_attr(expr.attr)} {'NOT IN' if expr.negated else 'IN'} ({values})"
    return f"{format_attr(expr.attr)} {expr.op} {format_value(expr.value)}"


def _grouped(expr: Expr, group: tuple[type, ...]) -> str:
    text = format_where(expr)
    return f"({text})" if isinstance(expr, group) else text
