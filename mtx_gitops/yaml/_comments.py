"""Reading the JSON objects in a YAML text's comments, by field, as kyaml takes schema hints from them.

A comment on a field's line, or on the comment line just above it, that holds one JSON object is
that field's hint. Keys are followed through the text by indentation (block scalars skipped), which
is all kyaml's comment hints need; comments that are not JSON objects are ignored.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mtx_gitops.core.path_syntax import Step

_WILDCARD = Step(wildcard=True)
_KEY_LINE = re.compile(
    r"""(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}\[\],&*!|>%@`-][^#]*?|-[^\s#][^#]*?)"""
    r"""\s*:(?:\s+(?P<rest>.*))?$"""
)
_JSON_COMMENT = re.compile(r"(?:^|\s)#\s*(\{.*\})\s*$")


def commented_fields(text: str) -> list[tuple[tuple[Step, ...], dict[str, Any]]]:
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
