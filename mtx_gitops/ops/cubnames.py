"""cub's field names, carried by mtx's JSON entities next to mtx's own (`--json`, `--jq`, `--columns`).

mtx has no IDs: where cub links entities by ID (`UpstreamUnitID`, `SpaceID`, `TargetID`) mtx names
them by slug, in the shape of cub's extended entities (`Space.Slug`, `UpstreamUnit.Slug`,
`UpstreamSpace.Slug`, `Target.Slug`). The mapping, for a unit:

    Slug              unit                 HeadRevisionNum   commits that changed the unit's file
    Space.Slug        space                CreatedAt         date of the first of them
    UpstreamUnit.Slug upstream.unit        UpdatedAt         date of the last of them
    UpstreamSpace.Slug upstream.space      UpgradeNeeded     upgrade_needed
    Target.Slug       own, else space's    Labels            the unit's labels (ops/unitlabels.py)

and the same fields again under `Unit` (`.Unit.Slug`), where cub's `unit list --json` keeps them.
A space carries Slug, Labels, Target.Slug and TotalUnitCount.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mtx_gitops.core.model import Space
from mtx_gitops.ops.revisions import Revisions
from mtx_gitops.store import Unit


def unit_fields(
    unit: Unit, space: Space, revisions: Revisions, labels: Mapping[str, str], target: str | None = None
) -> dict[str, Any]:
    """The cub-named fields of one unit (`target`: its own, else the space's)."""
    target = target or space.target
    up = unit.link.upstream if unit.link else None
    own = {
        "Slug": unit.ref.unit,
        "Labels": dict(labels),
        "HeadRevisionNum": revisions.head_revision_num,
        "CreatedAt": revisions.created_at,
        "UpdatedAt": revisions.updated_at,
    }
    return {
        **own,
        "UpgradeNeeded": unit.upgrade_needed,
        "Space": {"Slug": space.name, "Labels": dict(space.labels)},
        "Target": {"Slug": target} if target else None,
        "UpstreamUnit": {"Slug": up.unit} if up else None,
        "UpstreamSpace": {"Slug": up.space} if up else None,
        "Unit": own,
    }


def space_fields(space: Space, unit_count: int) -> dict[str, Any]:
    """The cub-named fields of one space."""
    return {
        "Slug": space.name,
        "Labels": dict(space.labels),
        "Target": {"Slug": space.target} if space.target else None,
        "TotalUnitCount": unit_count,
    }
