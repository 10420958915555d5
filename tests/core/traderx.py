"""Builders of MicroTraderX units (plain documents) for the core tests."""

from __future__ import annotations

from typing import Any

REGISTRY = "ghcr.io/finos/traderx"
DIGEST = "sha256:" + "ab" * 32


def service_unit(name: str, *, replicas: int = 3, tag: str = "v1", port: int = 18092) -> list[dict[str, Any]]:
    """A TraderX unit: a Deployment of `ghcr.io/finos/traderx/<name>` and its Service."""
    labels = {"app": name}
    container = {
        "name": name,
        "image": f"{REGISTRY}/{name}:{tag}",
        "env": [
            {"name": "REFERENCE_DATA_URL", "value": "http://reference-data:18085"},
            {"name": "TRADING_ALGORITHM", "value": "quantum"},
        ],
        "ports": [{"containerPort": port}],
    }
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": dict(labels)},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": {"labels": dict(labels)}, "spec": {"containers": [container]}},
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": dict(labels), "ports": [{"port": port}]},
    }
    return [deployment, service]


def hpa(name: str, *, target: str, kind: str = "Deployment") -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target}, "maxReplicas": 9},
    }


def pod_spec(document: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = document["spec"]["template"]["spec"]
    return spec


def env_of(document: dict[str, Any], container: int = 0) -> dict[str, Any]:
    return {entry["name"]: entry.get("value") for entry in pod_spec(document)["containers"][container]["env"]}


def images(documents: list[dict[str, Any]]) -> list[str]:
    return [c["image"] for d in documents if d["kind"] == "Deployment" for c in pod_spec(d)["containers"]]


IMAGE = "ghcr.io/finos/traderx/trade-service"


def trade_service() -> list[dict[str, Any]]:
    """trade-service as the base space ships it, with a proxy sidecar: a Deployment and its Service."""
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "trade-service", "labels": {"app": "trade-service"}},
            "spec": {
                "replicas": 3,
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
                "template": {
                    "metadata": {"labels": {"app": "trade-service"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "trade-service",
                                "image": f"{IMAGE}:v1",
                                "args": ["--port", "18092"],
                                "env": [
                                    {"name": "REFERENCE_DATA_URL", "value": "http://reference-data:18085"},
                                    {"name": "TRADING_ALGORITHM", "value": "classic"},
                                ],
                                "ports": [{"name": "http", "containerPort": 18092}],
                            },
                            {"name": "proxy", "image": "envoyproxy/envoy:v1.30.1"},
                        ]
                    },
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "trade-service", "finalizers": ["a", "b", "c"]},
            "spec": {"ports": [{"port": 18092}]},
        },
    ]


def containers_patch(*containers: Any) -> dict[str, Any]:
    return {"spec": {"template": {"spec": {"containers": list(containers)}}}}


def containers_of(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = documents[0]["spec"]["template"]["spec"]["containers"]
    return found


def app(documents: list[dict[str, Any]]) -> dict[str, Any]:
    return containers_of(documents)[0]
