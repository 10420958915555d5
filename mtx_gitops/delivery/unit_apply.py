"""`mtx unit apply` and `unit destroy` (cub's): deliver, or take back, some units of some spaces.

A unit goes to its own target (`unit set-target`), else its space's. Applying units keeps every
guarantee of `mtx apply`: nothing is delivered while one of them holds a placeholder, every object
is validated by server dry-run before the first is applied, what was applied is put back when an
apply fails, and `--prune` deletes only objects of these units that left git (never all of them
without `--allow-empty`). Spaces go providers first (links), and `destroy` goes the other way:
the units that need others lose their objects first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtx_gitops.core.model import UnitRef
from mtx_gitops.core.unitlinks import apply_order
from mtx_gitops.delivery.commands import ClusterPool
from mtx_gitops.delivery.deliver import SpacePlan, claimed_by_others, deliver_space, plan_commit, refuse_placeholders
from mtx_gitops.delivery.render import LABEL_UNIT, object_name
from mtx_gitops.errors import UserError

if TYPE_CHECKING:
    from mtx_gitops.delivery.wait import Waiting
    from mtx_gitops.store import Repo, Snapshot

Object = dict[str, Any]


def _unit(obj: Object) -> str:
    return str((obj["metadata"].get("labels") or {}).get(LABEL_UNIT, ""))


def _chosen(snapshot: Snapshot, plans: Sequence[SpacePlan], refs: Sequence[UnitRef]) -> list[SpacePlan]:
    """The plans narrowed to the units of `refs`; a unit with no target anywhere is bad input."""
    wanted: dict[str, set[str]] = {}
    for ref in refs:
        wanted.setdefault(ref.space, set()).add(ref.unit)
    chosen, covered = [], set()
    for plan in plans:
        mine = frozenset(wanted.get(plan.space, set()) & plan.units)
        if not mine or plan.target is None:
            continue
        covered |= {UnitRef(plan.space, unit) for unit in mine}
        objects = [obj for obj in plan.objects if _unit(obj) in mine]
        chosen.append(replace(plan, objects=objects, units=mine, scope=mine))
    missing = [ref for ref in refs if ref not in covered]
    if missing:
        ref = missing[0]
        raise UserError(
            f"unit {ref} has no target; set one with `mtx unit set-target {ref.unit} T --space {ref.space}`"
            " (or give its space one)"
        )
    return chosen


def apply_units(
    repo: Repo,
    snapshot: Snapshot,
    refs: Sequence[UnitRef],
    *,
    prune: bool,
    allow_empty: bool,
    dry_run: bool,
    wait: Waiting | None = None,
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Deliver the units `refs` to their targets; one result per space and target."""
    if not refs:
        raise UserError("no unit matches: nothing to apply")
    everything = plan_commit(snapshot, base=repo.root)
    chosen = _chosen(snapshot, everything, refs)
    refuse_placeholders(chosen)  # before anything is delivered
    pool = ClusterPool()
    try:
        return [
            deliver_space(plan, snapshot=snapshot, plans=everything, cluster_for_target=pool, prune=prune,
                          allow_empty=allow_empty, dry_run=dry_run, wait=wait, log=log).as_json()
            for plan in chosen
        ]  # fmt: skip
    finally:
        pool.close()


def destroy_units(
    repo: Repo,
    snapshot: Snapshot,
    refs: Sequence[UnitRef],
    *,
    dry_run: bool,
    log: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Delete the live objects of the units `refs` (objects mtx applied for them, on their targets).

    Units that need others (links) go first; an object another space now delivers is kept.
    """
    from mtx_gitops.delivery.directory import deliver_directory
    from mtx_gitops.delivery.prune import delete_objects, find_prunable

    if not refs:
        raise UserError("no unit matches: nothing to destroy")
    say = log or (lambda _line: None)
    everything = plan_commit(snapshot, base=repo.root)
    chosen = _chosen(snapshot, everything, refs)
    links = [link for space in {ref.space for ref in refs} for link in snapshot.unit_links(space).values()]
    rank = {ref: i for i, ref in enumerate(apply_order(sorted(refs), links))}
    pool = ClusterPool()
    results = []
    try:
        for plan in reversed(chosen):
            assert plan.target is not None
            result: dict[str, Any] = {"space": plan.space, "target": plan.target.name, "dry_run": dry_run,
                                      "units": sorted(plan.units)}  # fmt: skip
            if plan.target.kind == "directory":
                report = deliver_directory([], Path(plan.target.path or "."), space=plan.space, commit=snapshot.commit,
                                           prune=True, allow_empty=True, dry_run=dry_run, units=plan.units)  # fmt: skip
                result["deleted"] = [str(path) for path in report.deleted]
            else:
                cluster = pool(plan.target)
                live = find_prunable(cluster, [], space=plan.space, claimed=claimed_by_others(everything, plan),
                                     units=plan.units)  # fmt: skip
                live.sort(key=lambda obj: -rank.get(UnitRef(plan.space, _unit(obj)), 0))  # stable: kinds stay in order
                if not dry_run:
                    delete_objects(cluster, live)
                result["deleted"] = [object_name(obj) for obj in live]
            verb = "would delete" if dry_run else "deleted"
            for name in result["deleted"]:
                say(f"{plan.space}: {verb} {name}")
            results.append(result)
    finally:
        pool.close()
    return results
