"""Status: for each rendered object, git revision vs live revision, sync state and health.

On a cluster, the live copy is the object the server returns; in a directory target, it is the
object in the unit's file, and files of units that left git get rows of their own.

sync: Missing (not live), OutOfSync (live content hash differs from the rendering), Drifted (same
hash, but someone changed a field mtx sets, e.g. `kubectl scale`), Synced. Health: kstatus' rules
for every kind, in mtx's words (see `core.health`), with the reason in `health_message`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtx_gitops.core.health import health_of, ready_of
from mtx_gitops.core.model import document_identity
from mtx_gitops.delivery.directory import read_space_file, space_directory, stale_files, unit_path, yaml_files
from mtx_gitops.delivery.drift import drifted_fields
from mtx_gitops.delivery.render import ANNOTATION_COMMIT, ANNOTATION_HASH, LABEL_SPACE, LABEL_UNIT, content_hash

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster

Object = dict[str, Any]
_ROLLOUT_KINDS = ("Deployment", "StatefulSet", "DaemonSet")


def space_status(cluster: Cluster, objects: Sequence[Object]) -> list[dict[str, Any]]:
    """One SPEC §2 status row per rendered object (plus `drift` paths and `pods` counts)."""
    return [object_status(obj, cluster.get(obj), pods=_pods_of(cluster, obj)) for obj in objects]


def object_status(rendered: Object, live: Object | None, *, pods: Sequence[Object] = ()) -> dict[str, Any]:
    """The status row of one object from its rendering, its live copy and the pods it owns."""
    row, drift = _row(rendered, live)
    health = health_of(live, now=datetime.now(UTC))
    running = sum(1 for pod in pods if _pod_running(pod))
    if row["sync"] == "Drifted":  # keep the live change as a reviewed commit, or the next apply reverts it
        row["refresh"] = f"mtx unit refresh {row['unit']} --space {row['space']}"
    return {
        **row,
        "health": health.status,
        "health_message": health.message,
        "ready": ready_of(live, health),
        "drift": drift,
        "pods": {"running": running, "total": len(pods)} if rendered["kind"] in _ROLLOUT_KINDS else None,
    }


def directory_status(objects: Sequence[Object], root: Path, *, space: str) -> list[dict[str, Any]]:
    """One status row per rendered object against the files of a directory target, then one per object
    of a file whose unit left git (sync OutOfSync, `in_git` false). Health, ready and pods are null:
    a file has none.
    """
    space_dir = space_directory(root, space)
    files: dict[Path, dict[str, Object]] = {}
    rows = []
    for obj in objects:
        path = unit_path(space_dir, obj)
        if path not in files:
            files[path] = {document_identity(doc): doc for doc in read_space_file(path, space=space) or []}
        rows.append(_file_row(obj, files[path].get(document_identity(obj)), path=path))
    wanted = set(files)
    for path in stale_files(space_dir, yaml_files(space_dir) or {}, wanted=wanted, space=space):
        rows += [_stale_row(doc, path=path, space=space) for doc in read_space_file(path, space=space) or []]
    return rows


def _file_row(rendered: Object, written: Object | None, *, path: Path) -> dict[str, Any]:
    row, drift = _row(rendered, written)
    if row["sync"] == "Synced" and content_hash(written or {}) != rendered["metadata"]["annotations"][ANNOTATION_HASH]:
        row["sync"] = "Drifted"  # edited by hand where no rendered field shows it (a field was added)
    extra = {
        "health": None,
        "health_message": None,
        "ready": None,
        "drift": drift,
        "pods": None,
        "file": str(path),
        "in_git": True,
    }
    return row | extra


def _stale_row(written: Object, *, path: Path, space: str) -> dict[str, Any]:
    """A row for an object of a file whose unit left git: `apply --prune` would delete it."""
    meta = written.get("metadata") or {}
    return {
        "space": space,
        "unit": (meta.get("labels") or {}).get(LABEL_UNIT) or path.stem,
        "kind": written.get("kind"),
        "name": meta.get("name"),
        "namespace": meta.get("namespace"),
        "git_revision": None,
        "live_revision": (meta.get("annotations") or {}).get(ANNOTATION_COMMIT),
        "sync": "OutOfSync",
        "health": None,
        "health_message": None,
        "ready": None,
        "drift": [],
        "pods": None,
        "file": str(path),
        "in_git": False,
    }


def _row(rendered: Object, live: Object | None) -> tuple[dict[str, Any], list[str]]:
    """The fields of a status row that compare a rendering with what was delivered (live or written),
    and the drifted field paths."""
    meta = rendered["metadata"]
    live_meta = (live or {}).get("metadata") or {}
    live_annotations = live_meta.get("annotations") or {}
    drift = drifted_fields(rendered, live) if live is not None else []
    if live is None:
        sync = "Missing"
    elif live_annotations.get(ANNOTATION_HASH) != meta["annotations"].get(ANNOTATION_HASH):
        sync = "OutOfSync"
    else:
        sync = "Drifted" if drift else "Synced"
    return {
        "space": meta["labels"].get(LABEL_SPACE),
        "unit": meta["labels"].get(LABEL_UNIT),
        "kind": rendered["kind"],
        "name": meta["name"],
        "namespace": meta.get("namespace"),
        "git_revision": meta["annotations"].get(ANNOTATION_COMMIT),
        "live_revision": live_annotations.get(ANNOTATION_COMMIT),
        "sync": sync,
    }, drift


def _pods_of(cluster: Cluster, obj: Object) -> list[Object]:
    if obj["kind"] not in _ROLLOUT_KINDS:
        return []
    match = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    if not match:
        return []
    selector = ",".join(f"{key}={value}" for key, value in sorted(match.items()))
    return cluster.list_objects("v1", "Pod", namespace=obj["metadata"].get("namespace"), label_selector=selector)


def _pod_running(pod: Object) -> bool:
    status = pod.get("status") or {}
    deleting = (pod.get("metadata") or {}).get("deletionTimestamp")
    return status.get("phase") == "Running" and _condition(status, "Ready") == "True" and not deleting


def _condition(status: Object, kind: str) -> str | None:
    for condition in status.get("conditions") or []:
        if condition.get("type") == kind:
            return str(condition.get("status"))
    return None
