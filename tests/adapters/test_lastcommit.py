"""The last-commit table equals `git log -1 <commit> -- <path>` for every path, merges included.

Random histories with branches, merges (clean, `-s ours`, conflicts resolved either way, evil
merges, octopus), deletions, re-additions and empty commits; blobs repeat on purpose so that a
merge is often the same as one parent for a path. Tables built from scratch, updated from a cached
ancestor, and read back from the cache must all agree with git.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from mtx_gitops.adapters import lastcommit
from mtx_gitops.adapters.gitlog import last_commits
from mtx_gitops.adapters.gitrepo import Git, init_repo
from tests.conftest import Mtx, run

FILES = ["a", "b", "dir/c", "dir/d", "dir/sub/e", "f g"]


def _git(root: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=check).stdout


def _random_history(root: Path, seed: int, steps: int = 40) -> None:
    rng = random.Random(seed)
    init_repo(root)
    for name in FILES[:3]:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("0\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "root")
    branches = ["main"]
    for step in range(steps):
        branch = rng.choice(branches)
        _git(root, "checkout", "-q", branch)
        action = rng.random()
        if action < 0.15 and len(branches) < 4:
            name = f"b{step}"
            _git(root, "checkout", "-q", "-b", name)
            branches.append(name)
        elif action < 0.4 and len(branches) > 1:
            _merge(root, rng, [b for b in branches if b != branch])
            continue
        for _ in range(rng.randint(0, 2)):
            path = root / rng.choice(FILES)
            if path.exists() and rng.random() < 0.25:
                path.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(f"{rng.randint(0, 2)}\n")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "--allow-empty", "-m", f"step {step}")


def _merge(root: Path, rng: random.Random, others: list[str]) -> None:
    theirs = rng.sample(others, k=min(len(others), 2 if rng.random() < 0.2 else 1))
    strategy = ["-s", "ours"] if rng.random() < 0.15 else ["-X", rng.choice(["ours", "theirs"])]
    done = subprocess.run(
        ["git", "merge", "-q", "--no-ff", "--no-commit", *strategy, *theirs], cwd=root, capture_output=True, check=False
    )
    if done.returncode and len(theirs) > 1:
        _git(root, "merge", "--abort", check=False)
        _git(root, "reset", "-q", "--hard")
        return
    for path in _git(root, "diff", "--name-only", "--diff-filter=U").split("\n"):
        if path:  # modify/delete conflicts: keep the file or drop it
            _git(root, "add", path) if (root / path).exists() and rng.random() < 0.5 else _git(root, "rm", "-q", path)
    if rng.random() < 0.2:  # an evil merge: content neither parent had
        path = root / rng.choice(FILES[:3])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("evil\n")
        _git(root, "add", "-A")
    _git(root, "commit", "-q", "--no-edit", "--allow-empty", "-m", "merge")


def _expected(root: Path, commit: str, paths: list[str]) -> dict[str, str]:
    found = {}
    for path in paths:
        out = _git(root, "log", "-1", "--format=%H", commit, "--", path).strip()
        if out:
            found[path] = out
    return found


def _every_path(root: Path) -> list[str]:
    out = _git(root, "log", "--all", "--format=", "--name-only", "-m", "--root")
    return sorted({line for line in out.splitlines() if line} | {"never-existed"})


@pytest.mark.parametrize("seed", range(6))
def test_tables_match_git_log_on_random_histories_with_merges(tmp_path: Path, seed: int) -> None:
    root = tmp_path / "repo"
    _random_history(root, seed)
    git = Git(root)
    paths = _every_path(root)
    heads = _git(root, "for-each-ref", "--format=%(objectname)", "refs/heads/").split()
    merges = _git(root, "rev-list", "--merges", "--all").split()
    assert merges, "the history has no merge to test"
    commits = sorted(set(heads) | set(merges[:4]))
    for commit in commits:
        expected = _expected(root, commit, paths)
        full = lastcommit.walk(git, commit)
        assert full is not None
        assert {p: c for p, c in full.items() if p in paths} == expected, commit
        # From each cached ancestor on the first-parent line: the same table, or None (walk all).
        line = _git(root, "rev-list", "--first-parent", commit).split()[1:8]
        for base in line:
            base_table = lastcommit.walk(git, base)
            assert base_table is not None
            step = lastcommit.walk(git, commit, base=base, base_table=base_table)
            if step is not None:
                assert {p: c for p, c in step.items() if p in paths} == expected, (commit, base)


def test_the_cache_is_updated_from_an_ancestor_and_read_back(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _random_history(root, 11, steps=25)
    git = Git(root)
    paths = _every_path(root)
    folder = git.git_dir / "mtx" / "last-commit"
    first = _git(root, "rev-parse", "main~3").strip()
    assert lastcommit.table(git, first, build=False) is None  # nothing cached, nothing built
    assert lastcommit.table(git, first) == lastcommit.walk(git, first)
    assert (folder / first).is_file()
    head = _git(root, "rev-parse", "main").strip()
    updated = lastcommit.table(git, head, build=False)  # from the cached ancestor
    assert updated is not None and {p: c for p, c in updated.items() if p in paths} == _expected(root, head, paths)
    assert lastcommit.table(git, head, build=False) == updated  # now read from its own file
    assert last_commits(git, head, paths) == _expected(root, head, paths)


def test_a_corrupt_or_unwritable_cache_only_costs_speed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _random_history(root, 3, steps=10)
    git = Git(root)
    head = _git(root, "rev-parse", "HEAD").strip()
    folder = git.git_dir / "mtx" / "last-commit"
    folder.mkdir(parents=True)
    (folder / head).write_bytes(b"\x00garbage")
    assert lastcommit.table(git, head) == lastcommit.walk(git, head)
    (folder / head).unlink()
    folder.chmod(0o500)
    try:
        assert lastcommit.table(git, head) == lastcommit.walk(git, head)
    finally:
        folder.chmod(0o700)


def test_few_paths_without_a_table_are_looked_up_one_by_one(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _random_history(root, 5, steps=15)
    git = Git(root)
    head = _git(root, "rev-parse", "HEAD").strip()
    assert last_commits(git, "HEAD", ["a", "dir/c", "never-existed"]) == _expected(root, head, ["a", "dir/c"])
    assert not (git.git_dir / "mtx" / "last-commit").exists()
    assert last_commits(git, head, []) == {}


def test_unit_list_revisions_follow_git_log_across_a_merge(tmp_path: Path) -> None:
    root = tmp_path / "config"
    assert run("init", str(root), "--example", "traderx").code == 0
    m = Mtx(root)
    m("space", "create", "traderx-base")
    for index, unit in enumerate(("reference-data", "trade-service")):
        m("unit", "create", unit, str(root / f"base/{unit}.yaml"), "--space", "traderx-base")
        for space in range(5):  # enough units that the table, not `git log -1` per unit, answers
            if index == 0:
                m("space", "create", f"s{space}")
            m("unit", "create", unit, str(root / f"base/{unit}.yaml"), "--space", f"s{space}")
    patch = ("--patch", '{"spec":{"replicas":3}}')
    m("unit", "update", "trade-service", "--space", "s1", *patch, "--branch", "side")
    m("unit", "update", "reference-data", "--space", "s2", *patch, "--branch", "side")
    m("unit", "update", "reference-data", "--space", "s2", *patch)  # the same content on both lines
    m("unit", "update", "trade-service", "--space", "s3", *patch)
    m.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    listed = m.json("unit", "list", "--space", "*", "--no-data")
    assert len(listed) == 12
    for unit in listed:
        path = f"spaces/{unit['space']}/{unit['unit']}.yaml"
        assert unit["revision"] == m.git("log", "-1", "--format=%H", "HEAD", "--", path).strip(), path
    assert (root / ".git/mtx/last-commit" / m.head()).is_file()
