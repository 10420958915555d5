"""Which lists merge per element, and by which key fields, once the schema has had its say.

The keys themselves come from the schema (`kube_types`: list-map-keys and patch merge keys, by
type path). For a list no schema describes (a custom resource without a CRD, or a field a CRD
leaves open) mtx infers keys as kyaml does: a list whose every element is a map carrying `name`
is keyed by it. This module holds that inference and the identity of one keyed element.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

# kyaml's inference for lists without a schema: elements that are maps carrying this field.
INFERRED_KEY_FIELDS: tuple[str, ...] = ("name",)

# Defaults the API server gives key fields (a port without protocol is TCP), so `- containerPort: 80`
# and `- containerPort: 80\n  protocol: TCP` are one element.
KEY_DEFAULTS: dict[str, Any] = {"protocol": "TCP"}


def inferred_keys(items: Sequence[Any]) -> tuple[str, ...] | None:
    """kyaml's keys for a list with no schema: `name` when every element is a map that has it."""
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for candidate in INFERRED_KEY_FIELDS:
        if all(item.get(candidate) is not None for item in items):
            return (candidate,)
    return None


def identity(item: Any, keys: Sequence[str]) -> tuple[Any, ...]:
    """The identity tuple of one keyed list element (defaults filled in, e.g. protocol TCP)."""
    return tuple(item.get(key, KEY_DEFAULTS.get(key)) for key in keys)


def shared_keys(versions: Sequence[Sequence[Any]], *, hint: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
    """The merge keys for several versions of one list (a 3-way merge's), or None to keep it atomic.

    `hint` (the schema's keys, or a schema comment's) decides when given; `()` marks an atomic
    list. Without one, keys are inferred. The list is keyed only when every element of every
    version is a map carrying the first key, and no version holds two elements with the same
    identity: such a list cannot be matched element by element.
    """
    items = [item for version in versions for item in version]
    if hint is None:
        keys = inferred_keys(items)
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
