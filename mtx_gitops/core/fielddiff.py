"""Field-level differences between two versions of a unit's documents: what `show`, `diff` and `plan` print.

Documents are paired by identity without the namespace, as the merge pairs them; inside a
pair the differing leaves come from `changed_paths`, each with its old and new value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mtx_gitops.core.kube_types import TypeTable
from mtx_gitops.core.merge3 import ABSENT, changed_paths
from mtx_gitops.core.model import documents_by_pairing
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


def field_changes(before: Documents, after: Documents, *, types: TypeTable | None = None) -> list[FieldChange]:
    """Every leaf field that differs between two versions of a unit, document by document.

    Lists are matched by the keys of each document's type in `types` (kyaml's inference without).
    """
    old_docs, new_docs = documents_by_pairing(before), documents_by_pairing(after)
    changes: list[FieldChange] = []
    for key in [*old_docs, *(k for k in new_docs if k not in old_docs)]:
        ident = (new_docs.get(key) or old_docs[key])[0]
        old = old_docs[key][1] if key in old_docs else ABSENT
        new = new_docs[key][1] if key in new_docs else ABSENT
        node = (types.for_document(new) or types.for_document(old)) if types is not None else None
        for path in changed_paths(old, new, node=node):
            changes.append(FieldChange(ident, path, value_at(old, path), value_at(new, path)))
    return changes


def leaf_paths(document: dict[str, Any], *, types: TypeTable | None = None) -> list[str]:
    """Every leaf field path of one document (atomic lists count as one leaf)."""
    return changed_paths(ABSENT, document, node=types.for_document(document) if types is not None else None)


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
