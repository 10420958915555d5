"""The read side of the repo model: a repository (`Repo`), its spaces and units at one commit
(`Snapshot`, `Unit`). A snapshot lists only the spaces a command reaches (`store.tree`) and parses
through a parse cache keyed by git blob id (content-addressed: always valid, never stale).
"""

from mtx_gitops.store.repo import Repo
from mtx_gitops.store.snapshot import Snapshot
from mtx_gitops.store.unit import Unit

__all__ = ["Repo", "Snapshot", "Unit"]
