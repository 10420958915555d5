"""Spaces and units at one commit: the read side of the repo model.

A `Snapshot` reads a commit's tree once (`git ls-tree`), then parses only the units asked for,
through a parse cache keyed by git blob id (content-addressed: always valid, never stale).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from mtx_gitops.adapters import yamlio
from mtx_gitops.adapters.gitrepo import Git, TreeEntry, find_root
from mtx_gitops.adapters.parsecache import ParseCache
from mtx_gitops.core.layout import role_of
from mtx_gitops.core.model import (
    CONFIG_FILE,
    SPACES_DIR,
    Link,
    Space,
    UnitRef,
    space_meta_path,
    unit_path,
    validate_documents,
)
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import NotFoundError, UserError


class Repo:
    """An mtx config repository: a git repository with `mtx.yaml` at its root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.git = Git(root)
        self._cache: ParseCache | None = None

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
            self._cache = ParseCache(self.git.git_dir / "mtx" / "parse-cache-v1.marshal")
        return self._cache

    def snapshot(self, rev: str = "HEAD") -> Snapshot:
        """The repo as of revision `rev`."""
        return Snapshot(self, self.git.resolve(rev))

    def snapshot_at(self, commit: str | None) -> Snapshot:
        """The repo as of a known commit id (None: an unborn branch)."""
        return Snapshot(self, commit)


@dataclass(frozen=True)
class Unit:
    """One unit as of a snapshot: its documents, link and the state of its upstream."""

    ref: UnitRef
    blob: str
    documents: list[dict[str, Any]]
    link: Link | None
    upstream_blob: str | None

    @property
    def upgrade_needed(self) -> bool:
        """True when the upstream moved past this unit's merge base."""
        return self.link is not None and self.upstream_blob not in (None, self.link.base_blob)

    @property
    def upstream_deleted(self) -> bool:
        """True when the unit's upstream no longer exists."""
        return self.link is not None and self.upstream_blob is None

    @property
    def kinds(self) -> list[str]:
        return [str(doc.get("kind")) for doc in self.documents]


