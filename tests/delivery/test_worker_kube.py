"""The worker on a real API server: --once, new commits, permanent errors, leader election, restarts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mtx_gitops.adapters.cluster import Cluster
from mtx_gitops.delivery.lease import LeaderLease
from mtx_gitops.delivery.source import CommitSource
from mtx_gitops.delivery.worker import WorkerState, run_worker
from tests.delivery.configrepo import ConfigRepo
from tests.delivery.conftest import KubeCluster
from tests.delivery.traderx import deployment

pytestmark = [pytest.mark.kube, pytest.mark.xdist_group("kube")]


class RunningWorker:
    """A worker loop in a thread, stopped (as SIGTERM would) at the end of the test."""

    def __init__(
        self, source: CommitSource, cluster: Cluster, *, interval: float, lease: LeaderLease | None = None
    ) -> None:
        self.stop = threading.Event()
        self.state = WorkerState()
        self.exit_code: int | None = None

        def run() -> None:
            self.exit_code = run_worker(
                source=source,
                interval=interval,
                once=False,
                lease=lease,
                cluster_for_target=lambda _target: cluster,
                stop=self.stop,
                state=self.state,
                log=lambda _line: None,
                max_backoff=1.0,
            )

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def finish(self) -> int | None:
        self.stop.set()
        self.thread.join(timeout=30)
        return self.exit_code


@pytest.fixture
def workers() -> Iterator[Callable[..., RunningWorker]]:
    started: list[RunningWorker] = []

    def start(*args: Any, **kwargs: Any) -> RunningWorker:
        started.append(RunningWorker(*args, **kwargs))
        return started[-1]

    yield start
    for worker in started:
        worker.finish()


def stage2_repo(root: Path, kubeconfig: str, prefix: str) -> ConfigRepo:
    """Stage 2: dev, staging and prod hold reference-data; only prod has a target."""
    repo = ConfigRepo(root, targets={"prod-cluster": {"kind": "kubernetes", "kubeconfig": kubeconfig}})
    for env in ("dev", "staging", "prod"):
        repo.space(f"{prefix}-{env}", target="prod-cluster" if env == "prod" else None)
        repo.unit(f"{prefix}-{env}", "reference-data", deployment("reference-data"))
    repo.commit("stage 2")
    return repo


def replicas(kube: KubeCluster, namespace: str, name: str = "reference-data") -> str:
    done = kube.kubectl(
        "-n",
        namespace,
        "get",
        "deployments",
        "-o",
        f"jsonpath={{.items[?(@.metadata.name=='{name}')].spec.replicas}}",
    )
    return done


def wait_until(condition: Callable[[], bool], *, timeout: float) -> float:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "condition not met in time"
        time.sleep(0.05)
    return time.monotonic() - start


def test_worker_once_applies_only_targeted_spaces(
    tmp_path: Path, kube: KubeCluster, cluster: Cluster, space_name: Any
) -> None:
    prefix = space_name("traderx")
    repo = stage2_repo(tmp_path / "repo", kube.kubeconfig, prefix)
    lines: list[str] = []

    code = run_worker(
        source=CommitSource(str(repo.root), branch="main"),
        interval=1,
        once=True,
        cluster_for_target=lambda _target: cluster,
        log=lines.append,
    )

    assert code == 0
    assert replicas(kube, f"{prefix}-prod") == "1"
    assert kube.kubectl("get", "namespaces", "-o", "name").count(prefix) == 1
    assert lines == [
        f"{prefix}-prod: namespace Namespace {prefix}-prod",
        f"{prefix}-prod: create apps/Deployment {prefix}-prod/reference-data",
        f"applied {repo.git('rev-parse', 'HEAD')[:12]}: 1 space(s) with a target",
    ]


def test_worker_applies_a_new_commit_and_waits_out_a_rejected_one(
    tmp_path: Path, kube: KubeCluster, cluster: Cluster, space_name: Any, workers: Any
) -> None:
    prefix = space_name("traderx")
    repo = stage2_repo(tmp_path / "repo", kube.kubeconfig, prefix)
    worker = workers(CommitSource(str(repo.root), branch="main"), cluster, interval=0.5)
    wait_until(lambda: worker.state.applied is not None, timeout=10)

    repo.unit(f"{prefix}-prod", "reference-data", deployment("reference-data", replicas=2))
    repo.commit("scale prod")
    # Within the wait's bound: how fast is for the benchmarks, not for a test on a shared machine.
    wait_until(lambda: replicas(kube, f"{prefix}-prod") == "2", timeout=10)

    repo.unit(f"{prefix}-prod", "reference-data", deployment("reference-data", replicas=-1))
    bad = repo.commit("invalid replicas")
    wait_until(lambda: worker.state.failed == bad, timeout=10)
    failures = sum("waiting for a new commit" in line for line in worker.state.log)
    time.sleep(1.2)  # two more loops: the rejected commit is not retried
    assert sum("waiting for a new commit" in line for line in worker.state.log) == failures == 1

    repo.unit(f"{prefix}-prod", "reference-data", deployment("reference-data", replicas=3))
    repo.commit("fix replicas")
    wait_until(lambda: replicas(kube, f"{prefix}-prod") == "3", timeout=10)
    assert worker.finish() == 0


def test_two_workers_elect_one_leader(
    tmp_path: Path, kube: KubeCluster, cluster: Cluster, space_name: Any, workers: Any
) -> None:
    prefix = space_name("traderx")
    repo = stage2_repo(tmp_path / "repo", kube.kubeconfig, prefix)
    lease_name = f"{prefix}-worker"

    def lease(identity: str) -> LeaderLease:
        return LeaderLease(cluster, name=lease_name, namespace="default", identity=identity, duration=3)

    first = workers(CommitSource(str(repo.root), branch="main"), cluster, interval=0.3, lease=lease("a"))
    second = workers(CommitSource(str(repo.root), branch="main"), cluster, interval=0.3, lease=lease("b"))
    wait_until(lambda: first.state.applied is not None or second.state.applied is not None, timeout=10)
    time.sleep(1)

    leaders = [w for w in (first, second) if w.state.leader]
    assert len(leaders) == 1
    follower = second if leaders[0] is first else first
    assert follower.state.applied is None
    assert leaders[0].finish() == 0  # a clean exit hands the lease over at once
    wait_until(lambda: follower.state.applied is not None, timeout=5)


def test_worker_recovers_when_the_api_server_restarts(tmp_path: Path, space_name: Any, workers: Any) -> None:
    own = KubeCluster(tmp_path / "kube").up()  # its own cluster: the session's keeps serving other tests
    try:
        cluster = Cluster.from_kubeconfig(own.kubeconfig, timeout=3)
        repo = stage2_repo(tmp_path / "repo", own.kubeconfig, "restart")
        worker = workers(CommitSource(str(repo.root), branch="main"), cluster, interval=0.3)
        wait_until(lambda: worker.state.applied is not None, timeout=20)

        argv = own.stop_apiserver()
        repo.unit("restart-prod", "reference-data", deployment("reference-data", replicas=2))
        repo.commit("scale while the API server is down")
        wait_until(lambda: worker.state.attempts >= 2, timeout=20)
        own.start_apiserver(argv)

        wait_until(lambda: worker.state.applied == repo.git("rev-parse", "HEAD"), timeout=60)
        assert replicas(own, "restart-prod") == "2"
        assert any(line.startswith("transient error") for line in worker.state.log)
        assert worker.finish() == 0
    finally:
        own.down()


def test_a_lease_is_taken_over_only_once_expired(cluster: Cluster, space_name: Any) -> None:
    name = space_name("lease")
    now = [1_000_000.0]

    def lease(identity: str) -> LeaderLease:
        return LeaderLease(cluster, name=name, namespace="default", identity=identity, duration=10,
                           clock=lambda: now[0])  # fmt: skip

    crashed, standby = lease("crashed"), lease("standby")
    assert crashed.acquire()
    now[0] += 9
    assert not standby.acquire() and standby.holder == "crashed"
    now[0] += 2  # renewTime + leaseDurationSeconds has passed

    assert standby.acquire()
    assert not crashed.acquire() and crashed.holder == "standby"
    live = cluster.get({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                        "metadata": {"name": name, "namespace": "default"}})  # fmt: skip
    assert live is not None
    assert (live["spec"]["holderIdentity"], live["spec"]["leaseTransitions"]) == ("standby", 1)
    cluster.delete(live)
