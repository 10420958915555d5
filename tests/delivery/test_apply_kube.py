"""`apply` and `status` on a real v1.20 API server: the guide's stages 1 and 3, drift, prune, rollback."""

from __future__ import annotations

import time
from typing import Any

import pytest

from mtx_gitops.delivery.apply import apply_objects
from mtx_gitops.delivery.status import space_status
from mtx_gitops.errors import ClusterError, RefusedError
from tests.delivery.traderx import config_map, deployment, render, service

pytestmark = [pytest.mark.kube, pytest.mark.xdist_group("kube")]


def wait_for_status(
    cluster: Any, objects: list[dict[str, Any]], *, kind: str = "Deployment", timeout: float = 45.0
) -> list[dict[str, Any]]:
    """Status rows of `kind` once every one is Healthy with all pods Running."""
    deadline = time.monotonic() + timeout
    while True:
        rows = [row for row in space_status(cluster, objects) if row["kind"] == kind]
        done = all(row["health"] == "Healthy" and row["pods"]["running"] == row["pods"]["total"] for row in rows)
        if done or time.monotonic() > deadline:
            return rows
        time.sleep(0.3)


def test_stage1_reference_data_runs(cluster: Any, space_name: Any) -> None:
    traderx = space_name("traderx")
    objects = render(traderx, {"reference-data": [deployment("reference-data"), service("reference-data")]})

    report = apply_objects(cluster, objects, space=traderx)

    assert [a.action for a in report.actions] == ["namespace", "create", "create"]
    (row,) = wait_for_status(cluster, objects)
    assert row | {"drift": [], "pods": row["pods"]} == {
        "space": traderx, "unit": "reference-data", "kind": "Deployment", "name": "reference-data",
        "namespace": traderx, "git_revision": "1" * 40, "live_revision": "1" * 40, "sync": "Synced",
        "health": "Healthy", "health_message": "Deployment is available. Replicas: 1", "ready": "1/1",
        "drift": [], "pods": {"running": 1, "total": 1},
    }  # fmt: skip


def test_stage3_three_regions_scale_trade_service(cluster: Any, space_name: Any) -> None:
    regions = {"us": 3, "eu": 5, "asia": 2}
    rendered = {}
    for region, replicas in regions.items():
        space = space_name(f"prod-{region}")
        rendered[region] = render(space, {
            "reference-data": [deployment("reference-data")],
            "trade-service": [deployment("trade-service", replicas=replicas)],
        })  # fmt: skip
        apply_objects(cluster, rendered[region], space=space)

    ready = {
        region: {row["name"]: row["ready"] for row in wait_for_status(cluster, objects)}
        for region, objects in rendered.items()
    }
    assert ready == {"us": {"reference-data": "1/1", "trade-service": "3/3"},
                     "eu": {"reference-data": "1/1", "trade-service": "5/5"},
                     "asia": {"reference-data": "1/1", "trade-service": "2/2"}}  # fmt: skip


def test_kubectl_scale_is_drift_and_apply_restores(cluster: Any, kube: Any, space_name: Any) -> None:
    eu = space_name("eu")
    objects = render(eu, {"trade-service": [deployment("trade-service", replicas=5)]})
    apply_objects(cluster, objects, space=eu)

    kube.kubectl("-n", eu, "scale", "deployment/trade-service", "--replicas=1")

    (row,) = space_status(cluster, objects)
    assert (row["sync"], row["drift"]) == ("Drifted", ["spec.replicas"])
    report = apply_objects(cluster, objects, space=eu)
    assert [a.action for a in report.actions] == ["update"]
    (row,) = space_status(cluster, objects)
    assert row["sync"] == "Synced"
    assert kube.kubectl("-n", eu, "get", "deployment/trade-service", "-o", "jsonpath={.spec.replicas}") == "5"


def test_unchanged_space_is_skipped(cluster: Any, space_name: Any) -> None:
    big = space_name("big")
    units = {f"svc-{i:02d}": [deployment(f"svc-{i:02d}"), service(f"svc-{i:02d}")] for i in range(20)}
    cold = apply_objects(cluster, render(big, units, commit="1" * 40), space=big)
    assert cold.count("create") == 40

    again = apply_objects(cluster, render(big, units, commit="2" * 40), space=big)

    assert (again.count("unchanged"), again.changed) == (40, False)


def test_prune_removes_a_deleted_unit_and_refuses_an_empty_space(cluster: Any, kube: Any, space_name: Any) -> None:
    web = space_name("web")
    both = {"web": [deployment("web"), service("web")], "settings": [config_map("settings", mode="fast")]}
    apply_objects(cluster, render(web, both), space=web)

    report = apply_objects(cluster, render(web, {"web": both["web"]}), space=web, prune=True)

    assert report.actions[0].as_json()["object"] == f"ConfigMap {web}/settings"
    assert report.actions[0].action == "prune"
    assert report.count("prune") == 1  # the Endpoints copying the Service's labels are not ours
    assert "settings" not in kube.kubectl("-n", web, "get", "configmaps", "-o", "name")
    with pytest.raises(RefusedError, match="--allow-empty"):
        apply_objects(cluster, [], space=web, prune=True)
    assert "deployment.apps/web" in kube.kubectl("-n", web, "get", "deployments", "-o", "name")
    emptied = apply_objects(cluster, [], space=web, prune=True, allow_empty=True)
    assert emptied.count("prune") == 2


