"""Where a worker reads commits: a local repository's branch, or a cached clone of a URL.

A local path is read in place (the branch tip, never the checkout). A URL is cloned once, bare,
under a cache directory and brought up to date with `git fetch` before each look.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from mtx_gitops.adapters.gitrepo import Git
from mtx_gitops.errors import NotFoundError
from mtx_gitops.store import Repo, Snapshot


class CommitSource:
    """The tip of one branch of a config repo, local or remote."""

    def __init__(self, location: str, *, branch: str, cache_dir: Path | None = None) -> None:
        self.location = location
        self.branch = branch
        local = Path(location).expanduser()
        self.is_local = "://" not in location and local.exists()
        if self.is_local:
            self.root = local.resolve()
        else:
            digest = hashlib.sha256(location.encode()).hexdigest()[:16]
            self.root = (cache_dir or Path.home() / ".cache" / "mtx" / "worker") / digest
        self.repo = Repo(self.root)

    @property
    def base(self) -> Path:
        """The directory relative target paths (kubeconfig, directory) resolve against."""
        return self.root if self.is_local else Path.cwd()

    def latest(self) -> Snapshot:
        """The branch tip, fetched first when the source is remote."""
        if not self.is_local:
            self._fetch()
        ref = f"refs/heads/{self.branch}"
        sha = self.repo.git.rev_parse(ref)
        if sha is None:
            raise NotFoundError(f"{self.location}: no branch {self.branch!r}")
        return self.repo.snapshot_at(sha)

    def _fetch(self) -> None:
        if not (self.root / "HEAD").exists():
            self.root.parent.mkdir(parents=True, exist_ok=True)
            Git(self.root.parent).run("clone", "--bare", "--quiet", self.location, str(self.root))
        refspec = f"+refs/heads/{self.branch}:refs/heads/{self.branch}"
        Git(self.root).run("fetch", "--quiet", "--prune", "origin", refspec)
