"""Leader election over a `coordination.k8s.io/v1` Lease, so that one of several workers applies.

The holder renews `renewTime` on every loop; another worker takes the Lease over once
`renewTime + leaseDurationSeconds` has passed. Writes carry the resourceVersion they read, so of
two workers racing for an expired Lease exactly one wins.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


class LeaderLease:
    """One worker's view of the election Lease `namespace/name`."""

    def __init__(
        self,
        cluster: Cluster,
        *,
        name: str,
        namespace: str,
        identity: str,
        duration: int = 15,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cluster = cluster
        self.name = name
        self.namespace = namespace
        self.identity = identity
        self.duration = duration
        self.clock = clock
        self.holder: str | None = None

    def acquire(self) -> bool:
        """Take or renew the Lease; True while this worker is the leader."""
        live = self.cluster.get(self._reference())
        now = self.clock()
        if live is None:
            written = self.cluster.create_or_replace(self._lease(now, transitions=0, acquired=now))
            return self._settle(written)
        spec = live.get("spec") or {}
        self.holder = spec.get("holderIdentity")
        if self.holder != self.identity and not self._expired(spec, now):
            return False
        transitions = int(spec.get("leaseTransitions") or 0)
        acquired = _parse(spec.get("acquireTime"))
        if self.holder != self.identity:
            transitions, acquired = transitions + 1, now
        lease = self._lease(now, transitions=transitions, acquired=acquired or now)
        lease["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
        return self._settle(self.cluster.create_or_replace(lease))

    def release(self) -> None:
        """Give the Lease up at once (on a clean exit), so another worker need not wait it out."""
        live = self.cluster.get(self._reference())
        if live is None or (live.get("spec") or {}).get("holderIdentity") != self.identity:
            return
        live["spec"]["holderIdentity"] = None
        live["spec"]["renewTime"] = _format(self.clock() - self.duration - 1)
        self.cluster.create_or_replace(live)

    def _expired(self, spec: dict[str, Any], now: float) -> bool:
        renewed = _parse(spec.get("renewTime"))
        duration = int(spec.get("leaseDurationSeconds") or self.duration)
        return renewed is None or renewed + duration < now

    def _settle(self, written: dict[str, Any] | None) -> bool:
        if written is None:  # another worker wrote the Lease first
            self.holder = None
            return False
        self.holder = self.identity
        return True

    def _reference(self) -> dict[str, Any]:
        return {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": self.name, "namespace": self.namespace},
        }

    def _lease(self, now: float, *, transitions: int, acquired: float) -> dict[str, Any]:
        lease = self._reference()
        lease["spec"] = {
            "holderIdentity": self.identity,
            "leaseDurationSeconds": self.duration,
            "acquireTime": _format(acquired),
            "renewTime": _format(now),
            "leaseTransitions": transitions,
        }
        return lease


def _format(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime(_TIME_FORMAT)


def _parse(value: Any) -> float | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return value.timestamp()
    text = str(value).replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None
