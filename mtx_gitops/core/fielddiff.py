"""Field-level differences between two versions of a unit's documents: what `show`, `diff` and `plan` print.

Documents are paired by identity (group/kind/namespace/name), as the merge pairs them; inside a
pair the differing leaves come from `changed_paths`, each with its old and new value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mtx_gitops.core.merge3 import ABSENT, changed_paths
from mtx_gitops.core.model import documents_by_identity
from mtx_gitops.core.paths import get_all

Documents = Sequence[dict[str, Any]]


@dataclass(frozen=True)
class FieldChange:
    """One leaf field that differs: `old`/`new` are None when the field is absent on that side."""

    document: str
    path: str
    old: Any
    new: Any

    def as_json(self) -> dict[str, Any]:
        return {"document": self.document, "path": self.path, "old": self.old, "new": self.new}


def field_changes(before: Documents, after: Documents) -> list[FieldChange]:
    """Every leaf field that differs between two versions of a unit, document by document."""
    old_docs, new_docs = documents_by_identity(before), documents_by_identity(after)
    changes: list[FieldChange] = []
    for ident in [*old_docs, *(i for i in new_docs if i not in old_docs)]:
        old, new = old_docs.get(ident, ABSENT), new_docs.get(ident, ABSENT)
        for path in changed_paths(old, new):
            changes.append(FieldChange(ident, path, value_at(old, path), value_at(new, path)))
    return changes


def leaf_paths(document: dict[str, Any]) -> list[str]:
    """Every leaf field path of one document (atomic lists count as one leaf)."""
    return changed_paths(ABSENT, document)


def value_at(document: Any, path: str) -> Any:
    """The value at a leaf path of a document (None when the path reaches nothing)."""
    if document is ABSENT:
        return None
    if not path:
        return document
    found = get_all(document, path)
    return found[0] if len(found) == 1 else (found or None)


def short_value(value: Any, *, limit: int = 60) -> str:
    """A value as one short line for tables and markdown (`-` for absent).

    A long value loses its middle, never its end: an image keeps its tag (`us-cent…catalogservice:v0.10.3`).
    """
    if value is None:
        return "-"
    text = value if isinstance(value, str) else _compact(value)
    if len(text) <= limit:
        return text
    head = (limit - 1) // 3
    return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=False, default=str)
