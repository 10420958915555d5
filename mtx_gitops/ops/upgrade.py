"""Push-upgrade (guide stage 4): merge upstream changes into every matching linked unit, one commit.

Each downstream unit is a 3-way merge of (merge base, new upstream, local): the regional
overrides survive, every conflict is reported, and the merge base advances to the new upstream.
Copies of one unit are often identical, so a merge is done once per (merge base, upstream, local
blob) and shared by every unit with those blobs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mtx_gitops.core.conflictview import describe
from mtx_gitops.core.merge3 import DocumentsMerge, merge_documents
from mtx_gitops.core.model import Link, Policy, UnitRef, link_path
from mtx_gitops.errors import ConflictError, NotFoundError, UserError
from mtx_gitops.ops.decisions import Decisions
from mtx_gitops.ops.edit import Edit, Progress, edit_units
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.ops.links import refill
from mtx_gitops.ops.missing import Missing, missing_downstream
from mtx_gitops.ops.query import select_units
from mtx_gitops.ops.units import link_file
from mtx_gitops.store import Repo, Snapshot, Unit
from mtx_gitops.transaction import Plan, UnitChange, WriteResult


def upgrade_units(
    repo: Repo,
    space_glob: str,
    *,
    unit: str | None = None,
    where: str | None = None,
    downstream_of: UnitRef | None = None,
    policy: Policy = "local",
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    trailers: Sequence[tuple[str, str]] = (),
    also: Callable[[Snapshot], dict[str, bytes | None]] | None = None,
) -> WriteResult:
    """Upgrade the linked units of the spaces matching `space_glob` from their upstreams.

    With `downstream_of`, the units to upgrade are every unit that names it upstream, in any space
    (cub's `unit push-upgrade`); `space_glob`, `unit` and `where` then play no part. `trailers` go on
    the commit, and the files `also` returns for the tip it builds on are written in it too (a rollout
    records its state in the commit of each wave).
    """
    parsed: dict[str, list[dict[str, Any]]] = {}  # merge bases and upstreams, by blob id
    merges: dict[tuple[str, str, str], tuple[DocumentsMerge, bool]] = {}  # and: is it the local content?
    links: dict[Link, bytes] = {}
    orphaned: set[UnitRef] = set()  # units whose upstream was deleted, in the plan being built
    decided: list[Decisions] = []  # the region's decisions for the plan being built
    missing: list[Missing] = []  # upstream units the selected spaces have no copy of

    tip: list[Snapshot] = []

    def select(snap: Snapshot) -> Sequence[UnitRef]:
        orphaned.clear()
        decided.clear()
        missing.clear()
        tip[:] = [snap]
        if downstream_of is not None:
            refs = snap.downstream_of(snap.require(downstream_of))
        else:
            refs = select_units(snap, space_glob, where=where, unit=unit)
        units = snap.units(refs)  # their links are read in one batch, on first use
        if unit is not None and units and not any(u.link for u in units):
            raise UserError(f"unit {unit!r} has no upstream to upgrade from (create it with --upstream-space)")
        linked = [u for u in units if u.link]
        bases, upstreams = {}, {}
        for u in linked:
            if u.upgrade_needed:
                assert u.link is not None and u.upstream_blob is not None
                bases[u.link.base_blob] = f"merge base of {u.ref}"
                upstreams[u.upstream_blob] = str(u.link.upstream)
        try:
            parsed.update(snap.parsed_blobs(bases))
        except NotFoundError as exc:
            raise NotFoundError(
                f"{exc}: the merge base is missing from history; use "
                "`mtx unit update U --space S --merge-unit UPSTREAM --merge-base REV`"
            ) from None
        parsed.update(snap.parsed_blobs({blob: name for blob, name in upstreams.items() if blob not in parsed}))
        decided.append(Decisions(snap, [u.ref for u in linked if u.upgrade_needed], ledger=True))
        if downstream_of is None and where is None:
            missing.extend(missing_downstream(snap, space_glob, unit=unit))
        return [u.ref for u in linked]

    def edit(snap: Snapshot, u: Unit) -> Edit:
        link = u.link
        assert link is not None
        if u.upstream_deleted:
            orphaned.add(u.ref)
            return Edit(None, note=f"upstream {link.upstream} was deleted: unit left unchanged")
        if not u.upgrade_needed:
            refilled = refill(snap, u.ref, u.documents)
            if refilled.written or refilled.link_files:
                changed = refilled.documents != u.documents
                note = f"refilled {len(refilled.written)} value(s) from its links"
                return Edit(refilled.documents if changed else None, note=note, files=dict(refilled.link_files))
            return Edit(None, note="up to date")
        assert u.upstream_blob is not None
        key = (link.base_blob, u.upstream_blob, u.blob)
        if key not in merges:
            merged = merge_documents(
                parsed[link.base_blob], parsed[u.upstream_blob], u.documents, policy=policy, types=types_for(snap)
            )
            merges[key] = merged, merged.documents == u.documents  # equal blobs, equal documents
        merged, same = merges[key]
        outcome = decided[0].apply(u, merged, upstream=parsed[u.upstream_blob], base=parsed[link.base_blob])
        if outcome.documents is not merged.documents:  # a protected path was held back
            same = outcome.documents == u.documents
        new_link = Link(link.upstream, u.upstream_blob, snap.commit)
        if new_link not in links:
            links[new_link] = link_file(new_link)
        notes = outcome.notes
        # What the upstream brings may hold placeholders (a new document) and a provider may have changed.
        refilled = refill(snap, u.ref, u.documents if same else outcome.documents)
        if refilled.written:
            notes.append(f"refilled {len(refilled.written)} value(s) from its links")
        same = refilled.documents == u.documents
        if same:  # the link still moves, so the next upgrade merges from the new upstream
            notes.append(f"content unchanged; merge base moved to {u.upstream_blob[:12]}")
        return Edit(
            None if same else refilled.documents,
            outcome.conflicts,
            "; ".join(notes) or None,
            files={link_path(u.ref.space, u.ref.unit): links[new_link], **refilled.link_files, **outcome.files},
        )

    def check(plan: Plan) -> None:
        conflicts = [(u, c) for u in plan.units for c in u.conflicts]
        if policy == "fail" and conflicts:
            listed = "; ".join(describe(c.as_json(), unit=f"{u.space}/{u.unit}") for u, c in conflicts)
            raise ConflictError(
                f"{len(conflicts)} conflict(s), nothing written: {listed}",
                [c.as_json() | {"space": u.space, "unit": u.unit} for u, c in conflicts],
            )
        decisions = decided[0]
        plan.trailers += decisions.trailers
        plan.notes += _summary(plan.units, orphaned=len(orphaned), missing=sum(not m.deleted for m in missing))
        plan.notes += [f"held back {h['path']} in {h['space']}/{h['unit']}: protected" for h in decisions.held]
        plan.notes += [m.line for m in missing]
        plan.report["held_back"] = decisions.held
        plan.report["missing_downstream"] = [m.as_json() for m in missing if not m.deleted]
        if also is not None:
            plan.files.update(also(tip[0]))

    return edit_units(
        repo,
        select=select,
        edit=edit,
        operation="unit.upgrade",
        subject=f"Upgrade units in {space_glob} from their upstreams",
        branch=branch,
        message=message,
        dry_run=dry_run,
        on_plan=check,
        progress=progress,
        trailers=trailers,
    )


def _summary(units: Sequence[UnitChange], *, orphaned: int, missing: int = 0) -> list[str]:
    """Why units were left as they were (the same lines in the table and in JSON)."""
    deleted = f"{orphaned} unit(s) have a deleted upstream and were left unchanged (see the unit notes)"
    if not any(u.changed or u.merge_base_moved for u in units):
        if orphaned:
            return [f"nothing to upgrade: {deleted}"]
        if missing:
            return [f"nothing to upgrade: every linked unit is up to date, but {missing} upstream unit(s) have no copy"]
        return ["nothing to upgrade: every matching unit is up to date"]
    rebased = sum(u.merge_base_moved and not u.changed for u in units)
    notes = [deleted] if orphaned else []
    if rebased:
        notes.append(f"{rebased} unit(s) kept their content: only their merge base moved")
    return notes
