"""One-of groups: fields of a Kubernetes type of which the API server accepts only one.

The OpenAPI names few of them (`x-kubernetes-unions`); the others live in the API server's
validation code (`pkg/apis/core/validation`, `pkg/apis/apps/validation`,
`pkg/apis/networking/validation`). `RULES` names those, by definition (type path), never by a
field's bare name. The validation gate (`schema.api_rules`) checks them; the 3-way merge treats
each group as one field (`groups_for`), so a merged object always holds one side's choice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

CORE = "io.k8s.api.core.v1."
APPS = "io.k8s.api.apps.v1."


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


def groups_for(
    definition: str | None, fields: Iterable[str], schema_unions: Iterable[Iterable[str]] = ()
) -> tuple[tuple[str, ...], ...]:
    """The groups of a type's fields that merge as one: its `RULES` and the schema's own unions.

    A discriminated union (`Forbids`: a strategy's `type` and `rollingUpdate`) is one group with
    its discriminator, so the type and the members it allows always come from the same side.
    """
    names = list(fields)
    found: list[tuple[str, ...]] = [tuple(group) for group in schema_unions]
    for rule in RULES.get(definition or "", ()):
        if isinstance(rule, OneOf):
            found.append(rule.members)
        elif isinstance(rule, AllBut):
            found.append(tuple(sorted(name for name in names if name not in rule.others)))
        else:
            found.append((rule.field, *rule.forbidden))
    return tuple(group for group in found if len(group) > 1)
