"""Where Kubernetes workloads keep their pods, containers and replica counts.

Read-only helpers for the bulk functions: they find the pod spec inside a Deployment, a CronJob's
job template or a bare Pod, and the containers inside it, returning the dicts themselves so a
caller working on its own copy can edit them in place.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# kind -> keys leading from the document to its pod spec.
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "PodTemplate": ("template", "spec"),
    "Pod": ("spec",),
}

# Kinds whose spec.replicas is the number of pods they run.
SCALABLE_KINDS: tuple[str, ...] = ("Deployment", "StatefulSet", "ReplicaSet")


def describe(document: Any) -> str:
    """A document's `Kind/name` for notes and error messages."""
    if not isinstance(document, dict):
        return "<not an object>"
    metadata = document.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return f"{document.get('kind', '?')}/{name if name is not None else '?'}"


def pod_spec(document: Any) -> dict[str, Any] | None:
    """The pod spec of a workload document, or None for other kinds or a spec not written yet."""
    if not isinstance(document, dict):
        return None
    steps = POD_SPEC_PATHS.get(str(document.get("kind")))
    node: Any = document
    for step in steps or ():
        node = node.get(step) if isinstance(node, dict) else None
    return node if steps and isinstance(node, dict) else None


def containers(spec: dict[str, Any], *, include_init: bool) -> Iterator[dict[str, Any]]:
    """The containers of a pod spec (and its init containers when asked), skipping malformed entries."""
    fields = ("containers", "initContainers") if include_init else ("containers",)
    for field in fields:
        items = spec.get(field)
        if isinstance(items, list):
            yield from (item for item in items if isinstance(item, dict))


def workload_containers(
    document: dict[str, Any], *, container: str | None, include_init: bool, notes: list[str]
) -> list[dict[str, Any]]:
    """The containers a bulk function edits in `document`.

    With `container`, the containers of that name (init containers too), and a note when there is
    none; without it, the app containers, plus the init containers when `include_init`.
    """
    spec = pod_spec(document)
    if spec is None:
        return []
    if container is None:
        return list(containers(spec, include_init=include_init))
    chosen = [item for item in containers(spec, include_init=True) if item.get("name") == container]
    if not chosen:
        notes.append(f"{describe(document)} has no container {container!r}")
    return chosen
