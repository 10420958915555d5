"""A revert is an ordinary commit: the worker converges on it (a directory target, and a real cluster)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mtx_gitops.delivery.source import CommitSource
from mtx_gitops.delivery.worker import run_worker
from tests.conftest import Mtx, run
from tests.delivery.configrepo import ConfigRepo
from tests.delivery.traderx import deployment


def no_cluster(_target: object) -> object:
    raise AssertionError("a directory target needs no cluster")


def test_the_worker_applies_a_revert_to_a_directory_target(mtx: Mtx) -> None:
    mtx("space", "create", "traderx", "--target", "local")
    mtx("unit", "create", "reference-data", str(mtx.root / "base/reference-data.yaml"), "--space", "traderx")
    delivered = mtx.root / "out/traderx/reference-data.yaml"
    mtx("worker", "--once")
    assert "replicas: 1" in delivered.read_text()
    mtx("unit", "update", "reference-data", "--space", "traderx", "--patch", '{"spec":{"replicas":4}}')
    scaled = mtx.head()
    mtx("unit", "create", "trade-service", str(mtx.root / "base/trade-service.yaml"), "--space", "traderx")
    mtx("worker", "--once")
    assert "replicas: 4" in delivered.read_text()

    mtx("revert", scaled)
    lines = mtx("worker", "--once").out

    assert "replicas: 1" in delivered.read_text()
    assert f"mtx.dev/commit: {mtx.head()}" in delivered.read_text()
    assert (mtx.root / "out/traderx/trade-service.yaml").exists()  # the later commit stays delivered
    assert f"applied {mtx.head()[:12]}" in lines


@pytest.mark.kube
@pytest.mark.xdist_group("kube")
def test_the_worker_applies_a_revert_to_a_cluster(tmp_path: Path, kube: Any, cluster: Any, space_name: Any) -> None:
    space = space_name("prod")
    repo = ConfigRepo(tmp_path / "repo", targets={"prod": {"kind": "kubernetes", "kubeconfig": kube.kubeconfig}})
    repo.space(space, target="prod")
    repo.unit(space, "reference-data", deployment("reference-data", replicas=2))
    repo.commit("prod at 2")
    repo.unit(space, "reference-data", deployment("reference-data", replicas=5))
    scaled = repo.commit("scale prod to 5")
    source = CommitSource(str(repo.root), branch="main")

    def deliver() -> None:
        assert run_worker(source=source, interval=1, once=True, cluster_for_target=lambda _t: cluster, log=print) == 0

    deliver()
    assert kube.kubectl("-n", space, "get", "deployment", "reference-data", "-o", "jsonpath={.spec.replicas}") == "5"
    reverted = run("revert", scaled, "--repo", str(repo.root))
    assert reverted.code == 0, reverted.err
    deliver()
    live = "jsonpath={.spec.replicas} {.metadata.annotations.mtx\\.dev/commit}"
    assert kube.kubectl("-n", space, "get", "deployment", "reference-data", "-o", live) == (
        f"2 {repo.git('rev-parse', 'HEAD')}"
    )