class Snapshot:
    """Spaces and units at one commit (or an empty tree for an unborn branch)."""

    def __init__(self, repo: Repo, commit: str | None) -> None:
        self.repo = repo
        self.commit = commit

    @cached_property
    def _tree(self) -> tuple[dict[str, TreeEntry], frozenset[str]]:
        if self.commit is None:
            return {}, frozenset()
        files, symlinks = {}, set()
        for e in self.repo.git.ls_tree(self.commit, SPACES_DIR, CONFIG_FILE):
            if e.mode in ("100644", "100755"):
                files[e.path] = e
            else:
                symlinks.add(e.path)
        return files, frozenset(symlinks)

    @property
    def entries(self) -> dict[str, TreeEntry]:
        """Every regular file under spaces/ plus mtx.yaml, by path (symlinks are never followed)."""
        return self._tree[0]

    @property
    def symlinks(self) -> frozenset[str]:
        """Paths under spaces/ that git stores as symlinks: refused, never read."""
        return self._tree[1]

    def blob(self, path: str) -> str | None:
        entry = self.entries.get(path)
        return entry.blob if entry else None

    def read_text(self, path: str) -> str:
        """The text of a file in this snapshot."""
        blob = self.blob(path)
        if blob is None:
            raise NotFoundError(f"{path} does not exist at {self.short}")
        return self.repo.git.read_blob(blob).decode("utf-8", "replace")

    @property
    def short(self) -> str:
        return self.commit[:12] if self.commit else "(no commits)"

    # -- config -----------------------------------------------------------------------------

    @cached_property
    def config(self) -> dict[str, Any]:
        """The parsed mtx.yaml."""
        blob = self.blob(CONFIG_FILE)
        if blob is None:
            return {}
        data = yamlio.load_one(self.repo.git.read_blob(blob), source=CONFIG_FILE)
        return data if isinstance(data, dict) else {}

    def targets(self) -> dict[str, dict[str, Any]]:
        targets = self.config.get("targets") or {}
        return {str(k): dict(v or {}) for k, v in targets.items()}

    # -- spaces -----------------------------------------------------------------------------

    @cached_property
    def _layout(self) -> dict[str, list[str]]:
        """space -> sorted unit slugs, read from the tree's paths alone."""
        layout: dict[str, list[str]] = {}
        for path in self.entries:
            role = role_of(path)
            if role.role == "space" and role.space:
                layout.setdefault(role.space, [])
            elif role.role == "unit" and role.ref:
                layout.setdefault(role.ref.space, []).append(role.ref.unit)
        return {space: sorted(units) for space, units in sorted(layout.items())}

    def space_names(self) -> list[str]:
        return list(self._layout)

    def has_space(self, space: str) -> bool:
        return space in self._layout

    def space(self, name: str) -> Space:
        """A space's metadata; NotFoundError when it does not exist."""
        check_slug(name, what="space name")
        if name not in self._layout:
            raise NotFoundError(f"space {name!r} does not exist")
        return self._space_meta.get(name) or Space(name)

    @cached_property
    def _space_meta(self) -> dict[str, Space]:
        """Every space's metadata, read in one batch through the parse cache."""
        blobs = {name: self.blob(space_meta_path(name)) for name in self._layout}
        wanted = {blob: space_meta_path(name) for name, blob in blobs.items() if blob}
        parsed = self.repo.cache.documents(wanted, read=self.repo.git.read_blobs, parse=_parse_one)
        return {name: Space.from_data(name, parsed[blob]) for name, blob in blobs.items() if blob}

    def spaces(self) -> list[Space]:
        return [self.space(name) for name in self._layout]

    def match_spaces(self, pattern: str) -> list[str]:
        """Space names matching a glob; a plain name must exist."""
        if not any(ch in pattern for ch in "*?["):
            check_slug(pattern, what="space name")
            if pattern not in self._layout:
                raise NotFoundError(f"space {pattern!r} does not exist")
            return [pattern]
        if "/" in pattern or ".." in pattern:
            raise UserError(f"invalid space pattern {pattern!r}")
        return [name for name in self._layout if fnmatch.fnmatchcase(name, pattern)]

    # -- units ------------------------------------------------------------------------------

    def unit_names(self, space: str) -> list[str]:
        return list(self._layout.get(space, []))

    def refs(self, spaces: Iterable[str], unit: str | None = None) -> list[UnitRef]:
        """Every unit of `spaces` (only `unit`, when given)."""
        return [UnitRef(s, u) for s in spaces for u in self._layout.get(s, []) if unit in (None, u)]

    def has_unit(self, ref: UnitRef) -> bool:
        return ref.unit in self._layout.get(ref.space, ())

    def refuse_symlinks(self, space: str) -> None:
        """UserError when git stores a file of `space` as a symlink (what a worker delivers must be whole)."""
        prefix = f"{SPACES_DIR}/{space}/"
        found = sorted(p for p in self.symlinks if p.startswith(prefix))
        if found:
            raise UserError(f"{found[0]} is a symlink: mtx refuses symlinks in spaces/")

    def require(self, ref: UnitRef) -> UnitRef:
        """`ref` checked: valid slugs, existing space and unit."""
        check_slug(ref.space, what="space name")
        check_slug(ref.unit, what="unit name")
        if not self.has_space(ref.space):
            raise NotFoundError(f"space {ref.space!r} does not exist")
        if not self.has_unit(ref):
            if unit_path(ref.space, ref.unit) in self.symlinks:
                raise UserError(f"{unit_path(ref.space, ref.unit)} is a symlink: mtx refuses symlinked units")
            raise NotFoundError(f"unit {ref.unit!r} does not exist in space {ref.space!r}")
        return ref

    @cached_property
    def links(self) -> dict[UnitRef, Link]:
        """Every unit's upstream link, read in one batch through the parse cache."""
        paths = {}
        for path, entry in self.entries.items():
            role = role_of(path)
            if role.role == "link" and role.ref and self.has_unit(role.ref):
                paths[role.ref] = (path, entry.blob)
        parsed = self.repo.cache.documents({blob: path for path, blob in paths.values()},
                                           read=self.repo.git.read_blobs, parse=_parse_one)
        return {ref: Link.from_data(parsed[blob], source=path) for ref, (path, blob) in paths.items()}

    def link(self, ref: UnitRef) -> Link | None:
        return self.links.get(ref)

    def downstream_of(self, ref: UnitRef) -> list[UnitRef]:
        """Units whose upstream is `ref`."""
        return sorted(down for down, link in self.links.items() if link.upstream == ref)

    def units(self, refs: Sequence[UnitRef]) -> list[Unit]:
        """Parsed units (through the parse cache)."""
        blobs = {ref: self.blob(unit_path(ref.space, ref.unit)) for ref in refs}
        docs = self.repo.cache.documents(
            {blob: unit_path(ref.space, ref.unit) for ref, blob in blobs.items() if blob},
            read=self.repo.git.read_blobs, parse=_parse_unit)
        result = []
        for ref in refs:
            blob = blobs[ref]
            if blob is None:
                raise NotFoundError(f"unit {ref.unit!r} does not exist in space {ref.space!r}")
            link = self.link(ref)
            upstream_blob = self.blob(unit_path(link.upstream.space, link.upstream.unit)) if link else None
            result.append(Unit(ref, blob, docs[blob], link, upstream_blob))
        return result

    def parsed_blobs(self, wanted: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
        """Parsed unit documents for blob ids (blob -> source name), in one batch via the cache."""
        return self.repo.cache.documents(wanted, read=self.repo.git.read_blobs, parse=_parse_unit)

    def unit(self, ref: UnitRef) -> Unit:
        return self.units([self.require(ref)])[0]

    def text(self, ref: UnitRef) -> str:
        return self.read_text(unit_path(ref.space, ref.unit))


def _parse_one(data: bytes, source: str) -> Any:
    """A small single-document file (a link or a space's metadata)."""
    return yamlio.load_one(data, source=source)


def _parse_unit(data: bytes, source: str) -> list[dict[str, Any]]:
    return validate_documents(yamlio.load_documents(data, source=source), source=source)
