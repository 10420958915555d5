"""`mtx rollout`: one upstream change rolled out wave by wave, each wave gated on health.

Each wave is one upgrade commit of its spaces (trailers `Mtx-Rollout: <id>`, `Mtx-Wave: <n>/<total>`)
that also writes the rollout's state (`core.rollout`). The rollout then applies the wave to its
targets (unless `apply` is off: a worker delivers, and the gate waits for the rendering's hash to go
live) and waits until every object of the wave has been Healthy for the soak time. A Degraded object,
or one not Healthy within the timeout, fails the wave: the state records it in a commit of its own
and the rollout stops with an `UnhealthyError` naming the objects. `resume` picks up at the first
wave that has not passed, on any clone, since the state is in git.

Upgrading and selecting are the ops layer's; they come in through `WaveCommits`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from mtx_gitops import yaml
from mtx_gitops.core.gate import format_seconds
from mtx_gitops.core.rollout import (
    ALL,
    APPLIED,
    DONE,
    FAILED,
    HEALTHY,
    PENDING,
    ROLLOUT,
    RUNNING,
    STATE_DIR,
    WAVE,
    Rollout,
    assign_waves,
    state_path,
)
from mtx_gitops.delivery.commands import ClusterPool, apply_spaces
from mtx_gitops.delivery.deliver import plan_commit
from mtx_gitops.delivery.wait import Waiting, wait_for_health_on
from mtx_gitops.errors import NotFoundError, UnhealthyError, UserError
from mtx_gitops.transaction import Plan, WriteResult, write

if TYPE_CHECKING:
    from mtx_gitops.store import Repo, Snapshot


class WaveCommits(Protocol):
    """What a rollout needs from the use cases: which spaces a selector picks, and one upgrade commit."""

    def spaces(self, snapshot: Snapshot, space_glob: str, selector: str) -> list[str]: ...

    def pending(self, snapshot: Snapshot, spaces: Sequence[str]) -> list[str]: ...

    def upgrade(
        self,
        spaces: Sequence[str],
        *,
        message: str,
        trailers: Sequence[tuple[str, str]],
        also: Callable[[Snapshot], dict[str, bytes | None]],
    ) -> WriteResult: ...


@dataclass(frozen=True)
class RolloutOptions:
    """`mtx rollout`'s options."""

    space: str
    waves: Sequence[str]
    soak: float
    timeout: float
    apply: bool = True
    gate: bool = True
    dry_run: bool = False


@dataclass
class RolloutResult:
    """A rollout's state after the command, the commits it made, and (dry run) the units of each wave."""

    rollout: Rollout
    commits: list[str] = field(default_factory=list)
    units: list[list[str]] = field(default_factory=list)
    dry_run: bool = False

    def as_json(self) -> dict[str, Any]:
        data = {**self.rollout.as_json(), "commits": self.commits}
        if self.dry_run:
            data["dry_run"] = True
            for wave, units in zip(data["waves"], self.units, strict=True):
                wave["units"] = units
        return data


def start_rollout(
    repo: Repo, options: RolloutOptions, steps: WaveCommits, *, branch: str | None, log: Callable[[str], None]
) -> RolloutResult:
    """Plan the waves at the branch tip and run them (with `dry_run`, only show them and their units)."""
    if not options.waves:
        raise UserError("give at least one --wave (a WHERE over units, like \"Space.Labels.region = 'eu'\", or '*')")
    snapshot = repo.snapshot(branch or "HEAD")
    spaces = snapshot.match_spaces(options.space)
    matches = {w: steps.spaces(snapshot, options.space, w) for w in options.waves if w.strip() != ALL}
    waves, left_out = assign_waves(options.waves, matches, spaces)
    stamp = datetime.now(UTC)
    rollout = Rollout(
        id=f"{stamp:%Y%m%d-%H%M%S}-{os.urandom(2).hex()}",
        space=options.space,
        waves=waves,
        soak=options.soak,
        timeout=options.timeout,
        gate=options.gate,
        apply=options.apply,
        started=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        left_out=left_out,
    )
    empty = [rollout.label(i) for i, wave in enumerate(waves) if not wave.spaces]
    if empty:
        raise UserError(f"wave {empty[0]} ({waves[int(empty[0].split('/')[0]) - 1].selector}) takes no space")
    _check_gate(snapshot, rollout, base=repo.root)
    if options.dry_run:
        return RolloutResult(rollout, units=[steps.pending(snapshot, w.spaces) for w in waves], dry_run=True)
    return _run(repo, rollout, steps, branch=branch, log=log)


def resume_rollout(
    repo: Repo, rollout_id: str | None, steps: WaveCommits, *, branch: str | None, log: Callable[[str], None]
) -> RolloutResult:
    """Go on with a rollout (default: the latest) from its first wave that has not passed."""
    snapshot = repo.snapshot(branch or "HEAD")
    rollout = read_rollout(snapshot, rollout_id)
    if rollout.status == DONE:
        return RolloutResult(rollout)
    _check_gate(snapshot, rollout, base=repo.root)
    rollout.status = RUNNING
    return _run(repo, rollout, steps, branch=branch, log=log)


