"""A 3-region rollout on the real API server: a region that stays unhealthy stops it, `resume` finishes it.

The fake kubelet runs every pod bound to its node; the US region's local edit pins its pods to a
node that does not exist, so its Deployment never becomes Available (as an image that never pulls).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Mtx
from tests.test_stages_4_and_7 import update_base

pytestmark = [pytest.mark.kube, pytest.mark.xdist_group("kube")]

PINNED = '{"spec":{"template":{"spec":{"nodeName":"no-such-node"}}}}'
UNPINNED = '{"spec":{"template":{"spec":{"nodeName":null}}}}'


def image(kube: Any, space: str) -> str:
    path = "jsonpath={.spec.template.spec.containers[0].image}"
    return str(kube.kubectl("-n", space, "get", "deployment", "trade-service", "-o", path))


def test_an_unhealthy_region_stops_the_rollout_and_resume_finishes_it(
    mtx: Mtx, kube: Any, kubeconfig: str, space_name: Any
) -> None:
    regions = {region: space_name(region) for region in ("eu", "us", "asia")}
    mtx("target", "create", "kube", "--kind", "kubernetes", "--kubeconfig", kubeconfig)
    mtx("space", "create", "traderx-base")
    mtx("unit", "create", "trade-service", str(mtx.root / "base/trade-service.yaml"), "--space", "traderx-base")
    for region, space in regions.items():
        mtx("space", "create", space, "--label", f"region={region}", "--label", "env=prod", "--target", "kube")
        mtx("unit", "create", "--space", space, "--upstream-space", "traderx-base")
    mtx("unit", "update", "trade-service", "--space", regions["us"], "--patch", PINNED, "--type", "merge")
    update_base(mtx)
    glob = regions["eu"].split("-eu-")[0] + "-*"  # the three region spaces, not traderx-base
    assert sorted(mtx.json("rollout", "--space", glob, "--wave", "*", "--dry-run")["waves"][0]["spaces"]) == sorted(
        regions.values()
    )
    waves = ["--wave", "Space.Labels.region = 'eu'", "--wave", "Space.Labels.region = 'us'", "--wave", "*"]

    failed = mtx("rollout", "--space", glob, *waves, "--soak", "1s", "--timeout", "30s", ok=False)

    assert failed.code == 1, failed.err
    (line,) = failed.err.splitlines()[-1:]
    assert f"wave 2/3 ({regions['us']}): not Healthy within 30s: apps/Deployment {regions['us']}/trade-service" in line
    assert "`mtx rollout resume` goes on" in line
    assert image(kube, regions["eu"]).endswith(":v2")
    state = mtx.json("rollout", "status")
    assert state["status"] == "failed"
    assert [w["status"] for w in state["waves"]] == ["healthy", "failed", "pending"]
    assert state["waves"][1]["objects"][0]["object"] == f"apps/Deployment {regions['us']}/trade-service"
    asia = mtx.json("unit", "get", "trade-service", "--space", regions["asia"])
    assert asia["upgrade_needed"] is True  # wave 3 was never committed

    mtx("unit", "update", "trade-service", "--space", regions["us"], "--patch", UNPINNED, "--type", "merge")
    resumed = mtx.json("rollout", "resume")

    assert resumed["id"] == state["id"] and resumed["status"] == "done"
    assert [w["status"] for w in resumed["waves"]] == ["healthy", "healthy", "healthy"]
    assert image(kube, regions["asia"]).endswith(":v2") and image(kube, regions["us"]).endswith(":v2")
    rows = mtx.json("status", "--space", regions["asia"])
    assert {(row["kind"], row["health"]) for row in rows} >= {("Deployment", "Healthy")}
    assert "Mtx-Wave: 3/3" in mtx.git("log", "-1", "--format=%B", resumed["commits"][0])
