"""Least-privilege RBAC for a worker, derived from the objects its spaces deliver (plain data in and out).

A Role per namespace grants the kinds delivered there; a ClusterRole grants only cluster-scoped kinds
(and `get` on the namespaces the worker checks before an apply); a Role in the worker's own namespace
grants its election Lease. Verbs are what delivery uses: get and list to read, create and patch for
server-side apply, delete for rollback and prune. Nothing is granted that no object needs, so a
Secret is reachable only when a unit delivers one, and nothing is bound to cluster-admin.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Object = dict[str, Any]
VERBS = ["get", "list", "create", "patch", "delete"]
LEASE_GROUP = "coordination.k8s.io"
# Kinds whose resource name is not the guessed plural (kubectl's guess: +s, +es after s, y -> ies).
_IRREGULAR = {"Endpoints": "endpoints", "PodSecurityPolicy": "podsecuritypolicies"}


def resource_of(kind: str, *, plurals: dict[str, str] | None = None) -> str:
    """The resource (plural) a kind is served as: a CRD's `spec.names.plural`, else the API server's guess."""
    if plurals and kind in plurals:
        return plurals[kind]
    if kind in _IRREGULAR:
        return _IRREGULAR[kind]
    lower = kind.lower()
    if lower.endswith("s"):
        return f"{lower}es"
    if lower.endswith("y"):
        return f"{lower[:-1]}ies"
    return f"{lower}s"


def crd_plurals(objects: Iterable[Object]) -> dict[str, str]:
    """Kind → plural for every CustomResourceDefinition among `objects`."""
    found = {}
    for obj in objects:
        if obj.get("kind") == "CustomResourceDefinition":
            names = (obj.get("spec") or {}).get("names") or {}
            if names.get("kind") and names.get("plural"):
                found[str(names["kind"])] = str(names["plural"])
    return found


def _group(obj: Object) -> str:
    api = str(obj.get("apiVersion", ""))
    return api.rsplit("/", 1)[0] if "/" in api else ""


def _rules(pairs: Iterable[tuple[str, str]]) -> list[Object]:
    by_group: dict[str, set[str]] = {}
    for group, resource in pairs:
        by_group.setdefault(group, set()).add(resource)
    return [
        {"apiGroups": [group], "resources": sorted(resources), "verbs": list(VERBS)}
        for group, resources in sorted(by_group.items())
    ]


def worker_rbac(
    objects: Sequence[Object], *, name: str, namespace: str, account: str, lease: str, labels: dict[str, str]
) -> list[Object]:
    """Roles, a ClusterRole and their bindings for ServiceAccount `namespace/account` to deliver `objects`."""
    plurals = crd_plurals(objects)
    namespaced: dict[str, set[tuple[str, str]]] = {}
    cluster: set[tuple[str, str]] = set()
    for obj in objects:
        pair = (_group(obj), resource_of(str(obj["kind"]), plurals=plurals))
        where = (obj.get("metadata") or {}).get("namespace")
        if where:
            namespaced.setdefault(str(where), set()).add(pair)
        else:
            cluster.add(pair)
    subject = [{"kind": "ServiceAccount", "name": account, "namespace": namespace}]

    def meta(name: str, where: str | None = None) -> Object:
        return {"name": name, **({"namespace": where} if where else {}), "labels": dict(labels)}

    out: list[Object] = []
    for where, pairs in sorted(namespaced.items()):
        out += _bound("Role", meta(name, where), _rules(pairs), subject)
    lease_rules = [
        {"apiGroups": [LEASE_GROUP], "resources": ["leases"], "verbs": ["create"]},
        {"apiGroups": [LEASE_GROUP], "resources": ["leases"], "resourceNames": [lease], "verbs": ["get", "update"]},
    ]
    out += _bound("Role", meta(f"{name}-lease", namespace), lease_rules, subject)
    checked = {"apiGroups": [""], "resources": ["namespaces"], "resourceNames": sorted(namespaced), "verbs": ["get"]}
    cluster_rules = _rules(cluster) + ([checked] if namespaced else [])
    if cluster_rules:
        out += _bound("ClusterRole", meta(name), cluster_rules, subject)
    return out


def _bound(kind: str, meta: Object, rules: list[Object], subjects: list[Object]) -> list[Object]:
    api = "rbac.authorization.k8s.io/v1"
    role = {"apiVersion": api, "kind": kind, "metadata": meta, "rules": rules}
    binding = {
        "apiVersion": api,
        "kind": f"{kind}Binding",
        "metadata": dict(meta),
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": kind, "name": meta["name"]},
        "subjects": subjects,
    }
    return [role, binding]
