"""A git-branch target: each space's rendering committed to `env/<space>` of this repo or a remote,
one commit per source commit, other files left alone, the branch moved by compare-and-swap."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mtx_gitops.delivery.source import CommitSource
from mtx_gitops.delivery.worker import run_worker
from tests.conftest import GIT_ENV, Mtx
from tests.delivery.branchrepos import (
    branch_files,
    git,
    no_cluster,
    regions_repo,
    stage1,
    trailers,
)
from tests.delivery.configrepo import ConfigRepo
from tests.delivery.traderx import deployment


def test_target_create_stores_a_git_branch_target_and_refuses_bad_options(mtx: Mtx) -> None:
    mtx("target", "create", "rendered", "--kind", "git-branch", "--path", "deploy/")
    mtx("target", "create", "remote", "--kind", "git-branch", "--url", "/srv/git/rendered.git", "--branch-prefix", "r/")

    rows = {row["target"]: row for row in mtx.json("target", "list")}

    assert rows["rendered"] == {"target": "rendered", "kind": "git-branch", "path": "deploy", "spaces": []}
    assert rows["remote"]["url"] == "/srv/git/rendered.git" and rows["remote"]["branchPrefix"] == "r/"
    before = mtx.fingerprint()
    for bad, why in [
        (["--path", "../out"], "invalid target path"),
        (["--path", "/etc"], "invalid target path"),
        (["--branch-prefix", "env..x/"], "invalid --branch-prefix"),
        (["--branch-prefix", "-x/"], "invalid --branch-prefix"),
        (["--url", "--upload-pack=evil"], "invalid --url"),
    ]:
        refused = mtx("target", "create", "bad", "--kind", "git-branch", *bad, ok=False)
        assert refused.code != 0 and why in refused.err, (bad, refused.err)
    wrong_kind = mtx("target", "create", "bad", "--kind", "directory", "--path", "x", "--url", "u", ok=False)
    assert "--url and --branch-prefix are options of a git-branch target" in wrong_kind.err
    assert mtx.fingerprint() == before


def test_apply_commits_the_rendering_to_env_space_once_per_source_commit(mtx: Mtx) -> None:
    mtx("target", "create", "rendered", "--kind", "git-branch", "--path", "deploy")
    stage1(mtx, "reference-data", "trade-service")
    source = mtx.head()

    (first,) = mtx.json("apply", "--space", "traderx")

    branch = "env/traderx"
    assert first["delivered"] == git(mtx.root, "rev-parse", branch).strip() and first["branch"] == branch
    assert branch_files(mtx.root, branch) == [
        "deploy/README.md",
        "deploy/reference-data.yaml",
        "deploy/trade-service.yaml",
    ]
    assert trailers(mtx.root, branch) == [
        "Mtx-Operation: render", "Mtx-Unit: traderx/reference-data", "Mtx-Unit: traderx/trade-service",
        f"Mtx-Source-Commit: {source}", "Mtx-Space: traderx"]  # fmt: skip
    readme = git(mtx.root, "show", f"{branch}:deploy/README.md")
    assert "mtx.dev/inventory: traderx" in readme and "never changes or deletes it" in readme
    assert mtx.head() == source  # the config branch did not move

    (again,) = mtx.json("apply", "--space", "traderx")

    assert again["delivered"] is None and f"branch env/traderx has {source[:12]} already" in again["notes"][0]
    assert git(mtx.root, "rev-list", "--count", branch).strip() == "1"

    mtx("unit", "update", "trade-service", "--space", "traderx", "--patch", '{"spec":{"replicas":4}}')
    (second,) = mtx.json("apply", "--space", "traderx")

    assert git(mtx.root, "rev-list", "--count", branch).strip() == "2"
    assert f"Mtx-Source-Commit: {mtx.head()}" in trailers(mtx.root, branch)
    assert "replicas: 4" in git(mtx.root, "show", f"{branch}:deploy/trade-service.yaml")
    assert second["summary"] == {"write": 2, "delete": 0, "stale": 0, "unchanged": 0}


def test_files_it_did_not_render_stay_and_stale_units_go_only_with_prune(mtx: Mtx) -> None:
    mtx("target", "create", "rendered", "--kind", "git-branch")
    stage1(mtx, "reference-data", "trade-service")
    mtx("apply", "--space", "traderx")
    # Someone adds a kustomization of their own to the branch (as Flux users do).
    work = mtx.root.parent / "branch-checkout"
    git(mtx.root, "worktree", "add", "-q", str(work), "env/traderx")
    (work / "kustomization.yaml").write_text("resources: [reference-data.yaml, trade-service.yaml]\n")
    git(work, "add", "kustomization.yaml")
    subprocess.run(["git", "commit", "-qm", "own kustomization"], cwd=work, check=True, env={**os.environ, **GIT_ENV})
    mtx("unit", "delete", "trade-service", "--space", "traderx")

    (kept,) = mtx.json("apply", "--space", "traderx")

    assert kept["stale"] == ["trade-service.yaml"] and "`mtx apply --prune` deletes them" in kept["notes"][0]
    assert "kustomization.yaml" in branch_files(mtx.root, "env/traderx")
    assert "trade-service.yaml" in branch_files(mtx.root, "env/traderx")

    mtx("unit", "update", "reference-data", "--space", "traderx", "--patch", '{"spec":{"replicas":2}}')
    (pruned,) = mtx.json("apply", "--space", "traderx", "--prune")

    assert pruned["deleted"] == ["trade-service.yaml"]
    assert branch_files(mtx.root, "env/traderx") == ["README.md", "kustomization.yaml", "reference-data.yaml"]
    assert "Mtx-Unit: traderx/trade-service" in trailers(mtx.root, "env/traderx")


def test_dry_run_and_render_deliver(mtx: Mtx) -> None:
    mtx("target", "create", "rendered", "--kind", "git-branch")
    stage1(mtx, "reference-data")

    (dry,) = mtx.json("apply", "--space", "traderx", "--dry-run")

    assert dry["dry_run"] and dry["written"] == ["README.md", "reference-data.yaml"] and dry["delivered"] is None
    assert git(mtx.root, "branch", "--list", "env/*").strip() == ""

    (rendered,) = mtx.json("render", "--space", "traderx", "--deliver")
    table = mtx("render", "--space", "traderx", "--deliver").out

    assert rendered["delivered"] == git(mtx.root, "rev-parse", "env/traderx").strip()
    assert "no commit to env/traderx" in table and "has" in table


def test_a_worker_commits_every_region_to_a_bare_remote_and_the_branch_is_plain_files(tmp_path: Path) -> None:
    remote = tmp_path / "rendered.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    repo = regions_repo(tmp_path / "config", target={"kind": "git-branch", "url": str(remote), "path": "k8s"})
    lines: list[str] = []

    code = run_worker(source=CommitSource(str(repo.root), branch="main"), interval=1, once=True,
                      cluster_for_target=no_cluster, log=lines.append)  # type: ignore[arg-type]  # fmt: skip

    assert code == 0, lines
    heads = git(remote, "for-each-ref", "--format=%(refname:short)", "refs/heads/").split()
    assert heads == ["env/traderx-prod-asia", "env/traderx-prod-eu", "env/traderx-prod-us"]
    # The branch's tree is exactly what `mtx render --out` writes for the space.
    out = tmp_path / "render"
    assert run_mtx("render", "--space", "traderx-prod-eu", "--out", str(out), "--repo", str(repo.root)) == 0
    tree = tmp_path / "tree"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "archive", "env/traderx-prod-eu", "k8s"], cwd=remote, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    diff = subprocess.run(
        ["diff", "-r", "-x", "README.md", str(out / "traderx-prod-eu"), str(tree / "k8s")], check=False
    )
    assert diff.returncode == 0
    assert "replicas: 5" in (tree / "k8s/trade-service.yaml").read_text()


def run_mtx(*args: str) -> int:
    from tests.conftest import run

    return run(*args).code


def test_an_older_source_commit_never_replaces_a_newer_one(tmp_path: Path) -> None:
    remote = tmp_path / "rendered.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    repo = regions_repo(tmp_path / "config", target={"kind": "git-branch", "url": str(remote)})
    old = repo.git("rev-parse", "HEAD")
    repo.unit("traderx-prod-eu", "trade-service", deployment("trade-service", replicas=6))
    repo.commit("eu to 6")
    from tests.conftest import run

    first = run("apply", "--space", "traderx-prod-eu", "--repo", str(repo.root))
    assert first.code == 0, first.err

    late = run("apply", "--space", "traderx-prod-eu", "--repo", str(repo.root), "--branch", old, "-o", "json")

    assert late.code == 0 and "has the newer commit" in late.json[0]["notes"][0]
    assert git(remote, "rev-list", "--count", "env/traderx-prod-eu").strip() == "1"


def test_a_worker_reading_a_url_commits_to_that_repository_when_the_target_names_none(tmp_path: Path) -> None:
    repo = regions_repo(tmp_path / "config", target={"kind": "git-branch"})
    origin = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.root), str(origin))

    source = CommitSource(f"file://{origin}", branch="main", cache_dir=tmp_path / "cache")
    code = run_worker(source=source, interval=1, once=True, cluster_for_target=no_cluster, log=lambda _l: None)  # type: ignore[arg-type]

    assert code == 0
    assert "env/traderx-prod-us" in git(origin, "branch", "--list", "env/*")
    assert git(repo.root, "branch", "--list", "env/*").strip() == ""


@pytest.mark.kube
@pytest.mark.xdist_group("kube")
def test_kubectl_apply_of_the_branch_tree_creates_what_the_space_renders(
    tmp_path: Path, kube: Any, space_name: Any
) -> None:
    space = space_name("eu")
    remote = tmp_path / "rendered.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    repo = ConfigRepo(tmp_path / "config", targets={"rendered": {"kind": "git-branch", "url": str(remote)}})
    repo.space(space, target="rendered")
    repo.unit(space, "trade-service", deployment("trade-service", replicas=2))
    repo.unit(space, "reference-data", deployment("reference-data", replicas=1))
    source = repo.commit("eu")
    assert run_mtx("render", "--space", space, "--deliver", "--repo", str(repo.root)) == 0
    # What Argo CD or Flux would do with the branch: check it out and apply its files as they are.
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", "--branch", f"env/{space}", str(remote), str(checkout))

    kube.kubectl("create", "namespace", space)  # what Argo CD's CreateNamespace=true does; mtx apply does it too
    kube.kubectl("apply", "-f", str(checkout))

    names = kube.kubectl("-n", space, "get", "deployments", "-o", "jsonpath={.items[*].metadata.name}").split()
    assert sorted(names) == ["reference-data", "trade-service"]
    annotation = "jsonpath={.metadata.annotations.mtx\\.dev/commit}"
    assert kube.kubectl("-n", space, "get", "deployment", "trade-service", "-o", annotation) == source
    assert kube.kubectl("-n", space, "get", "deployment", "trade-service", "-o", "jsonpath={.spec.replicas}") == "2"
