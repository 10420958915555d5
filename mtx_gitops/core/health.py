"""Health of a live Kubernetes object, computed the way kstatus (sigs.k8s.io/cli-utils) does.

One vocabulary, shared by `mtx status`, `apply --wait`, apply waves and `mtx rollout`:

| mtx         | kstatus     | meaning                                                          |
|-------------|-------------|------------------------------------------------------------------|
| Healthy     | Current     | the controller has caught up with the spec and reports success   |
| Progressing | InProgress  | not there yet (also kstatus' Terminating: deletion is under way)  |
| Degraded    | Failed      | the controller reports it will not get there without a change    |
| Missing     | NotFound    | no live object                                                   |
| Unknown     | Unknown     | the status cannot be read (malformed status, unknown Pod phase)  |

The order of the checks is kstatus': deletion, then `metadata.generation` against
`status.observedGeneration`, then the standard conditions `Reconciling` and `Stalled`, then the
rules of the built-in kind (`health_kinds`), then a `Ready` condition, and otherwise Healthy.
"""

from __future__ import annotations

from datetime import datetime

from mtx_gitops.core.health_fields import (
    DEGRADED,
    HEALTHY,
    MISSING,
    PROGRESSING,
    UNKNOWN,
    VOCABULARY,
    Condition,
    Health,
    Malformed,
    Object,
    conditions,
    int_field,
    number,
)
from mtx_gitops.core.health_kinds import RULES

__all__ = ["DEGRADED", "HEALTHY", "MISSING", "PROGRESSING", "UNKNOWN", "VOCABULARY", "Health", "health_of", "ready_of"]


def health_of(live: Object | None, *, now: datetime) -> Health:
    """The health of a live object (None: it does not exist); `now` times a Pod's scheduling window."""
    if live is None:
        return Health(MISSING, "not found")
    try:
        return _generic(live) or _by_kind(live, now=now) or _ready_condition(live) or Health(HEALTHY, "current")
    except Malformed as error:
        return Health(UNKNOWN, str(error))


def _generic(live: Object) -> Health | None:
    """What every kind shares: deletion, the observed generation, and the standard conditions."""
    if (live.get("metadata") or {}).get("deletionTimestamp"):
        return Health(PROGRESSING, "scheduled for deletion")
    generation = int_field(live, "metadata", "generation")
    observed = int_field(live, "status", "observedGeneration")
    if generation is not None and observed is not None and generation != observed:
        kind = live.get("kind")
        return Health(PROGRESSING, f"{kind} generation is {generation}, but latest observed generation is {observed}")
    for condition in conditions(live):
        if condition.get("type") == "Reconciling" and condition.get("status") == "True":
            return Health(PROGRESSING, _words(condition, "reconciling"))
        if condition.get("type") == "Stalled" and condition.get("status") == "True":
            return Health(DEGRADED, _words(condition, "stalled"))
    return None


def _by_kind(live: Object, *, now: datetime) -> Health | None:
    api_version = str(live.get("apiVersion") or "")
    group = api_version.rsplit("/", 1)[0] if "/" in api_version else ""
    rule = RULES.get((group, str(live.get("kind"))))
    return rule(live, now) if rule is not None else None


def _ready_condition(live: Object) -> Health | None:
    """A custom resource's `Ready` condition (not a Kubernetes convention, but widely used)."""
    for condition in conditions(live):
        if condition.get("type") != "Ready":
            continue
        if condition.get("status") == "True":
            return Health(HEALTHY, "Ready")
        if condition.get("status") in ("False", "Unknown"):
            return Health(PROGRESSING, _words(condition, "not Ready"))
    return None


def ready_of(live: Object | None, health: Health) -> str:
    """The `x/y` READY column: pods of workloads, completions of Jobs, else 1/1 once Healthy."""
    if live is None:
        return "0/0"
    kind = live.get("kind")
    if kind in ("Deployment", "ReplicaSet"):
        return f"{number(live, 'status', 'availableReplicas')}/{number(live, 'spec', 'replicas', default=1)}"
    if kind == "StatefulSet":
        return f"{number(live, 'status', 'readyReplicas')}/{number(live, 'spec', 'replicas', default=1)}"
    if kind == "DaemonSet":
        return f"{number(live, 'status', 'numberReady')}/{number(live, 'status', 'desiredNumberScheduled')}"
    if kind == "Job":
        parallelism = number(live, "spec", "parallelism", default=1)
        return f"{number(live, 'status', 'succeeded')}/{number(live, 'spec', 'completions', default=parallelism)}"
    return "1/1" if health.healthy else "0/1"


def _words(condition: Condition, fallback: str) -> str:
    return str(condition.get("message") or condition.get("reason") or fallback)
