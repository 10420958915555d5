"""Block YAML of plain data, the same text as the libyaml dumper gives, written by a direct walk.

PyYAML's representer and resolver are pure Python and cost about a millisecond per Kubernetes
object, most of `mtx render`. The walk here writes dicts and lists itself and asks the real dumper
only once per distinct scalar (a scalar's text does not depend on where it stands, except for the
indentation of literal blocks, which is added here). Whatever lies outside the common shape gives
None, and the caller uses the real dumper: documents that are not non-empty dicts, subclasses,
tuples and other types, keys that would not be simple keys, and `|+` blocks (which may end the
document with `...`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

# One scalar: its text on the line, or a literal block (header, content lines without indentation).
Scalar = str | tuple[str, tuple[str, ...]]
Reference = Callable[[list[Any]], str]

_SCALARS = (bool, int, float, type(None))
_MAX_KEY_BYTES = 100  # libyaml writes keys longer than 128 bytes as `? key`; stay well below
_MAX_MEMO = 50_000
_BREAK = re.compile("[\n\r\x85\u2028\u2029]")  # a key with a line break is not a simple key
# Strings libyaml surely writes plain unless a resolver reads them as another type: no indicator
# first, no quote, `: `, ` #`, trailing `:`, leading or trailing space, line break or non-ASCII.
_PLAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._/,=+@-]|:(?=[A-Za-z0-9._/,=+@-])| (?=[A-Za-z0-9._/,=+@-]))*\Z")
_KNOWN = {True: "true", False: "false", None: "null"}
Resolvers = dict[Any, list[tuple[str, re.Pattern[str]]]]


_PADS = tuple(" " * n for n in range(256))


def _pad(column: int) -> str:
    return _PADS[column] if column < 256 else " " * column


class _Unsupported(Exception):
    """The data needs the real dumper."""


class FastDumper:
    """`dump_all` for block style, indent 2, key order kept, with `reference` for single scalars.

    `reference(docs)` is the real dumper; it must write `{"a": value}` as `a: <value>` with the
    same settings this walk reproduces (block style, indent 2, sequences not indented in mappings,
    no line folding). `resolvers` are its implicit resolvers (first character -> tag, pattern):
    a string one of them matches is quoted.
    """

    def __init__(self, reference: Reference, resolvers: Resolvers) -> None:
        self._reference = reference
        self._resolvers = resolvers
        self._strings: dict[str, Scalar] = {}
        self._others: dict[tuple[type, Any], Scalar] = {}
        self._keys: dict[str, str] = {}

    def dump_all(self, docs: Sequence[Any]) -> str | None:
        """The YAML text of `docs` (`---` between them), or None when the real dumper is needed."""
        if len(self._strings) + len(self._others) + len(self._keys) > _MAX_MEMO:
            self._strings.clear()
            self._others.clear()
            self._keys.clear()
        out: list[str] = []
        try:
            for index, doc in enumerate(docs):
                if type(doc) is not dict or not doc:
                    return None
                if index:
                    out.append("---\n")
                self._mapping(doc, 0, "", out)
        except (_Unsupported, RecursionError):
            return None
        return "".join(out)

    def _mapping(self, data: dict[Any, Any], column: int, lead: str, out: list[str]) -> None:
        pad = _pad(column)
        keys, strings = self._keys, self._strings
        for key, value in data.items():
            name = keys.get(key)
            if name is None:
                name = self._key(key)
            kind = type(value)
            if kind is dict:
                if value:
                    out.append(f"{lead}{name}:\n")
                    self._mapping(value, column + 2, _pad(column + 2), out)
                else:
                    out.append(f"{lead}{name}: {{}}\n")
            elif kind is list:
                if value:
                    out.append(f"{lead}{name}:\n")
                    self._sequence(value, column, pad, out)  # not indented inside a mapping
                else:
                    out.append(f"{lead}{name}: []\n")
            else:
                text = strings.get(value) if kind is str else None
                if text is None:
                    text = self._scalar(value)
                if isinstance(text, str):
                    out.append(f"{lead}{name}: {text}\n")
                else:
                    self._block(text, f"{lead}{name}: ", column + 2, out)
            lead = pad

    def _sequence(self, data: list[Any], column: int, lead: str, out: list[str]) -> None:
        pad = _pad(column)
        strings = self._strings
        for item in data:
            kind = type(item)
            if kind is dict:
                if item:
                    self._mapping(item, column + 2, f"{lead}- ", out)
                else:
                    out.append(f"{lead}- {{}}\n")
            elif kind is list:
                if item:
                    self._sequence(item, column + 2, f"{lead}- ", out)
                else:
                    out.append(f"{lead}- []\n")
            else:
                text = strings.get(item) if kind is str else None
                if text is None:
                    text = self._scalar(item)
                if isinstance(text, str):
                    out.append(f"{lead}- {text}\n")
                else:
                    self._block(text, f"{lead}- ", column + 2, out)
            lead = pad

    @staticmethod
    def _block(block: tuple[str, tuple[str, ...]], first: str, column: int, out: list[str]) -> None:
        header, lines = block
        pad = _pad(column)
        out.append(f"{first}{header}\n")
        out.extend(f"{pad}{line}\n" if line else "\n" for line in lines)

    def _key(self, key: Any) -> str:
        if type(key) is not str and type(key) not in _SCALARS:
            raise _Unsupported
        text = self._scalar(key)
        plain = str(key)
        if not isinstance(text, str) or not plain or _BREAK.search(plain) or len(plain.encode()) > _MAX_KEY_BYTES:
            raise _Unsupported
        if type(key) is str:
            self._keys[key] = text
        return text

    def _resolved(self, value: str) -> bool:
        candidates = self._resolvers.get(value[0], []) + self._resolvers.get(None, [])
        return any(pattern.match(value) for _tag, pattern in candidates)

    def _scalar(self, value: Any) -> Scalar:
        kind = type(value)
        if kind is int:
            return str(value)
        if kind is bool or value is None:
            return _KNOWN[value]
        if kind is not str:
            if kind not in _SCALARS:
                raise _Unsupported
            known = self._others.get((kind, value)) if kind is not float else None  # 0.0 == -0.0
            if known is not None:
                return known
        if kind is str and _PLAIN.match(value) and not self._resolved(value):
            plain: str = value
            self._strings[plain] = plain
            return plain
        try:
            text = self._reference([{"a": value}])
        except Exception:  # the real dumper, on the whole data, gives the error
            raise _Unsupported from None
        if not text.startswith("a: ") or not text.endswith("\n"):
            raise _Unsupported
        body = text[3:-1]
        result: Scalar = body
        if "\n" in body:
            header, *lines = body.split("\n")
            if header[:1] != "|" or "+" in header or any(line and not line.startswith("  ") for line in lines):
                raise _Unsupported
            result = (header, tuple(line[2:] for line in lines))
        if kind is str:
            self._strings[value] = result
        elif kind is not float:
            self._others[(kind, value)] = result
        return result
