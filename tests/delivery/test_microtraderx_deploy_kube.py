"""MicroTraderX's `setup-structure 3` and `deploy 3`, replayed line by line (`cub` -> `mtx`) on the real API server.

The lines are the scripts' own, in order, with `${PREFIX}` filled in and the `|| true` guards and `2>/dev/null
|| echo` fallbacks dropped (every line must work); `cub worker install … --export | kubectl apply -f -` runs
as written (the repository's `origin` is a URL, `$MTX_GIT_TOKEN` a stand-in token), and puts the workers'
Deployments, ServiceAccounts and RBAC in the cluster. Left out, and why: the `sleep 10` after each install,
and the workers' own delivering (their pods run no process on the test cluster's fake kubelet; a worker
running as its ServiceAccount is tests/delivery/test_worker_install_kube.py): `mtx unit apply` delivers
from the test process. `cub run set-string-path --resource-type v1/Namespace --attribute-value V` is
written in mtx's spelling `--path metadata.name --value V`. In ConfigHub a connected worker registers the
target `k8s-<worker>`; mtx has no such registration, so the test defines those targets first (cub's form,
naming the worker) with the test cluster's kubeconfig.
The k8s/ files are the scripts': their namespaces are `confighubplaceholder`, which the links fill.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from mtx_gitops import yaml
from tests.conftest import Mtx

pytestmark = [pytest.mark.kube, pytest.mark.xdist_group("kube")]

REGIONS = ("us", "eu", "asia")
SCALE = {"us": 3, "eu": 5, "asia": 2}
NAMESPACE_BASE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: confighubplaceholder\n  labels:\n" \
    "    managed-by: confighub\n    app: traderx\n"  # fmt: skip


@pytest.fixture
def prefix(kubeconfig: str) -> Iterator[str]:
    """bin/get-prefix: a name of our own; the regions' namespaces are deleted afterwards."""
    name = f"mtx{uuid.uuid4().hex[:6]}"
    yield name
    namespaces = [f"{name}-traderx-prod-{region}" for region in REGIONS]  # (confighub stays: shared)
    subprocess.run(["kubectl", "delete", "namespace", "--wait=false", "--ignore-not-found", *namespaces],
                   env={**os.environ, "KUBECONFIG": kubeconfig}, capture_output=True, check=False)  # fmt: skip


def replay(m: Mtx, *lines: str, kubeconfig: str | None = None) -> None:
    """Run each line (`mtx …`, `echo 'X' | mtx …`, or `mtx … | kubectl apply -f -`) in the repo."""
    for line in lines:
        stdin = b""
        if line.startswith("echo "):
            echo, _, line = line.partition(" | ")
            stdin = (shlex.split(echo)[1] + "\n").encode()
        line, _, kubectl = line.partition(" | kubectl ")
        words = shlex.split(line)
        assert words[0] == "mtx", line
        out = m(*words[1:], stdin=stdin).out
        if kubectl:
            assert kubeconfig is not None
            done = subprocess.run(["kubectl", *shlex.split(kubectl)], input=out, text=True, capture_output=True,
                                  env={**os.environ, "KUBECONFIG": kubeconfig}, check=False)  # fmt: skip
            assert done.returncode == 0, f"kubectl {kubectl}: {done.stderr}"


def k8s_files(m: Mtx) -> None:
    """The scripts' k8s/ directory: TraderX's manifests with `namespace: confighubplaceholder`."""
    (m.root / "k8s").mkdir()
    (m.root / "k8s/namespace-base.yaml").write_text(NAMESPACE_BASE)
    for unit in ("reference-data", "trade-service"):
        docs = yaml.load_documents((m.root / f"base/{unit}.yaml").read_bytes(), source=unit)
        for doc in docs:
            doc["metadata"]["namespace"] = "confighubplaceholder"  # Resolved via Link to namespace unit
        (m.root / f"k8s/{unit}.yaml").write_text(yaml.dump_documents(docs))


def setup_structure_3(m: Mtx, p: str) -> None:
    replay(
        m,
        f"mtx space create {p}-traderx-base",
        f"mtx unit create --space {p}-traderx-base reference-data k8s/reference-data.yaml",
        f"mtx unit create --space {p}-traderx-base trade-service k8s/trade-service.yaml",
        f"mtx space create {p}-traderx-infra",
        f"mtx unit create --space {p}-traderx-infra ns-base k8s/namespace-base.yaml",
    )
    for region in REGIONS:
        replay(
            m,
            f"mtx space create {p}-traderx-prod-{region}",
            f"mtx unit create reference-data --space {p}-traderx-prod-{region} --upstream-space {p}-traderx-base"
            " --upstream-unit reference-data",
            f"mtx unit create trade-service --space {p}-traderx-prod-{region} --upstream-space {p}-traderx-base"
            " --upstream-unit trade-service",
            f"mtx unit create ns-{region} --space {p}-traderx-infra --upstream-space {p}-traderx-infra"
            " --upstream-unit ns-base",
            f"mtx run set-string-path --path metadata.name --value {p}-traderx-prod-{region} --unit ns-{region}"
            f" --space {p}-traderx-infra --quiet",
            f"mtx link create --space {p}-traderx-prod-{region} --json app-to-ns-ref reference-data ns-{region}"
            f" {p}-traderx-infra",
            f"mtx link create --space {p}-traderx-prod-{region} --json app-to-ns-trade trade-service ns-{region}"
            f" {p}-traderx-infra",
            f"mtx link create --space {p}-traderx-prod-{region} --json trade-to-ref trade-service reference-data",
        )
    for region in REGIONS:
        replay(
            m,
            f"""echo '{{"spec":{{"replicas":{SCALE[region]}}}}}' | mtx unit update trade-service"""
            f" --space {p}-traderx-prod-{region} --patch --from-stdin",
        )


