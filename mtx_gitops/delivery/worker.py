"""The worker: keep every targeted space of a branch's tip applied, one whole commit at a time.

Each loop: (if elected) read the branch tip, render every space of that commit, and deliver each
space that has a target. Transient failures (API server away, timeouts, 429/5xx, git fetch) are
retried with capped exponential backoff; permanent ones (a rejected object, bad YAML) are
reported once and the worker waits for a new commit. A stop request (SIGTERM) lets the current
apply finish, then the worker exits 0.
"""

from __future__ import annotations

import contextlib
import gc
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mtx_gitops.delivery.deliver import SpacePlan, Target, deliver_space, plan_commit, refuse_placeholders
from mtx_gitops.delivery.directory import DirectoryReport
from mtx_gitops.delivery.events import Sink, WorkerEvent
from mtx_gitops.delivery.gitbranch import BranchReport
from mtx_gitops.errors import ClusterError, GitError, MtxError

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster
    from mtx_gitops.delivery.authority import Authority
    from mtx_gitops.delivery.lease import LeaderLease
    from mtx_gitops.delivery.source import CommitSource

ONCE_ATTEMPTS = 5  # transient failures `--once` sits out before it gives up (a deploy job must end)


@dataclass
class WorkerState:
    """What the worker has done so far (readable by tests and by a status endpoint)."""

    applied: str | None = None  # the last commit delivered completely
    failed: str | None = None  # a commit that failed permanently: not retried until the tip moves
    attempts: int = 0  # consecutive transient failures
    leader: bool = False
    log: list[str] = field(default_factory=list)
    passes: int = 0  # loop passes finished (as leader or follower), for /readyz
    beat: float = field(default_factory=time.monotonic)  # when the loop last turned, for /healthz


def run_worker(
    *,
    source: CommitSource,
    interval: float,
    once: bool,
    cluster_for_target: Callable[[Target], Cluster],
    lease: LeaderLease | None = None,
    prune: bool = False,
    dry_run: bool = False,
    stop: threading.Event | None = None,
    sleep: Callable[[float], None] | None = None,
    log: Callable[[str], None] = print,
    backoff: float = 1.0,
    max_backoff: float = 30.0,
    state: WorkerState | None = None,
    authority: Authority | None = None,
    spaces: str = "*",
    events: Sink | None = None,
) -> int:
    """Loop until stopped, or until one commit is delivered with `once`; returns the exit code.

    Transient failures are retried after `backoff` seconds, doubling up to `max_backoff` (with
    `once`, at most ONCE_ATTEMPTS times). `sleep` defaults to waiting on `stop`, so a stop request
    cuts a wait short. With `dry_run`, each new commit is only reported (what would be written,
    applied or pruned) and nothing is changed. Only spaces matching the glob `spaces` are delivered, to
    targets as `authority` resolves them (None: as mtx.yaml says); a refused target refuses the commit.
    Every event (each log line, each space delivered or failed, each commit, failure and change of
    leadership) also goes to `events` (`delivery.events`).
    """
    # `mtx` turns the cyclic collector off for short commands; a worker runs for days.
    gc.enable()
    stop = stop or threading.Event()
    pause: Callable[[float], object] = sleep or stop.wait
    state = state or WorkerState()

    emit = events or (lambda _event: None)

    def say(line: str) -> None:
        state.log.append(line)
        log(line)
        emit(WorkerEvent("log", line))

    if lease is None and not dry_run:
        emit(WorkerEvent("leader", "no leader election: this worker delivers", fields={"leader": True}))

    def wait(seconds: float) -> None:
        # A leader renews its Lease several times per lease duration, however long the interval.
        steps = 1 if lease is None else max(1, math.ceil(seconds / (lease.duration / 3)))
        for _ in range(steps):
            if stop.is_set():
                return
            pause(seconds / steps)
            state.beat = time.monotonic()
            if lease is not None and state.leader:
                _renew(lease, state, say, emit)

    while not stop.is_set():
        # A stop request is only looked at between passes: a commit is applied whole or not at all.
        error = _one_pass(
            source,
            state,
            cluster_for_target=cluster_for_target,
            lease=lease,
            prune=prune,
            dry_run=dry_run,
            say=say,
            authority=authority,
            spaces=spaces,
            emit=emit,
        )
        state.passes, state.beat = state.passes + 1, time.monotonic()
        if error is None or not state.attempts:
            if once:
                return 0 if error is None else 1
            wait(interval)
            continue
        if once and state.attempts >= ONCE_ATTEMPTS:
            say(f"transient error: {error}; giving up after {state.attempts} attempts")
            return 1
        delay = min(max_backoff, backoff * 2 ** (state.attempts - 1))
        say(f"transient error: {error}; retrying in {delay:g}s (attempt {state.attempts + 1})")
        wait(delay)
    if lease is not None and state.leader:
        try:
            lease.release()
        except ClusterError as error:
            say(f"could not release the lease: {error}")
    say("stopped")
    emit(WorkerEvent("stopped", "stopped"))
    return 0


