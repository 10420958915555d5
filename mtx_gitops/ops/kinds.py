"""The Kubernetes types of a repo at one commit: the official kinds of its version, plus its CRDs.

The version is `mtx.yaml`'s `kubernetesVersion` (`schema.version`); the CRDs are those the repo
defines in its units, `base/` and `schemas/` (`schema.crds`). A snapshot's table is built once:
an upgrade asks for it once per unit.
"""

from __future__ import annotations

from mtx_gitops.core.kube_types import TypeTable
from mtx_gitops.schema import version as versions
from mtx_gitops.schema.crds import crds_at
from mtx_gitops.schema.types import official, with_crds
from mtx_gitops.store import Snapshot

_TABLES: dict[tuple[int, str | None], tuple[Snapshot, TypeTable]] = {}


def types_for(snap: Snapshot | None) -> TypeTable:
    """The type table merges, patches and queries use for the repo at `snap`."""
    if snap is None:
        return official(versions.DEFAULT_VERSION)
    key = (id(snap), snap.commit)
    cached = _TABLES.get(key)
    if cached is not None and cached[0] is snap:
        return cached[1]
    version = versions.configured(snap.config)
    crds = crds_at(snap)
    table = with_crds({gvk: crd.schema for gvk, crd in crds.items()}, version) if crds else official(version)
    if len(_TABLES) > 16:
        _TABLES.clear()
    _TABLES[key] = (snap, table)
    return table