def deploy_3(m: Mtx, p: str, kubeconfig: str) -> None:
    # What a connected worker registers in ConfigHub (see the module's docstring): its target, k8s-<worker>.
    for worker, space in (("worker-infra", "infra"), *((f"worker-{r}", f"prod-{r}") for r in REGIONS)):
        m("target", "create", f"k8s-{worker}", json.dumps({"KubeConfig": kubeconfig}), worker, "--space",
          f"{p}-traderx-{space}")  # fmt: skip
    replay(
        m,
        f"mtx worker create worker-infra --space {p}-traderx-infra",
        f"mtx target create worker-infra '{{}}' worker-infra --space {p}-traderx-infra",
        f"mtx worker install worker-infra --namespace confighub --space {p}-traderx-infra --include-secret --export"
        " | kubectl apply -f -",
        kubeconfig=kubeconfig,
    )
    for region in REGIONS:
        replay(
            m,
            f"mtx unit set-target ns-{region} k8s-worker-infra --space {p}-traderx-infra",
            f"mtx unit apply ns-{region} --space {p}-traderx-infra",
        )
    for region in REGIONS:
        replay(
            m,
            f"mtx worker create worker-{region} --space {p}-traderx-prod-{region}",
            f"mtx target create worker-{region} '{{}}' worker-{region} --space {p}-traderx-prod-{region}",
            f"mtx worker install worker-{region} --namespace confighub --space {p}-traderx-prod-{region}"
            " --include-secret --export | kubectl apply -f -",
            f"mtx unit set-target reference-data k8s-worker-{region} --space {p}-traderx-prod-{region}",
            f"mtx unit set-target trade-service k8s-worker-{region} --space {p}-traderx-prod-{region}",
            f"mtx unit apply --space {p}-traderx-prod-{region} --unit reference-data,trade-service",
            kubeconfig=kubeconfig,
        )


def test_setup_structure_3_and_deploy_3_land_each_region_in_its_namespace(
    mtx: Mtx, kubeconfig: str, cluster: Any, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mtx.root)  # the scripts read k8s/… relative to their checkout
    monkeypatch.setenv("MTX_GIT_TOKEN", "stand-in-token")
    mtx.git("remote", "add", "origin", f"https://git.example.com/{prefix}/microtraderx.git")
    k8s_files(mtx)
    setup_structure_3(mtx, prefix)

    for region in REGIONS:  # "Links will resolve namespaces"
        docs = mtx.json("unit", "get", "trade-service", "--space", f"{prefix}-traderx-prod-{region}")["documents"]
        assert {d["metadata"]["namespace"] for d in docs} == {f"{prefix}-traderx-prod-{region}"}
    links = mtx.json("link", "list", "--space", f"{prefix}-traderx-prod-*")
    assert sorted((link["space"].rsplit("-", 1)[1], link["link"], link["to"]["unit"]) for link in links) == sorted(
        (region, name, to)
        for region in REGIONS
        for name, to in (("app-to-ns-ref", f"ns-{region}"), ("app-to-ns-trade", f"ns-{region}"),
                         ("trade-to-ref", "reference-data"))
    )  # fmt: skip
    assert mtx.json("unit", "get", "ns-base", "--space", f"{prefix}-traderx-infra")["data"]["metadata"]["name"] == (
        "confighubplaceholder"
    )  # the base Namespace keeps its placeholder: it is never applied

    deploy_3(mtx, prefix, kubeconfig)

    for region in REGIONS:  # "Verify deployment (each region has its own namespace)" and "regional scale"
        namespace = f"{prefix}-traderx-prod-{region}"
        assert cluster.get({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace}}) is not None
        for unit in ("reference-data", "trade-service"):
            live = cluster.get({"apiVersion": "apps/v1", "kind": "Deployment",
                                "metadata": {"name": unit, "namespace": namespace}})  # fmt: skip
            assert live is not None and live["metadata"]["labels"]["mtx.dev/space"] == namespace
        trade = cluster.get({"apiVersion": "apps/v1", "kind": "Deployment",
                             "metadata": {"name": "trade-service", "namespace": namespace}})  # fmt: skip
        assert trade["spec"]["replicas"] == SCALE[region]
        default = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "trade-service", "namespace": "default"},
        }
        assert cluster.get(default) is None
