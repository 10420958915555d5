"""Health of each kind on the real API server (v1.20, controller-manager, fake kubelet).

Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, PVCs and CRDs are judged from what the
real controllers write. Where no controller runs here the test writes the status itself, and says
so: a LoadBalancer's address (no cloud controller), a Job's Complete/Failed (the fake kubelet never
ends a pod) and a custom resource's conditions (no operator).
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from mtx_gitops.delivery.apply import apply_objects
from mtx_gitops.delivery.status import space_status
from tests.delivery.conftest import KubeCluster
from tests.delivery.traderx import deployment, render

pytestmark = [pytest.mark.kube, pytest.mark.xdist_group("kube")]

LABELS = {"matchLabels": {"app": "agent"}}
POD = {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [{"name": "a", "image": "agent"}]}}
CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.health.mtx.dev"},
    "spec": {
        "group": "health.mtx.dev",
        "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
        "versions": [{"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                      "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}],
    },
}  # fmt: skip


def manifests(name: str) -> list[dict[str, Any]]:
    stuck = deployment("stuck")
    stuck["spec"]["progressDeadlineSeconds"] = 1
    stuck["spec"]["template"]["spec"]["nodeName"] = "no-such-node"  # the fake kubelet never runs it
    return [
        deployment("web", replicas=2),
        stuck,
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
         "spec": {"serviceName": "db", "replicas": 2, "selector": {"matchLabels": {"app": "db"}},
                  "template": {"metadata": {"labels": {"app": "db"}}, "spec": POD["spec"]}}},
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
         "spec": {"selector": LABELS, "template": POD}},
        {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
         "spec": {"template": {"spec": {**POD["spec"], "restartPolicy": "Never"}}}},
        {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": f"{name}-pv"},
         "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": name,
                  "hostPath": {"path": "/tmp/mtx-health"}}},
        {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
         "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": name,
                  "resources": {"requests": {"storage": "1Gi"}}}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "edge"},
         "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
                  "ports": [{"port": 80, "targetPort": 18085, "protocol": "TCP"}]}},
        CRD,
        {"apiVersion": "health.mtx.dev/v1", "kind": "Widget", "metadata": {"name": "gizmo"}, "spec": {"size": 1}},
    ]  # fmt: skip


def healths(cluster: Any, objects: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    return {
        f"{row['kind']}/{row['name']}": (row["health"], row["health_message"]) for row in space_status(cluster, objects)
    }


def until(cluster: Any, objects: list[dict[str, Any]], want: dict[str, str], timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        found = healths(cluster, objects)
        if all(found[name][0] == status for name, status in want.items()) or time.monotonic() > deadline:
            return found
        time.sleep(0.5)


def patch_status(kube: KubeCluster, kind: str, name: str, namespace: str, status: dict[str, Any]) -> None:
    body = json.dumps({"status": status})
    kube.kubectl("patch", kind, name, "-n", namespace, "--subresource=status", "--type=merge", "-p", body)


def test_health_of_each_kind(kube: KubeCluster, cluster: Any, space_name: Any) -> None:
    space = space_name("kinds")
    objects = render(space, {"all": manifests(space)})
    apply_objects(cluster, objects, space=space)

    found = until(cluster, objects, {
        "Deployment/web": "Healthy", "Deployment/stuck": "Degraded", "StatefulSet/db": "Healthy",
        "DaemonSet/agent": "Healthy", "PersistentVolumeClaim/data": "Healthy", "Job/migrate": "Healthy",
    })  # fmt: skip

    assert {name: status for name, (status, _message) in found.items()} == {
        "Deployment/web": "Healthy", "Deployment/stuck": "Degraded", "StatefulSet/db": "Healthy",
        "DaemonSet/agent": "Healthy", "Job/migrate": "Healthy", "PersistentVolume/" + f"{space}-pv": "Healthy",
        "PersistentVolumeClaim/data": "Healthy", "Service/edge": "Progressing",
        "CustomResourceDefinition/widgets.health.mtx.dev": "Healthy", "Widget/gizmo": "Healthy",
    }  # fmt: skip
    assert found["Deployment/stuck"][1] == "Progress deadline exceeded"
    assert found["Job/migrate"][1].startswith("Job in progress")  # kstatus: a started Job is Current
    assert found["PersistentVolumeClaim/data"][1] == "PVC is Bound"  # bound by the real PV controller
    assert "load balancer" in found["Service/edge"][1]

    # No cloud controller, Job end or operator runs here: the test writes those statuses itself.
    patch_status(kube, "service", "edge", space, {"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}]}})
    failed = {
        "type": "Failed",
        "status": "True",
        "reason": "BackoffLimitExceeded",
        "lastTransitionTime": "2026-01-01T00:00:00Z",
    }
    patch_status(kube, "job", "migrate", space, {"conditions": [failed]})
    patch_status(
        kube,
        "widgets.health.mtx.dev",
        "gizmo",
        space,
        {"conditions": [{"type": "Ready", "status": "False", "message": "warming"}]},
    )
    found = healths(cluster, objects)
    assert (found["Service/edge"][0], found["Job/migrate"][0], found["Widget/gizmo"]) == (
        "Healthy", "Degraded", ("Progressing", "warming"))  # fmt: skip

    patch_status(kube, "widgets.health.mtx.dev", "gizmo", space, {"observedGeneration": 0, "conditions": [
        {"type": "Stalled", "status": "True", "message": "quota exhausted"}]})  # fmt: skip
    assert healths(cluster, objects)["Widget/gizmo"][0] == "Progressing"  # generation 1 not observed yet
    patch_status(kube, "widgets.health.mtx.dev", "gizmo", space, {"observedGeneration": 1})
    assert healths(cluster, objects)["Widget/gizmo"] == ("Degraded", "quota exhausted")
    kube.kubectl("delete", "persistentvolume", f"{space}-pv", "--wait=false")
