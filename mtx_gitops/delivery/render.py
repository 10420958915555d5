"""Render a space into the exact objects a target receives, and write them to a directory target.

Rendering is pure: it fills in the space's namespace, labels every object with its space, unit
and inventory id, records the source commit and a content hash, and orders the objects so that
Namespaces and CRDs come first.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mtx_gitops.core.model import Space, UnitRef, document_identity
from mtx_gitops.errors import UserError

LABEL_SPACE = "mtx.dev/space"
LABEL_UNIT = "mtx.dev/unit"
LABEL_INVENTORY = "mtx.dev/inventory"
ANNOTATION_COMMIT = "mtx.dev/commit"
ANNOTATION_HASH = "mtx.dev/unit-hash"

# Kinds that live outside namespaces. Custom cluster-scoped kinds are learnt from CRDs in the space.
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "StorageClass",
        "CustomResourceDefinition",
        "ClusterRole",
        "ClusterRoleBinding",
        "PriorityClass",
        "RuntimeClass",
        "IngressClass",
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
        "APIService",
        "CSIDriver",
        "CSINode",
        "VolumeAttachment",
        "PodSecurityPolicy",
        "CertificateSigningRequest",
        "FlowSchema",
        "PriorityLevelConfiguration",
        "ComponentStatus",
    }
)
_FIRST_KINDS = {"Namespace": 0, "CustomResourceDefinition": 1}

Object = dict[str, Any]


def render_space(units: Sequence[tuple[UnitRef, list[Object]]], *, space: Space, commit: str) -> list[Object]:
    """The objects to apply for one space at one commit, Namespaces and CRDs first, else in unit order."""
    namespace = space.namespace or space.name
    cluster_kinds = CLUSTER_SCOPED_KINDS | _cluster_scoped_custom_kinds(units)
    rendered: list[Object] = []
    seen: dict[str, UnitRef] = {}
    for ref, documents in units:
        for document in documents:
            obj = _render_object(
                document,
                ref=ref,
                space=space,
                namespace=namespace,
                commit=commit,
                cluster_kinds=cluster_kinds,
            )
            key = document_identity(obj)
            if key in seen:
                raise UserError(
                    f"space {space.name}: {key} is defined by both unit {seen[key].unit} and unit {ref.unit}"
                )
            seen[key] = ref
            rendered.append(obj)
    order = sorted(range(len(rendered)), key=lambda i: (_FIRST_KINDS.get(rendered[i]["kind"], 2), i))
    return [rendered[i] for i in order]


def content_hash(obj: Object) -> str:
    """sha256 of an object's canonical JSON, leaving out the commit and the hash itself.

    Two renderings with equal hashes need no apply, whichever commits they came from.
    """
    body = copy.deepcopy(obj)
    annotations = body.get("metadata", {}).get("annotations", {})
    annotations.pop(ANNOTATION_COMMIT, None)
    annotations.pop(ANNOTATION_HASH, None)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_cluster_scoped(obj: Object) -> bool:
    """Whether a rendered object has no namespace (render leaves cluster-scoped kinds without one)."""
    return not obj.get("metadata", {}).get("namespace")


def object_name(obj: Object) -> str:
    """`group/Kind namespace/name` (or `group/Kind name`), as error messages and logs name objects."""
    api = str(obj.get("apiVersion", ""))
    group = f"{api.rsplit('/', 1)[0]}/" if "/" in api else ""
    meta = obj.get("metadata", {})
    where = f"{meta['namespace']}/" if meta.get("namespace") else ""
    return f"{group}{obj.get('kind')} {where}{meta.get('name')}"


def write_directory(
    objects: Sequence[Object], out_dir: Path, *, dump: Callable[[list[Object]], str] | None = None
) -> list[Path]:
    """Write one YAML file per unit under `out_dir/<space>/` and delete stale unit files there.

    `dump` turns a unit's documents into text (default: the YAML adapter's `dump_documents`).
    Returns the files written or deleted; files whose text is already right are left alone.
    """
    from mtx_gitops.adapters.yamlio import dump_documents

    to_text = dump or dump_documents
    by_file: dict[Path, list[Object]] = {}
    for obj in objects:
        labels = obj["metadata"]["labels"]
        by_file.setdefault(out_dir / labels[LABEL_SPACE] / f"{labels[LABEL_UNIT]}.yaml", []).append(obj)
    for space_dir in {path.parent for path in by_file}:
        # A symlinked output directory could make a repo write or delete files anywhere.
        if space_dir.is_symlink():
            raise UserError(f"{space_dir} is a symlink: mtx never writes rendered manifests through one")
    written: list[Path] = []
    for path in sorted(by_file):
        text = to_text(by_file[path])
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
        written.append(path)
    for space_dir in {path.parent for path in by_file}:
        for stale in sorted(space_dir.glob("*.yaml")):
            if stale not in by_file:
                stale.unlink()
                written.append(stale)
    return written


def _render_object(
    document: Object,
    *,
    ref: UnitRef,
    space: Space,
    namespace: str,
    commit: str,
    cluster_kinds: frozenset[str],
) -> Object:
    obj = copy.deepcopy(document)
    source = obj.get("metadata") or {}
    # name, namespace, labels, annotations first: rendered files read like kubectl's output.
    meta: Object = {"name": source.get("name")}
    if obj.get("kind") not in cluster_kinds:
        meta["namespace"] = source.get("namespace") or namespace
    labels = {**(source.get("labels") or {}), LABEL_SPACE: space.name, LABEL_UNIT: ref.unit}
    labels[LABEL_INVENTORY] = space.name
    annotations = {k: v for k, v in (source.get("annotations") or {}).items() if k != ANNOTATION_HASH}
    meta |= {"labels": labels, "annotations": {**annotations, ANNOTATION_COMMIT: commit}}
    meta |= {k: v for k, v in source.items() if k not in meta and k != "namespace"}
    obj["metadata"] = meta
    if obj.get("kind") == "Service":
        _default_service_protocols(obj)
    meta["annotations"][ANNOTATION_HASH] = content_hash(obj)
    return obj


def _default_service_protocols(obj: Object) -> None:
    # A v1.20 server answers a Service apply whose port lacks `protocol` with an HTTP 500.
    for port in (obj.get("spec") or {}).get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")


def _cluster_scoped_custom_kinds(units: Sequence[tuple[UnitRef, list[Object]]]) -> frozenset[str]:
    kinds = set()
    for _, documents in units:
        for doc in documents:
            spec = doc.get("spec") or {}
            if doc.get("kind") == "CustomResourceDefinition" and spec.get("scope") == "Cluster":
                kinds.add(str((spec.get("names") or {}).get("kind", "")))
    return frozenset(kinds)
