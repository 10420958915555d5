"""The user's checkout: what mtx checks before a write and how it catches up after one.

The branch moves first (compare-and-swap); only then are the index and working tree brought to
the new commit, touching only the paths the commit changed and never a user's uncommitted edit.
For a few paths every step costs in proportion to them, not to the size of the tree: one
`git status` limited to them before the write, one `git checkout --no-overlay` of them after it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from mtx_gitops.adapters.gitrepo import Git
from mtx_gitops.adapters.gittree import list_tree
from mtx_gitops.adapters.worktree import Mark as Mark  # re-exported: the transaction keeps marks
from mtx_gitops.adapters.worktree import write_through

FEW_PATHS = 200  # up to this many changed paths are checked out by name, more by a two-tree merge
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

# Pathspecs are literal (a file may be named `*`); the user's hooks do not run for a checkout
# of paths mtx committed (read-tree runs none either).
_CHECKOUT = ("-c", "core.hooksPath=/dev/null", "--literal-pathspecs", "checkout", "-q", "--no-overlay", "-f")


def dirty_paths(git: Git, paths: Iterable[str]) -> list[str]:
    """Paths among `paths` with uncommitted edits in the index or working tree (or untracked)."""
    wanted = set(paths)
    if not wanted:
        return []
    # A few exact paths keep status from scanning the whole tree; many are cheaper as their top dirs.
    specs = sorted(wanted) if len(wanted) <= FEW_PATHS else sorted({p.split("/", 1)[0] for p in wanted})
    out = git.run(
        "--no-optional-locks",
        "--literal-pathspecs",
        "status",
        "--porcelain=v1",
        "-z",
        "--untracked-files=all",
        "--",
        *specs,
    )
    dirty = []
    for record in out.split(b"\0"):
        if len(record) > 3:
            path = record[3:].decode("utf-8", "surrogateescape")
            if path in wanted:
                dirty.append(path)
    return sorted(dirty)


def marks(git: Git, paths: Iterable[str]) -> dict[str, Mark]:
    """How each path looks on disk now: taken before the dirty check, compared after the commit."""
    found: dict[str, Mark] = {}
    for path in paths:
        try:
            st = os.lstat(git.root / path)
        except OSError:
            found[path] = None
        else:
            found[path] = (st.st_ino, st.st_mode, st.st_size, st.st_mtime_ns)
    return found


def changed_since(git: Git, before: Mapping[str, Mark]) -> list[str]:
    """Paths whose file was created, edited or removed since `before` was taken."""
    now = marks(git, before)
    return sorted(p for p, mark in before.items() if now[p] != mark)


def update_checkout(
    git: Git, old: str | None, new: str, files: Mapping[str, bytes | None], on_disk: Mapping[str, Mark]
) -> None:
    """Bring the checkout from `old` to `new`, whose changes are `files` (path -> bytes, None: deleted).

    The paths are those `old..new` changed; the dirty check found them clean, `on_disk` is how they
    looked then (and still do).
    """
    present = sorted(p for p, data in files.items() if data is not None)
    deleted = sorted(p for p, data in files.items() if data is None)
    if len(files) <= FEW_PATHS:
        checkout_paths(git, new, present, deleted)
    elif not write_through(git, files, on_disk):
        # git matches every pathspec against every index entry: thousands of paths cost seconds, while
        # a two-tree merge of the whole index costs ~0.2 s at 20,000 files (plus the files it writes).
        # It trusts the index's stat data, so refresh that first (our dirty check took no lock).
        git.run("update-index", "-q", "--refresh", check=False)
        git.run("read-tree", "-m", "-u", old or EMPTY_TREE, new)


def checkout_paths(git: Git, commit: str, present: Sequence[str], deleted: Sequence[str]) -> None:
    """Make the index and working tree hold `commit`'s `present` paths and drop its `deleted` ones.

    Every deleted path must be in the index; directories left empty are removed.
    """
    paths = [*deleted, *present]
    if paths:
        spec = b"\0".join(p.encode("utf-8", "surrogateescape") for p in paths)
        git.run(*_CHECKOUT, commit, "--pathspec-from-file=-", "--pathspec-file-nul", input=spec)


def stage(git: Git, commit: str, paths: Sequence[str]) -> None:
    """Set the index entries of `paths` to `commit`'s (absent: removed), leaving the files alone."""
    git.run("--literal-pathspecs", "reset", "-q", commit, "--", *paths)


def force_checkout(git: Git, commit: str, paths: Sequence[str]) -> None:
    """Make the index and working tree hold `commit`'s version of `paths` (absent ones removed).

    Safe on a checkout left in any state between the old and the new commit.
    """
    if not paths:
        return
    present = {row[3] for row in list_tree(git, commit, paths, recursive=True)}
    gone = sorted(set(paths) - present)
    indexed = set(tracked(git, gone)) if gone else set()
    checkout_paths(git, commit, sorted(present), [p for p in gone if p in indexed])
    for path in gone:
        (git.root / path).unlink(missing_ok=True)


def tracked(git: Git, paths: Sequence[str]) -> list[str]:
    """The paths among `paths` that the index holds."""
    out = git.run("--literal-pathspecs", "ls-files", "-z", "--", *paths)
    return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]


def index_locked(git: Git) -> bool:
    """True when another git process holds (or left behind) the index lock."""
    return (git.git_dir / "index.lock").exists()
