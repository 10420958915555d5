"""Editing many units in one commit: the shared engine behind patches, bulk functions and upgrades.

Each selected unit is handed to an edit function that returns its new documents; the unit file
is rewritten so that only the changed lines change (comments and formatting survive).
"""

from __future__ import annotations

import marshal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.core.model import Conflict, UnitRef, unit_path
from mtx_gitops.core.trailers import conflict_trailer
from mtx_gitops.store import Repo, Snapshot, Unit
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write


@dataclass
class Edit:
    """What an edit function did to one unit (documents None: left unchanged).

    `files` are the unit's link (its upstream and merge base), written by an upgrade: moving it names the
    unit in the commit's trailers, but does not make the unit count as changed. `unit_files` change the
    unit itself beside its manifests (its labels file): the unit counts as changed.
    """

    documents: list[dict[str, Any]] | None
    conflicts: list[Conflict] = field(default_factory=list)
    note: str | None = None
    files: dict[str, bytes | None] = field(default_factory=dict)
    unit_files: dict[str, bytes | None] = field(default_factory=dict)


Progress = Callable[[int, int], None]
Select = Callable[[Snapshot], Sequence[UnitRef]]
EditFn = Callable[[Snapshot, Unit], Edit]


def edit_units(
    repo: Repo,
    *,
    select: Select,
    edit: EditFn,
    operation: str,
    subject: str,
    trailers: Sequence[tuple[str, str]] = (),
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
    on_plan: Callable[[Plan], None] | None = None,
    progress: Progress | None = None,
) -> WriteResult:
    """Apply `edit` to every unit `select` picks and land all changes as one commit."""
    rewritten: dict[tuple[str, bytes], bytes] = {}  # (old blob, new documents) -> new text

    def rewrite(unit: Unit, texts: dict[str, bytes], documents: list[dict[str, Any]], path: str) -> bytes:
        """The unit's text edited to read as `documents`; identical copies are rewritten once."""
        key = (unit.blob, _signature(documents))
        if key[1] and key in rewritten:
            return rewritten[key]
        text = yaml.rewrite(texts[unit.blob].decode("utf-8"), documents, source=path, old=unit.documents).encode()
        if key[1]:
            rewritten[key] = text
        return text

    def build(snap: Snapshot) -> Plan:
        refs = list(select(snap))
        plan = Plan(operation, subject, trailers=list(trailers))
        units = snap.units(refs)
        pending: list[tuple[Unit, list[dict[str, Any]], str]] = []  # rewritten once their texts are read
        for done, unit in enumerate(units, start=1):
            if progress is not None:
                progress(done, len(units))
            outcome = edit(snap, unit)
            changed = False
            if outcome.documents is not None and outcome.documents != unit.documents:
                path = unit_path(unit.ref.space, unit.ref.unit)
                plan.files[path] = b""  # keeps the file's place in the plan
                if path not in outcome.files:  # (else the edit wrote the file itself)
                    pending.append((unit, outcome.documents, path))
                changed = True
            plan.files.update(outcome.files)
            if outcome.unit_files:
                plan.files.update(outcome.unit_files)
                changed = True
            plan.units.append(
                UnitChange(
                    unit.ref.space,
                    unit.ref.unit,
                    changed,
                    list(outcome.conflicts),
                    outcome.note,
                    merge_base_moved=bool(outcome.files),
                )
            )
            plan.trailers += [conflict_trailer(str(unit.ref), c.as_json()) for c in outcome.conflicts]
        texts = snap.repo.git.read_blobs(unit.blob for unit, _, _ in pending)
        for unit, documents, path in pending:
            plan.files[path] = rewrite(unit, texts, documents, path)
            plan.documents[path] = documents
        if on_plan is not None:
            on_plan(plan)
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def _signature(documents: list[dict[str, Any]]) -> bytes:
    """The documents as bytes that differ whenever the data does (types and key order included);
    empty when they cannot be told that way (then the rewrite is not shared)."""
    try:
        return marshal.dumps(documents, 2)  # format 2: no back-references, so equal data, equal bytes
    except ValueError:
        return b""


def one(ref: UnitRef) -> Select:
    """Select exactly `ref` (which must exist)."""
    return lambda snap: [snap.require(ref)]
