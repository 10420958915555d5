"""Lateral promotion (guide stage 7): carry another unit's change, not its whole content.

By default the change is the source unit's latest revision (like `git cherry-pick` of the last
commit that touched it); `--merge-base/--merge-end` choose another range of the source's history.
"""

from __future__ import annotations

from typing import Any

from mtx_gitops.adapters.gitlog import last_commits
from mtx_gitops.core.conflictview import describe
from mtx_gitops.core.merge3 import merge_documents
from mtx_gitops.core.model import Policy, UnitRef, unit_path
from mtx_gitops.errors import ConflictError, NotFoundError, UserError
from mtx_gitops.ops.decisions import Decisions
from mtx_gitops.ops.edit import Edit, edit_units
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.ops.revisions import resolve_revision
from mtx_gitops.store import Repo, Snapshot, Unit
from mtx_gitops.transaction import Plan, WriteResult


def parse_unit_ref(text: str) -> UnitRef:
    """`SPACE/UNIT` as a UnitRef."""
    space, sep, unit = text.partition("/")
    if not sep or not space or not unit or "/" in unit:
        raise UserError(f"invalid unit reference {text!r}: expected SPACE/UNIT")
    return UnitRef(space, unit)


def merge_from(
    repo: Repo,
    ref: UnitRef,
    source_text: str,
    *,
    merge_base: str | None = None,
    merge_end: str | None = None,
    policy: Policy = "local",
    force: bool = False,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Merge the change `source` made (base → end) into unit `ref`; its protected paths stay as they
    are unless `force`."""
    source = parse_unit_ref(source_text)
    change: dict[str, Any] = {}
    decided: list[Decisions] = []

    def select(snap: Snapshot) -> list[UnitRef]:
        snap.require(source)
        if source == ref:
            raise UserError(f"unit {ref} cannot merge from itself")
        end = resolve_revision(snap, source, merge_end) if merge_end else snap.commit
        assert end is not None
        path = unit_path(source.space, source.unit)
        if merge_base:
            base: str | None = resolve_revision(snap, source, merge_base)
        else:
            last = last_commits(repo.git, end, [path]).get(path)
            if last is None:
                raise NotFoundError(f"unit {source} has no history at {end[:12]}")
            base = repo.git.rev_parse(f"{last}^")
        change["end"] = end
        change["original"] = _documents_at(repo, base, source)
        change["updated"] = _documents_at(repo, end, source)
        if change["updated"] is None:
            raise NotFoundError(f"unit {source} does not exist at {end[:12]}")
        decided[:] = [Decisions(snap, [snap.require(ref)], ledger=False, protect=not force)]
        return [ref]

    def edit(_snap: Snapshot, unit: Unit) -> Edit:
        merged = merge_documents(
            change["original"] or [], change["updated"], unit.documents, policy=policy, types=types_for(_snap)
        )
        outcome = decided[0].apply(unit, merged)
        return Edit(outcome.documents, outcome.conflicts, "; ".join(outcome.notes) or None)

    def check(plan: Plan) -> None:
        plan.trailers.insert(0, ("Mtx-Source", f"{source}@{change['end'][:12]}"))
        plan.trailers += decided[0].trailers
        plan.notes += [f"held back {h['path']} in {h['space']}/{h['unit']}: protected" for h in decided[0].held]
        if decided[0].held:
            plan.report["held_back"] = decided[0].held
        conflicts = [c for u in plan.units for c in u.conflicts]
        if policy == "fail" and conflicts:
            listed = "; ".join(describe(c.as_json(), base=False) for c in conflicts)
            raise ConflictError(
                f"{len(conflicts)} conflict(s) merging {source} into {ref}, nothing written: {listed}",
                [c.as_json() | {"space": ref.space, "unit": ref.unit} for c in conflicts],
            )

    return edit_units(
        repo,
        select=select,
        edit=edit,
        operation="unit.merge",
        subject=f"Merge {source}'s change into {ref}",
        branch=branch,
        message=message,
        dry_run=dry_run,
        on_plan=check,
    )


def _documents_at(repo: Repo, commit: str | None, ref: UnitRef) -> list[dict[str, Any]] | None:
    if commit is None:
        return None
    snap = repo.snapshot_at(commit)
    blob = snap.blob(unit_path(ref.space, ref.unit))
    if blob is None:
        return None
    return snap.parsed_blobs({blob: f"{ref} at {commit[:12]}"})[blob]
