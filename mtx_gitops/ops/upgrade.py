"""Push-upgrade (guide stage 4): merge upstream changes into every matching linked unit, one commit.

Each downstream unit is a 3-way merge of (merge base, new upstream, local): the regional
overrides survive, every conflict is reported, and the merge base advances to the new upstream.
"""

from __future__ import annotations

from collections.abc import Sequence

from mtx_gitops.core.merge3 import merge_documents
from mtx_gitops.core.model import Link, Policy, UnitRef, link_path, unit_path
from mtx_gitops.errors import ConflictError, NotFoundError, UserError
from mtx_gitops.ops.edit import Edit, Progress, edit_units
from mtx_gitops.ops.query import select_units
from mtx_gitops.ops.units import link_file
from mtx_gitops.store import Repo, Snapshot, Unit
from mtx_gitops.transaction import Plan, WriteResult


def upgrade_units(repo: Repo, space_glob: str, *, unit: str | None = None, where: str | None = None,
                  policy: Policy = "local", branch: str | None = None, message: str | None = None,
                  dry_run: bool = False, progress: Progress | None = None) -> WriteResult:
    """Upgrade the linked units of the spaces matching `space_glob` from their upstreams."""
    bases: dict[str, list[dict[str, object]]] = {}

    def select(snap: Snapshot) -> Sequence[UnitRef]:
        refs = select_units(snap, space_glob, where=where, unit=unit)
        if unit is not None and refs and not any(snap.link(r) for r in refs):
            raise UserError(f"unit {unit!r} has no upstream to upgrade from (create it with --upstream-space)")
        linked = [r for r in refs if snap.link(r)]
        wanted = {}
        for ref in linked:
            link = snap.links[ref]
            if snap.blob(unit_path(link.upstream.space, link.upstream.unit)) not in (None, link.base_blob):
                wanted[link.base_blob] = f"merge base of {ref}"
        try:
            bases.update(snap.parsed_blobs(wanted))
        except NotFoundError as exc:
            raise NotFoundError(f"{exc}: the merge base is missing from history; use "
                                "`mtx unit update U --space S --merge-unit UPSTREAM --merge-base REV`") from None
        return linked

    def edit(snap: Snapshot, u: Unit) -> Edit:
        link = u.link
        assert link is not None
        if u.upstream_deleted:
            return Edit(None, note=f"upstream {link.upstream} was deleted: unit left unchanged")
        if not u.upgrade_needed:
            return Edit(None, note="up to date")
        assert u.upstream_blob is not None
        upstream = snap.parsed_blobs({u.upstream_blob: str(link.upstream)})[u.upstream_blob]
        merged = merge_documents(bases[link.base_blob], upstream, u.documents, policy=policy)
        new_link = Link(link.upstream, u.upstream_blob, snap.commit)
        note = "; ".join(merged.notes) or None
        return Edit(merged.documents, merged.conflicts, note,
                    files={link_path(u.ref.space, u.ref.unit): link_file(new_link)})

    def check(plan: Plan) -> None:
        conflicts = [(u, c) for u in plan.units for c in u.conflicts]
        if policy == "fail" and conflicts:
            listed = "; ".join(f"{u.space}/{u.unit} {c.path}: base {c.base!r}, upstream {c.upstream!r}, "
                               f"local {c.local!r}" for u, c in conflicts)
            raise ConflictError(f"{len(conflicts)} conflict(s), nothing written: {listed}",
                                [c.as_json() | {"space": u.space, "unit": u.unit} for u, c in conflicts])
        if not any(u.changed for u in plan.units):
            plan.notes.append("nothing to upgrade: every matching unit is up to date")

    return edit_units(repo, select=select, edit=edit, operation="unit.upgrade",
                      subject=f"Upgrade units in {space_glob} from their upstreams", branch=branch,
                      message=message, dry_run=dry_run, on_plan=check, progress=progress)
