"""The delivery use cases behind `mtx render`, `apply` and `status`, over plain results (the worker: `process.py`).

Clusters are opened lazily, one per target, so commands that need none never load `kubernetes`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtx_gitops.delivery.deliver import SpacePlan, Target, deliver_space, plan_commit, refuse_placeholders
from mtx_gitops.delivery.directory import Mirror, write_directory
from mtx_gitops.errors import UserError

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster
    from mtx_gitops.delivery.wait import Waiting
    from mtx_gitops.store import Repo, Snapshot

Object = dict[str, Any]


class ClusterPool:
    """One cluster adapter per kubernetes target, opened on first use."""

    def __init__(self, *, account_dir: str | None = None) -> None:
        self._clusters: dict[Target, Cluster] = {}
        self.account_dir = account_dir  # where an in-cluster target's token and CA are (default: the pod's)

    def __call__(self, target: Target) -> Cluster:
        if target not in self._clusters:
            from mtx_gitops.adapters.cluster import Cluster

            if target.in_cluster:
                self._clusters[target] = Cluster.in_cluster(self.account_dir)
            else:
                self._clusters[target] = Cluster.from_kubeconfig(target.kubeconfig or "", target.context)
        return self._clusters[target]

    def close(self) -> None:
        for cluster in self._clusters.values():
            cluster.close()
        self._clusters.clear()


def render_spaces(
    repo: Repo, snapshot: Snapshot, *, space_glob: str, out: Path | None, dry_run: bool = False
) -> tuple[list[SpacePlan], Mirror]:
    """The rendered objects of matching spaces; with `out`, also written there as one file per unit
    (with `dry_run`, only what would be written and deleted)."""
    plans = plan_commit(snapshot, spaces=snapshot.match_spaces(space_glob), base=repo.root)
    mirror = Mirror()
    if out is not None:
        for plan in plans:
            done = write_directory(plan.objects, out, dry_run=dry_run)
            mirror.written += done.written
            mirror.deleted += done.deleted
    return plans, mirror


def apply_spaces(
    repo: Repo,
    snapshot: Snapshot,
    *,
    space_glob: str,
    prune: bool,
    allow_empty: bool,
    dry_run: bool,
    wait: Waiting | None = None,
    log: Callable[[str], None] | None = None,
    kinds: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """Deliver each matching space to its target; one result per space (a cluster, directory or branch report).

    A glob skips spaces without a target (config-only environments); a space named alone must have one.
    `wait` says how apply waves (and, with `after_last`, the whole space) wait for health. With `kinds`,
    only targets of those kinds are delivered to (`mtx render --deliver`: no cluster).
    """
    everything = plan_commit(snapshot, base=repo.root)
    wanted = set(snapshot.match_spaces(space_glob))
    chosen = [plan for plan in everything if plan.space in wanted]
    targeted = {plan.space for plan in chosen if plan.target is not None}
    untargeted = [plan.space for plan in chosen if plan.space not in targeted]
    if untargeted and not any(ch in space_glob for ch in "*?["):
        raise UserError(f"space {untargeted[0]} has no target; set one with `mtx space update --target`")
    chosen = [plan for plan in chosen if plan.target is not None and (kinds is None or plan.target.kind in kinds)]
    refuse_placeholders(chosen)  # before any space is delivered
    pool = ClusterPool()
    results = []
    try:
        for plan in chosen:
            outcome = deliver_space(
                plan,
                snapshot=snapshot,
                plans=everything,
                cluster_for_target=pool,
                prune=prune,
                allow_empty=allow_empty,
                dry_run=dry_run,
                wait=wait,
                log=log,
            )
            result = outcome.as_json()
            if wait is not None and wait.after_last and "notes" in result:
                result["notes"].append(f"{plan.space}: a {outcome_kind(outcome)} target has no health to wait for")
            results.append(result)
    finally:
        pool.close()
    return results


def outcome_kind(outcome: object) -> str:
    """The kind of target a delivery report is of."""
    from mtx_gitops.delivery.gitbranch import BranchReport

    return "git-branch" if isinstance(outcome, BranchReport) else "directory"


@dataclass(frozen=True)
class StatusReport:
    """`mtx status`: one row per object of the matching spaces with a target, and notes on the rest."""

    rows: list[dict[str, Any]]
    notes: list[str]


def status_spaces(repo: Repo, snapshot: Snapshot, *, space_glob: str) -> StatusReport:
    """Status rows (SPEC §2) of every object of matching spaces, on their cluster or in their directory."""
    from mtx_gitops.delivery.status import directory_status, space_status

    plans = plan_commit(snapshot, spaces=snapshot.match_spaces(space_glob), base=repo.root)
    pool = ClusterPool()
    rows: list[dict[str, Any]] = []
    branch_spaces: list[str] = []
    try:
        for plan in plans:
            if plan.target is None:
                continue
            if plan.target.kind == "directory":
                rows += directory_status(plan.objects, Path(plan.target.path or "."), space=plan.space)
            elif plan.target.kind == "git-branch":
                branch_spaces.append(f"{plan.space} ({plan.target.branch_prefix}{plan.space})")
            else:
                rows += space_status(pool(plan.target), plan.objects)
    finally:
        pool.close()
    notes = _untargeted_note([plan.space for plan in plans if plan.target is None])
    drifted = sorted({row["refresh"] for row in rows if row.get("refresh")})
    notes += [f"drifted: keep the live values with `{command}` (the next apply reverts them)" for command in drifted]
    if branch_spaces:
        notes.append(
            f"delivered to a branch, synced by its own engine (no live objects to read): {', '.join(branch_spaces)}"
        )
    return StatusReport(rows, notes)


def _untargeted_note(spaces: Sequence[str]) -> list[str]:
    if not spaces:
        return []
    shown = ", ".join(spaces[:5]) + (f" and {len(spaces) - 5} more" if len(spaces) > 5 else "")
    return [f"no target, nothing delivered: {shown} (give a space one with `mtx space update S --target T`)"]
