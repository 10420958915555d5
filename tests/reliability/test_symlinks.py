"""Symlinks inside spaces/, base/ or an output directory are refused, never followed.

Two kinds: a symlink committed to git (mode 120000; mtx reads the tree, so the "content" is the link
target's path) and a symlink in the working tree (files mtx is asked to read, directories it writes
rendered manifests into).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import Mtx
from tests.reliability.repostate import assert_clean_refusal

SECRET_LINE = "root:x:0:0"  # what /etc/passwd would leak


def _commit_symlink(m: Mtx, path: str, target: str) -> None:
    link = m.root / path
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    m.git("add", path)
    m.git("commit", "-q", "-m", f"add symlink {path}")
    assert m.git("ls-tree", "HEAD", path).startswith("120000 ")


@pytest.mark.parametrize("target", ["/etc/passwd", "../../base/reference-data.yaml"])
def test_a_committed_symlink_unit_is_never_followed(repo: Mtx, target: str) -> None:
    _commit_symlink(repo, "spaces/traderx-base/evil.yaml", target)
    for args in (
        ("unit", "get", "evil", "--space", "traderx-base"),
        ("unit", "update", "evil", "--space", "traderx-base", "--patch", '{"spec":{"replicas":2}}'),
    ):
        err = assert_clean_refusal(repo, args)
        assert "symlink" in err and SECRET_LINE not in err
    for args in (("render", "--space", "traderx-base"), ("unit", "list", "--space", "*", "-o", "json")):
        result = repo(*args, ok=False)  # refused, or done without the symlink
        assert SECRET_LINE not in result.out + result.err and "Traceback" not in result.err
        assert "mtx.dev/unit: evil" not in result.out and '"unit": "evil"' not in result.out


def test_one_committed_symlink_does_not_break_the_other_units(repo: Mtx) -> None:
    _commit_symlink(repo, "spaces/traderx-base/evil.yaml", "/etc/passwd")
    listed = repo.json("unit", "list", "--space", "*", "--no-data")
    assert "evil" not in {u["unit"] for u in listed} and len(listed) == 6
    err = assert_clean_refusal(repo, ("unit", "get", "evil", "--space", "traderx-base"))
    assert "symlink" in err


def test_copying_or_linking_never_turns_a_symlink_into_a_unit(repo: Mtx) -> None:
    _commit_symlink(repo, "spaces/traderx-base/evil.yaml", "/etc/passwd")
    assert_clean_refusal(repo, ("unit", "copy", "evil", "--from", "traderx-base", "--to", "traderx-prod-us"))
    repo("space", "create", "copy")
    result = repo("unit", "create", "--space", "copy", "--upstream-space", "traderx-base", ok=False)
    assert not (repo.root / "spaces/copy/evil.yaml").exists(), result.out


@pytest.mark.parametrize("chain", [False, True])
def test_a_manifest_symlink_leaving_the_repo_is_refused(repo: Mtx, tmp_path: Path, chain: bool) -> None:
    outside = tmp_path / "outside.yaml"
    shutil.copy(repo.root / "base/reference-data.yaml", outside)
    link = repo.root / "spaces/traderx-base/import.yaml"
    if chain:  # inside -> inside -> outside
        (repo.root / "base/hop.yaml").symlink_to(outside)
        link.symlink_to("../../base/hop.yaml")
    else:
        link.symlink_to(outside)
    err = assert_clean_refusal(repo, ("unit", "create", "x", str(link), "--space", "traderx-base"))
    assert "outside the repository" in err


def test_a_symlinked_directory_in_base_is_refused(repo: Mtx, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(repo.root / "base/reference-data.yaml", outside / "good.yaml")
    (repo.root / "base/evil").symlink_to(outside)
    err = assert_clean_refusal(
        repo, ("unit", "create", "x", str(repo.root / "base/evil/good.yaml"), "--space", "traderx-base")
    )
    assert "outside the repository" in err


def test_render_never_writes_or_deletes_through_a_symlinked_directory(repo: Mtx, tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.yaml").write_text("precious: true\n")
    (repo.root / "out").mkdir()
    os.symlink(victim, repo.root / "out/traderx-base")
    result = repo("render", "--space", "traderx-base", "--out", str(repo.root / "out"), ok=False)
    assert (victim / "keep.yaml").read_text() == "precious: true\n", "a file outside the repo was deleted"
    assert sorted(p.name for p in victim.iterdir()) == ["keep.yaml"], "files were written outside the repo"
    assert result.code in (1, 2) and result.err.count("\n") == 1
