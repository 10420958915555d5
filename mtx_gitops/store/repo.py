"""An mtx config repository: where it is, its git adapter and its parse cache."""

from __future__ import annotations

import os
from pathlib import Path

from mtx_gitops.adapters.gitrepo import Git, find_root
from mtx_gitops.adapters.parsecache import ParseCache
from mtx_gitops.core.model import CONFIG_FILE
from mtx_gitops.errors import NotFoundError
from mtx_gitops.store.snapshot import Snapshot


class Repo:
    """An mtx config repository: a git repository with `mtx.yaml` at its root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git = Git(root)
        self._cache: ParseCache | None = None
        # False under --no-validate: writes commit documents the schemas refuse, and say so in a trailer.
        self.validate_writes = True

    @staticmethod
    def discover(path: Path | None = None) -> Repo:
        """The repo at `path` (or $MTX_REPO), else the nearest directory upward holding mtx.yaml."""
        if path is None and os.environ.get("MTX_REPO"):
            path = Path(os.environ["MTX_REPO"])
        if path is not None:
            if not (path / CONFIG_FILE).is_file():
                raise NotFoundError(f"{path} is not an mtx repository (no {CONFIG_FILE}); run `mtx init`")
            return Repo(path.resolve())
        root = find_root(Path.cwd(), CONFIG_FILE)
        if root is None:
            raise NotFoundError(f"no {CONFIG_FILE} here or in any parent directory; use --repo or `mtx init`")
        return Repo(root)

    @property
    def cache(self) -> ParseCache:
        """The repository's parse cache (under .git/mtx)."""
        if self._cache is None:
            self._cache = ParseCache(self._git_dir() / "mtx")
        return self._cache

    def _git_dir(self) -> Path:
        # The common layout (.git a directory at the root) needs no `git rev-parse` process.
        dot_git = self.root / ".git"
        if "GIT_DIR" not in os.environ and dot_git.is_dir():
            return dot_git
        return self.git.git_dir

    def snapshot(self, rev: str = "HEAD") -> Snapshot:
        """The repo as of revision `rev`."""
        return Snapshot(self, self.git.resolve(rev))

    def snapshot_at(self, commit: str | None) -> Snapshot:
        """The repo as of a known commit id (None: an unborn branch)."""
        return Snapshot(self, commit)
