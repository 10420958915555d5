"""`mtx worker install --export | kubectl apply -f -` on an API server that authorizes with RBAC.

The worker then runs as a process with the generated ServiceAccount's token (TokenRequest), in the
in-cluster environment a pod would have: it delivers its spaces with pods Running and trade-service
at 3/5/2, the same token is refused what its spaces do not deliver, and two workers elect one leader.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from mtx_gitops import yaml
from mtx_gitops.adapters.cluster import Cluster
from mtx_gitops.delivery.process import lease_name
from mtx_gitops.errors import ClusterError
from tests.conftest import Mtx
from tests.delivery.configrepo import ConfigRepo
from tests.delivery.conftest import KubeCluster
from tests.delivery.traderx import deployment, service

pytestmark = [pytest.mark.kube, pytest.mark.xdist_group("kube")]
REGIONS = {"us": 3, "eu": 5, "asia": 2}
ROOT = Path(__file__).resolve().parents[2]


def stage3_repo(root: Path, prefix: str) -> ConfigRepo:
    """Three regions, each a space with its namespace, delivering to the cluster target `prod`."""
    repo = ConfigRepo(root, targets={"prod": {"kind": "kubernetes", "kubeconfig": "${KUBECONFIG_PROD}"}})
    for region, replicas in REGIONS.items():
        space = f"{prefix}-{region}"
        repo.space(space, target="prod")
        repo.unit(space, "reference-data", deployment("reference-data"), service("reference-data"))
        repo.unit(space, "trade-service", deployment("trade-service", replicas=replicas))
    repo.commit("stage 3")
    return repo


def service_account_dir(kube: KubeCluster, tmp: Path, *, namespace: str, account: str) -> Path:
    """What a pod has under /var/run/secrets/kubernetes.io/serviceaccount: a TokenRequest token and the CA."""
    folder = tmp / "serviceaccount"
    folder.mkdir()
    token = kube.kubectl("-n", namespace, "create", "token", account, "--duration", "1h").strip()
    (folder / "token").write_text(token, encoding="utf-8")
    (folder / "ca.crt").write_bytes((kube.dir / "pki" / "ca.crt").read_bytes())
    (folder / "namespace").write_text(namespace, encoding="utf-8")
    return folder


def in_cluster_env(kube: KubeCluster) -> dict[str, str]:
    server = urlsplit(
        yaml.load_one(Path(kube.kubeconfig).read_text(), source="kubeconfig")["clusters"][0]["cluster"]["server"]
    )
    return {"KUBERNETES_SERVICE_HOST": str(server.hostname), "KUBERNETES_SERVICE_PORT": str(server.port)}


class WorkerProcess:
    """`mtx` started with the exported Deployment's arguments, as the pod would start it."""

    def __init__(self, args: list[str], *, env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "wb") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "mtx_gitops", *args], env=env, stdout=out,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)  # fmt: skip

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8", errors="replace").splitlines()

    def stop(self) -> int:
        self.process.terminate()
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@pytest.fixture
def processes() -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(*args: Any, **kwargs: Any) -> WorkerProcess:
        started.append(WorkerProcess(*args, **kwargs))
        return started[-1]

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.stop()


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not in {timeout:.0f}s"
        time.sleep(0.3)


def running(kube: KubeCluster, namespace: str, app: str) -> int:
    phases = kube.kubectl("-n", namespace, "get", "pods", "-l", f"app={app}", "-o", "jsonpath={.items[*].status.phase}")
    return phases.split().count("Running")


