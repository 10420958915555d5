"""Wait for delivered objects to be Healthy: behind `apply --wait`, apply waves and rollout gates.

The live copies are read once per poll (a list per kind and namespace where that is cheaper) and
fed to a `Gate`. With `delivered_by_others`, an object counts as Healthy only once its live copy
carries the rendering's hash: a worker delivers it, and until then it is Progressing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mtx_gitops.core.gate import FAIL, PASS, Gate, Verdict
from mtx_gitops.core.health import PROGRESSING, Health, health_of
from mtx_gitops.core.model import document_identity
from mtx_gitops.delivery.live import live_objects
from mtx_gitops.delivery.render import ANNOTATION_COMMIT, ANNOTATION_HASH, object_name
from mtx_gitops.errors import UnhealthyError

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster

Object = dict[str, Any]
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Waiting:
    """How long to wait for health, how long it must last, and how often to look.

    Apply waits between its waves, and after the last one only with `after_last` (`--wait`).
    """

    timeout: float
    soak: float = 0.0
    poll: float = POLL_SECONDS
    delivered_by_others: bool = False
    after_last: bool = False


def wait_for_health(
    cluster: Cluster,
    objects: Sequence[Object],
    *,
    waiting: Waiting,
    what: str,
    log: Callable[[str], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Return once `objects` pass the gate; raise `UnhealthyError` naming the objects when they fail it."""
    wait_for_health_on([(cluster, objects)], waiting=waiting, what=what, log=log, clock=clock, sleep=sleep)


def wait_for_health_on(
    groups: Sequence[tuple[Cluster, Sequence[Object]]],
    *,
    waiting: Waiting,
    what: str,
    log: Callable[[str], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """`wait_for_health` for objects on several clusters at once, through one gate (a rollout's wave)."""
    say = log or (lambda _line: None)
    gate = Gate(clock(), waiting.timeout, waiting.soak)
    shown: tuple[str, ...] = ()
    count = sum(len(objects) for _cluster, objects in groups)
    while True:
        healths: dict[str, Health] = {}
        for cluster, objects in groups:
            lives = live_objects(cluster, objects)
            now = datetime.now(UTC)
            for obj in objects:
                healths[object_name(obj)] = _health(obj, lives.get(document_identity(obj)), now=now, waiting=waiting)
        verdict = gate.observe(clock(), healths)
        if verdict.outcome == PASS:
            say(f"{what}: {count} object(s) Healthy")
            return
        if verdict.outcome == FAIL:
            raise unhealthy(what, verdict)
        summary = tuple(f"{name} {health.status}" for name, health in verdict.blocking[:3]) or (verdict.reason,)
        soaking = bool(shown) and all(line.startswith("soaking") for line in (*shown, *summary))
        if summary != shown and not soaking:
            say(f"{what}: waiting: {', '.join(summary)}")
            shown = summary
        sleep(waiting.poll)


def unhealthy(what: str, verdict: Verdict) -> UnhealthyError:
    """The error for a failed gate: one line naming (up to five of) the objects at fault."""
    shown = "; ".join(f"{name} {health.status} ({health.message})" for name, health in verdict.blocking[:5])
    more = f"; and {len(verdict.blocking) - 5} more" if len(verdict.blocking) > 5 else ""
    objects: list[dict[str, object]] = [
        {"object": name, "health": health.status, "message": health.message} for name, health in verdict.blocking
    ]
    return UnhealthyError(f"{what}: {verdict.reason}: {shown}{more}", objects)


def _health(rendered: Object, live: Object | None, *, now: datetime, waiting: Waiting) -> Health:
    if waiting.delivered_by_others and live is not None:
        annotations = (live.get("metadata") or {}).get("annotations") or {}
        if annotations.get(ANNOTATION_HASH) != rendered["metadata"]["annotations"].get(ANNOTATION_HASH):
            at = str(annotations.get(ANNOTATION_COMMIT) or "?")[:12]
            return Health(PROGRESSING, f"not delivered yet (live copy is from {at})")
    return health_of(live, now=now)
