"""`mtx unit tree`: the selected units drawn under the units they were cloned from (cub's clone tree),
or under the units they link to (`--edge link`: a unit under the provider its first link needs).

A unit's parent is its upstream (`unit create --upstream-unit`), or with `--edge link` the target of
its first link by name, when that unit is selected too; the others are roots. Rows are `unit list`'s
JSON objects plus `Node` (the space or unit name, by `node`), `Prefix` (the tree drawing), `Depth`
and `Parent` (`space/unit` or None).
"""

from __future__ import annotations

from typing import Any

from mtx_gitops.core.model import UnitRef
from mtx_gitops.core.tree_lines import tree_lines
from mtx_gitops.errors import UserError
from mtx_gitops.ops.query import list_units
from mtx_gitops.store import Snapshot

NODES = ("space", "unit")
EDGES = ("clone", "link")


def unit_tree(
    snap: Snapshot,
    space_glob: str,
    *,
    node: str = "unit",
    edge: str = "clone",
    unit: str | None = None,
    where: str | None = None,
    where_data: str | None = None,
) -> list[dict[str, Any]]:
    """The tree rows of the units matching the selection, in drawing order."""
    if node not in NODES:
        raise UserError(f"invalid --node {node!r}: expected space or unit")
    if edge not in EDGES:
        raise UserError(f"invalid --edge {edge!r}: expected clone or link")
    rows = list_units(snap, space_glob, where=where, where_data=where_data, unit=unit, with_data=False)
    keys = [UnitRef(r["space"], r["unit"]) for r in rows]
    if edge == "link":
        parents = _providers(snap, keys)
    else:
        parents = [UnitRef(r["upstream"]["space"], r["upstream"]["unit"]) if r["upstream"] else None for r in rows]
    out: list[dict[str, Any]] = []
    for index, depth, prefix in tree_lines(list(zip(keys, parents, strict=True))):
        row, parent = rows[index], parents[index]
        drawn = parent if parent in keys else None
        out.append(
            {
                **row,
                "Node": row["space"] if node == "space" else row["unit"],
                "Prefix": prefix,
                "Depth": depth,
                "Parent": str(drawn) if drawn else None,
            }
        )
    return out


def _providers(snap: Snapshot, keys: list[UnitRef]) -> list[UnitRef | None]:
    """Each unit's provider for the link tree: the unit its first link (by name) needs, among `keys`."""
    selected = set(keys)
    first: dict[UnitRef, UnitRef] = {}
    for space in sorted({k.space for k in keys}):
        for _name, link in sorted(snap.unit_links(space).items()):
            if link.target in selected and link.source in selected:
                first.setdefault(link.source, link.target)
    return [first.get(key) for key in keys]
