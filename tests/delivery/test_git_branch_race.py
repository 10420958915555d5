"""Two workers racing on one rendered branch: the compare-and-swap loser, and the same commit made
twice in one second."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mtx_gitops.adapters.gitbranch import BranchRepo
from mtx_gitops.delivery.source import CommitSource
from mtx_gitops.delivery.worker import run_worker
from tests.delivery.branchrepos import (
    REGIONS,
    git,
    no_cluster,
    regions_repo,
    run_worker_process,
    start_worker_process,
    trailers,
    worker_env,
)
from tests.delivery.traderx import deployment


def test_a_worker_that_made_the_very_commit_another_pushed_first_says_the_branch_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    remote, repo, branch, raced, _others = race_on_eu(tmp_path, monkeypatch)
    # Both machines commit the same rendering at the same second: the same commit id.
    clock = worker_env(tmp_path)["GIT_COMMITTER_DATE"]
    monkeypatch.setenv("GIT_COMMITTER_DATE", clock)
    monkeypatch.setenv("GIT_AUTHOR_DATE", clock)
    lines: list[str] = []

    code = run_worker(source=CommitSource(str(repo.root), branch="main"), interval=1, once=True,
                      cluster_for_target=no_cluster, log=lines.append)  # type: ignore[arg-type]  # fmt: skip

    source = repo.git("rev-parse", "HEAD")
    assert code == 0 and raced == [branch]
    assert git(remote, "rev-list", "--count", branch).strip() == "1"
    eu = [line for line in lines if line.startswith("traderx-prod-eu:")]
    assert eu == [f"traderx-prod-eu: branch {branch} has {source[:12]} already"], lines


_MOVE = BranchRepo.move


def race_on_eu(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Any, str, list[str], list[str]]:
    """A bare remote, a 3-region repo delivering to it, and worker B run (once) between worker A's read
    of env/traderx-prod-eu and its push; returns the remote, repo, branch, the races run and B's output."""
    remote = tmp_path / "rendered.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    repo = regions_repo(tmp_path / "config", target={"kind": "git-branch", "url": f"file://{remote}"})
    branch = "env/traderx-prod-eu"
    raced: list[str] = []
    others: list[str] = []

    def move_after_the_other_worker(self: BranchRepo, name: str, *, new: str, old: str | None) -> bool:
        if name == branch and not raced:
            raced.append(name)
            other = run_worker_process(repo.root, cache=tmp_path / "machine-b")
            assert other.returncode == 0, other.stderr
            others.append(other.stdout + other.stderr)
        return _MOVE(self, name, new=new, old=old)

    monkeypatch.setattr(BranchRepo, "move", move_after_the_other_worker)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "machine-a"))
    return remote, repo, branch, raced, others


def test_two_workers_racing_make_one_commit_per_source_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Worker B gets in between worker A's read of the branch and its push: A's compare-and-swap fails.
    remote, repo, branch, raced, others = race_on_eu(tmp_path, monkeypatch)
    lines: list[str] = []

    code = run_worker(source=CommitSource(str(repo.root), branch="main"), interval=1, once=True,
                      cluster_for_target=no_cluster, log=lines.append)  # type: ignore[arg-type]  # fmt: skip

    assert code == 0 and raced == [branch] and not any("error" in line for line in lines), lines
    source = repo.git("rev-parse", "HEAD")
    for region in REGIONS:
        assert git(remote, "rev-list", "--count", f"env/traderx-prod-{region}").strip() == "1"
        assert f"Mtx-Source-Commit: {source}" in trailers(remote, f"env/traderx-prod-{region}")
    eu = [line for line in lines if line.startswith("traderx-prod-eu:")]
    assert eu == [f"traderx-prod-eu: branch {branch} has {source[:12]} already"], (lines, others)

    # Both at once, as two processes on two machines, on a new source commit: still one commit each.
    repo.unit("traderx-prod-eu", "trade-service", deployment("trade-service", replicas=6))
    newer = repo.commit("eu to 6")
    monkeypatch.setattr(BranchRepo, "move", _MOVE)
    racers = [start_worker_process(repo.root, cache=tmp_path / f"machine-{n}") for n in "cd"]
    assert [racer.wait(timeout=120) for racer in racers] == [0, 0]
    assert git(remote, "rev-list", "--count", branch).strip() == "2"
    assert f"Mtx-Source-Commit: {newer}" in trailers(remote, branch)
    assert git(remote, "rev-list", "--count", "env/traderx-prod-us").strip() == "2"
