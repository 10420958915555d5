"""Schema hints carried in YAML comments, as kyaml reads them: which lists merge by which keys.

kyaml takes an OpenAPI fragment from the comment on a field's line or from the comment line just
above it:

    containers: # {"items": {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}, "type": "array",
                #  "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}
    spec: # {"$ref": "#/definitions/io.k8s.api.core.v1.PodSpec"}

The core parses no YAML, so this follows keys through the text by indentation. The result maps
field paths, relative to the document and with `[*]` for any list element, to merge keys (`()`:
compare the list whole) or to the type a `$ref` names (from the official definitions); it is what
`merge_values(hints=...)` takes. Comments that are not JSON objects give no hints.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mtx_gitops.core.kube_types import Node, TypeTable
from mtx_gitops.core.path_syntax import Step, format_path

_WILDCARD = Step(wildcard=True)
_KEY_LINE = re.compile(
    r"""(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}\[\],&*!|>%@`-][^#]*?|-[^\s#][^#]*?)"""
    r"""\s*:(?:\s+(?P<rest>.*))?$"""
)
_JSON_COMMENT = re.compile(r"(?:^|\s)#\s*(\{.*\})\s*$")


Hint = tuple[str, ...] | Node


def schema_hints(*texts: str, types: TypeTable | None = None) -> dict[str, Hint]:
    """The hints in the comments of YAML texts (later texts win where they disagree).

    A hint is a list's merge keys (`()`: atomic), or the type a `$ref` names, looked up in `types`.
    """
    hints: dict[str, Hint] = {}
    for text in texts:
        for steps, schema in _commented_fields(text):
            _apply_schema(schema, steps, hints, types)
    return hints


def _commented_fields(text: str) -> list[tuple[tuple[Step, ...], dict[str, Any]]]:
    """Each field that carries a JSON comment, as (path steps, parsed comment)."""
    found: list[tuple[tuple[Step, ...], dict[str, Any]]] = []
    stack: list[tuple[int, Step]] = []  # open fields and list elements, by column
    pending: dict[str, Any] | None = None  # a head comment waiting for its field
    block_column: int | None = None  # inside a block scalar started by a key at this column
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        column = len(line) - len(stripped)
        if block_column is not None and (not stripped or column > block_column):
            continue
        block_column = None
        if stripped.startswith("#"):
            pending = _json_object(stripped.lstrip("#")) or pending
            continue
        if not stripped or stripped.startswith(("---", "...")):
            if stripped:
                stack.clear()
            pending = None
            continue
        while stripped.startswith("- ") or stripped == "-":
            while stack and (stack[-1][0] > column or (stack[-1][0] == column and stack[-1][1].wildcard)):
                stack.pop()
            stack.append((column, _WILDCARD))
            rest = stripped[1:].lstrip(" ")
            column += len(stripped) - len(rest)
            stripped = rest
        match = _KEY_LINE.match(stripped)
        if match is None:
            pending = None
            continue
        while stack and stack[-1][0] >= column:
            stack.pop()
        stack.append((column, Step(key=_unquote(match["key"]))))
        rest = match["rest"] or ""
        comment = _JSON_COMMENT.search(rest)
        schema = (_json_object(comment.group(1)) if comment else None) or pending
        if schema is not None:
            found.append((tuple(step for _, step in stack), schema))
        pending = None
        if rest.startswith(("|", ">")):
            block_column = column
    return found


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


def _json_object(text: str) -> dict[str, Any] | None:
    text = text.strip()
    if not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _unquote(key: str) -> str:
    if len(key) >= 2 and key[0] == key[-1] == "'":
        return key[1:-1].replace("''", "'")
    if len(key) >= 2 and key[0] == key[-1] == '"':
        try:
            return str(json.loads(key))
        except ValueError:
            return key[1:-1]
    return key
