"""The repo model as plain frozen data: spaces, units, upstream links, conflicts, repo layout."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from mtx_gitops.errors import YamlError

Policy = Literal["local", "upstream", "fail"]
POLICIES: tuple[str, ...] = ("local", "upstream", "fail")

SPACES_DIR = "spaces"
BASE_DIR = "base"
CONFIG_FILE = "mtx.yaml"
META_DIR = ".mtx"


def unit_path(space: str, unit: str) -> str:
    """Repo path of a unit file."""
    return f"{SPACES_DIR}/{space}/{unit}.yaml"


def space_meta_path(space: str) -> str:
    """Repo path of a space's metadata (labels, target, namespace)."""
    return f"{SPACES_DIR}/{space}/{META_DIR}/space.yaml"


def labels_path(space: str, unit: str) -> str:
    """Repo path of a unit's own labels (cub's unit labels), one file per unit like its link."""
    return f"{SPACES_DIR}/{space}/{META_DIR}/labels/{unit}.yaml"


def link_path(space: str, unit: str) -> str:
    """Repo path of a unit's upstream link and merge base (one file per unit: PRs never collide)."""
    return f"{SPACES_DIR}/{space}/{META_DIR}/links/{unit}.yaml"


def unit_target_path(space: str, unit: str) -> str:
    """Repo path of a unit's own target (cub's `unit set-target`; without it the space's target delivers it)."""
    return f"{SPACES_DIR}/{space}/{META_DIR}/targets/{unit}.yaml"


def unit_link_path(space: str, name: str) -> str:
    """Repo path of a link of space `space` (cub's link: a unit that needs what another provides)."""
    return f"{SPACES_DIR}/{space}/{META_DIR}/unit-links/{name}.yaml"


@dataclass(frozen=True, order=True)
class UnitRef:
    """A unit's address: space slug and unit slug."""

    space: str
    unit: str

    def __str__(self) -> str:
        return f"{self.space}/{self.unit}"

    def as_json(self) -> dict[str, str]:
        return {"space": self.space, "unit": self.unit}


@dataclass(frozen=True)
class Link:
    """A downstream unit's upstream and the merge base: the upstream blob it last merged."""

    upstream: UnitRef
    base_blob: str
    base_commit: str | None = None

    def as_data(self) -> dict[str, Any]:
        return {
            "upstream": self.upstream.as_json(),
            "mergeBase": {"blob": self.base_blob, "commit": self.base_commit},
        }

    @staticmethod
    def from_data(data: Any, *, source: str) -> Link:
        try:
            up = data["upstream"]
            base = data["mergeBase"]
            return Link(UnitRef(str(up["space"]), str(up["unit"])), str(base["blob"]), base.get("commit"))
        except (KeyError, TypeError) as exc:
            raise YamlError(f"{source}: not a valid upstream link ({exc})") from None


@dataclass(frozen=True)
class Space:
    """A space: a directory of units with labels, an optional target and namespace."""

    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    namespace: str | None = None

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"labels": dict(self.labels)}
        if self.target:
            data["target"] = self.target
        if self.namespace:
            data["namespace"] = self.namespace
        return data

    def as_json(self) -> dict[str, Any]:
        return {
            "space": self.name,
            "labels": dict(self.labels),
            "target": self.target,
            "namespace": self.namespace,
        }

    @staticmethod
    def from_data(name: str, data: Any) -> Space:
        data = data if isinstance(data, dict) else {}
        labels = data.get("labels") or {}
        return Space(name, {str(k): str(v) for k, v in labels.items()}, data.get("target"), data.get("namespace"))


@dataclass(frozen=True)
class Conflict:
    """A field changed differently upstream and locally, and how it was resolved."""

    path: str
    base: Any
    upstream: Any
    local: Any
    resolution: str
    document: str | None = None

    def as_json(self) -> dict[str, Any]:
        data = {
            "path": self.path,
            "base": self.base,
            "upstream": self.upstream,
            "local": self.local,
            "resolution": self.resolution,
        }
        if self.document:
            data["document"] = self.document
        return data


