"""Kubernetes strategic merge patch over plain data, driven by the object's type.

Which lists merge per element comes from the type (`kube_types`): a list whose schema has patch
strategy `merge` and a merge key (containers and env by `name`, container ports by
`containerPort`) merges element by element; a scalar list with strategy `merge` (finalizers) is
a union; every other list is replaced (tolerations, args). That is what `kubectl patch --type
strategic` does with the built-in Go types. For custom resources kubectl has no strategic patch
(it falls back to JSON merge patch); mtx merges a CRD's lists by its `x-kubernetes-list-map-keys`,
as server-side apply does, because that is how the API server will treat them; a list that no
schema describes is keyed by `name` when every element has one (kyaml's inference).

Maps merge recursively and `null` deletes a key. An empty patch list leaves a merged list alone:
clear it with `null` or `$patch: replace`. Merged lists are ordered as kubectl orders them: the
patch's elements in patch order (or `$setElementOrder`'s), interleaved with the elements only the
original has, each kept where it was relative to the others.

Directives:
- `$patch: delete` on a map deletes it; on a keyed list element deletes that element.
- `$patch: replace` on a map replaces it wholesale; as a list element `{"$patch": "replace"}`
  replaces the whole list with the other elements; on a keyed list element replaces that element.
- `$retainKeys: [k…]` drops every key of the original map not listed (the patch may only set those).
- `$deleteFromPrimitiveList/<field>: [v…]` removes those values from the scalar list `<field>`.
- `$setElementOrder/<field>: [...]` orders the elements the patch merges into `<field>`.

The merge works in place on `original`, which the caller owns; values taken from the patch are copied.
"""

from __future__ import annotations

import copy
from typing import Any

from mtx_gitops.core.kube_types import Node
from mtx_gitops.core.listkeys import KEY_DEFAULTS, identity, inferred_keys
from mtx_gitops.errors import PatchError

PATCH = "$patch"
RETAIN_KEYS = "$retainKeys"
DELETE_FROM = "$deleteFromPrimitiveList/"
SET_ORDER = "$setElementOrder/"

# Returned instead of a value when a directive deletes it.
DELETED: Any = object()


def merge_value(original: Any, patch: Any, *, node: Node | None, where: str) -> Any:
    """Merge one patch value into one original value (or into nothing: `original` None)."""
    if isinstance(patch, dict):
        return merge_map(original if isinstance(original, dict) else {}, patch, node=node, where=where)
    if isinstance(patch, list):
        return merge_list(original if isinstance(original, list) else [], patch, node=node, where=where)
    return patch


def merge_map(original: dict[str, Any], patch: dict[str, Any], *, node: Node | None, where: str) -> Any:
    """Merge a patch map into `original`, in place; returns the result or DELETED."""
    directive = patch.get(PATCH, "merge")
    if directive == "delete":
        return DELETED
    if directive == "replace":
        return merge_map({}, {k: v for k, v in patch.items() if k != PATCH}, node=node, where=where)
    if directive != "merge":
        raise PatchError(f"{_at(where)}unknown $patch directive {directive!r}")
    if RETAIN_KEYS in patch:
        _retain_keys(original, patch, where=where)
    for key, values in patch.items():
        if key.startswith(DELETE_FROM):
            _delete_from_list(original, key[len(DELETE_FROM) :], values, where=where)
    for key in [key for key in patch if key.startswith(SET_ORDER)]:
        field = key[len(SET_ORDER) :]
        if field not in patch and isinstance(original.get(field), list):
            patch = {**patch, field: []}  # an order alone reorders the list: merge it with no elements
    for key, value in patch.items():
        if key in (PATCH, RETAIN_KEYS) or key.startswith((DELETE_FROM, SET_ORDER)):
            continue
        if value is None:
            original.pop(key, None)
            continue
        child = node.child(key) if node is not None else None
        order = patch.get(SET_ORDER + key)
        if order is not None and not isinstance(order, list):
            raise PatchError(f"{_at(where)}{SET_ORDER}{key} must be a list")
        if isinstance(value, list):
            current = original.get(key)
            merged = merge_list(
                current if isinstance(current, list) else [], value, node=child, where=_join(where, key), order=order
            )
        else:
            merged = merge_value(original.get(key), value, node=child, where=_join(where, key))
        if merged is DELETED:
            original.pop(key, None)
        else:
            original[key] = merged
    return original


