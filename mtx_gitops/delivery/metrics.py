"""The worker's Prometheus metrics, fed by its events and served at `/metrics` of its endpoints.

`prometheus_client` is imported only here, and only when a worker is given `--metrics-port`. Each
worker has a registry of its own (tests run several in one process).

  mtx_worker_last_delivered_commit_info{commit}   1 for the last commit delivered whole
  mtx_worker_last_delivered_timestamp_seconds     when that was
  mtx_worker_sync_duration_seconds                one fetch-render-deliver pass that delivered (histogram)
  mtx_worker_objects_applied_total{space}         objects created or updated (files/branch files written)
  mtx_worker_objects_pruned_total{space}          objects (files) deleted because their unit left git
  mtx_worker_failures_total{class,error}          failed passes: class transient|permanent, the error type
  mtx_worker_leader                               1 while this worker holds the leader Lease (or runs alone)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mtx_gitops.errors import UserError

if TYPE_CHECKING:
    from mtx_gitops.delivery.events import WorkerEvent

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class WorkerMetrics:
    """The metrics of one worker; `observe` each event, `render` for a scrape."""

    def __init__(self) -> None:
        try:
            import prometheus_client as prom
        except ImportError:
            raise UserError(
                "--metrics-port needs the prometheus_client package (pip install prometheus_client)"
            ) from None
        self._prom = prom
        self.registry = registry = prom.CollectorRegistry()
        self.commit = prom.Gauge(
            "mtx_worker_last_delivered_commit_info", "The last commit delivered whole.", ["commit"], registry=registry
        )
        self.delivered_at = prom.Gauge(
            "mtx_worker_last_delivered_timestamp_seconds", "When the last commit was delivered.", registry=registry
        )
        self.duration = prom.Histogram(
            "mtx_worker_sync_duration_seconds",
            "Duration of a pass that delivered a commit.",
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
            registry=registry,
        )
        self.applied = prom.Counter(
            "mtx_worker_objects_applied", "Objects (or files) written, by space.", ["space"], registry=registry
        )
        self.pruned = prom.Counter(
            "mtx_worker_objects_pruned", "Objects (or files) pruned, by space.", ["space"], registry=registry
        )
        self.failures = prom.Counter(
            "mtx_worker_failures", "Failed passes, by class and error.", ["class", "error"], registry=registry
        )
        self.leader = prom.Gauge("mtx_worker_leader", "1 while this worker is the leader.", registry=registry)

    def observe(self, event: WorkerEvent) -> None:
        """Update the metrics an event speaks of."""
        fields: dict[str, Any] = event.fields
        if event.kind == "delivered":
            self.commit.clear()
            self.commit.labels(commit=event.commit or "").set(1)
            self.delivered_at.set(event.time)
            self.duration.observe(float(fields.get("seconds", 0.0)))
        elif event.kind == "space.delivered":
            self.applied.labels(space=event.space or "").inc(int(fields.get("applied", 0)))
            self.pruned.labels(space=event.space or "").inc(int(fields.get("pruned", 0)))
        elif event.kind == "failed":
            self.failures.labels(**{"class": str(fields.get("class")), "error": str(fields.get("error"))}).inc()
        elif event.kind == "leader":
            self.leader.set(1 if fields.get("leader") else 0)

    def render(self) -> tuple[int, str]:
        """A scrape: the text exposition format."""
        return 200, self._prom.generate_latest(self.registry).decode()
