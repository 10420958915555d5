"""Links on the real API server: the namespace unit goes first, the apps land in the namespace it
provides, and a unit still holding a placeholder is refused before anything is applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Mtx
from tests.delivery.traderx import config_map, deployment

pytestmark = [pytest.mark.kube, pytest.mark.xdist_group("kube")]


def unit_file(path: Path, *docs: dict[str, Any]) -> str:
    path.write_text("\n---\n".join(json.dumps(doc) for doc in docs))
    return str(path)


def placed(doc: dict[str, Any]) -> dict[str, Any]:
    doc["metadata"]["namespace"] = "confighubplaceholder"
    return doc


def test_links_fill_the_namespace_and_apply_providers_first(
    mtx: Mtx, kubeconfig: str, cluster: Any, space_name: Any, tmp_path: Path
) -> None:
    apps, infra, namespace = space_name("a-apps"), space_name("z-infra"), space_name("ns")
    both = apps.rsplit("-a-apps-", 1)[0] + "-*"  # apps sorts first: only the links put infra first
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "confighubplaceholder"}}
    mtx("target", "create", "kube", "--kind", "kubernetes", "--kubeconfig", kubeconfig)
    mtx("space", "create", infra, "--target", "kube")
    mtx("space", "create", apps, "--target", "kube")
    mtx("unit", "create", "ns", unit_file(tmp_path / "ns.yaml", ns), "--space", infra)
    mtx("run", "set-string-path", "--path", "metadata.name", "--value", namespace, "--unit", "ns", "--space", infra)
    mtx("unit", "create", "web", unit_file(tmp_path / "web.yaml", placed(deployment("web"))), "--space", apps)
    mtx("unit", "create", "settings", unit_file(tmp_path / "cfg.yaml", placed(config_map("cfg", a="b"))),
        "--space", apps)  # fmt: skip
    namespace_ref = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}

    refused = mtx("apply", "--space", both, ok=False)
    assert refused.code == 1 and "holds a placeholder at metadata.namespace" in refused.err
    assert cluster.get(namespace_ref) is None  # the infra space sorts second but nothing at all was applied

    mtx("link", "create", "--space", apps, "web-to-ns", "web", "ns", infra)
    mtx("link", "create", "--space", apps, "settings-to-ns", "settings", "ns", infra)
    mtx("link", "create", "--space", apps, "web-to-settings", "web", "settings", "--update-type", "None")
    results = mtx.json("apply", "--space", both)

    assert [r["space"] for r in results] == [infra, apps]
    assert [(a["wave"], a["object"]) for a in results[1]["actions"]] == [
        (0, f"ConfigMap {namespace}/cfg"), (1, f"apps/Deployment {namespace}/web")]  # fmt: skip
    live = cluster.get(
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": namespace}}
    )
    assert live is not None and live["metadata"]["labels"]["mtx.dev/space"] == apps
    assert cluster.get({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": apps}}) is None
