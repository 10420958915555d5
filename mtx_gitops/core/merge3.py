"""The 3-way merge of Kubernetes config (SPEC §3): values, documents and what changed.

`merge_values` merges one value tree (`merge_tree` has the rules). `merge_documents` merges the
documents of a unit. When ORIGINAL holds one document and no other side more than one, they are
one object whatever their identity: a single-resource file merges as one tree, as kyaml's
`merge3.MergeStrings` does (its vectors change `kind` and drop `metadata.name`), so an object
renamed or re-kinded upstream keeps its local edits, and two different renames are a field
conflict. Otherwise (several documents, or objects added on both sides with no common original)
documents pair by identity (group, kind, name), as kpt's resource merge does, except that the
namespace is left out: it is the space's (or a link's) to decide, and a region that fills it in
still has its upstream's object (`ObjectId.pairing`). Paired documents then follow kpt's resource
rules:

- added upstream: added; added on both sides: merged with an empty base;
- deleted upstream, unchanged locally: removed (noted);
- deleted upstream, edited locally: a conflict; `local` keeps the document, `upstream` removes it;
- deleted locally: stays deleted; if upstream changed it meanwhile that is a conflict, and only
  `upstream` brings the new upstream document back.

Merged documents keep LOCAL's order, documents new upstream follow in upstream order. Conflicts
carry the document's identity (for single documents, LOCAL's, else UPDATED's); a resource-level
conflict has the path "".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from mtx_gitops.core.changes import changed_paths
from mtx_gitops.core.kube_types import TypeTable
from mtx_gitops.core.merge_tree import ABSENT, Hints, merge_values, resolution_for, same
from mtx_gitops.core.model import Conflict, Policy, documents_by_pairing

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
    types: TypeTable | None = None,
) -> DocumentsMerge:
    """Merge UPDATED's changes since ORIGINAL into the LOCAL documents, document by document.

    `types` gives each document's type (list keys, atomic fields, one-of groups); without it, or
    for a kind it does not know, lists are keyed by kyaml's inference.
    """
    resolution = resolution_for(policy)
    base, theirs, mine = _match(original, updated, local)
    documents: list[dict[str, Any]] = []
    conflicts: list[Conflict] = []
    notes: list[str] = []
    for key, (ident, doc) in mine.items():
        before = base[key][1] if key in base else ABSENT
        after = theirs[key][1] if key in theirs else ABSENT
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
        node = (types.for_document(doc) or types.for_document(after)) if types is not None else None
        merged, found = merge_values(before, after, doc, policy=policy, hints=hints, node=node)
        conflicts.extend(replace(conflict, document=ident) for conflict in found)
        if isinstance(merged, dict):
            documents.append(merged)
    for key, (ident, doc) in theirs.items():
        before = base[key][1] if key in base else ABSENT
        if key in mine or (before is not ABSENT and same(before, doc)):
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


Keyed = dict[str, tuple[str, dict[str, Any]]]


def _match(
    original: list[dict[str, Any]], updated: list[dict[str, Any]], local: list[dict[str, Any]]
) -> tuple[Keyed, Keyed, Keyed]:
    """Each side's documents by identity; a single original and its single successors take one key.

    The shared key is the identity of the LOCAL document, else UPDATED's, else ORIGINAL's.
    """
    base, theirs, mine = documents_by_pairing(original), documents_by_pairing(updated), documents_by_pairing(local)
    if len(base) != 1 or len(theirs) > 1 or len(mine) > 1:
        return base, theirs, mine
    key = next(iter([*mine, *theirs, *base]), "")

    def rekey(docs: Keyed) -> Keyed:
        return {key: next(iter(docs.values()))} if docs else {}

    return rekey(base), rekey(theirs), rekey(mine)
