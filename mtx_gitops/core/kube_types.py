"""Kubernetes types as plain data: which lists are keyed, which fields are quantities, what a kind holds.

A `TypeTable` is the compact form of an OpenAPI schema that `mtx_gitops.schema` derives from the
official Kubernetes definitions and from CustomResourceDefinitions. It is plain data (dicts, lists,
strings) so it can be cached with marshal and tested with literal values:

    {"defs":  {definition name: type},
     "kinds": {"group/version/Kind": definition name}}

A type is a dict with `t` (object, array, map, string, integer, number, boolean, quantity,
intorstring, any or ref) and, by kind:

- ref: `r`, the definition it names;
- object: `p` {field: type}, `req` [required fields], `x` true when unknown fields are kept
  (`x-kubernetes-preserve-unknown-fields`), `mt` "atomic" for a struct replaced whole;
- array: `i` the element type, `lt` list type (atomic, map, set), `k` list-map-keys, `mk` the
  strategic patch merge key, `ps` the patch strategy (merge, replace, retainKeys, comma-joined);
- map (additionalProperties): `v` the value type, `mt` "atomic" for a map replaced whole;
- scalars: `e` an enum, when the schema names one.

A named definition also carries `n` (its name) and `u` (the schema's discriminated unions, each
a list of fields, discriminator first).

Fields may also carry `ps` (a struct's patch strategy: retainKeys, replace). Every lookup goes by
type path (a Deployment's `spec.template.spec.tolerations`), never by a field's name alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mtx_gitops.core.unions import groups_for

Type = Mapping[str, Any]

OBJECT, ARRAY, MAP = "object", "array", "map"
QUANTITY, INT_OR_STRING = "quantity", "intorstring"
SCALARS = frozenset({"string", "integer", "number", "boolean", QUANTITY, INT_OR_STRING})


class TypeTable:
    """Lookups over a compact type table: the type of a kind, a definition, a field."""

    __slots__ = ("_defs", "_kinds")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._defs: Mapping[str, Type] = data.get("defs") or {}
        self._kinds: Mapping[str, str] = data.get("kinds") or {}

    def kind(self, api_version: str, kind: str) -> Node | None:
        """The type of documents with this apiVersion and kind, or None when the table has none."""
        group, _, version = api_version.rpartition("/")
        name = self._kinds.get(f"{group}/{version}/{kind}")
        return self.definition(name) if name else None

    def for_document(self, doc: Any) -> Node | None:
        """The type of one Kubernetes document (a dict with apiVersion and kind), or None."""
        if not isinstance(doc, dict):
            return None
        api, kind = doc.get("apiVersion"), doc.get("kind")
        if not isinstance(api, str) or not isinstance(kind, str):
            return None
        return self.kind(api, kind)

    def definition(self, name: str) -> Node | None:
        """The type a definition name (`io.k8s.api.core.v1.PodSpec`) stands for, or None."""
        found = self._defs.get(name.rsplit("/", 1)[-1] if name.startswith("#") else name)
        return Node(self, found) if found is not None else None

    def known_kinds(self) -> int:
        return len(self._kinds)

    def resolve(self, desc: Type) -> Type:
        """`desc` with references followed (a bounded chain: tables hold no reference cycles of refs)."""
        for _ in range(16):
            if desc.get("t") != "ref":
                return desc
            target = self._defs.get(desc.get("r", ""))
            if target is None:
                return {"t": "any"}
            desc = {**target, **{k: v for k, v in desc.items() if k not in ("t", "r")}}
        return {"t": "any"}


EMPTY_TABLE = TypeTable({})


class Node:
    """One position in a type: what the value there is, and the types of what it holds."""

    __slots__ = ("_table", "desc")

    def __init__(self, table: TypeTable, desc: Type) -> None:
        self._table = table
        self.desc = table.resolve(desc)

    @property
    def type(self) -> str:
        return str(self.desc.get("t", "any"))

    def child(self, key: str | None) -> Node | None:
        """The type of field `key` of an object, of a map's values, or (key None) of a list's elements."""
        desc = self.desc
        kind = desc.get("t")
        if kind == OBJECT:
            found = (desc.get("p") or {}).get(key) if key is not None else None
        elif kind == MAP:
            found = desc.get("v")
        elif kind == ARRAY:
            found = desc.get("i")
        else:
            found = None
        return Node(self._table, found) if found is not None else None

    def field(self, key: str) -> Node | None:
        return self.child(key)

    def items(self) -> Node | None:
        return self.child(None) if self.type == ARRAY else None

    def known_fields(self) -> frozenset[str] | None:
        """An object's declared fields, or None when it keeps unknown ones (or is not an object)."""
        if self.type != OBJECT or self.desc.get("x"):
            return None
        return frozenset(self.desc.get("p") or ())

    # -- lists --------------------------------------------------------------------------------

    def list_keys(self) -> tuple[str, ...] | None:
        """The keys that identify a list's elements in a 3-way merge (server-side apply's list-map-keys,
        else the strategic merge key), or None for a list merged whole (atomic, set, unkeyed)."""
        desc = self.desc
        keys = desc.get("k")
        if desc.get("lt") == "map" and keys:
            return tuple(keys)
        merge_key = desc.get("mk")
        if merge_key and "merge" in str(desc.get("ps", "")).split(","):
            return tuple(keys) if keys and keys[0] == merge_key else (str(merge_key),)
        return None

    def patch_keys(self) -> tuple[str, ...] | None:
        """The keys a strategic merge patch merges a list by, or None to replace the list.

        For built-in kinds that is kubectl's one `patchMergeKey` (with patch strategy merge); a
        CRD's map lists carry `sk`, their list-map-keys, as server-side apply merges them.
        """
        desc = self.desc
        if desc.get("sk"):
            return tuple(desc["sk"])
        merge_key = desc.get("mk")
        if not merge_key or "merge" not in str(desc.get("ps", "")).split(","):
            return None
        return (str(merge_key),)

    def merges_primitives(self) -> bool:
        """Whether a strategic patch unions a scalar list (patch strategy merge: finalizers)."""
        return self.type == ARRAY and "merge" in str(self.desc.get("ps", "")).split(",") and not self.desc.get("mk")

    def is_set(self) -> bool:
        return self.type == ARRAY and self.desc.get("lt") == "set"

    # -- maps and structs ---------------------------------------------------------------------

    def is_atomic(self) -> bool:
        """Whether the value is replaced whole: an atomic list, an atomic map or struct."""
        desc = self.desc
        if desc.get("t") == ARRAY:
            return self.list_keys() is None
        return desc.get("mt") == "atomic"

    def retains_keys(self) -> bool:
        """Whether a strategic patch of this struct clears the members it does not set (retainKeys)."""
        return "retainKeys" in str(self.desc.get("ps", "")).split(",")

    # -- scalars ------------------------------------------------------------------------------

    def is_scalar(self) -> bool:
        return self.type in SCALARS

    def enum(self) -> tuple[Any, ...] | None:
        values = self.desc.get("e")
        return tuple(values) if values else None

    # -- one-of groups ------------------------------------------------------------------------

    @property
    def definition(self) -> str | None:
        """The definition this type is (`io.k8s.api.core.v1.Probe`), when it is a named one."""
        name = self.desc.get("n")
        return str(name) if name else None

    def one_of(self) -> tuple[tuple[str, ...], ...]:
        """The groups of this object's fields of which the API accepts only one (`unions`)."""
        if self.type != OBJECT:
            return ()
        return groups_for(self.definition, self.desc.get("p") or (), self.desc.get("u") or ())

    def required(self) -> tuple[str, ...]:
        return tuple(self.desc.get("req") or ())


def node_at(node: Node | None, keys: tuple[str | None, ...]) -> Node | None:
    """The type at a path below `node`: map keys as strings, None for 'an element of this list'."""
    for key in keys:
        if node is None:
            return None
        node = node.child(key)
    return node
