"""`mtx unit apply` and `unit destroy` on the real API server: the guarantees of `mtx apply`, per unit."""

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


def ref(kind: str, name: str, namespace: str) -> dict[str, Any]:
    api = "apps/v1" if kind == "Deployment" else "v1"
    return {"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": namespace}}


@pytest.fixture
def two_units(mtx: Mtx, kubeconfig: str, space_name: Any, tmp_path: Path) -> str:
    space = space_name("units")
    mtx("target", "create", "kube", "--kind", "kubernetes", "--kubeconfig", kubeconfig)
    mtx("target", "create", "kube-too", "--kind", "kubernetes", "--kubeconfig", kubeconfig)  # the same cluster
    mtx("space", "create", space, "--target", "kube")
    mtx("unit", "create", "web", unit_file(tmp_path / "web.yaml", deployment("web")), "--space", space)
    mtx("unit", "create", "settings", unit_file(tmp_path / "cfg.yaml", config_map("cfg", a="b")), "--space", space)
    return space


def test_unit_apply_applies_only_its_units_and_validates_all_first(
    mtx: Mtx, cluster: Any, two_units: str, tmp_path: Path
) -> None:
    space = two_units
    bad = deployment("broken")
    bad["spec"]["selector"] = {"matchLabels": {"app": "other"}}  # the API server refuses it: no template match
    mtx("unit", "create", "broken", unit_file(tmp_path / "bad.yaml", bad), "--space", space)

    (applied,) = mtx.json("unit", "apply", "settings", "--space", space)
    assert [a["object"] for a in applied["actions"] if a["action"] != "namespace"] == [f"ConfigMap {space}/cfg"]
    assert cluster.get(ref("Deployment", "web", space)) is None  # not named: not applied

    refused = mtx("unit", "apply", "--space", space, "--unit", "web,broken", ok=False)
    assert refused.code == 1 and "(server dry-run; nothing was applied)" in refused.err
    assert cluster.get(ref("Deployment", "web", space)) is None  # validated together: the good one waited


def test_unit_apply_puts_back_what_it_applied_when_one_is_refused(
    mtx: Mtx, cluster: Any, kubeconfig: str, space_name: Any, tmp_path: Path
) -> None:
    space = space_name("fresh")  # a new namespace: its objects are dry-run once it exists
    mtx("target", "create", "kube", "--kind", "kubernetes", "--kubeconfig", kubeconfig)
    mtx("space", "create", space, "--target", "kube")
    mtx("unit", "create", "settings", unit_file(tmp_path / "cfg.yaml", config_map("cfg", a="b")), "--space", space)
    bad = deployment("broken")
    bad["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    mtx("unit", "create", "broken", unit_file(tmp_path / "bad.yaml", bad), "--space", space)
    refused = mtx("unit", "apply", "--space", space, "--unit", "settings,broken", ok=False)
    assert refused.code == 1 and "rejected after its namespace or CRD was applied" in refused.err
    assert "(put back 2 of 2 applied objects)" in refused.err
    assert cluster.get(ref("ConfigMap", "cfg", space)) is None


def test_unit_apply_prunes_only_its_units_and_destroy_deletes_only_theirs(
    mtx: Mtx, cluster: Any, two_units: str
) -> None:
    space = two_units
    mtx("apply", "--space", space)
    mtx("unit", "delete", "web", "--space", space)  # web left git; its Deployment is still live

    mtx("unit", "apply", "settings", "--space", space, "--prune")
    assert cluster.get(ref("Deployment", "web", space)) is not None  # not settings' to prune
    (dry,) = mtx.json("unit", "destroy", "settings", "--space", space, "--dry-run")
    assert dry["deleted"] == [f"ConfigMap {space}/cfg"] and cluster.get(ref("ConfigMap", "cfg", space)) is not None

    mtx("unit", "destroy", "settings", "--space", space)
    assert cluster.get(ref("ConfigMap", "cfg", space)) is None
    assert cluster.get(ref("Deployment", "web", space)) is not None
    mtx("apply", "--space", space, "--prune", "--allow-empty")
    live = cluster.get(ref("Deployment", "web", space))
    assert live is None or live["metadata"].get("deletionTimestamp")


def test_a_unit_on_its_own_target_in_the_same_cluster_is_not_pruned_by_its_space(
    mtx: Mtx, cluster: Any, two_units: str
) -> None:
    space = two_units
    mtx("unit", "set-target", "web", "kube-too", "--space", space)
    results = mtx.json("apply", "--space", space, "--prune")
    objects = sorted(a["object"] for r in results for a in r["actions"] if a["action"] != "namespace")
    assert objects == [f"ConfigMap {space}/cfg", f"apps/Deployment {space}/web"] and len(results) == 2
    assert cluster.get(ref("Deployment", "web", space)) is not None
    assert cluster.get(ref("ConfigMap", "cfg", space)) is not None
    again = mtx.json("apply", "--space", space, "--prune")
    assert all(a["action"] == "unchanged" for r in again for a in r["actions"])  # nobody prunes the other's
