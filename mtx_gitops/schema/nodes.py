"""Schemas compiled into small nodes that a validator walks beside a document.

Two dialects compile to the same nodes. The official definitions (`kubernetes-validate`'s strict
JSON schemas) use `type` lists with "null", `$ref` into the definitions, `additionalProperties:
false` on every closed object, and a `oneOf` of two types for Quantity and IntOrString. A CRD's
`openAPIV3Schema` is OpenAPI 3.0 as the API server reads it: `nullable`, an object whose
`properties` do not name a field has no such field unless `x-kubernetes-preserve-unknown-fields`,
`x-kubernetes-int-or-string` and `x-kubernetes-embedded-resource` (apiVersion, kind, metadata).
The value keywords of a structural schema (enum, pattern, bounds, lengths, sizes, allOf/anyOf/
oneOf/not, list-type uniqueness) are checked; `format` and CEL rules (`x-kubernetes-validations`)
are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sized
from typing import Any

from mtx_gitops.schema.api_rules import ENUMS, RULES, VALUE_CHECKS

_PYTHON_TYPES: Mapping[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}
_VALUE_KEYWORDS = (
    "pattern",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "uniqueItems",
)


class Node:
    """One compiled schema: what a value at this place may be."""

    __slots__ = (
        "accepts",
        "checks",
        "closed",
        "combos",
        "definition",
        "enum",
        "expected",
        "extra",
        "int_ok",
        "items",
        "leaf",
        "list_keys",
        "props",
        "required",
        "rules",
    )

    def __init__(self) -> None:
        self.accepts: frozenset[type] | None = None  # Python types allowed (None: any)
        self.int_ok = False  # an integral float passes as an integer (as in JSON Schema)
        self.expected = ""  # the types, for messages ("integer", "integer or string")
        self.props: dict[str, Node] | None = None
        self.extra: Node | None = None  # the schema of keys `props` does not name
        self.closed = False  # keys that `props` does not name are unknown fields
        self.required: tuple[str, ...] = ()
        self.items: Node | None = None
        self.enum: tuple[Any, ...] | None = None
        self.definition: str | None = None  # the official definition this node is (for api_rules)
        self.rules = False  # api_rules has rules for `definition`
        self.checks: tuple[Callable[[Any], str | None], ...] = ()  # value checks (pattern, bounds, ...)
        self.combos: tuple[tuple[str, tuple[Node, ...]], ...] = ()  # allOf/anyOf/oneOf/not
        self.list_keys: tuple[str, ...] | None = None  # list-type map keys (() for a set): items unique
        self.leaf = False  # a scalar's node with only a type to check (set by `seal`)

    def seal(self) -> Node:
        """Mark the node a leaf when its type is its only check; returns it."""
        self.leaf = (
            self.accepts is not None
            and dict not in self.accepts
            and list not in self.accepts
            and not (
                self.props
                or self.extra
                or self.closed
                or self.items
                or self.enum
                or self.rules
                or self.checks
                or self.combos
            )
        )
        return self


ANY = Node()


def _set_types(node: Node, names: list[str]) -> None:
    node.accepts = frozenset(t for name in names for t in _PYTHON_TYPES.get(name, ()))
    node.int_ok = "integer" in names and "number" not in names
    shown = [name for name in names if name != "null"] or names
    node.expected = " or ".join(dict.fromkeys(shown))


class Definitions:
    """The official definitions of one Kubernetes version, compiled on first use, one definition at a time."""

    def __init__(self, definitions: Mapping[str, Any]) -> None:
        self._raw = definitions
        self._nodes: dict[str, Node] = {}

    def node(self, name: str) -> Node:
        found = self._nodes.get(name)
        if found is None:
            found = self._nodes[name] = Node()  # placed first: definitions refer to themselves
            _fill_official(found, self._raw.get(name) or {}, self)
            found.definition = name
            found.rules = name in RULES or name in ENUMS
            check = VALUE_CHECKS.get(name)
            if check is not None:
                found.checks += (check,)
            found.seal()
        return found

    def __contains__(self, name: str) -> bool:
        return name in self._raw


def _official(schema: Mapping[str, Any], defs: Definitions) -> Node:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return defs.node(ref.rsplit("/", 1)[-1])
    node = Node()
    _fill_official(node, schema, defs)
    return node.seal()


def _fill_official(node: Node, schema: Mapping[str, Any], defs: Definitions) -> None:
    kinds = schema.get("type")
    if "oneOf" in schema and kinds is None:  # Quantity, IntOrString: a union of types
        kinds = [t for branch in schema["oneOf"] for t in _listed(branch.get("type"))]
    if kinds is not None:
        _set_types(node, _listed(kinds))
    props = schema.get("properties")
    if isinstance(props, dict):
        node.props = {key: _official(sub, defs) for key, sub in props.items() if isinstance(sub, dict)}
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        node.extra = _official(extra, defs)
    node.closed = extra is False
    node.required = tuple(_listed(schema.get("required")))
    items = schema.get("items")
    if isinstance(items, dict):
        node.items = _official(items, defs)
    if isinstance(schema.get("enum"), list):
        node.enum = tuple(schema["enum"])


def _listed(kinds: Any) -> list[str]:
    return [kinds] if isinstance(kinds, str) else [k for k in kinds or () if isinstance(k, str)]


def compile_crd(schema: Mapping[str, Any], *, object_meta: Node) -> Node:
    """A CRD version's `openAPIV3Schema` as the root node of its custom resources."""
    root = _structural(schema, object_meta=object_meta, closed_objects=True)
    _embed(root, object_meta, required=False)
    return root


