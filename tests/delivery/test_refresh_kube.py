"""Drift you can keep: a break-glass `kubectl scale` on the real apiserver becomes a reviewed commit."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Mtx

pytestmark = [pytest.mark.kube, pytest.mark.xdist_group("kube")]


def eu_on_the_cluster(mtx: Mtx, kubeconfig: str, space: str) -> None:
    mtx("target", "create", "kube", "--kind", "kubernetes", "--kubeconfig", kubeconfig)
    mtx("space", "create", space, "--target", "kube")
    mtx("unit", "create", "trade-service", str(mtx.root / "base/trade-service.yaml"), "--space", space)
    mtx("unit", "update", "trade-service", "--space", space, "--patch", '{"spec":{"replicas":5}}')
    mtx("apply", "--space", space)


def test_refresh_after_kubectl_scale_commits_exactly_the_replicas(
    mtx: Mtx, kube: Any, kubeconfig: str, space_name: Any
) -> None:
    eu = space_name("eu")
    eu_on_the_cluster(mtx, kubeconfig, eu)
    kube.kubectl("-n", eu, "scale", "deployment/trade-service", "--replicas=7")

    rows = {row["kind"]: row for row in mtx.json("status", "--space", eu)}
    assert (rows["Deployment"]["sync"], rows["Deployment"]["drift"]) == ("Drifted", ["spec.replicas"])
    assert rows["Deployment"]["refresh"] == f"mtx unit refresh trade-service --space {eu}"
    assert "refresh" not in rows["Service"]
    assert f"`mtx unit refresh trade-service --space {eu}`" in mtx("status", "--space", eu).out

    before = mtx.commits()
    result = mtx.json("unit", "refresh", "trade-service", "--space", eu)
    assert mtx.commits() == before + 1 and result["commit"] == mtx.head()
    assert result["fields"] == [
        {"document": f"apps/Deployment/{eu}/trade-service", "path": "spec.replicas", "git": 5, "live": 7}
    ]
    diff = mtx.git("diff", "HEAD~1", "--unified=0")
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert changed == ["-  replicas: 5", "+  replicas: 7"]
    assert "Mtx-Operation: refresh" in mtx.git("log", "-1", "--format=%B")
    assert mtx.json("log", "-n", "1")[0]["operation"] == "refresh"

    mtx("apply", "--space", eu)
    rows = {row["kind"]: row for row in mtx.json("status", "--space", eu)}
    assert rows["Deployment"]["sync"] == "Synced"
    assert mtx.json("unit", "refresh", "trade-service", "--space", eu)["commit"] is None


def test_refresh_on_a_branch_leaves_main_alone(mtx: Mtx, kube: Any, kubeconfig: str, space_name: Any) -> None:
    eu = space_name("eu")
    eu_on_the_cluster(mtx, kubeconfig, eu)
    kube.kubectl("-n", eu, "scale", "deployment/trade-service", "--replicas=2")
    main = mtx.head()

    mtx("unit", "refresh", "trade-service", "--space", eu, "--branch", "keep-scale")

    assert mtx.head() == main
    assert "replicas: 2" in mtx.git("show", f"keep-scale:spaces/{eu}/trade-service.yaml")
    assert mtx.git("rev-parse", "keep-scale~1").strip() == main


def test_refresh_refuses_a_space_without_a_cluster(mtx: Mtx) -> None:
    mtx("space", "create", "plain")
    mtx("unit", "create", "trade-service", str(mtx.root / "base/trade-service.yaml"), "--space", "plain")
    before = mtx.fingerprint()
    for args, code in (
        (("unit", "refresh", "trade-service", "--space", "plain"), 2),
        (("unit", "refresh", "nope", "--space", "plain"), 1),
        (("unit", "refresh", "trade-service", "--space", "../x"), 2),
        (("unit", "refresh", "trade-service"), 2),
    ):
        result = mtx(*args, ok=False)
        assert result.code == code, (args, result.err)
        assert result.err.count("\n") == 1, result.err
    assert mtx.fingerprint() == before
