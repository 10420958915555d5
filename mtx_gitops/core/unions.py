"""One-of groups: fields of a Kubernetes type of which the API server accepts only one.

The OpenAPI names few of them (`x-kubernetes-unions`, read from the schema as discriminated
unions); the others live in the API server's validation code (`pkg/apis/core/validation`,
`pkg/apis/apps/validation`). This table names those, by definition (type path), never by a
field's bare name. An entry is the group's members; `ALL_BUT` lists the fields that are not
members of a type whose every other field is one (a Volume's sources: all fields but `name`).

A discriminated union (a Deployment strategy: `type` Recreate allows no `rollingUpdate`) is a
group whose first member is the discriminator. The merge treats each group as one field, so the
result always holds the members of one side.
"""

from __future__ import annotations

from collections.abc import Iterable

_HANDLER = ("exec", "httpGet", "tcpSocket", "grpc")

# definition -> groups of members (validation.go: "may not specify more than 1 handler type", ...)
GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "io.k8s.api.core.v1.Probe": (_HANDLER,),
    "io.k8s.api.core.v1.LifecycleHandler": (("exec", "httpGet", "tcpSocket", "sleep"),),
    "io.k8s.api.core.v1.EnvVar": (("value", "valueFrom"),),
    "io.k8s.api.core.v1.EnvVarSource": (
        ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"),
    ),
    "io.k8s.api.core.v1.EnvFromSource": (("configMapRef", "secretRef"),),
    "io.k8s.api.networking.v1.IngressBackend": (("service", "resource"),),
    "io.k8s.api.apps.v1.DeploymentStrategy": (("type", "rollingUpdate"),),
    "io.k8s.api.apps.v1.StatefulSetUpdateStrategy": (("type", "rollingUpdate"),),
    "io.k8s.api.apps.v1.DaemonSetUpdateStrategy": (("type", "rollingUpdate"),),
}

# definition -> fields that are not members; every other field of the type is ("exactly one volume source").
ALL_BUT: dict[str, frozenset[str]] = {
    "io.k8s.api.core.v1.Volume": frozenset({"name"}),
    "io.k8s.api.core.v1.VolumeProjection": frozenset(),
    "io.k8s.api.core.v1.PersistentVolumeSpec": frozenset(
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
}

# Discriminated unions whose discriminator allows the other members only for some of its values.
DISCRIMINATORS: dict[str, str] = {
    "io.k8s.api.apps.v1.DeploymentStrategy": "type",
    "io.k8s.api.apps.v1.StatefulSetUpdateStrategy": "type",
    "io.k8s.api.apps.v1.DaemonSetUpdateStrategy": "type",
}


def groups_for(
    definition: str | None, fields: Iterable[str], schema_unions: Iterable[Iterable[str]] = ()
) -> tuple[tuple[str, ...], ...]:
    """The one-of groups of a type: from the table and from the schema's own unions."""
    found: list[tuple[str, ...]] = [tuple(group) for group in schema_unions]
    if definition:
        found.extend(GROUPS.get(definition, ()))
        excluded = ALL_BUT.get(definition)
        if excluded is not None:
            found.append(tuple(sorted(field for field in fields if field not in excluded)))
    return tuple(group for group in found if len(group) > 1)