def test_rejected_object_stops_the_commit_before_anything_is_applied(cluster: Any, kube: Any, space_name: Any) -> None:
    ns = space_name("ref")
    old = render(ns, {"settings": [config_map("settings", version="1")], "web": [deployment("web")]})
    apply_objects(cluster, old, space=ns)
    bad = deployment("web", replicas=-1)  # 422 Invalid

    new = render(ns, {"settings": [config_map("settings", version="2")], "web": [bad]}, commit="2" * 40)
    with pytest.raises(ClusterError, match=rf"apps/Deployment {ns}/web: .*spec.replicas.*nothing was applied"):
        apply_objects(cluster, new, space=ns, previous_objects=old)

    assert kube.kubectl("-n", ns, "get", "cm/settings", "-o", "jsonpath={.data.version}") == "1"


def test_failure_midway_puts_applied_objects_back(cluster: Any, kube: Any, space_name: Any) -> None:
    # A quota admits each new Deployment alone (so every dry run passes) but not both together:
    # the API rejects the third object only when it is really applied.
    ns = space_name("quota")
    old = render(ns, {"settings": [config_map("settings", version="1")], "web-1": [deployment("web-1")]})
    apply_objects(cluster, old, space=ns)
    quota = {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {"name": "deployments", "namespace": ns},
        "spec": {"hard": {"count/deployments.apps": "2"}},
    }
    cluster.apply(quota)
    _wait(lambda: ((cluster.get(quota) or {}).get("status") or {}).get("used"))

    new = render(ns, {
        "settings": [config_map("settings", version="2")],
        "web-1": [deployment("web-1")], "web-2": [deployment("web-2")], "web-3": [deployment("web-3")],
    }, commit="2" * 40)  # fmt: skip
    with pytest.raises(ClusterError, match=rf"apps/Deployment {ns}/web-3: .*exceeded quota.*put back 2 of 2"):
        apply_objects(cluster, new, space=ns, previous_objects=old)

    assert kube.kubectl("-n", ns, "get", "cm/settings", "-o", "jsonpath={.data.version}") == "1"
    names = kube.kubectl("-n", ns, "get", "deployments", "-o", "name").split()
    assert names == ["deployment.apps/web-1"]


def test_moved_unit_is_updated_in_place(cluster: Any, kube: Any, space_name: Any) -> None:
    ns = space_name("shared")
    first, second = f"{ns}-a", f"{ns}-b"
    units = {"orders": [config_map("orders", size="1")], "quotes": [config_map("quotes", size="2")]}
    apply_objects(cluster, render(first, units, namespace=ns), space=first)
    uid = kube.kubectl("-n", ns, "get", "cm/quotes", "-o", "jsonpath={.metadata.uid}")
    moved = render(second, {"quotes": units["quotes"]}, namespace=ns)
    claimed = {"/ConfigMap/" + ns + "/quotes": second}

    kept = apply_objects(
        cluster,
        render(first, {"orders": units["orders"]}, namespace=ns),
        space=first,
        prune=True,
        claimed=claimed,
    )
    apply_objects(cluster, moved, space=second, prune=True)
    again = apply_objects(cluster, render(first, {"orders": units["orders"]}, namespace=ns), space=first, prune=True)

    assert kept.count("prune") == again.count("prune") == 0
    live = kube.kubectl("-n", ns, "get", "cm/quotes", "-o", "jsonpath={.metadata.uid} {.metadata.labels}")
    assert live.startswith(uid) and f'"mtx.dev/space":"{second}"' in live


def test_crd_and_its_custom_resource_in_one_commit(cluster: Any, kube: Any, space_name: Any) -> None:
    ns = space_name("crd")
    group = f"{ns}.example.com"
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": f"widgets.{group}"},
        "spec": {"group": group, "scope": "Namespaced",
                 "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                 "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                     "type": "object", "x-kubernetes-preserve-unknown-fields": True}}}]},
    }  # fmt: skip
    widget = {"apiVersion": f"{group}/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 3}}

    report = apply_objects(cluster, render(ns, {"widget": [widget], "crd": [crd]}), space=ns)

    assert [a.object["kind"] for a in report.actions] == ["Namespace", "CustomResourceDefinition", "Widget"]
    assert kube.kubectl("-n", ns, "get", f"widgets.{group}/w", "-o", "jsonpath={.spec.size}") == "3"
    cluster.delete(crd)


def test_dry_run_changes_nothing(cluster: Any, kube: Any, space_name: Any) -> None:
    ns = space_name("dry")
    apply_objects(cluster, render(ns, {"settings": [config_map("settings")]}), space=ns)

    report = apply_objects(
        cluster,
        render(ns, {"web": [deployment("web")]}),
        space=ns,
        dry_run=True,
        prune=True,
        allow_empty=True,
    )

    assert [a.action for a in report.actions] == ["prune", "create"]
    assert kube.kubectl("-n", ns, "get", "deployments", "-o", "name") == ""
    assert kube.kubectl("-n", ns, "get", "configmap/settings", "-o", "name") == "configmap/settings\n"


def _wait(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)