@dataclass(frozen=True, order=True)
class ObjectId:
    """A Kubernetes object's identity: API group, kind, namespace ("" when none) and name."""

    group: str
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.group}/{self.kind}/{self.namespace}/{self.name}"

    @property
    def pairing(self) -> str:
        """The identity without the namespace: how a unit's versions pair their documents.

        A unit's namespace is the space's (or a link's) to decide, so a region that fills in
        `metadata.namespace` still has the same object as its upstream.
        """
        return f"{self.group}/{self.kind}//{self.name}"

    @staticmethod
    def parse(text: str) -> ObjectId:
        """The ObjectId `str(ObjectId)` printed (`apps/Deployment/prod/web`; core kinds: `/Service//web`)."""
        group, kind, namespace, name = [*text.split("/", 3), "", "", ""][:4]
        return ObjectId(group, kind, namespace, name)


def object_id(doc: Any) -> ObjectId:
    """The identity of a Kubernetes document (empty parts where it has none)."""
    if not isinstance(doc, dict):
        return ObjectId("", "?", "", "")
    api = str(doc.get("apiVersion", ""))
    group = api.rsplit("/", 1)[0] if "/" in api else ""
    meta = doc.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    return ObjectId(group, str(doc.get("kind", "")), str(meta.get("namespace", "") or ""), str(meta.get("name", "")))


def document_identity(doc: Any) -> str:
    """group/kind/namespace/name of a Kubernetes document, as one string."""
    if not isinstance(doc, dict):
        return "?"
    return str(object_id(doc))


# Kubernetes object names: DNS-1123 subdomains, plus ':' which RBAC names allow; never '/', '.' or '..'.
_OBJECT_NAME = re.compile(r"(?!\.{1,2}$)[a-z0-9:]([-a-z0-9.:]{0,251}[a-z0-9:])?")


def documents_by_identity(documents: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """Documents keyed by identity; a repeated identity gets `#2`, `#3`... so none is lost."""
    found: dict[str, dict[str, Any]] = {}
    for doc in documents:
        if not isinstance(doc, dict):
            continue
        ident = document_identity(doc)
        key, count = ident, 1
        while key in found:
            count += 1
            key = f"{ident}#{count}"
        found[key] = doc
    return found


def documents_by_pairing(documents: Iterable[Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """Documents keyed for pairing across versions of a unit: (full identity, document) by pairing key.

    The key leaves the namespace out (`ObjectId.pairing`), so filling in or changing a namespace
    keeps the pair; only where one version holds two objects that differ by namespace alone does
    the namespace become part of their keys.
    """
    docs = [doc for doc in documents if isinstance(doc, dict)]
    ids = [object_id(doc) for doc in docs]
    counts: dict[str, int] = {}
    for ident in ids:
        counts[ident.pairing] = counts.get(ident.pairing, 0) + 1
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for ident, doc in zip(ids, docs, strict=True):
        base = ident.pairing if counts[ident.pairing] == 1 else str(ident)
        key, count = base, 1
        while key in found:
            count += 1
            key = f"{base}#{count}"
        found[key] = (str(ident), doc)
    return found


def validate_documents(docs: list[Any], *, source: str) -> list[dict[str, Any]]:
    """Check that every document is a Kubernetes object (apiVersion, kind, metadata.name)."""
    docs = [doc for doc in docs if doc is not None]
    if not docs:
        raise YamlError(f"{source}: no Kubernetes documents")
    for index, doc in enumerate(docs, start=1):
        where = f"{source} document {index}"
        if isinstance(doc, list):
            raise YamlError(f"{where}: a top-level list is not a Kubernetes object")
        if not isinstance(doc, dict):
            raise YamlError(f"{where}: expected a mapping, got {type(doc).__name__}")
        for key in ("apiVersion", "kind"):
            if not isinstance(doc.get(key), str) or not doc.get(key):
                raise YamlError(f"{where}: missing {key}")
        meta = doc.get("metadata")
        if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta.get("name"):
            raise YamlError(f"{where}: missing metadata.name")
        if not _OBJECT_NAME.fullmatch(meta["name"]):
            raise YamlError(
                f"{where}: invalid metadata.name {meta['name']!r} (Kubernetes names are lower-case "
                "alphanumerics, '-', '.' and ':', at most 253 characters)"
            )
    return docs
