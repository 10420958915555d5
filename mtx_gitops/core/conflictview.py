"""Conflicts as people read them, in one place: the terminal, error lines, the plan comment, the tutorial.

A conflict is named as its `Mtx-Conflict` trailer records it: the unit, the field path with its list
keys (`spec.template.spec.containers[name=server].image`) and the object it is in
(`apps/Deployment/productcatalogservice`), so two containers of one unit are never confused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mtx_gitops.core.fielddiff import short_value

UNRESOLVED = "unresolved"  # `--on-conflict fail`: the command refused, no side was kept


def object_name(identity: str) -> str:
    """`apps/Deployment//trade-service` as `apps/Deployment/trade-service` (a namespace, when set, stays)."""
    parts = identity.split("/")
    if len(parts) != 4:
        return identity
    return "/".join(part for part in parts if part)


def location(conflict: Mapping[str, Any]) -> str:
    """The field and its object: `spec.replicas in apps/Deployment/trade-service`."""
    path = conflict.get("path") or "the whole object"
    document = conflict.get("document")
    return f"{path} in {object_name(str(document))}" if document else str(path)


def outcome(conflict: Mapping[str, Any]) -> str:
    """`kept local`, `kept upstream`, or `not merged` when the command refused (`--on-conflict fail`)."""
    resolution = conflict.get("resolution")
    return "not merged" if resolution in (None, UNRESOLVED) else f"kept {resolution}"


def describe(
    conflict: Mapping[str, Any],
    *,
    unit: str | None = None,
    base: bool = True,
    labels: Mapping[str, str] | None = None,
) -> str:
    """One line: `prod-eu/pc spec.replicas in apps/Deployment/pc: base 1, upstream 4, local 5 → kept local`.

    `labels` renames the three sides where they mean something else (a revert: the reverted commit,
    before it, now).
    """
    sides = (("base",) if base else ()) + ("upstream", "local")
    named = labels or {}
    shown = ", ".join(f"{named.get(side, side)} {_value(conflict.get(side))}" for side in sides)
    where = f"{unit} {location(conflict)}" if unit else location(conflict)
    return f"{where}: {shown} → {outcome(conflict)}"


def _value(value: Any) -> str:
    if value is None:
        return "absent"
    if isinstance(value, dict | list):
        return short_value(value, limit=80)
    return repr(value)
