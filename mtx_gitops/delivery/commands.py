"""The delivery use cases behind `mtx render`, `apply`, `status` and `worker`, over plain results.

Clusters are opened lazily, one per target, so commands that need none never load `kubernetes`.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtx_gitops.delivery.deliver import SpacePlan, Target, deliver_space, plan_commit
from mtx_gitops.delivery.directory import Mirror, write_directory
from mtx_gitops.errors import UserError

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster
    from mtx_gitops.delivery.source import CommitSource
    from mtx_gitops.delivery.wait import Waiting
    from mtx_gitops.store import Repo, Snapshot

Object = dict[str, Any]


class ClusterPool:
    """One cluster adapter per kubernetes target, opened on first use."""

    def __init__(self) -> None:
        self._clusters: dict[Target, Cluster] = {}

    def __call__(self, target: Target) -> Cluster:
        if target not in self._clusters:
            from mtx_gitops.adapters.cluster import Cluster

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
) -> list[dict[str, Any]]:
    """Deliver each matching space to its target; one result per space (a cluster or a directory report).

    A glob skips spaces without a target (config-only environments); a space named alone must have one.
    `wait` says how apply waves (and, with `after_last`, the whole space) wait for health.
    """
    everything = plan_commit(snapshot, base=repo.root)
    wanted = set(snapshot.match_spaces(space_glob))
    chosen = [plan for plan in everything if plan.space in wanted]
    untargeted = [plan.space for plan in chosen if plan.target is None]
    if untargeted and not any(ch in space_glob for ch in "*?["):
        raise UserError(f"space {untargeted[0]} has no target; set one with `mtx space update --target`")
    chosen = [plan for plan in chosen if plan.target is not None]
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
                result["notes"].append(f"{plan.space}: a directory target has no health to wait for")
            results.append(result)
    finally:
        pool.close()
    return results


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
    try:
        for plan in plans:
            if plan.target is None:
                continue
            if plan.target.kind == "directory":
                rows += directory_status(plan.objects, Path(plan.target.path or "."), space=plan.space)
            else:
                rows += space_status(pool(plan.target), plan.objects)
    finally:
        pool.close()
    notes = _untargeted_note([plan.space for plan in plans if plan.target is None])
    drifted = sorted({row["refresh"] for row in rows if row.get("refresh")})
    notes += [f"drifted: keep the live values with `{command}` (the next apply reverts them)" for command in drifted]
    return StatusReport(rows, notes)


def _untargeted_note(spaces: Sequence[str]) -> list[str]:
    if not spaces:
        return []
    shown = ", ".join(spaces[:5]) + (f" and {len(spaces) - 5} more" if len(spaces) > 5 else "")
    return [f"no target, nothing delivered: {shown} (give a space one with `mtx space update S --target T`)"]


def worker(
    *,
    location: str,
    branch: str | None,
    interval: float,
    once: bool,
    prune: bool,
    dry_run: bool = False,
    lease_target: str | None,
    lease_namespace: str,
    identity: str | None,
    log: Callable[[str], None],
) -> int:
    """Run the worker until SIGTERM/SIGINT (which let the current apply finish), or once.

    With `dry_run` it only reports what it would deliver, and takes no part in the leader election.
    """
    import socket  # only the worker needs it

    from mtx_gitops.delivery.lease import LeaderLease
    from mtx_gitops.delivery.source import CommitSource
    from mtx_gitops.delivery.worker import run_worker

    source = CommitSource(location, branch=branch or _default_branch(location))
    pool = ClusterPool()
    lease = None
    target = _lease_target(source, lease_target)
    if target is not None and not once and not dry_run:
        lease = LeaderLease(
            pool(target),
            name=f"mtx-worker-{_digest(str(source.root) if source.is_local else location, source.branch)}",
            namespace=lease_namespace,
            identity=identity or f"{socket.gethostname()}-{os.getpid()}",
        )
    stop = threading.Event()
    try:
        with _stop_on_signals(stop):
            return run_worker(
                source=source,
                interval=interval,
                once=once,
                cluster_for_target=pool,
                lease=lease,
                prune=prune,
                dry_run=dry_run,
                stop=stop,
                log=log,
            )
    finally:
        pool.close()


def _lease_target(source: CommitSource, name: str | None) -> Target | None:
    """The target whose cluster holds the election Lease: the named one, else the first in use."""
    snapshot = source.latest()
    targets = snapshot.targets()
    if name is not None:
        if name not in targets:
            raise UserError(f"--lease-target {name!r} is not a target in mtx.yaml")
        return Target.from_config(name, targets[name], base=source.base)
    used = sorted({space.target for space in snapshot.spaces() if space.target in targets})
    for candidate in used:
        if targets[candidate].get("kind") == "kubernetes":
            return Target.from_config(candidate, targets[candidate], base=source.base)
    return None


def _default_branch(location: str) -> str:
    from mtx_gitops.adapters.gitrepo import Git

    local = Path(location).expanduser()
    return (Git(local).current_branch() if local.is_dir() else None) or "main"


def _digest(location: str, branch: str) -> str:
    return hashlib.sha256(f"{location}#{branch}".encode()).hexdigest()[:12]


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals: Sequence[signal.Signals] = (signal.SIGTERM, signal.SIGINT)
    previous = {sig: signal.signal(sig, lambda _sig, _frame: stop.set()) for sig in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
