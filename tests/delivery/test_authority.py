"""Bounded authority: git names a worker's targets, its --target-config decides where they lead.

Every refusal leaves the repository as it was and delivers nothing: no file under any root, no
cluster opened (the tests' cluster factory fails if it is ever called).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mtx_gitops import yaml
from mtx_gitops.delivery.authority import Authority, Grant, load_target_config
from mtx_gitops.delivery.source import CommitSource
from mtx_gitops.delivery.worker import run_worker
from mtx_gitops.errors import RefusedError, UserError
from tests.conftest import Mtx
from tests.delivery.configrepo import ConfigRepo
from tests.delivery.traderx import deployment

REGIONS = {"us": 3, "eu": 5, "asia": 2}


def stage3_repo(root: Path, *, path: str = "out", kube: bool = False) -> ConfigRepo:
    """Stage 3: three regions deliver to one directory target (and, with `kube`, a cluster one)."""
    targets: dict[str, dict[str, Any]] = {"out": {"kind": "directory", "path": path}}
    if kube:
        targets["prod"] = {"kind": "kubernetes", "kubeconfig": "${KUBECONFIG_PROD}"}
    repo = ConfigRepo(root, targets=targets)
    for region, replicas in REGIONS.items():
        repo.space(f"traderx-prod-{region}", target="prod" if kube and region == "eu" else "out")
        repo.unit(f"traderx-prod-{region}", "trade-service", deployment("trade-service", replicas=replicas))
    repo.commit("stage 3")
    return repo


def target_config(path: Path, targets: dict[str, Any]) -> Path:
    path.write_text(yaml.dump_documents([{"targets": targets}]), encoding="utf-8")
    return path


def no_cluster(_target: object) -> object:
    raise AssertionError("a refused commit opens no cluster")


def once(repo: ConfigRepo, authority: Authority, *, spaces: str = "*") -> tuple[int, list[str]]:
    lines: list[str] = []
    code = run_worker(source=CommitSource(str(repo.root), branch="main"), interval=1, once=True,
                      cluster_for_target=no_cluster, log=lines.append, authority=authority,  # type: ignore[arg-type]
                      spaces=spaces)  # fmt: skip
    return code, lines


def unchanged(repo: ConfigRepo, head: str) -> bool:
    return repo.git("rev-parse", "HEAD") == head and repo.git("status", "--porcelain", "--untracked-files=all") == ""


def files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_granted_directory_target_is_written_under_the_root_the_worker_was_given(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo")
    authority = load_target_config(target_config(tmp_path / "targets.yaml", {"out": {"root": "rendered"}}),
                                   allow_env=None)  # fmt: skip

    code, lines = once(repo, authority)

    assert code == 0, lines
    assert files(tmp_path / "rendered") == [f"out/traderx-prod-{r}/trade-service.yaml" for r in ("asia", "eu", "us")]
    assert not (repo.root / "out").exists()  # not where mtx.yaml alone would put it
    assert unchanged(repo, repo.git("rev-parse", "HEAD"))


def test_the_worker_refuses_a_target_its_config_does_not_name(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo", kube=True)
    head = repo.git("rev-parse", "HEAD")
    authority = load_target_config(target_config(tmp_path / "t.yaml", {"out": {"root": "r"}}), allow_env=None)

    code, lines = once(repo, authority)

    assert code == 1
    assert lines[-1] == (
        f"error: target 'prod' is not in this worker's --target-config {tmp_path / 't.yaml'} "
        "(it delivers to: out); waiting for a new commit"
    )
    assert files(tmp_path / "r") == []  # the whole commit is refused, not the other spaces delivered
    assert unchanged(repo, head)


def test_a_worker_serving_other_spaces_does_not_need_their_targets(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo", kube=True)
    authority = load_target_config(target_config(tmp_path / "t.yaml", {"out": {"root": "r"}}), allow_env=None)

    code, lines = once(repo, authority, spaces="traderx-prod-[ua]*")

    assert code == 0, lines
    assert files(tmp_path / "r") == [f"out/traderx-prod-{r}/trade-service.yaml" for r in ("asia", "us")]
    assert lines[-1].endswith(": 2 space(s) with a target")


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/etc/mtx", "path '/etc/mtx' from mtx.yaml is absolute; it must stay under"),
        ("../elsewhere", "path '../elsewhere' from mtx.yaml leaves its root"),
        ("out/../../elsewhere", "path 'out/../../elsewhere' from mtx.yaml leaves its root"),
        ("escape/out", "path 'escape/out' leads out of its root"),
    ],
)
def test_a_directory_path_from_git_stays_under_its_root(tmp_path: Path, path: str, why: str) -> None:
    repo = stage3_repo(tmp_path / "repo", path=path)
    head = repo.git("rev-parse", "HEAD")
    root = tmp_path / "root"
    root.mkdir()
    (tmp_path / "outside").mkdir()
    (root / "escape").symlink_to(tmp_path / "outside")  # a link on the worker's side, not in git
    authority = load_target_config(target_config(tmp_path / "t.yaml", {"out": {"root": str(root)}}), allow_env=None)

    code, lines = once(repo, authority)

    assert code == 1
    assert why in lines[-1] and lines[-1].startswith("error: target 'out': ")
    assert files(root) == [] and files(tmp_path / "outside") == []
    assert unchanged(repo, head)


def test_variables_in_mtx_yaml_expand_only_when_allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGION_DIR", "by-region")
    repo = stage3_repo(tmp_path / "repo", path="${REGION_DIR}/out")
    head = repo.git("rev-parse", "HEAD")
    config = target_config(tmp_path / "t.yaml", {"out": {"root": "r"}})

    refused, lines = once(repo, load_target_config(config, allow_env=None))
    assert refused == 1
    assert lines[-1] == "error: mtx.yaml reads ${REGION_DIR}, which this worker may not (see --allow-env); " \
        "waiting for a new commit"  # fmt: skip
    assert files(tmp_path / "r") == [] and unchanged(repo, head)

    allowed, _ = once(repo, load_target_config(config, allow_env=frozenset({"REGION_DIR"})))
    assert allowed == 0
    assert files(tmp_path / "r")[0] == "by-region/out/traderx-prod-asia/trade-service.yaml"


def test_without_a_target_config_allow_env_still_bounds_the_variables(tmp_path: Path) -> None:
    authority = Authority(allow_env=frozenset({"KUBECONFIG_PROD_US"}))
    with pytest.raises(RefusedError, match=r"reads \$\{HOME\}, which this worker may not"):
        authority.resolve("prod", {"kind": "kubernetes", "kubeconfig": "${HOME}/.kube/config"}, base=tmp_path)
    assert Authority().resolve("prod", {"kind": "kubernetes", "kubeconfig": "$HOME/k"}, base=tmp_path).kubeconfig \
        == str(Path.home() / "k")  # fmt: skip


def test_credentials_come_from_the_target_config_never_from_git(tmp_path: Path) -> None:
    authority = Authority({"prod": Grant("prod", kubeconfig="/secure/kubeconfig", context="prod")})
    data = {"kind": "kubernetes", "kubeconfig": "/home/attacker/kubeconfig", "context": "theirs"}
    target = authority.resolve("prod", data, base=tmp_path)
    assert (target.kubeconfig, target.context, target.in_cluster) == ("/secure/kubeconfig", "prod", False)
    assert Authority({"prod": Grant("prod", in_cluster=True)}).resolve("prod", data, base=tmp_path).in_cluster
    with pytest.raises(RefusedError, match=r"kubernetes target in mtx\.yaml; --target-config gives it a root"):
        Authority({"prod": Grant("prod", root="/srv")}).resolve("prod", data, base=tmp_path)
    with pytest.raises(RefusedError, match=r"directory target in mtx\.yaml; --target-config gives no root"):
        Authority({"out": Grant("out", in_cluster=True)}).resolve("out", {"kind": "directory"}, base=tmp_path)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("- a\n", "expected `targets: {NAME: {kubeconfig: PATH} | ...}` only"),
        ("targets: {}\nextra: 1\n", "expected `targets:"),
        ("targets:\n  prod: {kubeconfig: k, root: r}\n", "give one of kubeconfig (+ context), inCluster or root"),
        ("targets:\n  prod: {context: c}\n", "give one of kubeconfig (+ context), inCluster or root, not context"),
        ("targets:\n  prod: {inCluster: false}\n", "inCluster must be true"),
        ("targets:\n  prod: {root: 3}\n", "root must be a non-empty string"),
        ("targets:\n  prod: just-a-string\n", "expected {kubeconfig: PATH, context: C}"),
        ("targets: [\n", "t.yaml"),
    ],
)
def test_a_malformed_target_config_is_refused_with_one_line(tmp_path: Path, text: str, why: str) -> None:
    (tmp_path / "t.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_target_config(tmp_path / "t.yaml", allow_env=None)
    assert why in str(caught.value) and "\n" not in str(caught.value)


def test_mtx_worker_run_takes_a_target_config_and_the_old_spelling_still_works(tmp_path: Path) -> None:
    repo = stage3_repo(tmp_path / "repo")
    m = Mtx(repo.root)
    config = target_config(tmp_path / "t.yaml", {"out": {"root": str(tmp_path / "r")}})

    bounded = m("worker", "run", "--once", "--target-config", str(config))
    assert "no --target-config" not in bounded.out and "applied" in bounded.out
    assert len(files(tmp_path / "r")) == 3

    local = m("worker", "--once")  # as scripts wrote it before `worker run`
    assert "note: no --target-config: delivering to every target mtx.yaml names" in local.out
    assert len(files(repo.root / "out")) == 3

    missing = m("worker", "run", "--once", "--target-config", str(tmp_path / "nope.yaml"), ok=False)
    assert missing.code == 2 and missing.err.strip().startswith("error: --target-config")
    assert len(missing.err.strip().splitlines()) == 1
