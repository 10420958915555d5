"""Delivery fixtures: one real kube-apiserver (v1.20) + controller-manager + fake kubelet per session.

The binaries come from tests/k8s/build-kube.sh (cached in ~/.cache/mtx-kube; MTX_KUBE_PREBUILT=<tarball>
unpacks a saved build). Without them the kube tests skip, unless MTX_REQUIRE_KUBE=1 (CI), where they
are built or unpacked and a failure fails the session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

K8S = Path(__file__).resolve().parents[1] / "k8s"
# Resolved at import: the repo-wide autouse fixture points $HOME at a temp dir during each test.
CACHE = Path(os.environ.get("MTX_KUBE_CACHE", Path.home() / ".cache" / "mtx-kube"))
KUBE_ENV = {"MTX_KUBE_CACHE": str(CACHE), "MTX_KUBE_BIN": os.environ.get("MTX_KUBE_BIN", str(CACHE / "bin"))}
BINARIES = ("kube-apiserver", "kube-controller-manager", "etcd")


def _have_binaries() -> bool:
    bin_dir = Path(KUBE_ENV["MTX_KUBE_BIN"])
    return all(os.access(bin_dir / name, os.X_OK) for name in BINARIES)


def _install_binaries() -> None:
    required = os.environ.get("MTX_REQUIRE_KUBE") == "1"
    if not _have_binaries() and not required and not os.environ.get("MTX_KUBE_PREBUILT"):
        pytest.skip(
            f"kube-apiserver binaries not found in {KUBE_ENV['MTX_KUBE_BIN']}: run tests/k8s/build-kube.sh "
            "(MTX_KUBE_PREBUILT=<tarball> unpacks a saved build; CI sets MTX_REQUIRE_KUBE=1 so they never skip)"
        )
    done = subprocess.run(
        ["bash", str(K8S / "build-kube.sh")],
        capture_output=True,
        text=True,
        timeout=3600,
        env={**os.environ, **KUBE_ENV},
    )
    if done.returncode != 0:
        message = f"tests/k8s/build-kube.sh failed: {done.stderr.strip()[-2000:]}"
        if required:
            pytest.fail(message)
        pytest.skip(message)


class KubeCluster:
    """A running test cluster: its directory, kubeconfig and fake kubelet."""

    def __init__(self, directory: Path, *, authz: str = "AlwaysAllow") -> None:
        self.dir = directory
        self.authz = authz  # the apiserver's --authorization-mode (RBAC: only the admin token may do anything)
        self.kubeconfig = str(directory / "kubeconfig")
        self._kubelet: subprocess.Popen[bytes] | None = None

    def up(self) -> KubeCluster:
        done = subprocess.run(
            ["bash", str(K8S / "kube-up.sh"), str(self.dir)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, **KUBE_ENV, "MTX_KUBE_AUTHZ": self.authz},
        )
        if done.returncode != 0:
            pytest.fail(f"kube-up.sh failed:\n{done.stderr[-3000:]}")
        with open(self.dir / "fake-kubelet.log", "ab") as log:
            self._kubelet = subprocess.Popen(
                [
                    sys.executable,
                    str(K8S / "fake_kubelet.py"),
                    "--kubeconfig",
                    self.kubeconfig,
                    "--pid-file",
                    str(self.dir / "fake-kubelet.pid"),
                    "--give-up",
                    "120",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        return self

    def down(self) -> None:
        if self._kubelet is not None:
            self._kubelet.terminate()
            try:
                self._kubelet.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._kubelet.kill()
                self._kubelet.wait()
        subprocess.run(
            ["bash", str(K8S / "kube-down.sh"), str(self.dir), "--purge"],
            check=False,
            timeout=120,
            capture_output=True,
        )

    def stop_apiserver(self) -> list[str]:
        """Stop only kube-apiserver (etcd keeps the data); returns its command line for `start_apiserver`."""
        pid = int((self.dir / "kube-apiserver.pid").read_text().strip())
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]
        assert "kube-apiserver" in argv[0], argv
        # It stops listening at once on SIGTERM but drains watches for a minute; then it is killed.
        for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 10.0)):
            os.kill(pid, sig)
            deadline = time.monotonic() + grace
            while _running(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if not _running(pid):
                break
        return argv

    def start_apiserver(self, argv: list[str]) -> None:
        """Start kube-apiserver again, same flags and port, logging into the cluster directory."""
        with open(self.dir / "kube-apiserver.log", "ab") as log:
            process = subprocess.Popen(
                argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
        (self.dir / "kube-apiserver.pid").write_text(f"{process.pid}\n")

    def kubectl(self, *args: str) -> str:
        done = subprocess.run(
            ["kubectl", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "KUBECONFIG": self.kubeconfig},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


def _running(pid: int) -> bool:
    # Not a zombie: kube-up.sh's children are reaped by whoever inherits them, maybe never.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.fixture(scope="session")
def kube(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeCluster]:
    """The session's cluster (started once)."""
    _install_binaries()
    cluster = KubeCluster(tmp_path_factory.mktemp("kube")).up()
    try:
        yield cluster
    finally:
        cluster.down()


@pytest.fixture(scope="session")
def kube_rbac(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeCluster]:
    """A second cluster whose API server authorizes with RBAC (the admin kubeconfig is in system:masters),
    for tests that prove least privilege with other tokens; started once, only by the tests that ask."""
    _install_binaries()
    cluster = KubeCluster(tmp_path_factory.mktemp("kube-rbac"), authz="RBAC").up()
    try:
        yield cluster
    finally:
        cluster.down()


@pytest.fixture(scope="session")
def kubeconfig(kube: KubeCluster) -> str:
    """Path of the session cluster's kubeconfig."""
    return kube.kubeconfig


@pytest.fixture(scope="session")
def cluster(kubeconfig: str) -> Any:
    """The cluster adapter on the session cluster."""
    from mtx_gitops.adapters.cluster import Cluster

    return Cluster.from_kubeconfig(kubeconfig)


@pytest.fixture
def space_name(request: pytest.FixtureRequest, kube: KubeCluster) -> Iterator[Callable[[str], str]]:
    """Unique space (and so namespace) names for one test; their namespaces are deleted afterwards."""
    made: list[str] = []
    prefix = request.node.name.removeprefix("test_").replace("_", "-")[:16].strip("-")

    def make(label: str) -> str:
        name = f"{prefix}-{label}-{uuid.uuid4().hex[:4]}"
        made.append(name)
        return name

    yield make
    if made:
        subprocess.run(
            ["kubectl", "delete", "namespace", "--wait=false", "--ignore-not-found", *made],
            env={**os.environ, "KUBECONFIG": kube.kubeconfig},
            capture_output=True,
            check=False,
            timeout=60,
        )
