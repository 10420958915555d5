"""Kubernetes list merge keys: which lists merge per element, and by which key fields.

Shared by the 3-way merge, strategic patches and field paths. A list is keyed when its field name
is known here (containers, env, ports...) or, as kyaml does, when every element is a map carrying
one of the conventional key fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# field name -> merge key fields, from the Kubernetes API's patchMergeKey / listMapKeys.
KNOWN_KEYS: dict[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "env": ("name",),
    "volumes": ("name",),
    "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",),
    "imagePullSecrets": ("name",),
    "ports": ("containerPort", "protocol"),
    "hostAliases": ("ip",),
    "tolerations": ("key",),
    "topologySpreadConstraints": ("topologyKey", "whenUnsatisfiable"),
    "conditions": ("type",),
    "envFrom": (),
}

# kyaml's inference: elements that are maps carrying one of these fields are keyed by it.
INFERRED_KEY_FIELDS: tuple[str, ...] = ("name", "mountPath", "devicePath", "ip", "type", "topologyKey", "key")

# Defaults Kubernetes applies to key fields (a port without protocol is TCP).
KEY_DEFAULTS: dict[str, Any] = {"protocol": "TCP"}


def keys_for(field: str | None, items: Sequence[Any]) -> tuple[str, ...] | None:
    """The merge key fields for the list `items` found under `field`, or None for an atomic list."""
    if not items or not all(isinstance(item, dict) for item in items):
        if field in KNOWN_KEYS and not items:
            return KNOWN_KEYS[field] or None
        return None
    if field == "ports":
        # Service ports are keyed by port, container ports by containerPort.
        if all("containerPort" in item for item in items):
            return ("containerPort", "protocol")
        if all("port" in item for item in items):
            return ("port", "protocol")
        return None
    if field == "volumeMounts" and not all("mountPath" in item for item in items):
        return ("name",) if all("name" in item for item in items) else None
    known = KNOWN_KEYS.get(field or "")
    if known:
        if all(item.get(known[0]) is not None for item in items):
            return known
        return None
    for candidate in INFERRED_KEY_FIELDS:
        if all(candidate in item for item in items):
            return (candidate,)
    return None


def identity(item: Any, keys: Sequence[str]) -> tuple[Any, ...]:
    """The identity tuple of one keyed list element (defaults filled in, e.g. protocol TCP)."""
    return tuple(item.get(key, KEY_DEFAULTS.get(key)) for key in keys)


def shared_keys(
    field: str | None, versions: Sequence[Sequence[Any]], *, hint: tuple[str, ...] | None = None
) -> tuple[str, ...] | None:
    """The merge keys for several versions of one list (a 3-way merge's), or None to keep it atomic.

    `hint` (from a schema) overrides the field-name rules; `()` marks an atomic list. The list is
    keyed only when every element of every version is a map carrying the first key, and no version
    holds two elements with the same identity: such a list cannot be matched element by element.
    """
    items = [item for version in versions for item in version]
    if hint is None:
        keys = keys_for(field, items)
    elif hint and all(isinstance(item, dict) and item.get(hint[0]) is not None for item in items):
        keys = hint
    else:
        keys = None
    if not keys:
        return None
    for version in versions:
        try:
            if len({identity(item, keys) for item in version}) != len(version):
                return None
        except TypeError:  # a key field holding a map or list cannot identify an element
            return None
    return keys
