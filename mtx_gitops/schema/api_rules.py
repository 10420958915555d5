"""Rules the Kubernetes API server enforces that its OpenAPI does not express, keyed by definition.

Taken from the API's validation code (`pkg/apis/core/validation/validation.go`,
`pkg/apis/apps/validation/validation.go`, `pkg/apis/networking/validation/validation.go`) and from
the enum markers of `k8s.io/api` types that the JSON schemas of `kubernetes-validate` drop. Every
entry names a definition (a type path such as `io.k8s.api.core.v1.Probe`), never a bare field name:
`type` of a Deployment strategy and `type` of a Service are different fields.

A member counts as set when it is present, not null and not "" (a Go pointer that is not nil, a
string that is not empty): `value: ""` beside `valueFrom` is accepted, as the API server accepts it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

CORE = "io.k8s.api.core.v1."
APPS = "io.k8s.api.apps.v1."
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"


@dataclass(frozen=True)
class OneOf:
    """At most one of `members` may be set; with `required`, exactly one."""

    members: tuple[str, ...]
    required: bool
    what: str  # how the API server names the group ("handler type", "volume source")


@dataclass(frozen=True)
class AllBut:
    """Every field but `others` is a member of one group (a Volume's sources: all fields but `name`)."""

    others: frozenset[str]
    required: bool
    what: str


@dataclass(frozen=True)
class Forbids:
    """When `field` is one of `values`, none of `forbidden` may be set (a Recreate strategy has no rollingUpdate)."""

    field: str
    values: tuple[str, ...]
    forbidden: tuple[str, ...]


Rule = OneOf | AllBut | Forbids

_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")

RULES: Mapping[str, tuple[Rule, ...]] = {
    # validateHandler: "must specify a handler type" / "may not specify more than 1 handler type"
    f"{CORE}Probe": (OneOf(_HANDLERS, True, "handler type"),),
    f"{CORE}LifecycleHandler": (OneOf(("exec", "httpGet", "tcpSocket", "sleep"), True, "handler type"),),
    # validateVolumeSource / validatePersistentVolumeSource: "must specify a volume type"
    f"{CORE}Volume": (AllBut(frozenset({"name"}), True, "volume type"),),
    f"{CORE}PersistentVolumeSpec": (
        AllBut(
            frozenset(
                {
                    "accessModes",
                    "capacity",
                    "claimRef",
                    "mountOptions",
                    "nodeAffinity",
                    "persistentVolumeReclaimPolicy",
                    "storageClassName",
                    "volumeAttributesClassName",
                    "volumeMode",
                }
            ),
            True,
            "persistent volume type",
        ),
    ),
    # validateProjectionSources: "may not specify more than 1 volume type per source"
    f"{CORE}VolumeProjection": (AllBut(frozenset(), True, "projection type"),),
    # validateEnvVarValueFrom: "may not be specified when `value` is not empty"
    f"{CORE}EnvVar": (OneOf(("value", "valueFrom"), False, "value source"),),
    f"{CORE}EnvVarSource": (
        OneOf(("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"), True, "source"),
    ),
    f"{CORE}EnvFromSource": (OneOf(("configMapRef", "secretRef"), True, "source"),),
    # ValidateDeploymentStrategy: "may not be specified when strategy `type` is 'Recreate'"
    f"{APPS}DeploymentStrategy": (Forbids("type", ("Recreate",), ("rollingUpdate",)),),
    # ValidateStatefulSetUpdateStrategy: rollingUpdate "only allowed for updateStrategy 'RollingUpdate'"
    f"{APPS}StatefulSetUpdateStrategy": (Forbids("type", ("OnDelete",), ("rollingUpdate",)),),
    f"{APPS}DaemonSetUpdateStrategy": (Forbids("type", ("OnDelete",), ("rollingUpdate",)),),
    # validateIngressBackend: "cannot set both resource and service backends"
    "io.k8s.api.networking.v1.IngressBackend": (OneOf(("service", "resource"), True, "backend"),),
    # x-kubernetes-unions in the OpenAPI itself: localhostProfile only with type Localhost
    f"{CORE}SeccompProfile": (Forbids("type", ("RuntimeDefault", "Unconfined"), ("localhostProfile",)),),
    f"{CORE}AppArmorProfile": (Forbids("type", ("RuntimeDefault", "Unconfined"), ("localhostProfile",)),),
}

# Enums of k8s.io/api types (their `+enum` markers) that the JSON schemas lost: definition -> field -> values.
ENUMS: Mapping[str, Mapping[str, frozenset[str]]] = {
    f"{CORE}Container": {
        "imagePullPolicy": frozenset({"Always", "Never", "IfNotPresent"}),
        "terminationMessagePolicy": frozenset({"File", "FallbackToLogsOnError"}),
    },
    f"{CORE}PodSpec": {
        "restartPolicy": frozenset({"Always", "OnFailure", "Never"}),
        "dnsPolicy": frozenset({"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"}),
    },
    f"{CORE}ContainerPort": {"protocol": frozenset({"TCP", "UDP", "SCTP"})},
    f"{CORE}ServicePort": {"protocol": frozenset({"TCP", "UDP", "SCTP"})},
    f"{CORE}ServiceSpec": {
        "type": frozenset({"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"}),
        "sessionAffinity": frozenset({"None", "ClientIP"}),
        "externalTrafficPolicy": frozenset({"Cluster", "Local"}),
        "internalTrafficPolicy": frozenset({"Cluster", "Local"}),
    },
    f"{CORE}HTTPGetAction": {"scheme": frozenset({"HTTP", "HTTPS"})},
    f"{CORE}Toleration": {
        "operator": frozenset({"Exists", "Equal"}),
        "effect": frozenset({"NoSchedule", "PreferNoSchedule", "NoExecute"}),
    },
    f"{CORE}SeccompProfile": {"type": frozenset({"Unconfined", "RuntimeDefault", "Localhost"})},
    f"{APPS}DeploymentStrategy": {"type": frozenset({"Recreate", "RollingUpdate"})},
    f"{APPS}StatefulSetUpdateStrategy": {"type": frozenset({"RollingUpdate", "OnDelete"})},
    f"{APPS}DaemonSetUpdateStrategy": {"type": frozenset({"RollingUpdate", "OnDelete"})},
    f"{APPS}StatefulSetSpec": {"podManagementPolicy": frozenset({"OrderedReady", "Parallel"})},
    "io.k8s.api.batch.v1.CronJobSpec": {"concurrencyPolicy": frozenset({"Allow", "Forbid", "Replace"})},
    "io.k8s.api.networking.v1.HTTPIngressPath": {"pathType": frozenset({"Exact", "Prefix", "ImplementationSpecific"})},
}

# resource.ParseQuantity's grammar (k8s.io/apimachinery/pkg/api/resource/quantity.go).
_QUANTITY = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?")


def _is_set(value: Any) -> bool:
    return value is not None and value != ""


def _names(fields: list[str]) -> str:
    return ", ".join(fields[:-1]) + f" and {fields[-1]}" if len(fields) > 1 else fields[0]


def check_object(definition: str, value: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """What `value`, an object of type `definition`, breaks: (field or None for the object, message)."""
    found: list[tuple[str | None, str]] = []
    for rule in RULES.get(definition, ()):
        if isinstance(rule, Forbids):
            if (kind := value.get(rule.field)) in rule.values:
                found += [
                    (name, f"must not be set when {rule.field} is {kind}")
                    for name in rule.forbidden
                    if _is_set(value.get(name))
                ]
            continue
        if isinstance(rule, OneOf):
            chosen = [name for name in rule.members if _is_set(value.get(name))]
            what = f"{rule.what} ({', '.join(rule.members)})"
        else:
            chosen = [name for name, item in value.items() if name not in rule.others and _is_set(item)]
            what = rule.what
        if len(chosen) > 1:
            found.append((None, f"expected at most one {what}, got {_names(chosen)}"))
        elif not chosen and rule.required:
            found.append((None, f"expected one {what}, got none"))
    for name, allowed in ENUMS.get(definition, {}).items():
        item = value.get(name)
        if isinstance(item, str) and item and item not in allowed:  # another type is the schema's finding
            found.append((name, f"expected one of {', '.join(sorted(allowed))}, got {item!r}"))
    return found


def _check_quantity(value: Any) -> str | None:
    if isinstance(value, str) and not _QUANTITY.fullmatch(value):
        return f"expected a quantity such as 500m, 2 or 256Mi, got {value!r}"
    return None


# Checks of one value by its definition (a leaf, not an object).
VALUE_CHECKS: Mapping[str, Callable[[Any], str | None]] = {QUANTITY: _check_quantity}
