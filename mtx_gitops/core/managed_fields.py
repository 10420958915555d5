"""Who owns a field of a live object, read from its `metadata.managedFields` (server-side apply's record).

Each entry names a manager and the set of fields it owns (`fieldsV1`): `f:name` a field, `k:{...}` the
element of a keyed list with those key values, `i:N` a list index, `v:...` a set member, `.` the
element itself; an empty map is a field owned whole (an atomic value). A manager owns a path when its
set reaches the path, or an ancestor of it owned whole.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mtx_gitops.core.path_syntax import Step
from mtx_gitops.core.paths import as_text


def owns(fields: Any, steps: Sequence[Step]) -> bool:
    """Whether a `fieldsV1` set reaches the field at `steps`."""
    node = fields
    for step in steps:
        if not isinstance(node, Mapping):
            return False
        if not node:
            return True  # an ancestor owned whole
        child = _child(node, step)
        if child is None:
            return False
        node = child
    return True


def owners(live: Mapping[str, Any], steps: Sequence[Step]) -> set[str]:
    """The managers that own the field at `steps` of `live` (status subresource writers aside)."""
    found = set()
    for entry in (live.get("metadata") or {}).get("managedFields") or []:
        if not isinstance(entry, Mapping) or entry.get("subresource") == "status":
            continue
        if owns(entry.get("fieldsV1") or {}, steps):
            found.add(str(entry.get("manager") or ""))
    return found


def _child(node: Mapping[str, Any], step: Step) -> Any:
    if step.key is not None:
        return node.get(f"f:{step.key}")
    if step.index is not None:
        return node.get(f"i:{step.index}")
    if step.match:
        wanted = dict(step.match)
        for key, child in node.items():
            if not key.startswith("k:"):
                continue
            try:
                fields = json.loads(key[2:])
            except ValueError:
                continue
            if isinstance(fields, dict) and all(as_text(fields.get(k)) == v for k, v in wanted.items()):
                return child
    return None
