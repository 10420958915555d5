"""The text form of field paths: parsing, with 1-based error columns, and canonical formatting.

    path    := first ( '.' key | '[' bracket ']' )*
    first   := key | '[' bracket ']'
    key     := one or more of  A-Z a-z 0-9 _ - / $ @      (quote anything else: ["mtx.dev/space"])
    bracket := '*' | integer | quoted | field '=' value ( ',' field '=' value )*
    quoted  := '…' | "…"                                  (a doubled quote stands for itself)

Blanks are allowed inside brackets. The WHERE parser embeds paths by calling `read_path`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NoReturn

from mtx_gitops.errors import UserError

_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/$@")
_VALUE_STOP = frozenset(",[]\"'")
INTEGER = re.compile(r"-?[0-9]+")
_BLANKS = " \t"

# Reports a syntax error: what was expected and the 0-based offset where it was expected.
Fail = Callable[[str, int], NoReturn]


@dataclass(frozen=True)
class Step:
    """One step of a path: a map `key`, a keyed-list `match`, a list `index` or the `wildcard` (one is set)."""

    key: str | None = None
    match: tuple[tuple[str, str], ...] = ()
    index: int | None = None
    wildcard: bool = False


def read_path(text: str, start: int, fail: Fail) -> tuple[tuple[Step, ...], int]:
    """Read the path beginning at `start` in `text`: its steps and the offset just past it.

    Embedding parsers (WHERE) call this and pass their own `fail`, so errors carry their wording.
    """
    steps: list[Step] = []
    pos = start
    while True:
        if pos < len(text) and text[pos] == "[":
            step, pos = _read_bracket(text, pos + 1, fail)
            steps.append(step)
            continue
        if steps:
            if pos >= len(text) or text[pos] != ".":
                return tuple(steps), pos
            pos += 1
        end = pos
        while end < len(text) and text[end] in _KEY_CHARS:
            end += 1
        if end == pos:
            fail("a field name", pos)
        steps.append(Step(key=text[pos:end]))
        pos = end


def _read_bracket(text: str, pos: int, fail: Fail) -> tuple[Step, int]:
    """Read what follows a '[' up to and including its ']'."""
    pos = _skip(text, pos)
    if pos < len(text) and text[pos] == "*":
        return Step(wildcard=True), _close(text, _skip(text, pos + 1), fail)
    quoted = pos < len(text) and text[pos] in "'\""
    atom, pos = _read_quoted(text, pos, fail) if quoted else _read_bare_key(text, pos)
    pos = _skip(text, pos)
    if pos < len(text) and text[pos] == "]":
        if quoted:
            return Step(key=atom), pos + 1
        if INTEGER.fullmatch(atom) and len(atom) <= 18:
            return Step(index=int(atom)), pos + 1
    if not atom and not quoted:
        fail("'*', an index, a quoted key or field=value", pos)
    match: list[tuple[str, str]] = []
    while True:
        if pos >= len(text) or text[pos] != "=":
            fail("'='", pos)
        value, pos = _read_value(text, _skip(text, pos + 1), fail)
        match.append((atom, value))
        pos = _skip(text, pos)
        if pos < len(text) and text[pos] == "]":
            return Step(match=tuple(match)), pos + 1
        if pos >= len(text) or text[pos] != ",":
            fail("',' or ']'", pos)
        pos = _skip(text, pos + 1)
        if pos < len(text) and text[pos] in "'\"":
            atom, pos = _read_quoted(text, pos, fail)
        else:
            atom, pos = _read_bare_key(text, pos)
            if not atom:
                fail("a field name", pos)
        pos = _skip(text, pos)


def _read_value(text: str, pos: int, fail: Fail) -> tuple[str, int]:
    if pos < len(text) and text[pos] in "'\"":
        return _read_quoted(text, pos, fail)
    end = pos
    while end < len(text) and text[end] not in _VALUE_STOP:
        end += 1
    value = text[pos:end].rstrip(_BLANKS)
    if not value:
        fail("a value", pos)
    return value, end


def _read_quoted(text: str, pos: int, fail: Fail) -> tuple[str, int]:
    quote, chars, pos = text[pos], [], pos + 1
    while True:
        end = text.find(quote, pos)
        if end < 0:
            fail(f"a closing {quote}", len(text))
        chars.append(text[pos:end])
        if text.startswith(quote, end + 1):
            chars.append(quote)
            pos = end + 2
            continue
        return "".join(chars), end + 1


def _read_bare_key(text: str, pos: int) -> tuple[str, int]:
    end = pos
    while end < len(text) and text[end] in _KEY_CHARS:
        end += 1
    return text[pos:end], end


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _BLANKS:
        pos += 1
    return pos


def _close(text: str, pos: int, fail: Fail) -> int:
    if pos >= len(text) or text[pos] != "]":
        fail("']'", pos)
    return pos + 1


@functools.lru_cache(maxsize=4096)
def parse_path(text: str) -> tuple[Step, ...]:
    """Parse a path; raise UserError naming the 1-based column of a syntax error."""

    def fail(expected: str, pos: int) -> NoReturn:
        raise UserError(f"invalid path {text!r}: expected {expected} at column {pos + 1}")

    steps, end = read_path(text, 0, fail)
    if end != len(text):
        fail("'.' or '['", end)
    return steps


def format_path(steps: Iterable[Step]) -> str:
    """The canonical text of a path; `parse_path(format_path(s)) == s`."""
    parts: list[str] = []
    for step in steps:
        if step.key is not None:
            if _is_bare(step.key):
                parts.append(("." if parts else "") + step.key)
            else:
                parts.append("[" + _quote(step.key, '"') + "]")
        elif step.wildcard:
            parts.append("[*]")
        elif step.index is not None:
            parts.append(f"[{step.index}]")
        else:
            fields = ",".join(f"{_format_field(name)}={_format_value(value)}" for name, value in step.match)
            parts.append(f"[{fields}]")
    return "".join(parts)


def _is_bare(key: str) -> bool:
    return bool(key) and all(char in _KEY_CHARS for char in key)


def _format_field(name: str) -> str:
    return name if _is_bare(name) else _quote(name, '"')


def _format_value(value: str) -> str:
    bare = value and not any(char.isspace() or char in _VALUE_STOP for char in value)
    return value if bare else _quote(value, "'")


def _quote(text: str, quote: str) -> str:
    return quote + text.replace(quote, quote * 2) + quote
