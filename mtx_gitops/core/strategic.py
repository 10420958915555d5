"""Kubernetes strategic merge patch over plain data, without the API schema.

Maps merge recursively and `null` deletes a key. A list whose field has a merge key in
`listkeys` (containers and env by name, ports by containerPort+protocol...) merges per element:
a patch element is merged into the element with the same key, a new one is appended. Lists of
scalars and unkeyed lists are replaced, as Kubernetes does for lists without a merge strategy
(so `finalizers` is replaced, not unioned). As Kubernetes does, an empty patch list leaves a keyed
list alone: clear it with `null` or `$patch: replace`.

Directives:
- `$patch: delete` on a map deletes it; on a keyed list element deletes that element.
- `$patch: replace` on a map replaces it wholesale; as a list element `{"$patch": "replace"}`
  replaces the whole list with the other elements; on a keyed list element replaces that element.
- `$retainKeys: [k…]` drops every key of the original map not listed (the patch may only set those).
- `$deleteFromPrimitiveList/<field>: [v…]` removes those values from the scalar list `<field>`.
- `$setElementOrder/<field>: [...]` reorders the elements it names (keys for keyed lists, values
  for scalar lists) among the positions they occupy; elements it does not name stay where they are.

The merge works in place on `original`, which the caller owns; values taken from the patch are copied.
"""

from __future__ import annotations

import copy
from typing import Any

from mtx_gitops.core.listkeys import KEY_DEFAULTS, identity, keys_for
from mtx_gitops.errors import PatchError

PATCH = "$patch"
RETAIN_KEYS = "$retainKeys"
DELETE_FROM = "$deleteFromPrimitiveList/"
SET_ORDER = "$setElementOrder/"

# Returned instead of a value when a directive deletes it.
DELETED: Any = object()


def merge_value(original: Any, patch: Any, *, field: str | None, where: str) -> Any:
    """Merge one patch value into one original value (or into nothing: `original` None)."""
    if isinstance(patch, dict):
        return merge_map(original if isinstance(original, dict) else {}, patch, where=where)
    if isinstance(patch, list):
        return merge_list(original if isinstance(original, list) else [], patch, field=field, where=where)
    return patch


def merge_map(original: dict[str, Any], patch: dict[str, Any], *, where: str) -> Any:
    """Merge a patch map into `original`, in place; returns the result or DELETED."""
    directive = patch.get(PATCH, "merge")
    if directive == "delete":
        return DELETED
    if directive == "replace":
        return merge_map({}, {k: v for k, v in patch.items() if k != PATCH}, where=where)
    if directive != "merge":
        raise PatchError(f"{_at(where)}unknown $patch directive {directive!r}")
    if RETAIN_KEYS in patch:
        _retain_keys(original, patch, where=where)
    for key, values in patch.items():
        if key.startswith(DELETE_FROM):
            _delete_from_list(original, key[len(DELETE_FROM) :], values, where=where)
    for key, value in patch.items():
        if key in (PATCH, RETAIN_KEYS) or key.startswith((DELETE_FROM, SET_ORDER)):
            continue
        if value is None:
            original.pop(key, None)
            continue
        merged = merge_value(original.get(key), value, field=key, where=_join(where, key))
        if merged is DELETED:
            original.pop(key, None)
        else:
            original[key] = merged
    for key, order in patch.items():
        if key.startswith(SET_ORDER):
            _set_order(original, key[len(SET_ORDER) :], order, where=where)
    return original


def merge_list(original: list[Any], patch: list[Any], *, field: str | None, where: str) -> list[Any]:
    """Merge a patch list into `original`, in place when keyed; returns the resulting list."""
    elements = [item for item in patch if not _is_list_directive(item)]
    if len(elements) < len(patch):
        return _fresh_elements(elements, field=field, where=where)
    keys = keys_for(field, original) if original else keys_for(field, elements)
    if keys is None:
        return _fresh_elements(elements, field=field, where=where)
    for index, element in enumerate(elements):
        at = f"{where}[{index}]"
        if not isinstance(element, dict):
            raise PatchError(f"{_at(at)}expected an object keyed by {'+'.join(keys)}")
        missing = [key for key in keys if element.get(key) is None and key not in KEY_DEFAULTS]
        if missing:
            raise PatchError(f"{_at(at)}element has no merge key {'+'.join(missing)}")
        wanted = identity(element, keys)
        match = next((i for i, item in enumerate(original) if _has_identity(item, keys, wanted)), None)
        directive = element.get(PATCH)
        if directive == "delete":
            original[:] = [item for item in original if not _has_identity(item, keys, wanted)]
            continue
        base: dict[str, Any] = {} if match is None or directive == "replace" else original[match]
        merged = merge_map(base, element, where=at)
        if merged is DELETED:
            continue
        if match is None:
            original.append(merged)
        else:
            original[match] = merged
    return original


def _fresh_elements(elements: list[Any], *, field: str | None, where: str) -> list[Any]:
    """Patch elements as plain values: directives applied, deleted elements left out."""
    result = []
    for index, element in enumerate(elements):
        value = merge_value(None, copy.deepcopy(element), field=field, where=f"{where}[{index}]")
        if value is not DELETED:
            result.append(value)
    return result


def _is_list_directive(item: Any) -> bool:
    return isinstance(item, dict) and item.get(PATCH) == "replace" and len(item) == 1


def _has_identity(item: Any, keys: tuple[str, ...], wanted: tuple[Any, ...]) -> bool:
    return isinstance(item, dict) and identity(item, keys) == wanted


def _retain_keys(original: dict[str, Any], patch: dict[str, Any], *, where: str) -> None:
    retain = patch[RETAIN_KEYS]
    if not isinstance(retain, list) or not all(isinstance(key, str) for key in retain):
        raise PatchError(f"{_at(where)}$retainKeys must be a list of field names")
    for key in patch:
        if not key.startswith("$") and key not in retain and patch[key] is not None:
            raise PatchError(f"{_at(where)}$retainKeys does not list {key!r}, which the patch sets")
    for key in [key for key in original if key not in retain]:
        del original[key]


def _delete_from_list(original: dict[str, Any], field: str, values: Any, *, where: str) -> None:
    if not isinstance(values, list):
        raise PatchError(f"{_at(where)}{DELETE_FROM}{field} must be a list")
    current = original.get(field)
    if isinstance(current, list):
        original[field] = [item for item in current if item not in values]


def _set_order(original: dict[str, Any], field: str, order: Any, *, where: str) -> None:
    if not isinstance(order, list):
        raise PatchError(f"{_at(where)}{SET_ORDER}{field} must be a list")
    current = original.get(field)
    if not isinstance(current, list) or not current:
        return
    keys = keys_for(field, current)

    def probe(item: Any) -> Any:
        return identity(item, keys) if keys is not None and isinstance(item, dict) else item

    wanted = [probe(item) for item in order]
    named = [(wanted.index(probe(item)), index) for index, item in enumerate(current) if probe(item) in wanted]
    ordered = [current[index] for _, index in sorted(named)]
    for (_, slot), item in zip(named, ordered, strict=True):
        current[slot] = item


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _at(where: str) -> str:
    return f"{where}: " if where else ""
