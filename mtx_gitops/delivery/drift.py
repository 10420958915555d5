"""Drift: fields mtx renders whose live value is different, whoever changed them.

A v1.20 server records no field ownership for `kubectl scale`, so managedFields cannot tell
drift; instead every field the rendering sets is compared with the live object. The server adds
defaults and normalises quantities, so only the rendered fields count, keyed lists are matched
by their merge keys, and `500m` equals `0.5`.
"""

from __future__ import annotations

import base64
from typing import Any

from mtx_gitops.core.kube_types import Node, TypeTable
from mtx_gitops.core.listkeys import identity, inferred_keys
from mtx_gitops.core.path_syntax import Step, format_path
from mtx_gitops.core.quantity import parse_quantity
from mtx_gitops.delivery.render import ANNOTATION_COMMIT, ANNOTATION_HASH

# Metadata the server owns or fills in; only labels and annotations are mtx's to compare.
_COMPARED_METADATA = ("labels", "annotations")
_OWN_ANNOTATIONS = (ANNOTATION_COMMIT, ANNOTATION_HASH)


def drifted_fields(rendered: dict[str, Any], live: dict[str, Any], *, types: TypeTable | None = None) -> list[str]:
    """Paths (`spec.replicas`, `…containers[name=web].image`) where live differs from the rendering.

    Lists are matched by the keys of the object's type (`types`, the built-in kinds by default).
    """
    if types is None:
        from mtx_gitops.schema.types import official

        types = official()
    node = types.for_document(rendered)
    expected = _expected(rendered)
    found: list[str] = []
    for key, value in expected.items():
        if key in ("apiVersion", "kind", "status"):
            continue
        if key == "metadata":
            meta = {k: v for k, v in value.items() if k in _COMPARED_METADATA}
            # The recorded commit and hash are compared by sync state, not as drift.
            annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k not in _OWN_ANNOTATIONS}
            meta["annotations"] = annotations
            _compare(meta, live.get("metadata") or {}, "metadata", _child(node, "metadata"), found)
        else:
            _compare(value, live.get(key), key, _child(node, key), found)
    return found


def _expected(rendered: dict[str, Any]) -> dict[str, Any]:
    # The server moves a Secret's stringData into data, base64-encoded.
    if rendered.get("kind") != "Secret" or not rendered.get("stringData"):
        return rendered
    expected = dict(rendered)
    data = dict(expected.pop("stringData"))
    encoded = {k: base64.b64encode(str(v).encode()).decode() for k, v in data.items()}
    expected["data"] = {**encoded, **(rendered.get("data") or {})}
    return expected


def _child(node: Node | None, key: str | None) -> Node | None:
    return node.child(key) if node is not None else None


def _compare(want: Any, have: Any, path: str, node: Node | None, found: list[str]) -> None:
    if have is None and _is_empty(want):
        return  # the server omits empty and zero values
    if isinstance(want, dict):
        if not isinstance(have, dict):
            found.append(path)
            return
        for key, value in want.items():
            _compare(value, have.get(key), _join(path, str(key)), _child(node, str(key)), found)
    elif isinstance(want, list):
        _compare_list(want, have, path, node, found)
    elif not _scalar_equal(want, have):
        found.append(path)


def _join(path: str, key: str) -> str:
    """`path` and a map key in path syntax (a key with dots or slashes goes in brackets)."""
    return path + format_path((Step(key="x"), Step(key=key)))[1:]


def _compare_list(want: list[Any], have: Any, path: str, node: Node | None, found: list[str]) -> None:
    if not isinstance(have, list):
        found.append(path)
        return
    keys = node.list_keys() if node is not None and node.type == "array" else inferred_keys(want)
    items = node.items() if node is not None else None
    if keys:
        live_by_key = {identity(item, keys): item for item in have if isinstance(item, dict)}
        for item in want:
            key = identity(item, keys)
            label = ",".join(f"{k}={v}" for k, v in zip(keys, key, strict=True) if v is not None)
            _compare(item, live_by_key.get(key), f"{path}[{label}]", items, found)
        return
    if len(want) != len(have):
        found.append(path)
        return
    for index, (item, live_item) in enumerate(zip(want, have, strict=True)):
        _compare(item, live_item, f"{path}[{index}]", items, found)


def _scalar_equal(want: Any, have: Any) -> bool:
    if want == have and type(want) is type(have):
        return True
    if isinstance(want, bool) or isinstance(have, bool):
        return False
    left, right = parse_quantity(want), parse_quantity(have)
    return left is not None and left == right


def _is_empty(value: Any) -> bool:
    if value is None or value is False:
        return True
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value == 0
    return value in ("", {}, [])
