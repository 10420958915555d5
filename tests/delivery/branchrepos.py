"""Config repos that deliver to git-branch targets, and worker processes racing on them (for the
git-branch tests)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import GIT_ENV, Mtx
from tests.delivery.configrepo import ConfigRepo
from tests.delivery.traderx import deployment

REGIONS = {"us": 3, "eu": 5, "asia": 2}


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def branch_files(root: Path, branch: str) -> list[str]:
    return git(root, "ls-tree", "-r", "--name-only", branch).split()


def trailers(root: Path, rev: str) -> list[str]:
    return [line for line in git(root, "log", "-1", "--format=%B", rev).splitlines() if line.startswith("Mtx-")]


def stage1(mtx: Mtx, *units: str, target: str = "rendered") -> None:
    """Space traderx on the git-branch target `target`, with `units` from base/."""
    mtx("space", "create", "traderx", "--target", target)
    for unit in units:
        mtx("unit", "create", unit, str(mtx.root / f"base/{unit}.yaml"), "--space", "traderx")


def regions_repo(root: Path, *, target: dict[str, object]) -> ConfigRepo:
    repo = ConfigRepo(root, targets={"rendered": target})
    for region, replicas in REGIONS.items():
        repo.space(f"traderx-prod-{region}", target="rendered")
        repo.unit(f"traderx-prod-{region}", "trade-service", deployment("trade-service", replicas=replicas))
    repo.commit("stage 3")
    return repo


def no_cluster(_target: object) -> object:
    raise AssertionError("a git-branch target needs no cluster")


def worker_env(cache: Path) -> dict[str, str]:
    # The other machine's clock: a worker in this process committing the same rendering in the same
    # second would make the very commit the other made, and its push then finds the branch already there.
    when = "946684800 +0000"
    return {**os.environ, **GIT_ENV, "XDG_CACHE_HOME": str(cache), "GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when}


def run_worker_process(root: Path, *, cache: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mtx_gitops", "worker", "--once", "--repo", str(root), "--branch", "main"]
    return subprocess.run(command, capture_output=True, text=True, env=worker_env(cache), check=False, timeout=120)


def start_worker_process(root: Path, *, cache: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "mtx_gitops", "worker", "--once", "--repo", str(root), "--branch", "main"]
    return subprocess.Popen(command, env=worker_env(cache), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
