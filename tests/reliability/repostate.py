"""What a repository looks like to the battery, and what a refused command must leave unchanged."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import subprocess
from pathlib import Path

from tests.conftest import GIT_ENV, Mtx

CANARY = "s3cr3t-canary-4d1f"


def git(root: Path, *args: str, check: bool = True) -> str:
    """A git command's stdout; never takes optional locks (so it cannot disturb what it inspects)."""
    done = subprocess.run(
        ["git", "--no-optional-locks", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
        check=False,
    )
    if check:
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def fsck_clean(root: Path) -> bool:
    done = subprocess.run(
        ["git", "fsck", "--strict", "--no-progress", "--no-dangling"], cwd=root, capture_output=True, check=False
    )
    return done.returncode == 0 and not done.stderr.strip()


def tree_digest(root: Path, *, skip: tuple[str, ...] = (".git/mtx/*", ".git/index")) -> str:
    """sha256 over every file under `root` (the .git directory included: refs, objects, logs).

    Paths matching a `skip` pattern are left out: by default `.git/mtx/` (mtx's parse cache and lock
    file) and `.git/index` (git may rewrite its stat cache; compare it with `git ls-files -s`).
    """
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(fnmatch.fnmatchcase(rel, pattern) for pattern in skip):
            continue
        digest.update(rel.encode() + b"\0")
        if path.is_symlink():
            digest.update(b"L" + os.readlink(path).encode())
        elif path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def state(m: Mtx) -> tuple[str, str, str, str]:
    """Branch tip, index, status and every file's bytes (read without taking git's optional locks)."""
    return (
        git(m.root, "rev-parse", "HEAD"),
        git(m.root, "ls-files", "-s"),
        git(m.root, "status", "--porcelain", "--untracked-files=all"),
        tree_digest(m.root),
    )


def assert_clean_refusal(m: Mtx, args: tuple[str, ...], *, stdin: bytes = b"", codes: tuple[int, ...] = (1, 2)) -> str:
    """Run mtx with hostile input and check the refusal; returns the error line."""
    before = state(m)
    result = m(*args, stdin=stdin, ok=False)
    assert result.code in codes, f"exit {result.code}, expected {codes}: {result.err[:500]}{result.out[:300]}"
    assert result.err.count("\n") == 1 and result.err.endswith("\n"), f"not one line: {result.err[:800]!r}"
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    assert CANARY not in result.err + result.out, "a secret from the environment was echoed"
    assert state(m) == before, "the repository changed"
    return result.err
