"""`mtx apply` in waves and `--wait`, through the CLI on the real API server."""

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


def test_a_wave_waits_for_health_and_wait_waits_for_the_last(
    mtx: Mtx, kubeconfig: str, cluster: Any, space_name: Any, tmp_path: Path
) -> None:
    space = space_name("waves")
    app = deployment("app")
    app["spec"]["template"]["spec"]["nodeName"] = "no-such-node"  # no kubelet runs its pod: never Available
    smoke = config_map("smoke", check="ok")
    smoke["metadata"]["annotations"] = {"mtx.dev/wave": "1"}
    mtx("target", "create", "kube", "--kind", "kubernetes", "--kubeconfig", kubeconfig)
    mtx("space", "create", space, "--target", "kube")
    mtx("unit", "create", "app", unit_file(tmp_path / "app.yaml", app), "--space", space)
    mtx("unit", "create", "smoke", unit_file(tmp_path / "smoke.yaml", smoke), "--space", space)

    failed = mtx("apply", "--space", space, "--timeout", "2s", ok=False)

    assert failed.code == 1
    assert failed.err.startswith(f"error: {space} wave 0: not Healthy within 2s: apps/Deployment {space}/app ")
    assert failed.err.count("\n") == 1
    smoke_ref = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "smoke", "namespace": space}}
    assert cluster.get(smoke_ref) is None  # wave 1 was never applied

    unpinned = '{"spec":{"template":{"spec":{"nodeName":null}}}}'
    mtx("unit", "update", "app", "--space", space, "--patch", unpinned, "--type", "merge")
    (applied,) = mtx.json("apply", "--space", space, "--wait", "--timeout", "60s")

    assert [(a["wave"], a["object"]) for a in applied["actions"]] == [
        (0, f"apps/Deployment {space}/app"), (1, f"ConfigMap {space}/smoke")]  # fmt: skip
    rows = mtx.json("status", "--space", space)
    assert {(row["kind"], row["health"]) for row in rows} == {("Deployment", "Healthy"), ("ConfigMap", "Healthy")}
