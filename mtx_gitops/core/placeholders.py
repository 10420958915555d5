"""Placeholders: values a unit holds until a link fills them in (ConfigHub's needs, cub's spelling).

A string is a placeholder when it contains `confighubplaceholder` (also "named" ones, the word
followed by letters: `confighubplaceholdersubdomain.example.com`); an integer is one when it is
999999999 (or its negative). Booleans have none. A unit that still holds one is not ready to
apply: delivery and the `no-placeholders` validator both ask `find_placeholders`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mtx_gitops.core.model import document_identity
from mtx_gitops.core.path_syntax import Step, format_path

PLACEHOLDER = "confighubplaceholder"
PLACEHOLDER_INT = 999999999
_NAMED = re.compile(PLACEHOLDER + "[a-zA-Z]*")


def is_placeholder(value: Any) -> bool:
    """Whether `value` is a placeholder (a string holding the word, or the integer 999999999)."""
    if isinstance(value, str):
        return PLACEHOLDER in value
    if isinstance(value, int) and not isinstance(value, bool):
        return value in (PLACEHOLDER_INT, -PLACEHOLDER_INT)
    return False


def fill_text(text: str, value: str) -> str:
    """`text` with every placeholder (named ones too) replaced by `value`; the text around it stays."""
    return _NAMED.sub(value, text)


@dataclass(frozen=True)
class Placeholder:
    """One placeholder in a unit: the document it is in (group/kind/namespace/name), its path and value."""

    document: str
    path: str
    value: Any

    def __str__(self) -> str:
        return f"{self.document} at {self.path}"

    def as_json(self) -> dict[str, Any]:
        return {"document": self.document, "path": self.path, "value": self.value}


def find_placeholders(documents: Iterable[Any]) -> list[Placeholder]:
    """Every placeholder of `documents`, in document order then field order."""
    found: list[Placeholder] = []
    for doc in documents:
        if not isinstance(doc, dict):
            continue
        ident = document_identity(doc)
        found += [
            Placeholder(ident, format_path(steps), value) for steps, value in _leaves(doc, ()) if is_placeholder(value)
        ]
    return found


def has_placeholders(documents: Iterable[Any]) -> bool:
    """Whether any document holds a placeholder (stops at the first)."""
    return any(is_placeholder(value) for doc in documents for _steps, value in _leaves(doc, ()))


def _leaves(node: Any, steps: tuple[Step, ...]) -> Iterator[tuple[tuple[Step, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*steps, Step(key=str(key))))
    elif isinstance(node, list):
        names = [item.get("name") for item in node if isinstance(item, dict)]
        keyed = len(names) == len(node) and all(isinstance(n, str) for n in names) and len(set(names)) == len(names)
        for index, item in enumerate(node):
            step = Step(match=(("name", item["name"]),)) if keyed else Step(index=index)
            yield from _leaves(item, (*steps, step))
    else:
        yield steps, node
