"""The text form of field paths: parsing, with 1-based error columns, and canonical formatting.

    path    := first ( '.' segment | '[' bracket ']' )* ( '.|' rest )?
    first   := segment | '[' bracket ']'
    segment := key | digits | '*' | '?' field '=' value   (cub's spelling: index, every element, first match)
             | '"' text '"'                               (a quoted key: labels."app.kubernetes.io/name")
             | '*?' field [':' param] | '*@' [':' param]  (cub's wildcards that bind a parameter: every element)
             | '@' key [':' param]                        (cub's key bound to a parameter: the key)
    key     := one or more of  A-Z a-z 0-9 _ - / $ @, ~1 for a '.' and ~0 for a '~' (cub's escapes; or
               brackets: ["mtx.dev/space"])
    bracket := '*' | integer | quoted | field '=' value ( ',' field '=' value )*
    quoted  := '…' | "…"                                  (a doubled quote stands for itself)
    rest    := segment ( '.' segment )*                   (cub's split path: WHERE only)

A segment of digits indexes a list (`containers.1.image` is `containers[1].image`; on a map it is the
key). `.*.` is `[*]`. `?name=main` is the first element whose `name` is `main` (cub's associative
match; `[name=main]` is every such element); its value runs to the next '.' or blank; `?name=@1` is
element 1 and `?name=*` every element, as in cub. Parameter names (`:param`) only matter to cub's
function registry, and are read and dropped. `a.*.|b.c`
splits the path: `b.c` is looked up in each element `a.*` reaches, and WHERE's `!=` holds for an
element that lacks it (cub's meaning). Blanks are allowed inside brackets. The WHERE parser embeds
paths by calling `read_path`.
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
_SEGMENT_VALUE_STOP = frozenset(".,[]()\"'<>=!~ \t\n")
_DIGITS = re.compile(r"[0-9]+")
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
    first: bool = False  # with `match`: only the first matching element (cub's `?k=v`)
    split: bool = False  # cub's `.|`: no step of its own; the steps after it are read per element


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
            if text.startswith("|", pos):
                if any(step.split for step in steps):
                    fail("one '.|' at most", pos)
                steps.append(Step(split=True))
                pos += 1
        step, pos = _read_segment(text, pos, fail, first=not steps)
        steps.append(step)


def _read_segment(text: str, pos: int, fail: Fail, *, first: bool) -> tuple[Step, int]:
    """One dotted segment: a key (with `~1` for '.'), digits, `*` or `?field=value`."""
    if text.startswith("*", pos) and not first:
        end = pos + 1
        if text.startswith("?", end):
            name, end = _read_bare_key(text, end + 1)
            if not name:
                fail("a field name after '*?'", end)
            end = _skip_parameter(text, end, fail)
        elif text.startswith("@", end):
            end = _skip_parameter(text, end + 1, fail)
        return Step(wildcard=True), end
    if text.startswith("?", pos):
        name, end = _read_bare_key(text, pos + 1)
        end = _skip_parameter(text, end, fail)
        if not name or not text.startswith("=", end):
            fail("field=value after '?'", end)
        stop = end + 1
        while stop < len(text) and text[stop] not in _SEGMENT_VALUE_STOP:
            stop += 1
        value = text[end + 1 : stop]
        if not value:
            fail("a value", stop)
        if value == "*":
            return Step(wildcard=True), stop
        if value.startswith("@") and _DIGITS.fullmatch(value[1:]) and len(value) <= 19:
            return Step(index=int(value[1:])), stop
        return Step(match=((name, value),), first=True), stop
    if text.startswith('"', pos) and not first:
        key, end = _read_quoted(text, pos, fail)
        return Step(key=key), end
    bound = text.startswith("@", pos) and pos + 1 < len(text) and text[pos + 1].isalpha()
    chars, end = [], pos + 1 if bound else pos
    while end < len(text):
        if text[end] in _KEY_CHARS:
            chars.append(text[end])
            end += 1
        elif text.startswith("~1", end):
            chars.append(".")
            end += 2
        elif text.startswith("~0", end):
            chars.append("~")
            end += 2
        else:
            break
    if end == pos:
        fail("a field name", pos)
    key = "".join(chars)
    if bound:
        return Step(key=key), _skip_parameter(text, end, fail)
    if not first and _DIGITS.fullmatch(key) and len(key) <= 18:
        return Step(index=int(key)), end
    return Step(key=key), end


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


def _skip_parameter(text: str, pos: int, fail: Fail) -> int:
    """Past cub's `:param` (a parameter name bound to the segment), if one is there."""
    if not text.startswith(":", pos):
        return pos
    name, end = _read_bare_key(text, pos + 1)
    if not name or not name[0].isalpha():
        fail("a parameter name after ':'", pos + 1)
    return end


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
        if step.split:
            parts.append(".|")
        elif step.first:
            ((name, value),) = step.match
            parts.append(("" if not parts or parts[-1] == ".|" else ".") + f"?{name}={value}")
        elif step.key is not None:
            # After the first segment a dotted run of digits reads as an index (cub's `containers.1`).
            if _is_bare(step.key) and not (parts and _DIGITS.fullmatch(step.key) and len(step.key) <= 18):
                parts.append(("." if parts and parts[-1] != ".|" else "") + step.key)
            else:
                parts.append("[" + _quote(step.key, '"') + "]")
        elif step.wildcard:
            parts.append("*" if parts and parts[-1] == ".|" else "[*]")
        elif step.index is not None:
            parts.append(str(step.index) if parts and parts[-1] == ".|" and step.index >= 0 else f"[{step.index}]")
        else:
            fields = ",".join(f"{_format_field(name)}={_format_value(value)}" for name, value in step.match)
            parts.append(f"[{fields}]")
    return "".join(parts)


def _is_bare(key: str) -> bool:
    # A leading '@' reads as cub's parameter binding, so such a key is written in brackets.
    return bool(key) and not key.startswith("@") and all(char in _KEY_CHARS for char in key)


def _format_field(name: str) -> str:
    return name if _is_bare(name) else _quote(name, '"')


def _format_value(value: str) -> str:
    bare = value and not any(char.isspace() or char in _VALUE_STOP for char in value)
    return value if bare else _quote(value, "'")


def _quote(text: str, quote: str) -> str:
    return quote + text.replace(quote, quote * 2) + quote
