"""Faults from the environment: a full disk, a read-only repository, locks left by other git tools.

Each write must fail with exit 1 and one clear line, leave the branch, the index and the working
tree as they were, and work again once the fault is gone. Techniques, all real (no mocks):
- disk full: the repo on a 4 MiB tmpfs filled to the last byte (needs root and mount); and, where
  mounting is not possible, `RLIMIT_FSIZE` on the mtx process (its git children inherit it);
- read-only: a read-only bind mount over the repo (root), or `chmod -R a-w` (non-root; root
  ignores permission bits, so that variant is skipped as root);
- a stale `.git/index.lock` or `refs/heads/main.lock` left behind by another tool.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import GIT_ENV, Mtx, run
from tests.reliability.repostate import fsck_clean, git, tree_digest
from tests.test_stages_1_to_3 import build_stage_1

PATCH = ("unit", "update", "reference-data", "--space", "traderx", "--patch", '{"spec":{"replicas":4}}')
IS_ROOT = os.geteuid() == 0


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


def _can_mount(tmp: Path) -> bool:
    probe = tmp / "probe"
    probe.mkdir()
    if not (IS_ROOT and _mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe))):
        return False
    subprocess.run(["umount", str(probe)], check=False)
    return True


@contextlib.contextmanager
def mounted(*args: str, where: Path) -> Iterator[None]:
    assert _mount(*args), f"mount {' '.join(args)} failed"
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(disk: Path) -> None:
    """Write zeros until the file system is full."""
    # suppress around the `with`: closing the file flushes what the last write left buffered, and fails too
    with contextlib.suppress(OSError), (disk / "filler").open("wb") as handle:
        while True:
            handle.write(b"\0" * 65536)
            handle.flush()
    (disk / "filler-small").touch()  # may already fail; the point is: no space left
    with contextlib.suppress(OSError), (disk / "filler-small").open("wb") as handle:
        while True:
            handle.write(b"\0" * 512)
            handle.flush()


def _one_line_failure(result_code: int, err: str) -> None:
    assert result_code == 1, err
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert "Traceback" not in err


def _state(m: Mtx) -> tuple[str, str, str, str]:
    """Branch tip, index, status and every file's bytes (read without taking git's optional locks).

    Left out: the object store, where a write refused after `git fast-import` ran leaves unreferenced
    objects (or a partial temporary pack), and fast-import's crash report; both are garbage that no
    ref reaches, but they are bytes (see the report).
    """
    return (
        git(m.root, "rev-parse", "HEAD"),
        git(m.root, "ls-files", "-s"),
        git(m.root, "status", "--porcelain", "--untracked-files=all"),
        tree_digest(m.root, skip=(".git/mtx/*", ".git/index", ".git/objects/*", ".git/fast_import_crash_*")),
    )


def test_disk_full_on_a_tmpfs(tmp_path: Path) -> None:
    if not _can_mount(tmp_path):
        pytest.skip("cannot mount a tmpfs here (needs root); the RLIMIT_FSIZE variant covers this")
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk), where=disk):
        assert run("init", str(disk / "config"), "--example", "traderx").code == 0
        m = Mtx(disk / "config")
        build_stage_1(m)
        _fill(disk)
        before = _state(m)
        result = m(*PATCH, ok=False)
        _one_line_failure(result.code, result.err)
        assert _state(m) == before
        (disk / "filler").unlink()
        m(*PATCH)
        assert fsck_clean(m.root)
        assert git(m.root, "status", "--porcelain") == ""


def test_file_size_limit_kills_the_write_cleanly(mtx: Mtx) -> None:
    build_stage_1(mtx)
    for path in (mtx.root / "spaces").rglob("*.yaml"):
        # Same content, new mtime: a `git status` that refreshed the index would take index.lock, and
        # die holding it (SIGXFSZ, as kill -9 would); mtx's dirty check must not take optional locks.
        os.utime(path)
    before = _state(mtx)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (256, 256))

    done = subprocess.run(
        [sys.executable, "-m", "mtx_gitops", *PATCH, "--repo", str(mtx.root)],
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        preexec_fn=limit,
        check=False,
    )
    _one_line_failure(done.returncode, done.stderr)
    assert _state(mtx) == before
    mtx(*PATCH)
    assert fsck_clean(mtx.root)


@contextlib.contextmanager
def read_only(root: Path) -> Iterator[str]:
    """Make `root` read-only for mtx, by the most honest means available; yields the technique."""
    if IS_ROOT and _can_mount(root.parent):
        with mounted("--bind", str(root), str(root), where=root):
            assert _mount("-o", "remount,bind,ro", str(root)), "remount read-only failed"
            yield "read-only bind mount"
        return
    if IS_ROOT:
        pytest.skip("root without mount: permission bits do not stop root")
    subprocess.run(["chmod", "-R", "a-w", str(root)], check=True)
    try:
        yield "chmod -R a-w"
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(root)], check=True)


def test_read_only_repository(mtx: Mtx) -> None:
    build_stage_1(mtx)
    before = _state(mtx)
    with read_only(mtx.root):
        result = mtx(*PATCH, ok=False)
        _one_line_failure(result.code, result.err)
        assert mtx.json("unit", "get", "reference-data", "--space", "traderx")["unit"] == "reference-data"
        listed = mtx("unit", "list", "--space", "*", "-o", "json", ok=False)
        assert listed.code == 0, listed.err
    assert _state(mtx) == before
    mtx(*PATCH)


def test_stale_index_lock_from_another_tool(mtx: Mtx) -> None:
    build_stage_1(mtx)
    lock = mtx.root / ".git/index.lock"
    lock.write_text("")
    os.utime(lock, (1, 1))  # left long ago by some other git tool, not by mtx
    before = tree_digest(mtx.root)
    result = mtx(*PATCH, ok=False)
    _one_line_failure(result.code, result.err)
    assert "index.lock" in result.err
    assert lock.exists(), "mtx removed a lock it does not own"
    assert tree_digest(mtx.root) == before
    lock.unlink()
    mtx(*PATCH)


def test_stale_branch_lock_from_another_tool(mtx: Mtx) -> None:
    build_stage_1(mtx)
    lock = mtx.root / ".git/refs/heads/main.lock"
    lock.write_text("")
    before = _state(mtx)
    result = mtx(*PATCH, ok=False)
    _one_line_failure(result.code, result.err)
    assert "main.lock" in result.err or "locked" in result.err
    assert lock.exists()
    assert _state(mtx) == before
    lock.unlink()
    mtx(*PATCH)
    assert fsck_clean(mtx.root)
