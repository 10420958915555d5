"""Prune: find the live objects of a space that left git, and delete them.

kubectl refuses `--prune` with server-side apply, so mtx finds its objects itself: every kind the
server lists, filtered by the space's inventory label, then narrowed to objects mtx applied
(its hash annotation and an `mtx` Apply entry in managedFields). Objects copied from ours by
controllers (Endpoints carry their Service's labels) and objects whose identity another space
now renders (a unit that moved) are never pruned.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mtx_gitops.core.model import document_identity
from mtx_gitops.delivery.render import ANNOTATION_HASH, LABEL_INVENTORY, LABEL_UNIT, object_name
from mtx_gitops.errors import RefusedError

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster

Object = dict[str, Any]


def find_prunable(
    cluster: Cluster,
    objects: Sequence[Object],
    *,
    space: str,
    claimed: Mapping[str, str] | None = None,
    units: Collection[str] | None = None,
) -> list[Object]:
    """Live objects of `space`'s inventory that neither `objects` nor another space (`claimed`) renders
    (only those of `units`, when given)."""
    keep = {document_identity(obj) for obj in objects} | set(claimed or {})
    prunable = []
    for live in cluster.find_labelled(f"{LABEL_INVENTORY}={space}"):
        if units is not None and ((live.get("metadata") or {}).get("labels") or {}).get(LABEL_UNIT) not in units:
            continue
        if _applied_by_mtx(live) and document_identity(live) not in keep:
            prunable.append(_reference(live))
    return sorted(prunable, key=_deletion_order)


def check_not_emptying(objects: Sequence[Object], prunable: Sequence[Object], *, space: str) -> None:
    """Refuse to prune a space down to nothing: an empty render is more often a mistake than a wish."""
    if prunable and not objects:
        names = ", ".join(object_name(obj) for obj in prunable[:5])
        more = f" and {len(prunable) - 5} more" if len(prunable) > 5 else ""
        raise RefusedError(
            f"space {space}: pruning would delete every object it has live ({names}{more}); "
            "pass --allow-empty to empty it"
        )


def delete_objects(cluster: Cluster, prunable: Sequence[Object]) -> list[Object]:
    """Delete the objects (already gone ones count as deleted); returns them in deletion order."""
    for obj in prunable:
        cluster.delete(obj)
    return list(prunable)


def _applied_by_mtx(live: Object) -> bool:
    meta = live.get("metadata") or {}
    if meta.get("deletionTimestamp") or ANNOTATION_HASH not in (meta.get("annotations") or {}):
        return False
    if any(owner.get("controller") for owner in meta.get("ownerReferences") or []):
        return False
    return any(
        entry.get("manager") == "mtx" and entry.get("operation") == "Apply" for entry in meta.get("managedFields") or []
    )


def _reference(live: Object) -> Object:
    meta = live["metadata"]
    reference_meta = {"name": meta["name"], "labels": dict(meta.get("labels") or {})}
    if meta.get("namespace"):
        reference_meta["namespace"] = meta["namespace"]
    return {"apiVersion": live["apiVersion"], "kind": live["kind"], "metadata": reference_meta}


def _deletion_order(obj: Object) -> tuple[int, str]:
    # Workloads before the Namespaces and CRDs they live in, so nothing is left half-deleted.
    rank = {"CustomResourceDefinition": 2, "Namespace": 1}.get(obj["kind"], 0)
    return rank, object_name(obj)
