"""cub's `--columns Name,Space.Slug,Labels.tier,…` over mtx's JSON rows, and cub's header for each.

A column names a field of the row in cub's spelling (the rows carry cub's names next to mtx's, see
`ops/cubnames.py`): `Unit.` in front is dropped (cub's entity prefix), `Name` means `Slug`, a dotted
name walks into maps (`Space.Slug`, `Labels.tier`), and a field the row does not have shows `?` as in
cub. Headers follow cub: `Slug` is NAME, `Space.Slug` is SPACE, `Labels.k` is LABEL:K, otherwise the last
segment in hyphen-case, upper-cased (`HeadRevisionNum` is HEAD-REVISION-NUM).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mtx_gitops.errors import UserError

ALIASES = {"Name": "Slug"}
UNKNOWN = "?"
_MISSING = object()


def parse_columns(spec: str) -> list[str]:
    """The column names of a `--columns` value; UserError when it names none."""
    names = [part.strip() for part in spec.split(",") if part.strip()]
    if not names:
        raise UserError(f"invalid --columns {spec!r}: name at least one column, such as Name,Space.Slug")
    return names


def column_value(row: Mapping[str, Any], column: str) -> Any:
    """The value `column` names in `row`; None when a map on the way lacks the key, `?` when the row
    has no such field at all."""
    path = ALIASES.get(column.removeprefix("Unit."), column.removeprefix("Unit."))
    head, *rest = path.split(".")
    node: Any = row.get(head, _MISSING)
    if node is _MISSING:
        return UNKNOWN
    for key in rest:
        if not isinstance(node, Mapping):
            return UNKNOWN if node is not None else None
        node = node.get(key)
    return node


def column_header(column: str) -> str:
    """cub's header for `column`, upper-cased as its table writer prints it."""
    col = column.removeprefix("Unit.")
    if col.startswith("Labels."):
        return "LABEL:" + col.removeprefix("Labels.").upper()
    if col.startswith("Annotations."):
        return "ANNOTATION:" + col.removeprefix("Annotations.").upper()
    if col in ALIASES:
        return col.upper()
    if col == "Slug":
        return "NAME"
    if col.endswith(".Slug"):
        return col.removesuffix(".Slug").upper()
    last = col.split(".")[-1]
    hyphened = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", last)
    return re.sub(r"[^A-Za-z0-9]+", "-", hyphened).upper()