def merge_list(
    original: list[Any], patch: list[Any], *, node: Node | None, where: str, order: list[Any] | None = None
) -> list[Any]:
    """Merge a patch list into `original` by the list's patch strategy; returns the resulting list."""
    elements = [item for item in patch if not _is_list_directive(item)]
    if len(elements) < len(patch):
        return _fresh_elements(elements, node=node, where=where)
    reorder_only = not patch and order is not None  # `$setElementOrder/<field>` without `<field>`
    if node is not None and node.type == "array":
        keys = node.patch_keys()
        if keys is None:
            if node.merges_primitives():
                return _union(original, elements, order)
            return original if reorder_only else _fresh_elements(elements, node=node, where=where)
    else:
        keys = inferred_keys(original) if original else inferred_keys(elements)
        if keys is None:
            return original if reorder_only else _fresh_elements(elements, node=node, where=where)
    return _merge_keyed(
        original, elements, keys, node=node.items() if node is not None else None, where=where, order=order
    )


def _merge_keyed(
    original: list[Any], elements: list[Any], keys: tuple[str, ...], *, node: Node | None, where: str,
    order: list[Any] | None,
) -> list[Any]:  # fmt: skip
    if not elements and not order:
        return original
    current = list(original)
    patched: list[Any] = []  # the elements the patch merged or added, in patch order
    for index, element in enumerate(elements):
        at = f"{where}[{index}]"
        if not isinstance(element, dict):
            raise PatchError(f"{_at(at)}expected an object keyed by {'+'.join(keys)}")
        missing = [key for key in keys if element.get(key) is None and key not in KEY_DEFAULTS]
        if missing:
            raise PatchError(f"{_at(at)}element has no merge key {'+'.join(missing)}")
        wanted = identity(element, keys)
        match = next((i for i, item in enumerate(current) if _has_identity(item, keys, wanted)), None)
        directive = element.get(PATCH)
        if directive == "delete":
            current = [item for item in current if not _has_identity(item, keys, wanted)]
            continue
        base: dict[str, Any] = {} if match is None or directive == "replace" else current[match]
        merged = merge_map(base, element, node=node, where=at)
        if match is not None:
            del current[match]
        if merged is not DELETED:
            patched.append(merged)

    def probe(item: Any) -> Any:
        return identity(item, keys) if isinstance(item, dict) else item

    named = [probe(item) for item in order or ()]
    if named:  # the elements the order names count as the patch's, as kubectl counts them
        patched += [item for item in current if probe(item) in named]
        current = [item for item in current if probe(item) not in named]
    return _interleave(patched, current, [probe(item) for item in original], named, probe)


def _union(original: list[Any], elements: list[Any], order: list[Any] | None) -> list[Any]:
    """A scalar list with patch strategy merge: the patch's values, then the original's others."""
    patched: list[Any] = []
    for item in elements:
        if item not in patched:
            patched.append(copy.deepcopy(item))
    patched += [item for item in original if item in (order or ()) and item not in patched]
    if not patched:
        return original
    server_only = [item for item in original if item not in patched]
    return _interleave(patched, server_only, list(original), order, lambda item: item)


def _interleave(
    patched: list[Any], server_only: list[Any], server_order: list[Any], patch_order: Any, probe: Any
) -> list[Any]:
    """kubectl's order of a merged list: patch elements and server-only elements, each in their order.

    At each step the server-only element goes first when both it and the next patch element were
    in the original and it came first there; otherwise the patch element goes first.
    """
    if patch_order:
        ranked = {value: rank for rank, value in enumerate(patch_order) if _hashable(value)}
        patched = sorted(patched, key=lambda item: ranked.get(_key(probe(item)), len(ranked)))
    position = {_key(value): index for index, value in enumerate(server_order)}
    result: list[Any] = []
    i = j = 0
    while i < len(server_only) or j < len(patched):
        if j >= len(patched):
            result.append(server_only[i])
            i += 1
        elif i >= len(server_only):
            result.append(patched[j])
            j += 1
        else:
            left, right = position.get(_key(probe(server_only[i]))), position.get(_key(probe(patched[j])))
            if left is not None and right is not None and left < right:
                result.append(server_only[i])
                i += 1
            else:
                result.append(patched[j])
                j += 1
    return result


def _key(value: Any) -> Any:
    return value if _hashable(value) else repr(value)


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _fresh_elements(elements: list[Any], *, node: Node | None, where: str) -> list[Any]:
    """Patch elements as plain values: directives applied, deleted elements left out."""
    items = node.items() if node is not None else None
    result = []
    for index, element in enumerate(elements):
        value = merge_value(None, copy.deepcopy(element), node=items, where=f"{where}[{index}]")
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


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _at(where: str) -> str:
    return f"{where}: " if where else ""
