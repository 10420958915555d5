"""The checking walk over composed YAML nodes that builds their plain data (see `_load`).

It refuses what Kubernetes would not accept or what could hurt us: duplicate keys, non-string keys,
tags beyond the JSON types, alias bombs and deep nesting. Merge keys (`<<`) are applied.
"""

from __future__ import annotations

from typing import Any

import yaml

from mtx_gitops.errors import YamlError
from mtx_gitops.yaml._fast import ACCELERATORS

MAX_DEPTH = 100
MAX_ALIAS_NODES = 100_000

_YAML = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_YAML + name for name in ("str", "int", "float", "bool", "null"))
MAP, SEQ, MERGE = _YAML + "map", _YAML + "seq", _YAML + "merge"
_SCALAR_TAGS = frozenset({STR, INT, FLOAT, BOOL, NULL})

_ScalarNode, _MappingNode = yaml.ScalarNode, yaml.MappingNode

# PyYAML's stubs leave `style`, `flow_style` and `value` off the node base class.
Node = Any


class Walk:
    """One document's checking walk, building its data.

    When the text has anchors, nodes are memoised so that aliases are built and counted once.
    """

    def __init__(self, loader: Any, source: str, *, anchors: bool) -> None:
        self.loader = loader
        self.source = source
        self.memo: dict[int, tuple[Any, int]] | None = {} if anchors else None
        self.active: set[int] = set()
        self.unique = 0
        self.shared = False
        # (tag, text) -> value of short scalars, shared by all walks: their values are immutable.
        self.values = ACCELERATORS.scalar_values

    def fail(self, node: Node, problem: str) -> YamlError:
        return YamlError(f"{self.source} line {node.start_mark.line + 1}: {problem}")

    def build(self, node: Node, depth: int) -> Any:
        """The node's data; with anchors, also refuses recursion and alias bombs."""
        if self.memo is None:
            return self.construct(node, depth)
        ident = id(node)
        known = self.memo.get(ident)
        if known is not None:
            self.shared = True
            return known[0]
        if ident in self.active:
            raise self.fail(node, "recursive alias")
        self.active.add(ident)
        value = self.construct(node, depth)
        self.active.discard(ident)
        self.memo[ident] = (value, self.expanded_size(node))
        return value

    def expanded_size(self, node: Node) -> int:
        """Nodes in the subtree once aliases are expanded, checked against the nodes really written."""
        self.unique += 1
        if isinstance(node, yaml.ScalarNode):
            return 1
        children = [value for _, value in node.value] if isinstance(node, yaml.MappingNode) else node.value
        keys = len(children) if isinstance(node, yaml.MappingNode) else 0
        self.unique += keys
        memo = self.memo or {}
        # Children missing from the memo are merge-key lists, whose mappings are counted where they stand.
        size = 1 + keys + sum(memo[id(child)][1] for child in children if id(child) in memo)
        if size - self.unique > MAX_ALIAS_NODES:
            raise self.fail(node, f"aliases expand to over {MAX_ALIAS_NODES} nodes")
        return size

    def construct(self, node: Node, depth: int) -> Any:
        if isinstance(node, _ScalarNode):
            return node.value if node.tag == STR else self.scalar(node)
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, _MappingNode):
            return self.mapping(node, depth)
        if node.tag != SEQ:
            raise self.fail(node, f"tag {short(node.tag)} is not allowed on a sequence")
        if self.memo is not None:
            return [self.build(item, depth + 1) for item in node.value]
        # Without anchors, string leaves (most of a manifest) are taken here, without a call each.
        construct = self.construct
        return [
            item.value if type(item) is _ScalarNode and item.tag == STR else construct(item, depth + 1)
            for item in node.value
        ]

    def scalar(self, node: Node) -> Any:
        tag = node.tag
        memo = self.values
        if memo is not None:
            known = memo.get((tag, node.value), memo)
            if known is not memo:
                return known
        if tag not in _SCALAR_TAGS:
            raise self.fail(node, f"tag {short(tag)} is not allowed")
        try:
            value = self.loader.yaml_constructors[tag](self.loader, node)
        except (ValueError, KeyError, TypeError, OverflowError, IndexError):  # `!!int ''` gives IndexError
            raise self.fail(node, f"{node.value!r} is not a valid {short(tag)}") from None
        if memo is not None and len(node.value) <= 64 and len(memo) < 4096:
            memo[tag, node.value] = value
        return value

    def mapping(self, node: Node, depth: int) -> dict[str, Any]:
        if node.tag != MAP:
            raise self.fail(node, f"tag {short(node.tag)} is not allowed on a mapping")
        data: dict[str, Any] = {}
        merges = []
        plain = self.memo is None
        build = self.construct if plain else self.build
        for key, value in node.value:
            if key.tag != STR or not isinstance(key, _ScalarNode):
                if key.tag == MERGE and isinstance(key, _ScalarNode):
                    merges.append(value)
                    continue
                raise self.fail(key, f"mapping keys must be strings, not {short(key.tag)}")
            name = key.value
            if name in data:
                raise self.fail(key, f"duplicate key {name!r}")
            if plain and type(value) is _ScalarNode and value.tag == STR:
                data[name] = value.value
            else:
                data[name] = build(value, depth + 1)
        return self.merge(merges, data, depth) if merges else data

    def merge(self, merges: list[Node], data: dict[str, Any], depth: int) -> dict[str, Any]:
        """Apply `<<` merge keys: explicit keys win, then earlier sources over later ones."""
        self.shared = True
        merged: dict[str, Any] = {}
        for value in merges:
            sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for source in sources:
                if not isinstance(source, yaml.MappingNode):
                    raise self.fail(source, "a merge key '<<' needs a mapping or a list of mappings")
                for name, item in self.build(source, depth + 1).items():
                    merged.setdefault(name, item)
        merged.update(data)
        return merged


def short(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag
