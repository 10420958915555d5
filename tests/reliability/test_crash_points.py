"""`kill -9` of mtx at each step of its write transaction, made deterministic with a `git` shim.

The shim sits first on PATH and SIGKILLs the mtx process (its parent) right before or right after
the Nth call of one git sub-command. Every step of a write is covered: the dirty check, writing the
commit, moving the branch, updating the checkout (by name for a few paths; for many, written in place
then indexed, or by a two-tree merge when attributes apply). After each crash HEAD is the old commit
or the complete new one, and rerunning the command finishes the job.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mtx_gitops.adapters.gitcheckout import FEW_PATHS
from tests.conftest import run
from tests.reliability.conftest import build_fleet, git_identity
from tests.reliability.gitshim import run_mtx_with_shim
from tests.reliability.repostate import fsck_clean, git

UPGRADE = ("unit", "update", "--upgrade", "--space", "*")
# (git sub-command, which call, before or after it): every step of transaction.write in order.
# Up to FEW_PATHS changed paths are checked out by name.
COMMON = [
    ("status", 1, "before"),
    ("status", 1, "after"),
    ("fast-import", 1, "before"),
    ("fast-import", 1, "after"),
    ("update-ref", 1, "before"),
    ("update-ref", 1, "after"),
]
# More are written in place and the index told with one update-index (after two checks: check-attr,
# ls-files); when an attribute applies to them, git's own two-tree merge (read-tree) writes them.
POINTS = (
    [("small", *point) for point in [*COMMON, ("checkout", 1, "before"), ("checkout", 1, "after")]]
    + [
        ("large", *point)
        for point in [
            ("check-attr", 1, "before"),
            ("ls-files", 1, "after"),
            ("update-index", 1, "before"),
            ("update-index", 1, "after"),
        ]
    ]
    + [
        ("attributes", *point)
        for point in [
            ("update-index", 1, "before"),
            ("update-index", 1, "after"),
            ("read-tree", 1, "before"),
            ("read-tree", 1, "after"),
        ]
    ]
)
SPACES = {"small": 2, "large": 6, "attributes": 6}  # 2 x 20 units and their links: 80 paths; 6 x 20: 240


@pytest.fixture(scope="module")
def fleets(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], tuple[Path, str]]:
    """Linked spaces with a pending base change, and the tree a full upgrade gives (built on first use)."""
    built: dict[str, tuple[Path, str]] = {}

    def fleet(size: str) -> tuple[Path, str]:
        if size not in built:
            with git_identity(tmp_path_factory):
                root = build_fleet(tmp_path_factory.mktemp(size) / "config", spaces=SPACES[size])
                if size == "attributes":
                    (root / ".gitattributes").write_text("*.yaml -diff\n")
                    git(root, "add", ".gitattributes")
                    git(root, "commit", "-q", "-m", "attributes")
                reference = root.parent / "reference"
                shutil.copytree(root, reference, symlinks=True)
                assert run(*UPGRADE, "--repo", str(reference)).code == 0
                changed = git(reference, "diff", "--name-only", "HEAD^", "HEAD").split()
                assert (len(changed) <= FEW_PATHS) == (size == "small"), len(changed)
                built[size] = root, git(reference, "rev-parse", "HEAD^{tree}").strip()
        return built[size]

    return fleet


def _crash(root: Path, shim_dir: Path, *, command: str, nth: int, when: str) -> int:
    return run_mtx_with_shim(root, shim_dir, UPGRADE, command=command, nth=nth, when=when).returncode


@pytest.mark.parametrize(("fleet", "command", "nth", "when"), POINTS, ids=[f"{f}-{w}-{c}-{n}" for f, c, n, w in POINTS])
def test_a_crash_at_any_step_leaves_old_or_new_and_a_rerun_completes_it(
    fleets: Callable[[str], tuple[Path, str]], tmp_path: Path, fleet: str, command: str, nth: int, when: str
) -> None:
    template, tree = fleets(fleet)
    root = tmp_path / "config"
    shutil.copytree(template, root, symlinks=True)
    old = git(root, "rev-parse", "HEAD").strip()
    shim_dir = tmp_path / "shim"
    assert _crash(root, shim_dir, command=command, nth=nth, when=when) == -9, "the shim did not fire"
    head = git(root, "rev-parse", "HEAD").strip()
    assert head == old or (
        git(root, "rev-parse", "HEAD^").strip() == old and git(root, "rev-parse", "HEAD^{tree}").strip() == tree
    )
    if head == old:
        assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    assert fsck_clean(root)
    rerun = run(*UPGRADE, "--repo", str(root))
    assert rerun.code == 0, rerun.err
    assert git(root, "rev-parse", "HEAD^{tree}").strip() == tree
    assert git(root, "rev-list", "--count", f"{old}..HEAD").strip() == "1"
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    assert fsck_clean(root)
    # Only the branch: fast-import's temporary ref is dropped before it ever reaches the disk.
    assert git(root, "for-each-ref", "--format=%(refname)").split() == ["refs/heads/main"]
