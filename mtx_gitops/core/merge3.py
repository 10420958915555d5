"""The 3-way merge of Kubernetes config (SPEC §3): values, documents and what changed.

`merge_values` merges one value tree (`merge_tree` has the rules). `merge_documents` merges the
documents of a unit, matched by identity (group, kind, namespace, name), with kpt's resource rules:

- added upstream: added; added on both sides: merged with an empty base;
- deleted upstream, unchanged locally: removed (noted);
- deleted upstream, edited locally: a conflict; `local` keeps the document, `upstream` removes it;
- deleted locally: stays deleted; if upstream changed it meanwhile that is a conflict, and only
  `upstream` brings the new upstream document back.

Merged documents keep LOCAL's order, documents new upstream follow in upstream order. Conflicts
carry the document's identity; a resource-level conflict has the path "".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mtx_gitops.core.changes import changed_paths
from mtx_gitops.core.merge_tree import ABSENT, Hints, merge_values, resolution_for, same
from mtx_gitops.core.model import Conflict, Policy, documents_by_identity

__all__ = ["ABSENT", "DocumentsMerge", "changed_paths", "merge_documents", "merge_values"]


@dataclass(frozen=True)
class DocumentsMerge:
    """The merged documents of a unit, every conflict, and notes on resource-level decisions."""

    documents: list[dict[str, Any]]
    conflicts: list[Conflict]
    notes: list[str]


def merge_documents(
    original: list[dict[str, Any]],
    updated: list[dict[str, Any]],
    local: list[dict[str, Any]],
    *,
    policy: Policy,
    hints: Hints | None = None,
) -> DocumentsMerge:
    """Merge UPDATED's changes since ORIGINAL into the LOCAL documents, document by document."""
    resolution = resolution_for(policy)
    base, theirs, mine = documents_by_identity(original), documents_by_identity(updated), documents_by_identity(local)
    documents: list[dict[str, Any]] = []
    conflicts: list[Conflict] = []
    notes: list[str] = []
    for ident, doc in mine.items():
        before, after = base.get(ident, ABSENT), theirs.get(ident, ABSENT)
        if before is not ABSENT and after is ABSENT:
            if same(before, doc):
                notes.append(f"{ident} deleted upstream: removed")
                continue
            conflicts.append(Conflict("", before, None, doc, resolution, ident))
            if resolution == "upstream":
                notes.append(f"{ident} deleted upstream but edited locally: removed")
                continue
            notes.append(f"{ident} deleted upstream but edited locally: kept")
            documents.append(doc)
            continue
        merged, found = merge_values(before, after, doc, policy=policy, hints=hints)
        conflicts.extend(replace(conflict, document=ident) for conflict in found)
        if isinstance(merged, dict):
            documents.append(merged)
    for ident, doc in theirs.items():
        before = base.get(ident, ABSENT)
        if ident in mine or (before is not ABSENT and same(before, doc)):
            continue
        if before is ABSENT:
            documents.append(doc)
            continue
        conflicts.append(Conflict("", before, doc, None, resolution, ident))
        if resolution == "upstream":
            notes.append(f"{ident} deleted locally but changed upstream: re-added")
            documents.append(doc)
        else:
            notes.append(f"{ident} deleted locally but changed upstream: not re-added")
    return DocumentsMerge(documents, conflicts, notes)
