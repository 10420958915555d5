"""Read the live copies of many rendered objects with few requests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mtx_gitops.core.model import document_identity

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster

Object = dict[str, Any]
_LIST_THRESHOLD = 3  # objects of one kind in one namespace from which one list beats a get each


def live_objects(cluster: Cluster, objects: Sequence[Object]) -> dict[str, Object | None]:
    """Live copies by identity (None: absent); kinds the server does not serve yet are left out.

    Kinds with several objects in one namespace are read with one list request instead of a get each:
    this is what keeps a no-op re-apply of a big space fast.
    """
    groups: dict[tuple[str, str, str | None], list[Object]] = {}
    for obj in objects:
        key = (obj["apiVersion"], obj["kind"], obj["metadata"].get("namespace"))
        groups.setdefault(key, []).append(obj)
    lives: dict[str, Object | None] = {}
    for (api_version, kind, namespace), members in groups.items():
        if not cluster.serves(api_version, kind):
            continue
        if len(members) < _LIST_THRESHOLD:
            lives.update({document_identity(obj): cluster.get(obj) for obj in members})
            continue
        listed = {
            item["metadata"]["name"]: item for item in cluster.list_objects(api_version, kind, namespace=namespace)
        }
        lives.update({document_identity(obj): listed.get(obj["metadata"]["name"]) for obj in members})
    return lives