def read_rollout(snapshot: Snapshot, rollout_id: str | None) -> Rollout:
    """A rollout's state at a snapshot (default: the latest started); NotFoundError when there is none."""
    files = snapshot.files_under(STATE_DIR)
    known = sorted(path.rsplit("/", 1)[1].removesuffix(".yaml") for path in files)
    if rollout_id is None:
        if not known:
            raise NotFoundError(f"no rollout in {STATE_DIR}/ at {snapshot.short}; start one with `mtx rollout`")
        rollout_id = known[-1]
    if rollout_id not in known:
        raise NotFoundError(f"rollout {rollout_id!r} does not exist (known: {', '.join(known[-5:]) or 'none'})")
    path = state_path(rollout_id)
    try:
        text = snapshot.repo.git.read_blob(files[path]).decode("utf-8", "replace")
        return Rollout.from_json(yaml.load_one(text, source=path) or {})
    except ValueError as exc:
        raise UserError(f"{path}: {exc}") from None


def _check_gate(snapshot: Snapshot, rollout: Rollout, *, base: Any) -> None:
    """Refuse a gated rollout over spaces whose target has no health to read (no target, a directory, a branch)."""
    if not rollout.gate:
        return
    spaces = [space for wave in rollout.waves for space in wave.spaces]
    for plan in plan_commit(snapshot, spaces=spaces, base=base):
        if plan.target is None or not plan.target.has_health:
            kind = f"a {plan.target.kind} target" if plan.target else "no target"
            raise UserError(
                f"space {plan.space} has {kind}: no health to read, so no wave can be gated on it; "
                "pass --no-gate to roll out on the soak time alone"
            )


def _run(
    repo: Repo, rollout: Rollout, steps: WaveCommits, *, branch: str | None, log: Callable[[str], None]
) -> RolloutResult:
    result = RolloutResult(rollout)
    while (index := rollout.next_wave()) is not None:
        wave = rollout.waves[index]
        what = f"rollout {rollout.id} wave {rollout.label(index)} ({', '.join(wave.spaces)})"
        if wave.status == PENDING:
            wave.status = APPLIED
            done = steps.upgrade(
                wave.spaces,
                message=f"Rollout {rollout.id} wave {rollout.label(index)}: upgrade {', '.join(wave.spaces)}",
                trailers=[(ROLLOUT, rollout.id), (WAVE, rollout.label(index))],
                also=lambda _snap: {rollout.path: _state_text(rollout)},
            )
            assert done.commit is not None  # the state file changes in every wave's commit
            result.commits.append(done.commit)
            wave.commit = done.commit
            log(f"{what}: committed {done.commit[:12]} ({done.summary})")
        wave.status, wave.message, wave.objects = APPLIED, None, []
        try:
            _deliver_and_gate(repo, rollout, index, what=what, branch=branch, log=log)
        except UnhealthyError as error:
            wave.status, wave.message, wave.objects = FAILED, str(error), list(error.objects)
            rollout.status = FAILED
            result.commits.append(
                _record(repo, rollout, index, branch=branch, subject=f"wave {rollout.label(index)} failed")
            )
            raise UnhealthyError(
                f"{error} (rollout {rollout.id} stopped; `mtx rollout resume` goes on)", error.objects
            ) from None
        wave.status = HEALTHY
    rollout.status = DONE
    result.commits.append(_record(repo, rollout, len(rollout.waves) - 1, branch=branch, subject="done"))
    log(f"rollout {rollout.id}: done ({len(rollout.waves)} wave(s))")
    return result


def _deliver_and_gate(
    repo: Repo, rollout: Rollout, index: int, *, what: str, branch: str | None, log: Callable[[str], None]
) -> None:
    """Apply a wave's spaces at the branch tip (unless a worker does), then wait as the gate says."""
    wave = rollout.waves[index]
    snapshot = repo.snapshot(branch or "HEAD")
    if rollout.apply:
        for space in wave.spaces:
            apply_spaces(repo, snapshot, space_glob=space, prune=False, allow_empty=False, dry_run=False,
                         wait=Waiting(timeout=rollout.timeout), log=log)  # fmt: skip
    if not rollout.gate:
        log(f"{what}: no health gate; soaking {format_seconds(rollout.soak)}")
        time.sleep(rollout.soak)
        return
    waiting = Waiting(timeout=rollout.timeout, soak=rollout.soak, delivered_by_others=not rollout.apply)
    pool = ClusterPool()
    try:
        groups = [
            (pool(p.target), p.objects) for p in plan_commit(snapshot, spaces=wave.spaces, base=repo.root) if p.target
        ]
        wait_for_health_on(groups, waiting=waiting, what=what, log=log)
    finally:
        pool.close()


def _record(repo: Repo, rollout: Rollout, index: int, *, branch: str | None, subject: str) -> str:
    """Commit the rollout's state alone (a failed wave, the end); returns the commit."""

    def build(_snap: Snapshot) -> Plan:
        return Plan(
            "rollout.record",
            f"Rollout {rollout.id}: {subject}",
            files={rollout.path: _state_text(rollout)},
            trailers=[(ROLLOUT, rollout.id), (WAVE, rollout.label(index))],
            done=f"rollout {rollout.id} {subject}",
        )

    done = write(repo, build, branch=branch)
    return done.commit or ""


def _state_text(rollout: Rollout) -> bytes:
    header = f"# mtx rollout state: read by `mtx rollout status {rollout.id}` and `mtx rollout resume`\n"
    return (header + yaml.dump_documents([rollout.as_json()])).encode()