def _one_pass(
    source: CommitSource,
    state: WorkerState,
    *,
    cluster_for_target: Callable[[Target], Cluster],
    lease: LeaderLease | None,
    prune: bool,
    dry_run: bool,
    say: Callable[[str], None],
    authority: Authority | None,
    spaces: str,
    emit: Sink,
) -> MtxError | None:
    """One fetch-render-apply round over a whole commit; the error if it failed, else None."""
    commit: str | None = None
    started = time.monotonic()
    try:
        if lease is not None and not _lead(lease, state, say, emit):
            return None
        snapshot = source.latest()
        commit = snapshot.commit
        if commit == state.failed or (dry_run and commit == state.applied):
            return None  # (a dry run has nothing to re-check until the tip moves)
        served = set(snapshot.match_spaces(spaces))
        origin = None if source.is_local else source.location
        plans = plan_commit(snapshot, base=source.base, authority=authority, serve=served, origin=origin)
        delivered = [plan for plan in plans if plan.target is not None and plan.space in served]
        refuse_placeholders(delivered)  # the whole commit, or nothing
        notes: list[str] = []
        for plan in delivered:
            assert plan.target is not None
            hook = {"webhook": plan.target.webhook} if plan.target.webhook and not dry_run else {}
            try:
                report = deliver_space(
                    plan,
                    snapshot=snapshot,
                    plans=plans,
                    prune=prune,
                    dry_run=dry_run,
                    log=say,
                    cluster_for_target=cluster_for_target,
                )
            except MtxError as error:
                failure = {**hook, **_failure(error)}
                emit(WorkerEvent("space.failed", f"{plan.space}: {error}", fields=failure, **_where(commit, plan)))
                raise
            notes += report.notes if isinstance(report, DirectoryReport | BranchReport) else []
            applied, pruned = _counts(report)
            if (state.applied != commit or applied or pruned) and not dry_run:
                counts = f"{applied} applied, {pruned} pruned"
                line = f"{plan.space}: delivered {snapshot.short} to {plan.target.name} ({counts})"
                counted = {**hook, "applied": applied, "pruned": pruned}
                emit(WorkerEvent("space.delivered", line, fields=counted, **_where(commit, plan)))
        if state.applied != commit:
            for note in notes:
                say(note)
            targeted = len(delivered)
            verb = "would apply" if dry_run else "applied"
            say(f"{verb} {snapshot.short}: {targeted} space(s) with a target")
            if not dry_run:
                seconds = time.monotonic() - started
                fields = {"spaces": targeted, "seconds": round(seconds, 3)}
                emit(
                    WorkerEvent(
                        "delivered", f"delivered {snapshot.short} in {seconds:.2f}s", commit=commit, fields=fields
                    )
                )
        state.applied, state.attempts = commit, 0
        return None
    except (ClusterError, GitError) as error:
        if isinstance(error, ClusterError) and not error.transient:
            return _permanent(state, error, commit, say, emit)
        state.attempts += 1
        emit(WorkerEvent("failed", f"transient error: {error}", commit=commit, fields=_failure(error)))
        return error
    except MtxError as error:
        return _permanent(state, error, commit, say, emit)


def _renew(lease: LeaderLease, state: WorkerState, say: Callable[[str], None], emit: Sink) -> None:
    with contextlib.suppress(ClusterError):  # the next pass reports the API server being away
        _lead(lease, state, say, emit)


def _lead(lease: LeaderLease, state: WorkerState, say: Callable[[str], None], emit: Sink) -> bool:
    leader = lease.acquire()
    if leader != state.leader:
        line = f"leader: {lease.identity}" if leader else f"not leader: {lease.holder} holds {lease.name}"
        say(line)
        emit(WorkerEvent("leader", line, fields={"leader": leader, "holder": lease.holder}))
        state.leader = leader
    return leader


def _permanent(
    state: WorkerState, error: MtxError, commit: str | None, say: Callable[[str], None], emit: Sink
) -> MtxError:
    state.failed, state.attempts = commit, 0
    say(f"error: {error}; waiting for a new commit")
    emit(WorkerEvent("failed", f"error: {error}", commit=commit, fields=_failure(error, transient=False)))
    return error


def _failure(error: MtxError, *, transient: bool | None = None) -> dict[str, str]:
    """The facts of a failure: its class (transient: retried; permanent: waits for a new commit) and type."""
    if transient is None:
        transient = isinstance(error, GitError) or (isinstance(error, ClusterError) and error.transient)
    return {"class": "transient" if transient else "permanent", "error": type(error).__name__, "detail": str(error)}


def _where(commit: str | None, plan: SpacePlan) -> dict[str, Any]:
    return {"commit": commit, "space": plan.space, "target": plan.target.name if plan.target else None}


def _counts(report: object) -> tuple[int, int]:
    """Objects (or files) a delivery applied and pruned."""
    if isinstance(report, DirectoryReport):
        return len(report.written), len(report.deleted)
    if isinstance(report, BranchReport):
        return (len(report.written), len(report.deleted)) if report.delivered else (0, 0)
    from mtx_gitops.delivery.apply import ApplyReport  # loaded already: a cluster target's report

    assert isinstance(report, ApplyReport)
    return report.count("create") + report.count("update"), report.count("prune")
