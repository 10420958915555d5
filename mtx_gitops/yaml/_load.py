"""Hardened YAML loading: libyaml parsing, then a checking walk (`_walk`) that builds plain data.

What Kubernetes would not accept or what could hurt us is refused: duplicate keys, non-string keys,
tags beyond the JSON types, alias bombs, deep nesting and oversized documents. Timestamps and
base-60 numbers stay strings, as they do for the API server (sigs.k8s.io/yaml).
"""

from __future__ import annotations

import json
import marshal
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from mtx_gitops.errors import YamlError
from mtx_gitops.yaml._fast import ACCELERATORS
from mtx_gitops.yaml._walk import FLOAT, INT, MAP, MAX_DEPTH, NULL, SEQ, STR, Walk

MAX_DOCUMENT_CHARS = 3 * 1024 * 1024
MAX_INPUT_CHARS = 32 * 1024 * 1024
# The C composer recurses on the C stack and crashes near 100,000 levels; above this bound on the
# possible depth we count the real depth from parser events before composing.
_SAFE_COMPOSE_BOUND = 1000

_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


_DROPPED = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value")


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
_ScalarNode, _MappingNode = yaml.ScalarNode, yaml.MappingNode


def _resolve(self: Any, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
    """The implicit tag of a node: PyYAML's `Resolver.resolve` minus path resolvers, cached."""
    if kind is not _ScalarNode:
        return MAP if kind is _MappingNode else SEQ
    if not implicit[0]:
        return STR
    memo = ACCELERATORS.scalar_tags  # unit files repeat the same short values
    tag = memo.get(value) if memo is not None else None
    if tag is None:
        candidates = _RESOLVERS.get(value[:1])
        if candidates is None:  # no implicit type starts with this character: most text
            return STR
        tag = next((tag for tag, rx in candidates if rx.match(value)), STR)
        if memo is not None and len(value) <= 64 and len(memo) < 16384:
            memo[value] = tag
    return tag


_LoaderBase: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# The composer calls `descend_resolver(parent, index)` and `ascend_resolver()` around every node, for
# path resolvers, which mtx does not use: builtins that ignore their arguments cost no Python frame.
_Loader: Any = type(
    "_Loader",
    (_LoaderBase,),
    {
        "yaml_implicit_resolvers": _RESOLVERS,
        "resolve": _resolve,
        "descend_resolver": staticmethod(slice),
        "ascend_resolver": staticmethod(tuple),
    },
)


@dataclass(frozen=True, slots=True)
class Document:
    """One composed document: its node tree (with text positions) and the plain data it means."""

    node: yaml.Node
    data: Any
    shared: bool  # aliases or merge keys: one node may stand for several places in the data


def decoded(text: str | bytes, *, source: str) -> str:
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


def parse_documents(text: str, *, source: str, known: Sequence[Any] | None = None) -> list[Document]:
    """Compose and check every document of `text`; empty documents are dropped.

    `known` is the data of an earlier parse of this very text (the parse cache holds it): text
    without anchors, tags or merge keys is then only composed, and its documents take that data
    instead of walking the nodes again. Should they not pair up, the text is parsed in full.
    """
    paired = known is not None and not any(mark in text for mark in ("&", "!", "<<"))
    try:
        _check_depth(text, source)
        # Without `&` there are no anchors, hence no aliases: no node needs memoising.
        anchors = "&" in text
        loader = _Loader(text)
        try:
            docs: list[Document] = []
            while loader.check_node():
                node: Any = loader.get_node()
                if node.end_mark.index - node.start_mark.index > MAX_DOCUMENT_CHARS:
                    raise YamlError(f"{source} line {node.start_mark.line + 1}: document larger than 3 MiB")
                if paired and known is not None:
                    if type(node) is not _ScalarNode or node.tag != NULL:  # an empty document is dropped
                        if len(docs) == len(known):
                            return parse_documents(text, source=source)
                        docs.append(Document(node, known[len(docs)], False))
                    continue
                walk = Walk(loader, source, anchors=anchors)
                data = walk.build(node, 1)
                if data is not None:
                    docs.append(Document(node, data, walk.shared))
            if paired and len(docs) != len(known or ()):
                return parse_documents(text, source=source)
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


def same_in_order(a: Any, b: Any) -> bool:
    """Equal as YAML data: types (true vs 1 vs 1.0) and key order count."""
    if a is b and isinstance(a, dict | list):  # a merge shares unchanged subtrees with its input
        return True
    if a != b:
        return False
    # `==` holds 1 == 1.0 == True and ignores key order. Marshal (format 2: no back-references, so
    # the bytes depend on the data alone) records types and key order, at C speed.
    try:
        return marshal.dumps(a, 2) == marshal.dumps(b, 2)
    except ValueError:  # a type marshal refuses, or nested too deep for it
        pass
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
    if _character_at(text, mark.line, mark.column) == "\t":
        # libyaml says "found character that cannot start any token" without naming the character.
        problem = "a tab character, which YAML does not allow here (indent with spaces)"
    return YamlError(f"{source} line {mark.line + 1} column {mark.column + 1}: {problem}")


def _character_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column : column + 1] if line < len(lines) else ""