def _embed(node: Node, object_meta: Node, *, required: bool) -> None:
    """apiVersion, kind and metadata, which every object (the root, an embedded resource) has."""
    string = Node()
    _set_types(string, ["string"])
    string.seal()
    node.props = {"apiVersion": string, "kind": string, **(node.props or {}), "metadata": object_meta}
    if required:
        node.required = tuple(dict.fromkeys(("apiVersion", "kind", *node.required)))


def _structural(schema: Mapping[str, Any], *, object_meta: Node, closed_objects: bool) -> Node:
    """One node of an OpenAPI v3 (structural) schema; inside allOf/anyOf/oneOf/not objects stay open."""
    node = Node()
    nullable = schema.get("nullable") is True
    if schema.get("x-kubernetes-int-or-string") is True:
        _set_types(node, ["integer", "string", *(["null"] if nullable else [])])
    elif isinstance(schema.get("type"), str):
        _set_types(node, [schema["type"], *(["null"] if nullable else [])])
    sub = {"object_meta": object_meta, "closed_objects": closed_objects}
    props = schema.get("properties")
    if isinstance(props, dict):
        node.props = {key: _structural(s, **sub) for key, s in props.items() if isinstance(s, dict)}  # type: ignore[arg-type]
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        node.extra = _structural(extra, **sub)  # type: ignore[arg-type]
    preserve = schema.get("x-kubernetes-preserve-unknown-fields") is True
    is_object = schema.get("type") == "object" or node.props is not None
    node.closed = closed_objects and is_object and not preserve and extra is None
    node.required = tuple(_listed(schema.get("required")))
    items = schema.get("items")
    if isinstance(items, dict):
        node.items = _structural(items, **sub)  # type: ignore[arg-type]
    if isinstance(schema.get("enum"), list):
        node.enum = tuple(schema["enum"])
    if schema.get("x-kubernetes-embedded-resource") is True:
        _embed(node, object_meta, required=True)
    list_type = schema.get("x-kubernetes-list-type")
    if list_type == "set":
        node.list_keys = ()
    elif list_type == "map":
        node.list_keys = tuple(_listed(schema.get("x-kubernetes-list-map-keys")))
    checks = (_value_check(word, schema[word], schema) for word in _VALUE_KEYWORDS if word in schema)
    node.checks = tuple(check for check in checks if check is not None)
    combos = []
    for word in ("allOf", "anyOf", "oneOf"):
        if isinstance(schema.get(word), list):
            branches = tuple(_structural(s, object_meta=object_meta, closed_objects=False) for s in schema[word])
            combos.append((word, branches))
    if isinstance(schema.get("not"), dict):
        combos.append(("not", (_structural(schema["not"], object_meta=object_meta, closed_objects=False),)))
    node.combos = tuple(combos)
    return node.seal()


def _value_check(word: str, bound: Any, schema: Mapping[str, Any]) -> Callable[[Any], str | None] | None:
    """One value keyword of OpenAPI v3 as a check (returning None when a value passes, else what is
    expected); None for a keyword whose bound mtx cannot read (a pattern only Go's RE2 knows)."""
    number = (int, float)
    if word == "pattern":
        try:
            regex = re.compile(str(bound))
        except re.error:
            return None
    elif word == "uniqueItems":
        if bound is not True:
            return None
    elif not isinstance(bound, number) or isinstance(bound, bool):
        return None

    def sized(kind: type[Sized], what: str, least: bool) -> Callable[[Any], str | None]:
        def check(value: Any) -> str | None:
            if isinstance(value, kind) and (len(value) < bound if least else len(value) > bound):
                return f"expected {'at least' if least else 'at most'} {bound} {what}, got {len(value)}"
            return None

        return check

    if word == "pattern":
        return lambda v: (
            f"expected text matching {bound!r}, got {v!r}" if isinstance(v, str) and not regex.search(v) else None
        )
    if word in ("minimum", "maximum"):
        low = word == "minimum"
        strict = schema.get("exclusiveMinimum" if low else "exclusiveMaximum") is True
        sign = (">" if strict else ">=") if low else ("<" if strict else "<=")

        def bounded(v: Any) -> str | None:
            if not isinstance(v, number) or isinstance(v, bool):
                return None
            bad = (v <= bound if strict else v < bound) if low else (v >= bound if strict else v > bound)
            return f"expected a number {sign} {bound}, got {v!r}" if bad else None

        return bounded
    if word == "uniqueItems":
        return lambda v: (
            "expected unique items" if bound is True and isinstance(v, list) and _has_duplicates(v) else None
        )
    sizes: dict[str, tuple[type[Sized], str]] = {
        "Length": (str, "characters"),
        "Items": (list, "items"),
        "Properties": (dict, "fields"),
    }
    kind, what = sizes[word[3:]]
    return sized(kind, what, word.startswith("min"))


def _has_duplicates(items: list[Any]) -> bool:
    seen: list[Any] = []
    for item in items:
        if item in seen:
            return True
        seen.append(item)
    return False