def test_an_installed_worker_delivers_its_spaces_with_only_the_rights_they_need(
    kube_rbac: KubeCluster, tmp_path: Path, processes: Any
) -> None:
    kube = kube_rbac
    prefix = f"rbac{os.getpid() % 10000}"
    repo = stage3_repo(tmp_path / "repo", prefix)
    m = Mtx(repo.root)
    m("worker", "create", "traderx", "--space", f"{prefix}-*")
    url = f"file://{repo.root}"
    exported = m("worker", "install", "traderx", "--export", "--namespace", f"{prefix}-mtx", "--git-url", url).out
    objects = yaml.load_documents(exported, source="install")

    applied = subprocess.run(["kubectl", "apply", "-f", "-"], input=exported, capture_output=True, text=True,
                             env={**os.environ, "KUBECONFIG": kube.kubeconfig}, check=False, timeout=60)  # fmt: skip
    assert applied.returncode == 0, applied.stderr
    assert "clusterrolebinding.rbac.authorization.k8s.io/mtx-worker-traderx created" in applied.stdout

    [deploy] = [obj for obj in objects if obj["kind"] == "Deployment"]
    [config] = [obj for obj in objects if obj["kind"] == "ConfigMap"]
    assert deploy["spec"]["replicas"] == 2
    account = service_account_dir(kube, tmp_path, namespace=f"{prefix}-mtx", account="mtx-worker-traderx")
    (tmp_path / "targets.yaml").write_text(config["data"]["targets.yaml"], encoding="utf-8")
    args = [arg.replace("/etc/mtx/targets.yaml", str(tmp_path / "targets.yaml"))
            for arg in deploy["spec"]["template"]["spec"]["containers"][0]["args"]]  # fmt: skip
    env = {**os.environ, **in_cluster_env(kube), "MTX_SERVICE_ACCOUNT_DIR": str(account), "HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("KUBECONFIG", None)

    def start(identity: str) -> WorkerProcess:
        own = [arg.replace("$(POD_NAME)", identity) for arg in args]
        own[own.index("--health-port") + 1] = "0"
        own[own.index("--interval") + 1] = "0.5"
        return processes(own, env={**env, "HOME": str(tmp_path / identity)}, log=tmp_path / f"{identity}.log")

    first, second = start("worker-a"), start("worker-b")
    for region, replicas in REGIONS.items():
        wait_until(lambda n=f"{prefix}-{region}", r=replicas: running(kube, n, "trade-service") == r,
                   timeout=90, what=f"trade-service in {region}")  # fmt: skip
        assert running(kube, f"{prefix}-{region}", "reference-data") == 1

    def ready() -> dict[str, str]:
        return {region: kube.kubectl("-n", f"{prefix}-{region}", "get", "deployment", "trade-service",
                                     "-o", "jsonpath={.status.readyReplicas}/{.spec.replicas}")
                for region in REGIONS}  # fmt: skip

    # The Deployment controller counts ready replicas a moment after the pods turn Running.
    wait_until(lambda: ready() == {"us": "3/3", "eu": "5/5", "asia": "2/2"}, timeout=60, what="ready 3/5/2")

    def leads(worker: WorkerProcess) -> bool:
        return any(line.endswith((" leader: worker-a", " leader: worker-b")) for line in worker.lines())

    leaders = [w for w in (first, second) if leads(w)]
    assert len(leaders) == 1, (first.lines(), second.lines())
    follower = second if leaders[0] is first else first
    assert not any(" applied " in line for line in follower.lines())
    holder = kube.kubectl("-n", f"{prefix}-mtx", "get", "lease", lease_name(url, "main"),
                          "-o", "jsonpath={.spec.holderIdentity}")  # fmt: skip
    assert holder == ("worker-a" if leaders[0] is first else "worker-b")

    # The token reaches only what the spaces deliver, where they deliver it.
    os.environ.update(in_cluster_env(kube))
    try:
        as_worker = Cluster.in_cluster(str(account))
        config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": f"{prefix}-eu"}}
        secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x", "namespace": f"{prefix}-eu"}}
        elsewhere = {**deployment("intruder"), "metadata": {"name": "intruder", "namespace": "default"}}
        for refused in (config_map, secret, elsewhere):
            with pytest.raises(ClusterError, match=r"(?i)forbidden"):
                as_worker.apply(refused)
        with pytest.raises(ClusterError, match=r"(?i)forbidden"):
            as_worker.get(secret)
        as_worker.close()
    finally:
        for key in in_cluster_env(kube):
            os.environ.pop(key, None)
    assert "intruder" not in kube.kubectl("-n", "default", "get", "deployments", "-o", "name")
    assert "configmap/x" not in kube.kubectl("-n", f"{prefix}-eu", "get", "configmaps", "-o", "name")

    assert leaders[0].stop() == 0  # a clean exit hands the Lease over at once
    wait_until(lambda: any(" leader: " in line and "not leader" not in line for line in follower.lines()),
               timeout=30, what="the follower taking over")  # fmt: skip
