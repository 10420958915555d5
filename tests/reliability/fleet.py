"""A fleet of linked spaces built with mtx command lines (in-process), for crash and fault trials.

The base space holds the 20 benchmark services; every downstream space links all of them. Then
one `mtx run set-image --space base` changes every base unit, so an upgrade of all spaces has
work to do on every unit: the large write the trials interrupt.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
from pathlib import Path

from benchmarks.manifests import SERVICES, unit_yaml
from tests.conftest import GIT_ENV, run


def mtx_ok(*args: str) -> None:
    result = run(*args)
    assert result.code == 0, f"mtx {' '.join(args)}: {result.err}"


def build_fleet(root: Path, *, spaces: int) -> Path:
    """`root`: a base space of 20 units, `spaces` linked copies, and a pending base change."""
    repo = ("--repo", str(root))
    mtx_ok("init", str(root))
    mtx_ok("space", "create", "base", *repo)
    with tempfile.TemporaryDirectory() as scratch:
        for index, name in enumerate(SERVICES):
            manifest = Path(scratch) / f"{name}.yaml"
            manifest.write_text(unit_yaml(index))
            mtx_ok("unit", "create", name, str(manifest), "--space", "base", *repo)
    for index in range(spaces):
        space = f"region-{index:03d}"
        mtx_ok("space", "create", space, *repo)
        mtx_ok("unit", "create", "--space", space, "--upstream-space", "base", *repo)
    mtx_ok("run", "set-image", "--image", ":v2", "--space", "base", *repo)
    return root


def git(root: Path, *args: str, check: bool = True) -> str:
    """A git command's stdout; never takes optional locks (so it cannot disturb what it inspects)."""
    done = subprocess.run(["git", "--no-optional-locks", *args], cwd=root, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}, check=False)
    if check:
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def fsck_clean(root: Path) -> bool:
    done = subprocess.run(["git", "fsck", "--strict", "--no-progress", "--no-dangling"], cwd=root,
                          capture_output=True, check=False)
    return done.returncode == 0 and not done.stderr.strip()


def tree_digest(root: Path, *, skip: tuple[str, ...] = (".git/mtx/", ".git/index")) -> str:
    """sha256 over every file under `root` (the .git directory included: refs, objects, logs).

    `.git/mtx/` (mtx's parse cache and lock file) and `.git/index` (git may rewrite its stat cache;
    `Mtx.fingerprint()` compares the index by content) are left out.
    """
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if any(rel == s.rstrip("/") or (s.endswith("/") and rel.startswith(s)) for s in skip):
            continue
        digest.update(rel.encode() + b"\0")
        if path.is_symlink():
            digest.update(b"L" + os.readlink(path).encode())
        elif path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()
