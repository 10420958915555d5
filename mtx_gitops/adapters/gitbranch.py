"""Branches that a git-branch target commits to: in a local repository, or in a remote one.

A local branch moves with `git update-ref` compare-and-swap. A remote one is read into a bare
clone cached on this machine (`git fetch` of that one branch) and moved with `git push
--force-with-lease=<ref>:<the tip read>`, which the remote refuses when the branch moved since:
of two workers that race, one wins and the other reads again. The cached clone is used by one
process at a time (a file lock); the remote decides between machines.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from mtx_gitops.adapters.filelock import exclusive
from mtx_gitops.adapters.gitrepo import ZERO, Git, identity_of
from mtx_gitops.adapters.gittree import REGULAR_MODES, list_tree
from mtx_gitops.errors import GitError, RefMovedError


def cache_root() -> Path:
    """Where clones of remote repositories are kept (`$XDG_CACHE_HOME/mtx`, else `~/.cache/mtx`)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mtx"


class BranchRepo:
    """The repository a git-branch target writes: local (`url` None) or remote through a cached clone."""

    def __init__(self, *, local: Path | None = None, url: str | None = None, cache_dir: Path | None = None) -> None:
        if (local is None) == (url is None):
            raise ValueError("give exactly one of local and url")
        self.url = url
        if url is None:
            assert local is not None
            self.git = Git(local)
            self.location = str(local)
        else:
            digest = hashlib.sha256(url.encode()).hexdigest()[:16]
            self.git = Git((cache_dir or cache_root() / "branches") / digest)
            self.location = url

    @contextlib.contextmanager
    def session(self) -> Iterator[None]:
        """Hold this machine's use of the cached clone (a no-op for a local repository)."""
        if self.url is None:
            yield
            return
        root = self.git.root
        with exclusive(root.with_name(root.name + ".lock"), what=f"the clone of {self.url}"):
            if not (root / "HEAD").exists():
                root.mkdir(parents=True, exist_ok=True)
                self.git.run("init", "--bare", "--quiet")
            yield

    def tip(self, branch: str) -> str | None:
        """The commit `branch` points at now (for a remote: fetched first), or None when it does not exist."""
        ref = f"refs/heads/{branch}"
        if self.url is None:
            return self.git.rev_parse(ref)
        listed = self.git.run("ls-remote", "--", self.url, ref).decode().split()
        if not listed:
            return None
        self.git.run(
            "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", self.url, f"+{ref}:refs/mtx/branch/{branch}"
        )
        return self.git.rev_parse(f"refs/mtx/branch/{branch}")

    def message(self, commit: str) -> str:
        """The full message of a commit."""
        return self.git.run("log", "-1", "--format=%B", commit).decode("utf-8", "replace")

    def files(self, commit: str | None, under: str) -> dict[str, bytes]:
        """Regular files below `under` ('' for the whole tree) of `commit`, path from the top -> content."""
        if commit is None:
            return {}
        rows = list_tree(self.git, commit, [f"{under}/"] if under else [], recursive=True)
        blobs = {path: blob for mode, kind, blob, path in rows if kind == "blob" and mode in REGULAR_MODES}
        contents = self.git.read_blobs(blobs.values())
        return {path: contents[blob] for path, blob in blobs.items()}

    def commit(self, *, parent: str | None, changes: Mapping[str, bytes | None], message: str) -> str:
        """A new commit of `parent` plus `changes` (None deletes); moves no branch."""
        return self.git.commit_files(parent=parent, changes=changes, message=message, identity=identity_of(self.git))

    def move(self, branch: str, *, new: str, old: str | None) -> bool:
        """Point `branch` at `new` if it still points at `old`; RefMovedError when it moved meanwhile.

        False when the branch already pointed at `new`: another worker made the very same commit (same
        tree, parent, message and second) and pushed it first.
        """
        ref = f"refs/heads/{branch}"
        if self.url is None:
            self.git.move_ref(ref, new=new, old=old, reason=f"mtx: render {branch}")
            return True
        lease = f"--force-with-lease={ref}:{old or ''}"
        done = self.git.run("push", "--porcelain", lease, "--", self.url, f"{new}:{ref}", check=False)
        lines = [line for line in done.decode("utf-8", "replace").splitlines() if f":{ref}\t" in line]
        if lines and lines[0][:1] == "=":
            return False
        if lines and lines[0][:1] in (" ", "+", "*"):
            return True
        if lines and lines[0].startswith("!"):
            raise RefMovedError(f"{branch} of {self.url} moved while mtx was writing ({old or ZERO} expected)")
        raise GitError(f"git push to {self.url} did not move {branch}")
