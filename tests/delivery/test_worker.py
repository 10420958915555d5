"""The worker without a cluster: a directory target (dry run, stale files), commit sources, stop requests, SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from mtx_gitops.delivery.source import CommitSource
from mtx_gitops.delivery.worker import WorkerState, run_worker
from tests.conftest import Mtx
from tests.delivery.configrepo import ConfigRepo
from tests.delivery.traderx import deployment

REGIONS = {"us": 3, "eu": 5, "asia": 2}


def stage3_repo(root: Path) -> ConfigRepo:
    repo = ConfigRepo(root, targets={"out": {"kind": "directory", "path": "out"}})
    for region, replicas in REGIONS.items():
        repo.space(f"traderx-prod-{region}", target="out")
        repo.unit(f"traderx-prod-{region}", "trade-service", deployment("trade-service", replicas=replicas))
    repo.commit("stage 3")
    return repo


def no_cluster(_target: object) -> object:
    raise AssertionError("a directory target needs no cluster")


def test_once_writes_every_space_of_the_commit(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo")
    lines: list[str] = []

    code = run_worker(source=CommitSource(str(repo.root), branch="main"), interval=1, once=True,
                      cluster_for_target=no_cluster, log=lines.append)  # type: ignore[arg-type]  # fmt: skip

    assert code == 0
    out = repo.root / "out"
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.yaml")) == [
        "traderx-prod-asia/trade-service.yaml", "traderx-prod-eu/trade-service.yaml",
        "traderx-prod-us/trade-service.yaml"]  # fmt: skip
    assert "replicas: 5" in (out / "traderx-prod-eu/trade-service.yaml").read_text()
    assert lines[-1] == f"applied {repo.git('rev-parse', 'HEAD')[:12]}: 3 space(s) with a target"


def test_once_dry_run_says_what_it_would_write_and_writes_nothing(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo")
    lines: list[str] = []

    code = run_worker(source=CommitSource(str(repo.root), branch="main"), interval=1, once=True, dry_run=True,
                      cluster_for_target=no_cluster, log=lines.append)  # type: ignore[arg-type]  # fmt: skip

    assert code == 0
    assert not (repo.root / "out").exists()
    assert f"traderx-prod-eu: would write {repo.root / 'out/traderx-prod-eu/trade-service.yaml'}" in lines
    assert lines[-1] == f"would apply {repo.git('rev-parse', 'HEAD')[:12]}: 3 space(s) with a target"


def test_mtx_worker_once_dry_run_leaves_the_directory_target_alone(mtx: Mtx) -> None:
    mtx("space", "create", "traderx", "--target", "local")
    mtx("unit", "create", "reference-data", str(mtx.root / "base/reference-data.yaml"), "--space", "traderx")

    result = mtx("worker", "--once", "--dry-run")

    assert "traderx: would write" in result.out and "would apply" in result.out
    assert not (mtx.root / "out").exists()


def test_the_worker_keeps_the_file_of_a_retired_unit_and_will_not_prune_a_space_empty(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo")
    source = CommitSource(str(repo.root), branch="main")
    run_worker(source=source, interval=1, once=True, cluster_for_target=no_cluster, log=print)  # type: ignore[arg-type]
    (repo.root / "spaces/traderx-prod-eu/trade-service.yaml").unlink()
    repo.commit("eu retires trade-service")
    stale = repo.root / "out/traderx-prod-eu/trade-service.yaml"
    lines: list[str] = []

    run_worker(source=source, interval=1, once=True,
               cluster_for_target=no_cluster, log=lines.append)  # type: ignore[arg-type]  # fmt: skip

    assert stale.exists()
    assert any("kept 1 file(s) of units no longer in git (trade-service.yaml)" in line for line in lines)

    lines.clear()
    code = run_worker(source=source, interval=1, once=True, prune=True,
                      cluster_for_target=no_cluster, log=lines.append)  # type: ignore[arg-type]  # fmt: skip

    assert code == 1 and stale.exists()  # the space would be left empty: refused, as on a cluster
    assert any("pass --allow-empty" in line for line in lines)


def test_a_stop_request_lets_the_current_commit_finish(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo")
    stop = threading.Event()
    state = WorkerState()

    def log(line: str) -> None:
        stop.set()  # as SIGTERM would, in the middle of the first space

    code = run_worker(source=CommitSource(str(repo.root), branch="main"), interval=60, once=False,
                      cluster_for_target=no_cluster, log=log, stop=stop, state=state)  # type: ignore[arg-type]  # fmt: skip

    assert code == 0
    assert state.applied == repo.git("rev-parse", "HEAD")
    assert len(list((repo.root / "out").rglob("*.yaml"))) == 3
    assert state.log[-1] == "stopped"


def test_a_url_source_is_cloned_once_and_fetched(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo")
    source = CommitSource(f"file://{repo.root}", branch="main", cache_dir=tmp_path / "cache")

    assert source.latest().commit == repo.git("rev-parse", "HEAD")
    repo.unit("traderx-prod-eu", "trade-service", deployment("trade-service", replicas=2))
    new = repo.commit("scale eu")
    assert source.latest().commit == new
    assert len(list((tmp_path / "cache").iterdir())) == 1


def test_sigterm_exits_0(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo")
    script = (
        "import sys; from mtx_gitops.delivery.process import WorkerOptions, run_process; "
        "sys.exit(run_process(WorkerOptions(sys.argv[1], branch='main', interval=0.2), "
        "log=lambda l: print(l, flush=True)))"
    )
    process = subprocess.Popen([sys.executable, "-c", script, str(repo.root)], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})  # fmt: skip
    assert process.stdout is not None
    assert process.stdout.readline().startswith("note: no --target-config")
    assert process.stdout.readline().startswith("traderx-prod-")
    time.sleep(0.3)

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=10) == 0
    assert process.stdout.read().splitlines()[-1] == "stopped"


def test_once_refuses_a_commit_that_still_holds_a_placeholder_and_writes_nothing(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo")
    app = deployment("trade-service", replicas=2)
    app["metadata"]["namespace"] = "confighubplaceholder"
    repo.unit("traderx-prod-us", "trade-service", app)
    repo.commit("an unlinked namespace")
    lines: list[str] = []

    run_worker(source=CommitSource(str(repo.root), branch="main"), interval=1, once=True,
               cluster_for_target=no_cluster, log=lines.append)  # type: ignore[arg-type]  # fmt: skip

    assert not (repo.root / "out").exists()  # not even the spaces without a placeholder
    assert lines[-1].startswith("error: unit traderx-prod-us/trade-service: apps/Deployment ")
    assert "holds a placeholder at metadata.namespace" in lines[-1]


def test_the_endpoints_say_alive_at_once_and_ready_after_a_first_pass() -> None:
    import urllib.error
    import urllib.request

    from mtx_gitops.delivery.endpoints import Endpoints, worker_probes

    state = WorkerState()
    endpoints = worker_probes(Endpoints(port=0), state, interval=1)
    port = endpoints.start()

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    try:
        assert get("/healthz") == (200, "ok\n")
        assert get("/readyz") == (503, "first pass not finished\n")
        state.passes, state.applied = 1, "a" * 40
        assert get("/readyz") == (200, f"ok (follower, applied {'a' * 12})\n")
        state.beat -= 10_000
        assert get("/healthz")[0] == 503
        assert get("/metrics")[0] == 404
    finally:
        endpoints.stop()
