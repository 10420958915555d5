"""Strategic merge patches on built-in kinds, checked against `kubectl patch --local` itself.

Each case is a generated (object, patch) pair; kubectl (any recent version: it patches files
without a cluster) computes the expected result from its own Go types, and mtx must agree.
"""

from __future__ import annotations

import copy
import itertools
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mtx_gitops.core.patch import apply_patch
from mtx_gitops.schema.types import official

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on PATH (the oracle for these cases)")


def _pod_spec(*, app: str) -> dict[str, Any]:
    return {
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "trading", "effect": "NoSchedule"}],
        "nodeSelector": {"disk": "ssd"},
        "volumes": [{"name": "config", "configMap": {"name": app}}, {"name": "cache", "emptyDir": {}}],
        "containers": [
            {
                "name": app,
                "image": f"ghcr.io/finos/{app}:1.0",
                "args": ["--port", "8080"],
                "env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "REGION", "value": "us"}],
                "ports": [{"containerPort": 8080, "name": "http"}, {"containerPort": 53, "protocol": "UDP"}],
                "volumeMounts": [{"name": "config", "mountPath": "/etc/app"}],
                "resources": {"limits": {"memory": "256Mi", "cpu": "500m"}},
            },
            {"name": "proxy", "image": "envoyproxy/envoy:v1.29", "ports": [{"containerPort": 9901}]},
        ],
    }


def _objects() -> dict[str, dict[str, Any]]:
    template = {"metadata": {"labels": {"app": "trade"}}, "spec": _pod_spec(app="trade")}
    meta = {"name": "trade", "labels": {"app": "trade"}, "finalizers": ["example.com/a", "example.com/b"]}
    return {
        "Deployment": {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": copy.deepcopy(meta),
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "trade"}},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
                "template": copy.deepcopy(template),
            },
        },
        "StatefulSet": {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": copy.deepcopy(meta),
            "spec": {
                "serviceName": "trade",
                "selector": {"matchLabels": {"app": "trade"}},
                "template": copy.deepcopy(template),
            },
        },
        "CronJob": {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": copy.deepcopy(meta),
            "spec": {
                "schedule": "*/5 * * * *",
                "jobTemplate": {"spec": {"template": copy.deepcopy(template)}},
            },
        },
    }


def _pod_patches() -> list[tuple[str, dict[str, Any]]]:
    """Patches of a pod spec, by what they exercise."""
    return [
        ("tolerations are atomic", {"tolerations": [{"operator": "Exists"}]}),
        ("a container's image", {"containers": [{"name": "trade", "image": "ghcr.io/finos/trade:2.0"}]}),
        ("a new container", {"containers": [{"name": "metrics", "image": "prom/statsd:v0.26"}]}),
        ("env merges by name", {"containers": [{"name": "trade", "env": [{"name": "REGION", "value": "eu"}]}]}),
        ("a new env var", {"containers": [{"name": "trade", "env": [{"name": "NEW", "value": "1"}]}]}),
        ("args are atomic", {"containers": [{"name": "trade", "args": ["--port", "9090"]}]}),
        (
            "a port by containerPort",
            {"containers": [{"name": "trade", "ports": [{"containerPort": 8080, "hostPort": 80}]}]},
        ),
        ("a new port", {"containers": [{"name": "trade", "ports": [{"containerPort": 9000}]}]}),
        (
            "a volume mount by mountPath",
            {"containers": [{"name": "trade", "volumeMounts": [{"mountPath": "/etc/app", "readOnly": True}]}]},
        ),
        ("volumes merge by name", {"volumes": [{"name": "cache", "emptyDir": {"medium": "Memory"}}]}),
        ("delete a container", {"containers": [{"name": "proxy", "$patch": "delete"}]}),
        (
            "delete an env var",
            {"containers": [{"name": "trade", "env": [{"name": "LOG_LEVEL", "$patch": "delete"}]}]},
        ),
        ("replace the containers", {"containers": [{"$patch": "replace"}, {"name": "only", "image": "busybox"}]}),
        ("a quantity", {"containers": [{"name": "trade", "resources": {"limits": {"memory": "1Gi"}}}]}),
        ("null deletes a limit", {"containers": [{"name": "trade", "resources": {"limits": {"cpu": None}}}]}),
        ("nodeSelector merges", {"nodeSelector": {"zone": "a"}}),
        ("an empty list leaves a keyed list", {"containers": []}),
        (
            "element order",
            {"$setElementOrder/containers": [{"name": "proxy"}, {"name": "trade"}]},
        ),
        (
            "order with a change",
            {
                "$setElementOrder/containers": [{"name": "proxy"}, {"name": "trade"}],
                "containers": [{"name": "trade", "image": "x:1"}],
            },
        ),
    ]


def _meta_patches() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("finalizers are a union", {"metadata": {"finalizers": ["example.com/c", "example.com/a"]}}),
        ("delete from a primitive list", {"metadata": {"$deleteFromPrimitiveList/finalizers": ["example.com/a"]}}),
        ("a label", {"metadata": {"labels": {"tier": "backend"}}}),
        ("replace the labels", {"metadata": {"labels": {"$patch": "replace", "only": "this"}}}),
        ("delete a label", {"metadata": {"labels": {"app": None}}}),
    ]


def _pod_path(kind: str) -> list[str]:
    return {"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"]}.get(kind, ["spec", "template", "spec"])


def _nest(path: list[str], value: dict[str, Any]) -> dict[str, Any]:
    for key in reversed(path):
        value = {key: value}
    return value


def _cases() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    cases = []
    objects = _objects()
    for (kind, obj), (what, patch) in itertools.product(objects.items(), _pod_patches()):
        cases.append((f"{kind}: {what}", obj, _nest(_pod_path(kind), patch)))
    for (kind, obj), (what, patch) in itertools.product(objects.items(), _meta_patches()):
        cases.append((f"{kind}: {what}", obj, patch))
    deployment = objects["Deployment"]
    cases += [
        ("Deployment: replicas", deployment, {"spec": {"replicas": 5}}),
        ("Deployment: strategy merges", deployment, {"spec": {"strategy": {"rollingUpdate": {"maxUnavailable": 0}}}}),
        ("Deployment: selector merges", deployment, {"spec": {"selector": {"matchLabels": {"tier": "x"}}}}),
    ]
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "trade"},
        "spec": {"selector": {"app": "trade"}, "ports": [{"port": 80, "targetPort": 8080, "name": "http"}]},
    }
    cases += [
        ("Service: a port by port", service, {"spec": {"ports": [{"port": 80, "targetPort": "http"}]}}),
        ("Service: a new port", service, {"spec": {"ports": [{"port": 443, "targetPort": 8443}]}}),
        ("Service: selector", service, {"spec": {"selector": {"tier": "web"}}}),
    ]
    return cases


CASES = _cases()


def _kubectl(obj: dict[str, Any], patch: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    source = tmp_path / "object.json"
    source.write_text(json.dumps(obj), encoding="utf-8")
    assert KUBECTL is not None
    done = subprocess.run(
        [KUBECTL, "patch", "--local", "-f", str(source), "--type", "strategic", "-p", json.dumps(patch), "-o", "json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_there_are_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize(("what", "obj", "patch"), CASES, ids=[case[0] for case in CASES])
def test_mtx_agrees_with_kubectl(what: str, obj: dict[str, Any], patch: dict[str, Any], tmp_path: Path) -> None:
    expected = _kubectl(obj, patch, tmp_path)

    (patched,) = apply_patch([copy.deepcopy(obj)], patch, types=official())

    assert patched == expected, what
