"""Apply waves: which objects of a space go first, and where apply waits for health.

A wave is a set of objects applied together; the next wave is applied only once every object of
the one before is Healthy. An object's wave is its `mtx.dev/wave` annotation (an integer, default
0, negative allowed, as Argo CD's sync waves), and then later than every object it needs (`needs`:
links, when they exist, will name providers here; nothing passes them yet). Within a wave objects
go in kind order: Namespaces, CRDs, policy and RBAC, config and storage, Services, workloads,
networking and admission, then every other kind (custom resources); apply does not wait between kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from typing import Any, TypeVar

from mtx_gitops.errors import UserError

ANNOTATION_WAVE = "mtx.dev/wave"

_KIND_ORDER: tuple[tuple[str, ...], ...] = (
    ("Namespace",),
    ("CustomResourceDefinition",),
    ("NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PriorityClass", "ServiceAccount",
     "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
    ("Secret", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim"),
    ("Service",),
    ("PodDisruptionBudget", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
     "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob"),
    ("IngressClass", "Ingress", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
)  # fmt: skip
_RANK = {kind: rank for rank, kinds in enumerate(_KIND_ORDER) for kind in kinds}
OTHER_KINDS_RANK = len(_KIND_ORDER)

T = TypeVar("T")


def kind_rank(kind: str) -> int:
    """Where a kind goes within a wave (custom resources last)."""
    return _RANK.get(kind, OTHER_KINDS_RANK)


def annotated_wave(obj: Mapping[str, Any], *, name: str) -> int:
    """The `mtx.dev/wave` of an object (0 when absent); a value that is not an integer is bad input."""
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(ANNOTATION_WAVE)
    if value is None:
        return 0
    try:
        return int(str(value).strip())
    except ValueError:
        raise UserError(f"{name}: annotation {ANNOTATION_WAVE} must be an integer, not {value!r}") from None


def waves(
    items: Sequence[T],
    *,
    identity: Callable[[T], str],
    wave: Callable[[T], int],
    kind: Callable[[T], str],
    needs: Mapping[str, Set[str]] | None = None,
) -> list[tuple[int, list[T]]]:
    """`items` grouped into waves, lowest first, each in kind order (stable otherwise).

    `needs` maps an identity to the identities it needs: it is placed in a wave after all of them.
    """
    number = {identity(item): wave(item) for item in items}
    _after_providers(number, needs or {})
    grouped: dict[int, list[T]] = {}
    for item in items:
        grouped.setdefault(number[identity(item)], []).append(item)
    return [(n, sorted(grouped[n], key=lambda item: kind_rank(kind(item)))) for n in sorted(grouped)]


def _after_providers(number: dict[str, int], needs: Mapping[str, Set[str]]) -> None:
    # Relax until stable; more passes than objects means the needs go round in a circle.
    for _ in range(len(number) + 1):
        moved = False
        for item, providers in needs.items():
            known = [number[p] for p in providers if p in number]
            if item in number and known and number[item] <= max(known):
                number[item] = max(known) + 1
                moved = True
        if not moved:
            return
    circle = sorted(item for item in needs if item in number)
    raise UserError(f"objects need each other in a circle: {', '.join(circle[:5])}")
