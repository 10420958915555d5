"""TraderX-shaped manifests for delivery tests (images are never pulled by the test cluster)."""

from __future__ import annotations

from typing import Any

from mtx_gitops.core.model import Space, UnitRef
from mtx_gitops.delivery.render import render_space

IMAGE = "ghcr.io/finos/traderx/{service}:{tag}"


def deployment(
    service: str,
    *,
    replicas: int = 1,
    tag: str = "latest",
    env: dict[str, str] | None = None,
    port: int = 18085,
) -> dict[str, Any]:
    """A TraderX service Deployment as the app team ships it (no namespace, no mtx labels)."""
    container: dict[str, Any] = {
        "name": service,
        "image": IMAGE.format(service=service, tag=tag),
        "ports": [{"containerPort": port}],
        "resources": {"requests": {"cpu": "0.1", "memory": "128Mi"}},
    }
    if env:
        container["env"] = [{"name": k, "value": v} for k, v in env.items()]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": service, "labels": {"app": service}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": service}},
            "template": {"metadata": {"labels": {"app": service}}, "spec": {"containers": [container]}},
        },
    }


def service(name: str, *, port: int = 18085) -> dict[str, Any]:
    """A Service without `protocol` on its port, as most charts write it."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": name}, "ports": [{"port": port, "targetPort": port}]},
    }


def config_map(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": dict(data)}


def render(
    space: str,
    units: dict[str, list[dict[str, Any]]],
    *,
    commit: str = "1" * 40,
    namespace: str | None = None,
) -> list[dict[str, Any]]:
    """render_space over {unit: documents} for one space."""
    return render_space(
        [(UnitRef(space, unit), docs) for unit, docs in units.items()],
        space=Space(space, namespace=namespace),
        commit=commit,
    )
