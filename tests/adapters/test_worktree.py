"""A large write brings the checkout to the new commit by writing the files in place, exactly as git would.

Each case commits a change with fast-import, moves the branch, then asks `write_through` to update
the checkout. Where git's own checkout could write other bytes (attributes, autocrlf), must skip a
path (sparse checkout, skip-worktree) or must replace the file (executable bit, symlinks on the
way), it declines and leaves everything as it was, for `git read-tree -m -u` to do the work.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from mtx_gitops.adapters import gitcheckout
from mtx_gitops.adapters.gitrepo import Git, identity_of, init_repo
from mtx_gitops.adapters.worktree import write_through

OLD = {"spaces/a/x.yaml": b"replicas: 1\n", "spaces/a/y.yaml": b"kind: Service\n",
       "spaces/b/z.yaml": b"kind: ConfigMap\n", "spaces/b/.mtx/links/z.yaml": b"upstream: a\n"}  # fmt: skip
CHANGES: dict[str, bytes | None] = {
    "spaces/a/x.yaml": b"replicas: 3\n",  # rewritten in place
    "spaces/c/new.yaml": b"kind: Secret\n",  # created, with its directory
    "spaces/b/z.yaml": None,  # deleted, and
    "spaces/b/.mtx/links/z.yaml": None,  # its emptied directories with it
}


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Git:
    root = tmp_path / "repo"
    init_repo(root)
    for path, data in OLD.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    (root / "notes.txt").write_text("unrelated\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "old")
    return Git(root)


def _commit(git: Git, changes: dict[str, bytes | None] = CHANGES) -> str:
    """Commit `changes` on top of HEAD and move the branch there (the checkout is still the old one)."""
    old = _git(git.root, "rev-parse", "HEAD").strip()
    new = git.commit_files(parent=old, changes=changes, message="change\n", identity=identity_of(git))
    _git(git.root, "update-ref", "refs/heads/main", new, old)
    return new


def test_the_checkout_matches_the_commit_with_fresh_stat_data(repo: Git) -> None:
    inode = os.lstat(repo.root / "spaces/a/x.yaml").st_ino
    index_before = _git(repo.root, "ls-files", "-s", "notes.txt")
    marks = gitcheckout.marks(repo, CHANGES)
    _commit(repo)

    assert write_through(repo, CHANGES, marks)

    assert _git(repo.root, "status", "--porcelain", "--untracked-files=all") == ""
    assert _git(repo.root, "diff-files", "--name-only") == ""  # no refresh needed: stat data recorded
    assert (repo.root / "spaces/a/x.yaml").read_bytes() == b"replicas: 3\n"
    assert os.lstat(repo.root / "spaces/a/x.yaml").st_ino == inode  # overwritten, not replaced
    assert (repo.root / "spaces/c/new.yaml").read_bytes() == b"kind: Secret\n"
    assert not (repo.root / "spaces/b").exists()
    assert _git(repo.root, "ls-files", "-s", "notes.txt") == index_before


def _attributes(git: Git) -> None:
    (git.root / ".gitattributes").write_text("*.yaml text eol=crlf\n")
    _git(git.root, "add", ".gitattributes")
    _git(git.root, "commit", "-q", "-m", "attributes")


def _skip_worktree(git: Git) -> None:
    _git(git.root, "update-index", "--skip-worktree", "spaces/a/x.yaml")


def _executable(git: Git) -> None:
    os.chmod(git.root / "spaces/a/x.yaml", 0o755)
    _git(git.root, "add", "spaces/a/x.yaml")
    _git(git.root, "commit", "-q", "-m", "exec")


def _symlinked_directory(git: Git) -> None:
    (git.root / "elsewhere").mkdir()
    os.symlink(git.root / "elsewhere", git.root / "spaces/c")


DECLINED: dict[str, Callable[[Git], None]] = {
    "an attribute applies": _attributes,
    "core.autocrlf is on": lambda git: _git(git.root, "config", "core.autocrlf", "true"),
    "core.autocrlf is set without a value": lambda git: (
        (git.root / ".git/config").open("a").write("[core]\n\tautocrlf\n")
    ),
    "sparse checkout is on": lambda git: _git(git.root, "config", "core.sparseCheckout", "true"),
    "a path is skip-worktree": _skip_worktree,
    "a file is executable": _executable,
    "a directory on the way is a symlink": _symlinked_directory,
}


@pytest.mark.parametrize("case", DECLINED)
def test_it_declines_and_changes_nothing_when(repo: Git, case: str) -> None:
    DECLINED[case](repo)
    files = {p.relative_to(repo.root).as_posix(): p.read_bytes() for p in repo.root.rglob("*")
             if p.is_file() and ".git" not in p.parts}  # fmt: skip
    index = (repo.root / ".git/index").read_bytes()
    marks = gitcheckout.marks(repo, CHANGES)
    _commit(repo)

    assert not write_through(repo, CHANGES, marks)

    assert (repo.root / ".git/index").read_bytes() == index
    assert {p.relative_to(repo.root).as_posix(): p.read_bytes() for p in repo.root.rglob("*")
            if p.is_file() and ".git" not in p.parts} == files  # fmt: skip


def test_when_it_declines_git_writes_what_the_attributes_ask_for(repo: Git) -> None:
    _attributes(repo)
    many: dict[str, bytes | None] = {f"spaces/d/u{n:03d}.yaml": b"a: 1\n" for n in range(gitcheckout.FEW_PATHS)}
    changes = {**CHANGES, **many}  # above the threshold for a by-name checkout
    marks = gitcheckout.marks(repo, changes)
    old = _git(repo.root, "rev-parse", "HEAD").strip()
    new = _commit(repo, changes)

    gitcheckout.update_checkout(repo, old, new, changes, marks)

    assert (repo.root / "spaces/a/x.yaml").read_bytes() == b"replicas: 3\r\n"
    assert (repo.root / "spaces/d/u000.yaml").read_bytes() == b"a: 1\r\n"
    assert _git(repo.root, "status", "--porcelain", "--untracked-files=all") == ""
