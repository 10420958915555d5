"""Protected paths: fields a region owns, which no upgrade or lateral merge changes, whatever the policy.

A merge result is taken back, path by path, to the local value wherever a protected path differs
(a field the region lacks stays absent); conflicts inside a protected path are not conflicts but
held-back changes, reported as such. A protected path names one field (list keys allowed:
`spec.template.spec.containers[name=server].resources`); wildcards would protect nothing certain.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mtx_gitops.core.ledger import covers
from mtx_gitops.core.merge_tree import same
from mtx_gitops.core.model import Conflict, documents_by_pairing
from mtx_gitops.core.paths import delete_path, get_all, parse_path, set_path
from mtx_gitops.errors import UserError


@dataclass(frozen=True)
class HeldBack:
    """A change the merge would have made to a protected path, and the local value kept instead."""

    document: str
    path: str
    upstream: Any
    local: Any

    def as_json(self) -> dict[str, Any]:
        return {"document": self.document, "path": self.path, "upstream": self.upstream, "local": self.local}


def check_protected_path(text: str) -> str:
    """`text` if it names one field a region can protect, else UserError."""
    steps = parse_path(text)
    if any(step.wildcard or step.split or step.index is not None or step.first for step in steps):
        raise UserError(f"invalid protected path {text!r}: name one field (no [*], indices, '?' or '.|')")
    return text


def hold_back(
    local: Sequence[dict[str, Any]],
    merged: list[dict[str, Any]],
    conflicts: Sequence[Conflict],
    paths: Sequence[str],
) -> tuple[list[dict[str, Any]], list[Conflict], list[HeldBack]]:
    """The merged documents with every protected path as LOCAL has it, the conflicts left outside
    protected paths, and what was held back."""
    if not paths:
        return merged, list(conflicts), []
    mine = documents_by_pairing(local)
    result: list[dict[str, Any]] = []
    held: list[HeldBack] = []
    for key, (ident, doc) in documents_by_pairing(merged).items():
        before = mine.get(key)
        if before is None:  # new upstream: the region has no value to keep
            result.append(doc)
            continue
        restored = doc
        for path in paths:
            wanted, now = get_all(before[1], path), get_all(restored, path)
            if len(wanted) == len(now) and all(same(a, b) for a, b in zip(wanted, now, strict=True)):
                continue
            if restored is doc:
                restored = copy.deepcopy(doc)  # merged documents share subtrees with the inputs
            if wanted:
                set_path(restored, path, copy.deepcopy(wanted[0]))
            else:
                delete_path(restored, path)
            held.append(HeldBack(ident, path, now[0] if now else None, wanted[0] if wanted else None))
        result.append(restored)
    kept: list[Conflict] = []
    for conflict in conflicts:
        if not any(covers(p, conflict.path) for p in paths):
            kept.append(conflict)
        elif not any(h.document == conflict.document and covers(h.path, conflict.path) for h in held):
            # kept local by the policy already: still a change the protection held back
            held.append(HeldBack(conflict.document or "", conflict.path, conflict.upstream, conflict.local))
    return result, kept, held
