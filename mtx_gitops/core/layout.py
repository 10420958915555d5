"""What a repository path is to mtx: a unit file, a unit's link file, or a space's metadata.

Changesets, plans and history group changed files by the unit or space they belong to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mtx_gitops.core.model import META_DIR, SPACES_DIR, UnitRef
from mtx_gitops.core.slug import is_slug

Role = Literal["unit", "link", "labels", "conflicts", "protected", "deleted", "target", "unit-link", "space", "other"]
_PER_UNIT: dict[str, Role] = {name: name for name in ("labels", "conflicts", "protected", "deleted")}


@dataclass(frozen=True)
class PathRole:
    """The role of one path; `ref` names the unit for unit and link files."""

    role: Role
    space: str | None = None
    ref: UnitRef | None = None


_OTHER = PathRole("other")


def role_of(path: str) -> PathRole:
    """Classify a repo path (see `core.model` for the layout)."""
    if not path.startswith(SPACES_DIR + "/"):
        return _OTHER
    parts = path.split("/", 5)
    if len(parts) < 3 or not is_slug(parts[1]):
        return _OTHER
    space = parts[1]
    if len(parts) == 3 and parts[2].endswith(".yaml") and is_slug(parts[2][:-5]):
        return PathRole("unit", space, UnitRef(space, parts[2][:-5]))
    if len(parts) == 4 and parts[2] == META_DIR and parts[3] == "space.yaml":
        return PathRole("space", space)
    if len(parts) == 4 and parts[2] == META_DIR and parts[3] == "protected.yaml":
        return PathRole("protected", space)
    if (
        len(parts) == 5
        and parts[2] == META_DIR
        and parts[3] == "links"
        and parts[4].endswith(".yaml")
        and is_slug(parts[4][:-5])
    ):
        return PathRole("link", space, UnitRef(space, parts[4][:-5]))
    role = _PER_UNIT.get(parts[3]) if len(parts) == 5 and parts[2] == META_DIR else None
    if role is not None and parts[4].endswith(".yaml") and is_slug(parts[4][:-5]):
        return PathRole(role, space, UnitRef(space, parts[4][:-5]))
    target = len(parts) == 5 and parts[2] == META_DIR and parts[3] == "targets" and parts[4].endswith(".yaml")
    if target and is_slug(parts[4][:-5]):
        return PathRole("target", space, UnitRef(space, parts[4][:-5]))
    unit_link = len(parts) == 5 and parts[2] == META_DIR and parts[3] == "unit-links" and parts[4].endswith(".yaml")
    if unit_link and is_slug(parts[4][:-5]):
        return PathRole("unit-link", space)
    return PathRole("other", space)


def units_touched(paths: list[str]) -> list[UnitRef]:
    """The units whose file, link, labels, ledger, protection or deletion record is among `paths`, sorted."""
    return sorted({r.ref for r in map(role_of, paths) if r.ref is not None})
