"""`mtx tutorial --kubeconfig`: the seven MicroTraderX stages delivered to the real API server."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtx_gitops.tutorial.deploy import kubeconfig_cluster
from tests.conftest import Mtx, run

pytestmark = [pytest.mark.kube, pytest.mark.xdist_group("kube")]


def test_all_seven_stages_run_on_the_cluster_with_pods_running(
    kubeconfig: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")  # the drawings as a terminal shows them
    if run("apply", "--help").code != 0:
        pytest.skip("`mtx apply` has not landed yet (delivery)")
    root = tmp_path / "microtraderx"
    result = run("tutorial", "--kubeconfig", kubeconfig, "--repo", str(root))
    assert result.code == 0, result.err + result.out[-3000:]
    assert "■ ■ ■ ■ ■ Running ✓ 5/5" in result.out  # stage 3: EU's five trade-service pods
    server = kubeconfig_cluster(kubeconfig).server
    assert result.out.count(f"about to change the cluster at {server} (context mtx,") == 7
    m = Mtx(root)
    for region, replicas in (("us", 3), ("eu", 2), ("asia", 2)):
        rows = m.json("status", "--space", f"traderx-prod-{region}")
        [trade] = [r for r in rows if r["kind"] == "Deployment" and r["name"] == "trade-service"]
        assert (trade["sync"], trade["health"], trade["ready"]) == ("Synced", "Healthy", f"{replicas}/{replicas}")
