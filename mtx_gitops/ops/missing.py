"""Upstream units a region has no copy of: what an upgrade lists besides what it merged.

A space links to upstream spaces through its units' links. Every unit of such an upstream space
that no unit of the region links to (and the region has no unit of that name) is missing
downstream, unless the region deleted it on purpose (`unit delete` left a record): then it is
named as deliberately deleted, not missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mtx_gitops.core.model import UnitRef
from mtx_gitops.ops.ledgerfiles import read_deleted
from mtx_gitops.store import Snapshot


@dataclass(frozen=True)
class Missing:
    """An upstream unit the region `space` has no copy of (`deleted`: it deleted its copy on purpose)."""

    space: str
    upstream: UnitRef
    deleted: bool = False

    @property
    def line(self) -> str:
        if self.deleted:
            return f"{self.space} deleted its copy of {self.upstream} on purpose: not linked"
        return (
            f"{self.upstream.space} has {self.upstream.unit}; {self.space} has no copy "
            f"(`mtx unit create {self.upstream.unit} --space {self.space} --upstream-space {self.upstream.space}`)"
        )

    def as_json(self) -> dict[str, Any]:
        return {"space": self.space, "unit": self.upstream.unit, "upstream": str(self.upstream)}


def missing_downstream(snap: Snapshot, space_glob: str, *, unit: str | None = None) -> list[Missing]:
    """The upstream units each space matching `space_glob` lacks (only `unit`, when given)."""
    found: list[Missing] = []
    for space in snap.match_spaces(space_glob):
        names = snap.unit_names(space)
        links = [link for name in names if (link := snap.link(UnitRef(space, name))) is not None]
        linked = {link.upstream for link in links}
        upstream_spaces = sorted({up.space for up in linked if up.space != space and snap.has_space(up.space)})
        if not upstream_spaces:
            continue
        deleted = read_deleted(snap, space)
        present = set(names)
        for upstream_space in upstream_spaces:
            for name in snap.unit_names(upstream_space):
                ref = UnitRef(upstream_space, name)
                if ref in linked or name in present or unit not in (None, name):
                    continue
                if name in deleted and deleted[name] in (None, ref):
                    found.append(Missing(space, ref, deleted=True))
                else:
                    found.append(Missing(space, ref))
    return found
