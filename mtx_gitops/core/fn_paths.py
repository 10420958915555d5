"""cub's set-string-path, set-int-path and set-bool-path: a typed value at a path, checked against the schema.

The path is cub's (`spec.template.spec.containers.*.securityContext.runAsNonRoot`, `containers.?name=nginx.x`,
`containers.0.image#uri`) or mtx's bracket form. Values are upserted, as cub's setters do: missing maps
on the way are made, through `*` for every element that exists. `a.|b` sets `b` only inside the
`a`s that already exist (cub's existence split). `#uri` and `#reference` reach the repository and the
`:tag`/`@digest` part of an image string.

Before anything is written the schema is asked what the field holds (`expected_type`): a boolean
field refuses a string, an integer field a boolean, and so on; quantities and int-or-string fields
take strings, int-or-string and number fields take integers. Fields the schema does not know (custom
resources without a CRD, preserved-unknown fields) take any value.
"""

from __future__ import annotations

from typing import Any

from mtx_gitops.core import paths
from mtx_gitops.core.fn_resources import check_resource_type, resource_type
from mtx_gitops.core.functions import Document, RunResult, _edit_each
from mtx_gitops.core.imageref import is_version_only, parse_image, parse_version
from mtx_gitops.core.kube_types import ARRAY, MAP, OBJECT, Node, TypeTable
from mtx_gitops.core.path_syntax import Step
from mtx_gitops.core.workloads import describe
from mtx_gitops.errors import UserError

# The value kinds a setter writes, and the schema types that accept each.
ACCEPTS: dict[str, frozenset[str]] = {
    "string": frozenset({"string", "quantity", "intorstring", "any"}),
    "integer": frozenset({"integer", "number", "intorstring", "quantity", "any"}),
    "boolean": frozenset({"boolean", "any"}),
}
SETTER = {"string": "set-string-path", "integer": "set-int-path", "boolean": "set-bool-path"}
_EMBEDDED = ("uri", "reference")


def expected_type(types: TypeTable, document: Any, steps: tuple[Step, ...]) -> str | None:
    """What the schema says the field at `steps` holds in `document` (string, integer, boolean, number,
    quantity, intorstring, object, array, map, any), or None when the schema does not know it."""
    node: Node | None = types.for_document(document)
    for step in steps:
        if node is None:
            return None
        if step.split:
            continue
        kind = node.type
        if step.key is not None and kind in (OBJECT, MAP):
            node = node.child(step.key)
        elif step.key is None and kind in (ARRAY, MAP):
            node = node.child(None)
        elif kind == "any":
            return "any"
        else:
            return None
        if node is not None and node.type == OBJECT and node.desc.get("x") and not node.desc.get("p"):
            return "any"
    return node.type if node is not None else None


def set_typed_path(
    documents: list[Document],
    *,
    path: str,
    value: Any,
    value_kind: str,
    types: TypeTable,
    resource: str | None = None,
) -> RunResult:
    """Set `value` (of `value_kind`: string, integer or boolean) at `path` in the documents of resource
    type `resource`, or, without one, in every document where the path's parent exists (the first
    document when it exists in none). Refuses a field whose schema type does not take the value."""
    if resource is not None:
        check_resource_type(resource)
    text, accessor = _split_accessor(path)
    steps = paths.parse_path(text)
    if not steps:
        raise UserError("invalid path: the empty path names no field")
    if accessor is not None and value_kind != "string":
        raise UserError(f"#{accessor} reaches part of a string: use set-string-path")
    candidates = [i for i, d in enumerate(documents) if resource is None or resource_type(d) == resource]
    if resource is None:
        reach = tuple(s for s in steps[:-1] if not s.split)
        existing = [i for i in candidates if len(reach) == 0 or paths.get_all(documents[i], reach)]
        candidates = existing or candidates[:1]
    for index in candidates:
        _check_type(types, documents[index], steps, value_kind, path)

    def edit(document: Document, notes: list[str]) -> None:
        if _set(document, steps, value, accessor) == 0:
            notes.append(f"{describe(document)}: {path} not set (nothing there to set it in)")

    notes = [] if candidates else [f"no {resource or 'document'} to set {path} in"]
    return _edit_each(documents, edit, only=candidates, notes=notes)


def _check_type(types: TypeTable, document: Document, steps: tuple[Step, ...], kind: str, path: str) -> None:
    found = expected_type(types, document, steps)
    if found is None or found in ACCEPTS[kind]:
        return
    better = next((name for name, accepted in ACCEPTS.items() if found in accepted), None)
    hint = f": use {SETTER[better]}" if better and better != kind else ""
    raise UserError(
        f"{resource_type(document)} {describe(document).partition('/')[2]}: {path} is {_article(found)}, "
        f"not {_article(kind)}{hint}"
    )


def _article(kind: str) -> str:
    names = {"intorstring": "int-or-string", "map": "map", "any": "any value"}
    name = names.get(kind, kind)
    return f"an {name}" if name[0] in "aeio" else f"a {name}"


def _split_accessor(path: str) -> tuple[str, str | None]:
    head, hash_sign, accessor = path.rpartition("#")
    if not hash_sign:
        return path, None
    if accessor not in _EMBEDDED:
        raise UserError(f"invalid path {path!r}: '#' reaches only #uri or #reference of an image")
    return head, accessor


def _set(document: Any, steps: tuple[Step, ...], value: Any, accessor: str | None) -> int:
    split = next((i for i, s in enumerate(steps) if s.split), None)
    if split is not None:
        prefix, rest = steps[:split], steps[split + 1 :]
        if not rest:
            raise UserError("invalid path: nothing follows '.|'")
        parents = paths.get_all(document, prefix) if prefix else [document]
        return sum(_set(parent, rest, value, accessor) for parent in parents if isinstance(parent, dict))
    if accessor is None:
        return paths.set_path(document, steps, value, create=True)
    total = 0
    parents = paths.get_all(document, steps[:-1]) if len(steps) > 1 else [document]
    for parent in parents:
        for current in paths.children(parent, steps[-1]):
            if isinstance(current, str):
                total += paths.set_path(parent, steps[-1:], _embed(current, str(value), accessor), create=False)
    return total


def _embed(image: str, part: str, accessor: str) -> str:
    """`image` with its repository (`uri`) or its `:tag`/`@digest` (`reference`) replaced by `part`."""
    current = parse_image(image)
    if accessor == "uri":
        return str(parse_image(part).with_version(tag=current.tag, digest=current.digest))
    if not is_version_only(part):
        raise UserError(f"invalid image reference {part!r}: start it with ':' or '@'")
    tag, digest = parse_version(part)
    return str(current.with_version(tag=tag, digest=digest))
