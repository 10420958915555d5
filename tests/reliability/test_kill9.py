"""`kill -9` at random points of a 600-unit push-upgrade: HEAD is the old or the new commit, never a
partial one; files the upgrade does not change are untouched; `git fsck` is clean; rerunning the
command completes the upgrade and the checkout (mtx finishes a checkout update a kill interrupted).

Half the trials kill the whole process group (mtx and the git it is running, as a container stop
does), half only the mtx process (its git child then runs to completion on its own). Half the
delays are uniform over the whole run, half aim at its last quarter, where the commit is written,
the branch moves and the checkout is updated. `MTX_KILL_SEED` replays a run.
"""

from __future__ import annotations

import collections
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, run
from tests.reliability.conftest import build_fleet, git_identity
from tests.reliability.repostate import fsck_clean, git

SPACES = 30  # x 20 units = 600 downstream units, 1,200 files changed by the upgrade
TRIALS = 10
UPGRADE = ("unit", "update", "--upgrade", "--space", "*")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with git_identity(tmp_path_factory):
        return build_fleet(tmp_path_factory.mktemp("fleet") / "config", spaces=SPACES)


def _spawn(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "mtx_gitops", *UPGRADE, "--repo", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, **GIT_ENV},
    )


def _kill(proc: subprocess.Popen[bytes], *, group: bool) -> None:
    try:
        if group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    if not group:  # let the orphaned git child finish, as it would in real life
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _group_alive(proc.pid):
            time.sleep(0.05)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _index_outside(root: Path, changed: set[str]) -> str:
    return "".join(
        line
        for line in git(root, "ls-files", "-s").splitlines(keepends=True)
        if line.split("\t", 1)[1].rstrip("\n") not in changed
    )


def _inspect(root: Path, *, old: str, tree: str, changed: set[str], index_before: str) -> str:
    """Check the invariants after a kill; return which state the repo was left in."""
    head = git(root, "rev-parse", "HEAD").strip()
    new = head != old
    if new:
        assert git(root, "rev-parse", "HEAD^").strip() == old, "HEAD is neither the old nor a child of it"
        assert git(root, "rev-parse", "HEAD^{tree}").strip() == tree, "HEAD is a partial commit"
    refs = git(root, "for-each-ref", "--format=%(refname)").split()
    assert refs == ["refs/heads/main"], refs  # fast-import's temporary ref never reaches the disk
    assert fsck_clean(root), git(root, "fsck", "--strict", check=False)
    dirty = {line[3:] for line in git(root, "status", "--porcelain", "--untracked-files=all").splitlines()}
    assert dirty <= changed, f"files outside the upgrade changed: {sorted(dirty - changed)[:5]}"
    assert _index_outside(root, changed) == index_before, "index entries outside the upgrade changed"
    if not new:
        assert not dirty, "the checkout changed although the branch did not move"
    lock = (root / ".git/index.lock").exists()
    return f"{'new' if new else 'old'} HEAD, checkout {'dirty' if dirty else 'clean'}" + (
        ", index.lock left" if lock else ""
    )


@pytest.mark.slow
def test_kill9_at_random_points_of_a_large_upgrade(fleet: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(fleet, reference, symlinks=True)
    old = git(reference, "rev-parse", "HEAD").strip()
    started = time.monotonic()
    assert _spawn(reference).wait() == 0
    duration = time.monotonic() - started
    tree = git(reference, "rev-parse", "HEAD^{tree}").strip()
    changed = set(git(reference, "diff", "--name-only", old, "HEAD").split())
    assert len(changed) == 2 * 20 * SPACES
    seed = int(os.environ.get("MTX_KILL_SEED", time.time_ns() % 100_000))
    rng = random.Random(seed)
    index_before = _index_outside(fleet, changed)
    states: collections.Counter[str] = collections.Counter()
    for trial in range(TRIALS):
        root = tmp_path / f"trial-{trial}"
        shutil.copytree(fleet, root, symlinks=True)
        proc = _spawn(root)
        # Every other pair of trials aims at the last quarter: the commit, ref move and checkout update.
        time.sleep(duration * (rng.uniform(0.0, 1.05) if trial % 4 < 2 else rng.uniform(0.75, 1.05)))
        _kill(proc, group=trial % 2 == 0)
        where = f"trial {trial} (seed {seed}, {'group' if trial % 2 == 0 else 'mtx only'})"
        try:
            states[_inspect(root, old=old, tree=tree, changed=changed, index_before=index_before)] += 1
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from None
        rerun = run(*UPGRADE, "--repo", str(root))
        assert rerun.code == 0, f"{where}: rerun failed: {rerun.err}"
        assert git(root, "rev-parse", "HEAD^{tree}").strip() == tree, f"{where}: rerun did not complete it"
        assert git(root, "rev-list", "--count", f"{old}..HEAD").strip() == "1", where
        assert git(root, "status", "--porcelain", "--untracked-files=all") == "", f"{where}: checkout left dirty"
        assert not (root / ".git/index.lock").exists(), where
        assert fsck_clean(root), where
        shutil.rmtree(root)
    print(f"kill -9 trials (seed {seed}, upgrade {duration:.1f} s): {dict(states)}")
