"""Render a space into the exact objects a target receives.

Rendering is pure: it fills in the space's namespace, labels every object with its space, unit
and inventory id, records the source commit and a content hash, and orders the objects so that
Namespaces and CRDs come first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from mtx_gitops.core.functions import copy_data
from mtx_gitops.core.model import Space, UnitRef, document_identity
from mtx_gitops.core.scope import CLUSTER_SCOPED_KINDS
from mtx_gitops.errors import UserError

LABEL_SPACE = "mtx.dev/space"
LABEL_UNIT = "mtx.dev/unit"
LABEL_INVENTORY = "mtx.dev/inventory"
ANNOTATION_COMMIT = "mtx.dev/commit"
ANNOTATION_HASH = "mtx.dev/unit-hash"

_FIRST_KINDS = {"Namespace": 0, "CustomResourceDefinition": 1}

Object = dict[str, Any]
_CANONICAL_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
    body = obj
    meta = obj.get("metadata", {})
    annotations = meta.get("annotations", {})
    if ANNOTATION_COMMIT in annotations or ANNOTATION_HASH in annotations:
        kept = {k: v for k, v in annotations.items() if k not in (ANNOTATION_COMMIT, ANNOTATION_HASH)}
        body = {**obj, "metadata": {**meta, "annotations": kept}}
    canonical = _CANONICAL_JSON.encode(body)
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


def _render_object(
    document: Object,
    *,
    ref: UnitRef,
    space: Space,
    namespace: str,
    commit: str,
    cluster_kinds: frozenset[str],
) -> Object:
    obj: Object = copy_data(document)
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
