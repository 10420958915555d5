"""Which units a cub-style command means: one named unit, `--unit a,b`, or `--where EXPR`, in `--space`.

`unit set-target`, `unit apply` and `unit destroy` choose their units this way. A unit named
explicitly must exist; a WHERE that matches nothing picks nothing (the command says so).
"""

from __future__ import annotations

from dataclasses import dataclass

from mtx_gitops.core.model import UnitRef
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import NotFoundError, UserError
from mtx_gitops.ops.query import select_units
from mtx_gitops.store import Snapshot


@dataclass(frozen=True)
class Pick:
    """A unit selection as the command line gave it."""

    space: str
    name: str | None = None
    units: tuple[str, ...] = ()
    where: str | None = None

    @staticmethod
    def parse(space: str, *, name: str | None, units: str | None, where: str | None) -> Pick:
        """From the arguments; needs exactly one of a name or --unit, with or without --where."""
        if not space:
            raise UserError("missing --space (use '*' for every space)")
        listed = tuple(u.strip() for u in (units or "").split(",") if u.strip())
        if name and listed:
            raise UserError("give a unit name or --unit a,b, not both")
        if not (name or listed or where):
            raise UserError("give a unit name, --unit a,b or --where EXPR")
        for unit in ([name] if name else []) + list(listed):
            check_slug(unit, what="unit name")
        return Pick(space, name, listed, where)

    def describe(self) -> str:
        named = self.name or ",".join(self.units)
        parts = [f"unit {named}" if named else "units", f"in {self.space}"]
        if self.where:
            parts.append(f"where {self.where}")
        return " ".join(parts)

    def refs(self, snap: Snapshot) -> list[UnitRef]:
        """The units picked at `snap`, sorted by space then unit."""
        found = select_units(snap, self.space, where=self.where)
        wanted = {self.name} if self.name else set(self.units)
        if not wanted:
            return found
        picked = [ref for ref in found if ref.unit in wanted]
        every = {ref.unit for ref in snap.refs(snap.match_spaces(self.space))}
        missing = sorted(wanted - every)
        if missing:
            raise NotFoundError(f"unit {missing[0]!r} does not exist in {self.space!r}")
        return picked
