"""Status: for each rendered object, git revision vs live revision, sync state and health.

sync: Missing (not live), OutOfSync (live content hash differs from the rendering), Drifted (same
hash, but someone changed a field mtx sets, e.g. `kubectl scale`), Synced. Health: Deployments,
StatefulSets and DaemonSets by ready replicas at the observed generation, pods by phase, other
kinds Healthy once they exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mtx_gitops.delivery.drift import drifted_fields
from mtx_gitops.delivery.render import ANNOTATION_COMMIT, ANNOTATION_HASH, LABEL_SPACE, LABEL_UNIT

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster

Object = dict[str, Any]
_ROLLOUT_KINDS = ("Deployment", "StatefulSet", "DaemonSet")


def space_status(cluster: Cluster, objects: Sequence[Object]) -> list[dict[str, Any]]:
    """One SPEC §2 status row per rendered object (plus `drift` paths and `pods` counts)."""
    return [object_status(obj, cluster.get(obj), pods=_pods_of(cluster, obj)) for obj in objects]


def object_status(rendered: Object, live: Object | None, *, pods: Sequence[Object] = ()) -> dict[str, Any]:
    """The status row of one object from its rendering, its live copy and the pods it owns."""
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
    health, ready = health_of(live)
    running = sum(1 for pod in pods if _pod_running(pod))
    return {
        "space": meta["labels"].get(LABEL_SPACE),
        "unit": meta["labels"].get(LABEL_UNIT),
        "kind": rendered["kind"],
        "name": meta["name"],
        "namespace": meta.get("namespace"),
        "git_revision": meta["annotations"].get(ANNOTATION_COMMIT),
        "live_revision": live_annotations.get(ANNOTATION_COMMIT),
        "sync": sync,
        "health": health,
        "ready": ready,
        "drift": drift,
        "pods": {"running": running, "total": len(pods)} if rendered["kind"] in _ROLLOUT_KINDS else None,
    }


def health_of(live: Object | None) -> tuple[str, str]:
    """(Healthy|Progressing|Degraded|Missing, "ready/desired") for a live object."""
    if live is None:
        return "Missing", "0/0"
    kind = live.get("kind")
    spec, status = live.get("spec") or {}, live.get("status") or {}
    observed = (live.get("metadata") or {}).get("generation") == status.get("observedGeneration")
    if kind == "Deployment":
        want = int(spec.get("replicas", 1))
        ready = int(status.get("availableReplicas") or 0)
        if _condition(status, "Progressing") == "False":
            return "Degraded", f"{ready}/{want}"
        done = observed and ready >= want and int(status.get("updatedReplicas") or 0) >= want
        settled = done and int(status.get("replicas") or 0) == want
        return ("Healthy" if settled else "Progressing"), f"{ready}/{want}"
    if kind == "StatefulSet":
        want = int(spec.get("replicas", 1))
        ready = int(status.get("readyReplicas") or 0)
        return ("Healthy" if observed and ready >= want else "Progressing"), f"{ready}/{want}"
    if kind == "DaemonSet":
        want = int(status.get("desiredNumberScheduled") or 0)
        ready = int(status.get("numberReady") or 0)
        return ("Healthy" if observed and ready >= want else "Progressing"), f"{ready}/{want}"
    if kind == "Pod":
        running = _pod_running(live)
        failed = status.get("phase") == "Failed"
        return ("Healthy" if running else "Degraded" if failed else "Progressing"), f"{int(running)}/1"
    if kind == "CustomResourceDefinition":
        established = _condition(status, "Established") == "True"
        return ("Healthy" if established else "Progressing"), f"{int(established)}/1"
    return "Healthy", "1/1"


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
