"""Health rules over plain objects, case by case as kstatus states them (the live versions: tests/delivery)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mtx_gitops.core.health import health_of, ready_of

NOW = datetime(2026, 12, 4, 12, 0, 0, tzinfo=UTC)


def obj(api: str, kind: str, *, spec: Any = None, status: Any = None, **meta: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"apiVersion": api, "kind": kind, "metadata": {"name": "x", **meta}}
    if spec is not None:
        data["spec"] = spec
    if status is not None:
        data["status"] = status
    return data


def cond(kind: str, status: str, reason: str = "", message: str = "") -> dict[str, str]:
    return {"type": kind, "status": status, "reason": reason, "message": message}


def health(live: dict[str, Any] | None) -> tuple[str, str]:
    found = health_of(live, now=NOW)
    return found.status, found.message


def deployment(**status: Any) -> dict[str, Any]:
    done = {"replicas": 3, "updatedReplicas": 3, "readyReplicas": 3, "availableReplicas": 3, "observedGeneration": 2}
    conditions = [cond("Available", "True"), cond("Progressing", "True", "NewReplicaSetAvailable")]
    full = {**done, "conditions": conditions, **status}
    return obj("apps/v1", "Deployment", spec={"replicas": 3, "progressDeadlineSeconds": 600}, status=full, generation=2)


def test_missing_and_generic_rules_come_first() -> None:
    assert health(None) == ("Missing", "not found")
    assert health(deployment() | {"metadata": {"deletionTimestamp": "2026-12-04T11:00:00Z"}})[0] == "Progressing"
    assert health(deployment(observedGeneration=1)) == (
        "Progressing", "Deployment generation is 2, but latest observed generation is 1")  # fmt: skip
    stalled = obj("example.com/v1", "Widget", status={"conditions": [cond("Stalled", "True", "Bad", "quota")]})
    reconciling = obj("example.com/v1", "Widget", status={"conditions": [cond("Reconciling", "True", "Wait")]})
    assert health(stalled) == ("Degraded", "quota")
    assert health(reconciling) == ("Progressing", "Wait")


def test_deployment_rollout() -> None:
    assert health(deployment())[0] == "Healthy"
    assert health(deployment(updatedReplicas=2)) == ("Progressing", "Updated: 2/3")
    assert health(deployment(replicas=4)) == ("Progressing", "Pending termination: 1")
    assert health(deployment(availableReplicas=1)) == ("Progressing", "Available: 1/3")
    stuck = [cond("Progressing", "False", "ProgressDeadlineExceeded"), cond("Available", "False")]
    assert health(deployment(conditions=stuck)) == ("Degraded", "Progress deadline exceeded")
    assert health(deployment(conditions=[cond("Available", "True")])) == ("Progressing", "ReplicaSet not Available")
    assert ready_of(deployment(availableReplicas=1), health_of(None, now=NOW)) == "1/3"


def test_statefulset_and_daemonset_by_counts() -> None:
    counts = {"replicas": 2, "readyReplicas": 2, "currentReplicas": 2, "updatedReplicas": 2, "observedGeneration": 1}
    revs = {"currentRevision": "a", "updateRevision": "a"}
    sts = obj("apps/v1", "StatefulSet", spec={"replicas": 2}, status=counts | revs, generation=1)
    assert health(sts)[0] == "Healthy"
    assert health(sts | {"status": counts | {"readyReplicas": 1}}) == ("Progressing", "Ready: 1/2")
    assert health(sts | {"status": counts | {"updateRevision": "b", "currentRevision": "a"}})[0] == "Progressing"
    on_delete = sts | {"spec": {"replicas": 2, "updateStrategy": {"type": "OnDelete"}}, "status": {}}
    assert health(on_delete)[0] == "Healthy"

    ds_status = {"desiredNumberScheduled": 1, "currentNumberScheduled": 1, "updatedNumberScheduled": 1,
                 "numberAvailable": 1, "numberReady": 1, "observedGeneration": 1}  # fmt: skip
    ds = obj("apps/v1", "DaemonSet", status=ds_status, generation=1)
    assert health(ds)[0] == "Healthy"
    assert health(ds | {"status": ds_status | {"numberAvailable": 0}}) == ("Progressing", "Available: 0/1")
    assert health(obj("apps/v1", "DaemonSet", status={}, generation=1))[0] == "Progressing"  # not seen yet


def test_pods() -> None:
    assert health(obj("v1", "Pod", status={"phase": "Running", "conditions": [cond("Ready", "True")]}))[0] == "Healthy"
    looping = {
        "phase": "Running",
        "containerStatuses": [{"name": "app", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}],
    }
    assert health(obj("v1", "Pod", status=looping)) == ("Degraded", "Containers in CrashLoop state: app")
    unschedulable = {"phase": "Pending", "conditions": [cond("PodScheduled", "False", "Unschedulable")]}
    fresh = (NOW - timedelta(seconds=5)).isoformat()
    old = (NOW - timedelta(seconds=60)).isoformat()
    assert health(obj("v1", "Pod", status=unschedulable, creationTimestamp=fresh))[0] == "Progressing"
    assert health(obj("v1", "Pod", status=unschedulable, creationTimestamp=old))[0] == "Degraded"
    assert health(obj("v1", "Pod", status={"phase": "Weird"})) == ("Unknown", "unknown Pod phase Weird")
    assert health(obj("v1", "Pod", status={"phase": "Failed"}))[0] == "Healthy"  # kstatus: done; a Job judges


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ({}, ("Progressing", "Job not started")),
        ({"startTime": "t", "active": 1}, ("Healthy", "Job in progress. success: 0, active: 1, failed: 0")),
        ({"succeeded": 1, "conditions": [cond("Complete", "True")]}, ("Healthy", "Job Completed. succeeded: 1/1")),
        (
            {"failed": 6, "conditions": [cond("Failed", "True", "BackoffLimitExceeded")]},
            ("Degraded", "Job Failed. failed: 6/1"),
        ),
    ],
)
def test_jobs(status: dict[str, Any], expected: tuple[str, str]) -> None:
    assert health(obj("batch/v1", "Job", spec={}, status=status)) == expected


def test_pvc_service_crd_and_custom_resources() -> None:
    assert health(obj("v1", "PersistentVolumeClaim", status={"phase": "Pending"}))[0] == "Progressing"
    assert health(obj("v1", "PersistentVolumeClaim", status={"phase": "Bound"}))[0] == "Healthy"
    lb = obj("v1", "Service", spec={"type": "LoadBalancer", "clusterIP": "10.0.0.1"}, status={"loadBalancer": {}})
    assert health(lb)[0] == "Progressing"
    assert health(lb | {"status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.1"}]}}})[0] == "Healthy"
    assert health(obj("v1", "Service", spec={"clusterIP": "10.0.0.2"}))[0] == "Healthy"
    crd = "apiextensions.k8s.io/v1"
    assert (
        health(obj(crd, "CustomResourceDefinition", status={"conditions": [cond("Established", "True")]}))[0]
        == "Healthy"
    )
    clash = [cond("NamesAccepted", "False", "MultipleNamesNotAllowed", "plural clashes")]
    assert health(obj(crd, "CustomResourceDefinition", status={"conditions": clash})) == ("Degraded", "plural clashes")
    assert health(obj(crd, "CustomResourceDefinition", status={}))[0] == "Progressing"
    ready = obj("example.com/v1", "Widget", status={"conditions": [cond("Ready", "False", "Waiting", "no quota")]})
    assert health(ready) == ("Progressing", "no quota")
    assert health(ready | {"status": {"conditions": [cond("Ready", "True")]}})[0] == "Healthy"
    assert health(obj("example.com/v1", "Widget"))[0] == "Healthy"  # no conditions: nothing to wait for
    assert health(obj("example.com/v1", "Widget", status={"conditions": "nope"}))[0] == "Unknown"
    assert health(obj("v1", "ConfigMap"))[0] == "Healthy"
