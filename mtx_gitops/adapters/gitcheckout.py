"""The user's checkout: what mtx checks before a write and how it catches up after one.

The branch moves first (compare-and-swap); only then are the index and working tree brought to
the new commit, touching only changed paths and never a user's uncommitted edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mtx_gitops.adapters.gitrepo import Git


def dirty_paths(git: Git, paths: Iterable[str]) -> list[str]:
    """Paths among `paths` with uncommitted edits in the index or working tree (or untracked)."""
    wanted = set(paths)
    if not wanted:
        return []
    # A few exact paths keep status from scanning the whole tree; many are cheaper as their top dirs.
    specs = sorted(wanted) if len(wanted) <= 200 else sorted({p.split("/", 1)[0] for p in wanted})
    out = git.run("--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *specs)
    dirty = []
    for record in out.split(b"\0"):
        if len(record) > 3:
            path = record[3:].decode("utf-8", "surrogateescape")
            if path in wanted:
                dirty.append(path)
    return sorted(dirty)


def update_checkout(git: Git, old: str, new: str) -> None:
    """Bring the index and working tree from `old` to `new`, touching only changed paths."""
    # read-tree trusts the index's stat data: refresh it first (our dirty check took no lock).
    git.run("update-index", "-q", "--refresh", check=False)
    git.run("read-tree", "-m", "-u", old, new)


def force_checkout(git: Git, commit: str, paths: Sequence[str]) -> None:
    """Make the index and working tree hold `commit`'s version of `paths` (absent ones removed)."""
    present = {e.path for e in git.ls_tree(commit, *paths)} if paths else set()
    if present:
        git.run(
            "checkout",
            "-f",
            commit,
            "--pathspec-from-file=-",
            "--pathspec-file-nul",
            input="\0".join(sorted(present)).encode(),
        )
    for path in sorted(set(paths) - present):
        git.run("rm", "-q", "--cached", "--ignore-unmatch", "--", path)
        (git.root / path).unlink(missing_ok=True)


def index_locked(git: Git) -> bool:
    """True when another git process holds (or left behind) the index lock."""
    return (git.git_dir / "index.lock").exists()
