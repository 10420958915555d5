"""The Kubernetes types of a repo at one commit: the official kinds of its version, plus its CRDs.

The version is `mtx.yaml`'s `kubernetesVersion` (`schema.version`); the CRDs are those the repo
defines in its units, `base/` and `schemas/` (`schema.crds`). They are read only when a document
of a kind the official table does not know turns up, so editing a Deployment lists only its space.
"""

from __future__ import annotations

from mtx_gitops.core.kube_types import Node, TypeTable
from mtx_gitops.schema import version as versions
from mtx_gitops.schema.crds import crds_at
from mtx_gitops.schema.types import official, with_crds
from mtx_gitops.store import Snapshot

_TABLES: dict[tuple[int, str | None], tuple[Snapshot, TypeTable]] = {}


class _RepoTypes(TypeTable):
    """The official kinds, and the repo's CRDs read the first time a custom kind is asked for."""

    __slots__ = ("_crds", "_official", "_snap", "_version")

    def __init__(self, snap: Snapshot, version: str) -> None:
        super().__init__({})
        self._snap, self._version = snap, version
        self._official = official(version)
        self._crds: TypeTable | None = None

    def _with_crds(self) -> TypeTable:
        if self._crds is None:
            crds = crds_at(self._snap)
            schemas = {gvk: crd.schema for gvk, crd in crds.items()}
            self._crds = with_crds(schemas, self._version) if schemas else self._official
        return self._crds

    def kind(self, api_version: str, kind: str) -> Node | None:
        return self._official.kind(api_version, kind) or self._with_crds().kind(api_version, kind)

    def definition(self, name: str) -> Node | None:
        return self._official.definition(name) or self._with_crds().definition(name)


def types_for(snap: Snapshot | None) -> TypeTable:
    """The type table merges, patches and queries use for the repo at `snap`."""
    if snap is None:
        return official(versions.DEFAULT_VERSION)
    key = (id(snap), snap.commit)
    cached = _TABLES.get(key)
    if cached is not None and cached[0] is snap:
        return cached[1]
    table = _RepoTypes(snap, versions.configured(snap.config))
    if len(_TABLES) > 16:
        _TABLES.clear()
    _TABLES[key] = (snap, table)
    return table
