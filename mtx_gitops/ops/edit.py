"""Editing many units in one commit: the shared engine behind patches, bulk functions and upgrades.

Each selected unit is handed to an edit function that returns its new documents; the unit file
is rewritten so that only the changed lines change (comments and formatting survive).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops.adapters import yamlio
from mtx_gitops.core.model import Conflict, UnitRef, unit_path
from mtx_gitops.core.trailers import conflict_trailer
from mtx_gitops.store import Repo, Snapshot, Unit
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write


@dataclass
class Edit:
    """What an edit function did to one unit (documents None: left unchanged)."""

    documents: list[dict[str, Any]] | None
    conflicts: list[Conflict] = field(default_factory=list)
    note: str | None = None
    files: dict[str, bytes | None] = field(default_factory=dict)


Progress = Callable[[int, int], None]
Select = Callable[[Snapshot], Sequence[UnitRef]]
EditFn = Callable[[Snapshot, Unit], Edit]


def edit_units(repo: Repo, *, select: Select, edit: EditFn, operation: str, subject: str,
               trailers: Sequence[tuple[str, str]] = (), branch: str | None = None,
               message: str | None = None, dry_run: bool = False,
               on_plan: Callable[[Plan], None] | None = None,
               progress: Progress | None = None) -> WriteResult:
    """Apply `edit` to every unit `select` picks and land all changes as one commit."""
    def build(snap: Snapshot) -> Plan:
        refs = list(select(snap))
        plan = Plan(operation, subject, trailers=list(trailers))
        units = snap.units(refs)
        texts = snap.repo.git.read_blobs(u.blob for u in units)
        for done, unit in enumerate(units, start=1):
            if progress is not None:
                progress(done, len(units))
            outcome = edit(snap, unit)
            changed = False
            if outcome.documents is not None and outcome.documents != unit.documents:
                path = unit_path(unit.ref.space, unit.ref.unit)
                old_text = texts[unit.blob].decode("utf-8")
                plan.files[path] = yamlio.rewrite(old_text, outcome.documents, source=path).encode()
                changed = True
            plan.files.update(outcome.files)
            changed = changed or bool(outcome.files)
            plan.units.append(UnitChange(unit.ref.space, unit.ref.unit, changed, list(outcome.conflicts),
                                         outcome.note))
            plan.trailers += [conflict_trailer(str(unit.ref), c.as_json()) for c in outcome.conflicts]
        if on_plan is not None:
            on_plan(plan)
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def one(ref: UnitRef) -> Select:
    """Select exactly `ref` (which must exist)."""
    return lambda snap: [snap.require(ref)]
