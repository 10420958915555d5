"""Reading spaces: `mtx space list` and `mtx space get S`, as JSON rows with cub's field names too."""

from __future__ import annotations

from typing import Any

from mtx_gitops.core.model import Space
from mtx_gitops.ops.cubnames import space_fields
from mtx_gitops.store import Snapshot


def space_json(snap: Snapshot, space: Space) -> dict[str, Any]:
    """One space: mtx's fields (space, labels, target, namespace, units) and cub's."""
    count = len(snap.unit_names(space.name))
    return {**space.as_json(), "units": count, **space_fields(space, count)}


def list_spaces(snap: Snapshot) -> list[dict[str, Any]]:
    """Every space, sorted by name."""
    return [space_json(snap, space) for space in snap.spaces()]


def get_space(snap: Snapshot, name: str) -> dict[str, Any]:
    """One space; NotFoundError (exit 1) when it does not exist."""
    return space_json(snap, snap.space(name))
