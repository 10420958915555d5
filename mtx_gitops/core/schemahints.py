"""Schema hints carried in YAML comments, as kyaml reads them: which lists merge by which keys.

kyaml takes an OpenAPI fragment from the comment on a field's line or from the comment line just
above it:

    containers: # {"items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}, "type": "array",
                #  "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}
    spec: # {"$ref": "#/definitions/io.k8s.api.core.v1.PodSpec"}

The YAML package reads those comments (`yaml.commented_fields`: (field path, JSON object) pairs);
this turns them into hints. The result maps field paths, relative to the document and with `[*]` for
any list element, to merge keys (`()`: compare the list whole) or to the type a `$ref` names (from the
official definitions); it is what `merge_values(hints=...)` takes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mtx_gitops.core.kube_types import Node, TypeTable
from mtx_gitops.core.path_syntax import Step, format_path

_WILDCARD = Step(wildcard=True)


Hint = tuple[str, ...] | Node


CommentedField = tuple[tuple[Step, ...], dict[str, Any]]


def schema_hints(*texts: Iterable[CommentedField], types: TypeTable | None = None) -> dict[str, Hint]:
    """The hints the commented fields of YAML texts give (later texts win where they disagree).

    Each of `texts` is what `yaml.commented_fields` read from one text. A hint is a list's merge keys
    (`()`: atomic), or the type a `$ref` names, looked up in `types`.
    """
    hints: dict[str, Hint] = {}
    for fields in texts:
        for steps, schema in fields:
            _apply_schema(schema, steps, hints, types)
    return hints


def _apply_schema(
    schema: dict[str, Any], steps: tuple[Step, ...], hints: dict[str, Hint], types: TypeTable | None
) -> None:
    """Record the hints an OpenAPI fragment gives for the field at `steps` and below it."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and types is not None:
        node = types.definition(ref)
        if node is not None:
            hints[format_path(steps)] = node
    keys = _merge_keys(schema)
    if keys is not None:
        hints[format_path(steps)] = keys
    items = schema.get("items")
    if isinstance(items, dict):
        _apply_schema(items, (*steps, _WILDCARD), hints, types)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, child in properties.items():
            if isinstance(child, dict):
                _apply_schema(child, (*steps, Step(key=str(name))), hints, types)


def _merge_keys(schema: dict[str, Any]) -> tuple[str, ...] | None:
    """The merge keys a list schema names, `()` for an atomic list, None when it names none."""
    map_keys = schema.get("x-kubernetes-list-map-keys")
    if isinstance(map_keys, list) and map_keys and all(isinstance(key, str) for key in map_keys):
        return tuple(map_keys)
    merge_key = schema.get("x-kubernetes-patch-merge-key")
    if isinstance(merge_key, str) and merge_key:
        return (merge_key,)
    if schema.get("x-kubernetes-list-type") == "atomic" or schema.get("x-kubernetes-patch-strategy") == "replace":
        return ()
    return None
