"""Apply one space's rendered objects to a cluster as one unit: validate all, apply, or put back.

Order: every object is validated by server dry-run before the first real apply; then wave by wave
(`core.waves`: the `mtx.dev/wave` annotation, kinds in order within a wave), waiting for the
objects of each wave to be Healthy before the next (and after the last with `wait`). Objects whose
live copy already has the rendered hash and no drift are skipped. If an apply fails midway, the
objects already applied go back to the previous commit's rendering (or are deleted if they did not
exist before) and a `ClusterError` names the object. Objects that are applied but do not become
Healthy stay applied: an `UnhealthyError` names them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mtx_gitops.core.model import document_identity
from mtx_gitops.core.waves import annotated_wave, kind_rank, waves
from mtx_gitops.delivery.drift import drifted_fields
from mtx_gitops.delivery.live import live_objects
from mtx_gitops.delivery.prune import check_not_emptying, delete_objects, find_prunable
from mtx_gitops.delivery.render import (
    ANNOTATION_COMMIT,
    ANNOTATION_HASH,
    LABEL_INVENTORY,
    LABEL_UNIT,
    is_cluster_scoped,
    object_name,
)
from mtx_gitops.delivery.wait import Waiting, wait_for_health
from mtx_gitops.errors import ClusterError, MtxError

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster

Object = dict[str, Any]
WAVE_TIMEOUT = 300.0  # how long a wave waits for health when no --timeout is given


@dataclass(frozen=True)
class Action:
    """What apply did (or, in a dry run, would do) to one object."""

    action: str  # create | update | unchanged | prune | namespace
    object: Object
    wave: int = 0

    def as_json(self) -> dict[str, Any]:
        meta = self.object["metadata"]
        return {
            "action": self.action,
            "wave": self.wave,
            "object": object_name(self.object),
            "kind": self.object["kind"],
            "name": meta["name"],
            "namespace": meta.get("namespace"),
            "unit": (meta.get("labels") or {}).get(LABEL_UNIT),
        }


@dataclass
class ApplyReport:
    """The outcome of applying one space: prunes first, then one action per object."""

    space: str
    commit: str | None
    dry_run: bool
    actions: list[Action] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for item in self.actions if item.action == action)

    @property
    def changed(self) -> bool:
        return any(item.action != "unchanged" for item in self.actions)

    def as_json(self) -> dict[str, Any]:
        return {
            "space": self.space,
            "commit": self.commit,
            "dry_run": self.dry_run,
            "actions": [item.as_json() for item in self.actions],
            "summary": {name: self.count(name) for name in ("namespace", "create", "update", "unchanged", "prune")},
        }


@dataclass
class _Step:
    obj: Object
    live: Object | None
    action: str
    deferred: bool  # cannot be dry-run yet: its namespace or CRD arrives in this same apply
    wave: int = 0


def apply_objects(
    cluster: Cluster,
    objects: Sequence[Object],
    *,
    space: str,
    previous_objects: Sequence[Object] | None = None,
    render_previous: Callable[[str], Sequence[Object]] | None = None,
    claimed: Mapping[str, str] | None = None,
    unit_needs: Mapping[str, Set[str]] | None = None,
    prune_units: Set[str] | None = None,
    prune: bool = False,
    allow_empty: bool = False,
    dry_run: bool = False,
    wait: Waiting | None = None,
    log: Callable[[str], None] | None = None,
) -> ApplyReport:
    """Apply `objects` (one space's rendering, see `render_space`) and optionally prune what left git.

    To put objects back on failure, their previous version comes from `previous_objects` (the
    rendering live before) or else `render_previous(commit)` for the commit recorded on the live object.
    `claimed` maps identities rendered by other spaces to their space, so a moved unit is never pruned.
    Between waves apply waits for health as `wait` says (default: up to WAVE_TIMEOUT), after the
    last wave only with `wait.after_last`. Prune runs once every wave is applied (and Healthy).
    """
    say = log or (lambda _line: None)
    report = ApplyReport(space, _commit_of(objects), dry_run)
    steps = _plan(cluster, objects, space=space)
    groups = waves(
        steps,
        identity=lambda s: document_identity(s.obj),
        wave=lambda s: s.wave,
        kind=lambda s: s.obj["kind"],
        needs=_object_needs(objects, unit_needs or {}),
    )
    prunable = find_prunable(cluster, objects, space=space, claimed=claimed, units=prune_units) if prune else []
    if not allow_empty:
        check_not_emptying(objects, prunable, space=space)
    report.actions.extend(Action("prune", obj) for obj in prunable)
    for step in steps:
        if step.action != "unchanged" and not step.deferred:
            _dry_run(cluster, step, applied=())
    if dry_run:
        report.actions.extend(Action(step.action, step.obj, number) for number, group in groups for step in group)
        return report
    applied: list[_Step] = []
    previous = _Previous(previous_objects or (), render_previous)
    waiting = wait or Waiting(timeout=WAVE_TIMEOUT)
    for index, (number, group) in enumerate(groups):
        try:
            _apply_wave(cluster, group, applied=applied, say=lambda line: say(f"{space}: {line}"))
        except ClusterError as error:
            raise _rolled_back(cluster, error, applied, previous) from error
        if index < len(groups) - 1 or waiting.after_last:
            label = f"{space} wave {number}" if len(groups) > 1 else space
            wait_for_health(cluster, [step.obj for step in group], waiting=waiting, what=label, log=say)
    report.actions.extend(Action(step.action, step.obj, number) for number, group in groups for step in group)
    for obj in delete_objects(cluster, prunable):
        say(f"{space}: prune {object_name(obj)}")
    return report


def _object_needs(objects: Sequence[Object], unit_needs: Mapping[str, Set[str]]) -> dict[str, set[str]]:
    """Object identity -> the identities of the objects of the units its unit links to (they go first)."""
    by_unit: dict[str, set[str]] = {}
    for obj in objects:
        by_unit.setdefault((obj["metadata"].get("labels") or {}).get(LABEL_UNIT, ""), set()).add(document_identity(obj))
    return {
        ident: {p for provider in unit_needs[unit] for p in by_unit.get(provider, ())}
        for unit, idents in by_unit.items()
        if unit in unit_needs
        for ident in idents
    }


def _apply_wave(cluster: Cluster, group: Sequence[_Step], *, applied: list[_Step], say: Callable[[str], None]) -> None:
    """Apply one wave kind by kind; what waited for a namespace or CRD is dry-run once those are in."""
    ranks: dict[int, list[_Step]] = {}
    for step in group:
        ranks.setdefault(kind_rank(step.obj["kind"]), []).append(step)
    for rank in sorted(ranks):
        for step in ranks[rank]:
            if step.deferred and step.action != "unchanged":
                _dry_run(cluster, step, applied=applied)
        for step in ranks[rank]:
            if step.action == "unchanged":
                continue
            cluster.apply(step.obj)
            applied.append(step)
            say(f"{step.action} {object_name(step.obj)}")
            if step.obj["kind"] == "CustomResourceDefinition":
                cluster.wait_established(step.obj)


def _plan(cluster: Cluster, objects: Sequence[Object], *, space: str) -> list[_Step]:
    namespaces = {obj["metadata"]["name"] for obj in objects if obj["kind"] == "Namespace"}
    steps = [
        step
        for name in sorted(_needed_namespaces(objects) - namespaces)
        if (step := _ensure_namespace(cluster, name)) is not None
    ]
    absent = {step.obj["metadata"]["name"] for step in steps}
    lives = live_objects(cluster, objects)
    numbers = [annotated_wave(obj, name=object_name(obj)) for obj in objects]
    for step in steps:  # a namespace no unit renders is there before the first wave
        step.wave = min(numbers, default=0)
    for obj, number in zip(objects, numbers, strict=True):
        known = document_identity(obj) in lives
        live = lives.get(document_identity(obj))
        if obj["kind"] == "Namespace" and live is None:
            absent.add(obj["metadata"]["name"])
        steps.append(_Step(obj, live, _action(obj, live, space=space), deferred=not known, wave=number))
    for step in steps:
        if not is_cluster_scoped(step.obj) and step.obj["metadata"]["namespace"] in absent:
            step.deferred = True
    return steps


def _action(obj: Object, live: Object | None, *, space: str) -> str:
    if live is None:
        return "create"
    meta = live.get("metadata") or {}
    same_hash = (meta.get("annotations") or {}).get(ANNOTATION_HASH) == obj["metadata"]["annotations"][ANNOTATION_HASH]
    ours = (meta.get("labels") or {}).get(LABEL_INVENTORY) == space
    return "unchanged" if same_hash and ours and not drifted_fields(obj, live) else "update"


def _ensure_namespace(cluster: Cluster, name: str) -> _Step | None:
    # A space's namespace may not be rendered by any unit; create it, outside every inventory.
    obj = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/managed-by": "mtx"}},
    }
    return None if cluster.get(obj) is not None else _Step(obj, None, "namespace", deferred=False)


def _needed_namespaces(objects: Sequence[Object]) -> set[str]:
    return {obj["metadata"]["namespace"] for obj in objects if not is_cluster_scoped(obj)}


def _dry_run(cluster: Cluster, step: _Step, *, applied: Sequence[_Step]) -> None:
    try:
        cluster.apply(step.obj, dry_run=True)
    except ClusterError as error:
        note = "nothing was applied" if not applied else "rejected after its namespace or CRD was applied"
        raise ClusterError(f"{error} (server dry-run; {note})", transient=error.transient) from error


def _rolled_back(cluster: Cluster, error: ClusterError, applied: Sequence[_Step], previous: _Previous) -> ClusterError:
    """Put back what this apply changed; the error to raise says what could not be put back."""
    problems: list[str] = []
    for step in reversed(applied):
        try:
            if step.live is None:
                cluster.delete(step.obj)
            elif (before := previous.version_of(step)) is not None:
                cluster.apply(before)
            else:
                problems.append(f"{object_name(step.obj)} has no previous version to restore")
        except MtxError as failure:
            problems.append(str(failure))
    if not applied:
        return error
    outcome = f"put back {len(applied) - len(problems)} of {len(applied)} applied objects"
    detail = f"; not put back: {'; '.join(problems)}" if problems else ""
    return ClusterError(f"{error} ({outcome}{detail})", transient=error.transient)


class _Previous:
    """The versions objects had before this apply, rendered from git only when a rollback needs them."""

    def __init__(self, objects: Sequence[Object], render: Callable[[str], Sequence[Object]] | None) -> None:
        self._by_identity = {document_identity(obj): obj for obj in objects}
        self._render = render
        self._rendered: set[str] = set()

    def version_of(self, step: _Step) -> Object | None:
        key = document_identity(step.obj)
        commit = ((step.live or {}).get("metadata", {}).get("annotations") or {}).get(ANNOTATION_COMMIT)
        if key not in self._by_identity and self._render and commit and commit not in self._rendered:
            self._rendered.add(commit)
            for obj in self._render(commit):
                self._by_identity.setdefault(document_identity(obj), obj)
        return self._by_identity.get(key)


def _commit_of(objects: Sequence[Object]) -> str | None:
    for obj in objects:
        return str(obj["metadata"]["annotations"].get(ANNOTATION_COMMIT))
    return None
