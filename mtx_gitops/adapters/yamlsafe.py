"""Hardened YAML loading: libyaml parsing, then a checking walk that builds plain data.

The walk refuses what Kubernetes would not accept or what could hurt us: duplicate keys, non-string
keys, tags beyond the JSON types, alias bombs, deep nesting and oversized documents. Timestamps and
base-60 numbers stay strings, as they do for the API server (sigs.k8s.io/yaml).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from mtx_gitops.errors import YamlError

MAX_DOCUMENT_CHARS = 3 * 1024 * 1024
MAX_INPUT_CHARS = 32 * 1024 * 1024
MAX_DEPTH = 100
MAX_ALIAS_NODES = 100_000
# The C composer recurses on the C stack and crashes near 100,000 levels; above this bound on the
# possible depth we count the real depth from parser events before composing.
_SAFE_COMPOSE_BOUND = 1000

_YAML = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (_YAML + name for name in ("str", "int", "float", "bool", "null"))
MAP, SEQ, MERGE = _YAML + "map", _YAML + "seq", _YAML + "merge"
_SCALAR_TAGS = frozenset({STR, INT, FLOAT, BOOL, NULL})

_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


_DROPPED = (_YAML + "timestamp", _YAML + "value")


def _kubernetes_resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    """PyYAML's YAML 1.1 implicit types without timestamps, `=` values and base-60 numbers."""
    swap = {INT: _INT, FLOAT: _FLOAT}
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        kept = [(tag, swap.get(tag, rx)) for tag, rx in entries if tag not in _DROPPED]
        if kept:
            table[first] = kept
    return table


_RESOLVERS = _kubernetes_resolvers()
_RESOLVED: dict[str, str] = {}  # plain scalar -> tag; unit files repeat the same short values


def _resolve(self: Any, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
    """The implicit tag of a node: PyYAML's `Resolver.resolve` minus path resolvers, cached."""
    if kind is not yaml.ScalarNode:
        return MAP if kind is yaml.MappingNode else SEQ
    if not implicit[0]:
        return STR
    tag = _RESOLVED.get(value)
    if tag is None:
        tag = next((tag for tag, rx in _RESOLVERS.get(value[:1], ()) if rx.match(value)), STR)
        if len(value) <= 64 and len(_RESOLVED) < 4096:
            _RESOLVED[value] = tag
    return tag


_LoaderBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Loader: Any = type("_Loader", (_LoaderBase,), {"yaml_implicit_resolvers": _RESOLVERS, "resolve": _resolve})


# PyYAML's stubs leave `style`, `flow_style` and `value` off the node base class.
Node = Any


@dataclass(frozen=True, slots=True)
class Document:
    """One composed document: its node tree (with text positions) and the plain data it means."""

    node: yaml.Node
    data: Any
    shared: bool  # aliases or merge keys: one node may stand for several places in the data


def as_text(text: str | bytes, *, source: str) -> str:
    """Decode UTF-8 input and refuse binary junk, with the offending byte and its offset."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise YamlError(
                f"{source}: not valid UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
            ) from None
        nul = text.encode("utf-8").find(b"\0")
    else:
        nul = text.find("\0")
    if nul >= 0:
        raise YamlError(f"{source}: not valid UTF-8 text (byte 0x00 at offset {nul})")
    if len(text) > MAX_INPUT_CHARS:
        raise YamlError(f"{source}: {len(text)} characters is too large for a YAML file")
    return text.removeprefix("\ufeff")


def parse_documents(text: str, *, source: str) -> list[Document]:
    """Compose and check every document of `text`; empty documents are dropped."""
    try:
        _check_depth(text, source)
        # Without `&` there are no anchors, hence no aliases: no node needs memoising.
        anchors = "&" in text
        loader = _Loader(text)
        try:
            docs = []
            while loader.check_node():
                node: Any = loader.get_node()
                if node.end_mark.index - node.start_mark.index > MAX_DOCUMENT_CHARS:
                    raise YamlError(f"{source} line {node.start_mark.line + 1}: document larger than 3 MiB")
                walk = _Walk(loader, source, anchors=anchors)
                data = walk.build(node, 1)
                if data is not None:
                    docs.append(Document(node, data, walk.shared))
            return docs
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):  # libyaml >= 0.2.6 has a depth limit of its own
            raise YamlError(f"{source}: nested deeper than {MAX_DEPTH} levels") from None
        raise _yaml_error(exc, text, source) from None
    except RecursionError:
        raise YamlError(f"{source}: nested deeper than {MAX_DEPTH} levels") from None


def _check_depth(text: str, source: str) -> None:
    """Refuse nesting beyond MAX_DEPTH before the recursive C composer sees it."""
    # Block nesting needs indentation, so the longest line bounds it; flow nesting needs brackets.
    bound = text.count("[") + text.count("{") + 2 * (max(map(len, text.split("\n"))) + 1)
    if bound <= _SAFE_COMPOSE_BOUND:
        return
    parser = _Loader(text)
    try:
        depth = 0
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    line = event.start_mark.line + 1 if event.start_mark else "?"
                    raise YamlError(f"{source} line {line}: nested deeper than {MAX_DEPTH} levels")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        parser.dispose()


class _Walk:
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
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == STR else self.scalar(node)
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, depth)
        if node.tag != SEQ:
            raise self.fail(node, f"tag {_short(node.tag)} is not allowed on a sequence")
        return [self.build(item, depth + 1) for item in node.value]

    def scalar(self, node: Node) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, f"tag {_short(node.tag)} is not allowed")
        try:
            return self.loader.yaml_constructors[node.tag](self.loader, node)
        except (ValueError, KeyError, TypeError, OverflowError):
            raise self.fail(node, f"{node.value!r} is not a valid {_short(node.tag)}") from None

    def mapping(self, node: Node, depth: int) -> dict[str, Any]:
        if node.tag != MAP:
            raise self.fail(node, f"tag {_short(node.tag)} is not allowed on a mapping")
        data: dict[str, Any] = {}
        merges = []
        for key, value in node.value:
            if key.tag != STR or not isinstance(key, yaml.ScalarNode):
                if key.tag == MERGE and isinstance(key, yaml.ScalarNode):
                    merges.append(value)
                    continue
                raise self.fail(key, f"mapping keys must be strings, not {_short(key.tag)}")
            if key.value in data:
                raise self.fail(key, f"duplicate key {key.value!r}")
            data[key.value] = self.build(value, depth + 1)
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


def same(a: Any, b: Any) -> bool:
    """Equal as YAML data: types (true vs 1 vs 1.0) and key order count."""
    if a != b:
        return False
    try:
        return json.dumps(a) == json.dumps(b)
    except (TypeError, ValueError):
        return _strictly_same(a, b)


def _strictly_same(a: Any, b: Any) -> bool:
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return list(a) == list(b) and all(_strictly_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_strictly_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _short(tag: str) -> str:
    return "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag


def _yaml_error(exc: yaml.YAMLError, text: str, source: str) -> YamlError:
    """One line naming the source, line and column of a PyYAML error."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character[:1] or "\0")
        return YamlError(f"{source} line {line}: {exc.reason} (character 0x{code:02x})")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)
    problem = " ".join(str(problem).split())
    if mark is None:
        return YamlError(f"{source}: {problem}")
    return YamlError(f"{source} line {mark.line + 1} column {mark.column + 1}: {problem}")
