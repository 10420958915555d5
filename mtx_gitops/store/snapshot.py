"""Spaces and units at one commit.

A `Snapshot` lists only the spaces a command reaches (`store.tree`): rendering or editing one
space reads that space's directory and its units' upstream spaces, never the rest of the repo.
Everything parsed goes through the repo's parse cache, keyed by git blob id.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from mtx_gitops import yaml
from mtx_gitops.adapters.gitrepo import TreeEntry
from mtx_gitops.adapters.gittree import REGULAR_MODES, list_tree
from mtx_gitops.core.model import (
    CONFIG_FILE,
    Link,
    Space,
    UnitRef,
    labels_path,
    space_meta_path,
    unit_link_path,
    unit_path,
    unit_target_path,
    validate_documents,
)
from mtx_gitops.core.slug import check_slug, is_slug
from mtx_gitops.core.unitlinks import UnitLink
from mtx_gitops.errors import NotFoundError, UserError
from mtx_gitops.store.links import LinkIndex
from mtx_gitops.store.tree import TreeIndex
from mtx_gitops.store.unit import Unit, Upstreams

if TYPE_CHECKING:
    from mtx_gitops.store.repo import Repo


class Snapshot:
    """Spaces and units at one commit (or an empty tree for an unborn branch)."""

    def __init__(self, repo: Repo, commit: str | None) -> None:
        self.repo = repo
        self.commit = commit
        self._tree = TreeIndex(repo.git, commit)
        self._links = LinkIndex(self._tree, repo.cache, repo.git)
        self._meta: dict[str, Space] = {}

    # -- files ------------------------------------------------------------------------------

    @property
    def files(self) -> dict[str, str]:
        """path -> blob of every regular file under spaces/ plus mtx.yaml (reads the whole tree)."""
        return self._tree.files()

    @cached_property
    def entries(self) -> dict[str, TreeEntry]:
        """Every regular file under spaces/ plus mtx.yaml, by path (symlinks are never followed)."""
        executable = self._tree.executables()
        return {
            path: TreeEntry("100755" if path in executable else "100644", blob, path)
            for path, blob in self.files.items()
        }

    @property
    def symlinks(self) -> frozenset[str]:
        """Paths under spaces/ that git stores as symlinks: refused, never read (reads the whole tree)."""
        return self._tree.symlinks()

    def blob(self, path: str) -> str | None:
        return self._tree.blob(path)

    def files_of(self, space: str) -> list[str]:
        """The regular files of one space directory (units, links, metadata and anything else)."""
        return list(self._tree.space(space).files)

    def files_under(self, directory: str) -> dict[str, str]:
        """path -> blob of the regular files below a top-level directory other than spaces/ (base/, schemas/)."""
        if self.commit is None:
            return {}
        rows = list_tree(self.repo.git, self.commit, [f"{directory.strip('/')}/"], recursive=True)
        return {path: blob for mode, kind, blob, path in rows if kind == "blob" and mode in REGULAR_MODES}

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
        data = self._yaml({blob: CONFIG_FILE})[blob]
        return data if isinstance(data, dict) else {}

    def targets(self) -> dict[str, dict[str, Any]]:
        targets = self.config.get("targets") or {}
        return {str(k): dict(v or {}) for k, v in targets.items()}

    # -- spaces -----------------------------------------------------------------------------

    def space_names(self) -> list[str]:
        return self._tree.space_names()

    def has_space(self, space: str) -> bool:
        return is_slug(space) and self._tree.space(space).is_space

    def space(self, name: str) -> Space:
        """A space's metadata; NotFoundError when it does not exist."""
        check_slug(name, what="space name")
        if not self.has_space(name):
            raise NotFoundError(f"space {name!r} does not exist")
        if name not in self._meta:  # with the metadata of every space listed so far: one batch
            self._read_meta([n for n in self._tree.listed_spaces() if n not in self._meta])
        return self._meta[name]

    def _read_meta(self, names: Sequence[str]) -> None:
        """Read the metadata of spaces `names` in one batch through the parse cache."""
        blobs = {name: self._tree.space(name).meta for name in names}
        parsed = self._yaml({blob: space_meta_path(name) for name, blob in blobs.items() if blob})
        for name, blob in blobs.items():
            self._meta[name] = Space.from_data(name, parsed[blob]) if blob else Space(name)

    def spaces(self) -> list[Space]:
        names = self.space_names()
        self._read_meta([name for name in names if name not in self._meta])
        return [self._meta[name] for name in names]

    def match_spaces(self, pattern: str) -> list[str]:
        """Space names matching a glob; a plain name must exist."""
        if not any(ch in pattern for ch in "*?["):
            check_slug(pattern, what="space name")
            if not self.has_space(pattern):
                raise NotFoundError(f"space {pattern!r} does not exist")
            return [pattern]
        if "/" in pattern or ".." in pattern:
            raise UserError(f"invalid space pattern {pattern!r}")
        if pattern == "*":
            return self.space_names()
        names = [name for name in self._tree.dirs() if fnmatch.fnmatchcase(name, pattern) and is_slug(name)]
        self._tree.load(names)
        return [name for name in names if self.has_space(name)]

    # -- units ------------------------------------------------------------------------------

    def unit_names(self, space: str) -> list[str]:
        return list(self._tree.space(space).units) if is_slug(space) else []

    def refs(self, spaces: Iterable[str], unit: str | None = None) -> list[UnitRef]:
        """Every unit of `spaces` (only `unit`, when given)."""
        names = list(spaces)
        self._tree.load(name for name in names if is_slug(name))
        return [UnitRef(s, u) for s in names for u in self.unit_names(s) if unit in (None, u)]

    def has_unit(self, ref: UnitRef) -> bool:
        return is_slug(ref.space) and ref.unit in self._tree.space(ref.space).units

    def refuse_symlinks(self, space: str) -> None:
        """UserError when git stores a file of `space` as a symlink (what a worker delivers must be whole)."""
        found = sorted(self._tree.space(space).symlinks)
        if found:
            raise UserError(f"{found[0]} is a symlink: mtx refuses symlinks in spaces/")

    def require(self, ref: UnitRef) -> UnitRef:
        """`ref` checked: valid slugs, existing space and unit."""
        check_slug(ref.space, what="space name")
        check_slug(ref.unit, what="unit name")
        if not self.has_space(ref.space):
            raise NotFoundError(f"space {ref.space!r} does not exist")
        if not self.has_unit(ref):
            if unit_path(ref.space, ref.unit) in self._tree.space(ref.space).symlinks:
                raise UserError(f"{unit_path(ref.space, ref.unit)} is a symlink: mtx refuses symlinked units")
            raise NotFoundError(f"unit {ref.unit!r} does not exist in space {ref.space!r}")
        return ref

    # -- links ------------------------------------------------------------------------------

    @cached_property
    def links(self) -> dict[UnitRef, Link]:
        """Every unit's upstream link (reads the whole tree)."""
        return self._links.everything(self.space_names())

    def link(self, ref: UnitRef) -> Link | None:
        return self._links.of_space(ref.space).get(ref.unit)

    @cached_property
    def _downstream(self) -> dict[UnitRef, list[UnitRef]]:
        found: dict[UnitRef, list[UnitRef]] = {}
        for down, link in sorted(self.links.items()):
            found.setdefault(link.upstream, []).append(down)
        return found

    def downstream_of(self, ref: UnitRef) -> list[UnitRef]:
        """Units whose upstream is `ref` (reads every link)."""
        return list(self._downstream.get(ref, []))

    def unit_links(self, space: str) -> dict[str, UnitLink]:
        """The links of space `space` (cub's links: a unit of it needs a unit here or elsewhere), by name."""
        files = self._tree.space(space).unit_links if is_slug(space) else {}
        paths = {name: unit_link_path(space, name) for name in files}
        parsed = self._yaml({blob: paths[name] for name, blob in files.items()})
        return {
            name: UnitLink.from_data(space, name, parsed[blob], source=paths[name])
            for name, blob in sorted(files.items())
        }

    def unit_targets(self, space: str) -> dict[str, str]:
        """unit -> its own target, for the units of `space` that have one (the others use the space's)."""
        files = self._tree.space(space) if is_slug(space) else None
        if files is None:
            return {}
        blobs = {unit: blob for unit, blob in files.unit_targets.items() if unit in files.units}
        parsed = self._yaml({blob: unit_target_path(space, unit) for unit, blob in blobs.items()})
        found = {}
        for unit, blob in blobs.items():
            data = parsed[blob]
            target = data.get("target") if isinstance(data, dict) else None
            if isinstance(target, str) and target:
                found[unit] = target
        return found

    def all_unit_links(self) -> list[UnitLink]:
        """Every link of every space (reads the whole tree)."""
        return [link for space in self.space_names() for link in self.unit_links(space).values()]

    # -- parsed units -----------------------------------------------------------------------

    def units(self, refs: Sequence[UnitRef]) -> list[Unit]:
        """Parsed units (through the parse cache); their links and upstreams are read on first use."""
        refs = list(refs)
        self._tree.load(dict.fromkeys(ref.space for ref in refs if is_slug(ref.space)))
        paths = [unit_path(ref.space, ref.unit) for ref in refs]
        blobs = [self.blob(path) for path in paths]
        docs = self.parsed_blobs({blob: path for path, blob in zip(paths, blobs, strict=True) if blob})
        upstreams = Upstreams(refs, links=self._links, tree=self._tree, blob=self.blob)
        result = []
        for slot, (ref, blob) in enumerate(zip(refs, blobs, strict=True)):
            if blob is None:
                raise NotFoundError(f"unit {ref.unit!r} does not exist in space {ref.space!r}")
            result.append(Unit(ref, blob, docs[blob], upstreams, slot))
        return result

    def preload(self, spaces: Sequence[str]) -> None:
        """Parse every unit of `spaces` in one batch (one git read, one cache write) before a per-space loop."""
        paths = [unit_path(ref.space, ref.unit) for ref in self.refs(spaces)]
        self.parsed_blobs({blob: path for path in paths if (blob := self.blob(path))})

    def parsed_blobs(self, wanted: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
        """Parsed unit documents for blob ids (blob -> source name), in one batch via the cache."""
        return self.repo.cache.documents(wanted, kind="units", read=self.repo.git.read_blobs, parse=_parse_unit)

    def parsed_texts(self, texts: Mapping[str, tuple[str, bytes]]) -> dict[str, list[dict[str, Any]]]:
        """Parsed unit documents of new contents (blob -> (path, bytes), as a write's plan has them), via the cache."""
        wanted = {blob: path for blob, (path, _data) in texts.items()}
        return self.repo.cache.documents(
            wanted, kind="units", read=lambda blobs: {blob: texts[blob][1] for blob in blobs}, parse=_parse_unit
        )

    def _yaml(self, wanted: dict[str, str]) -> dict[str, Any]:
        """Parsed single-document files (space metadata, mtx.yaml) for blob ids, via the cache."""
        return self.repo.cache.documents(wanted, kind="yaml", read=self.repo.git.read_blobs, parse=_parse_one)

    def read_data(self, paths: Iterable[str]) -> dict[str, Any]:
        """path -> parsed content of small single-document files (a unit's ledger, its protected paths);
        absent files are left out. One batch through the parse cache."""
        blobs = {path: blob for path in paths if (blob := self.blob(path))}
        parsed = self._yaml({blob: path for path, blob in blobs.items()})
        return {path: parsed[blob] for path, blob in blobs.items()}

    def unit(self, ref: UnitRef) -> Unit:
        return self.units([self.require(ref)])[0]

    def unit_labels(self, refs: Sequence[UnitRef]) -> dict[UnitRef, dict[str, str]]:
        """The own labels of each unit (`.mtx/labels/<unit>.yaml`; units without any are left out)."""
        blobs = {ref: blob for ref in refs if (blob := self.blob(labels_path(ref.space, ref.unit)))}
        parsed = self._yaml({blob: labels_path(ref.space, ref.unit) for ref, blob in blobs.items()})
        found = {}
        for ref, blob in blobs.items():
            data = parsed[blob]
            labels = data.get("labels") if isinstance(data, dict) else None
            if isinstance(labels, dict) and labels:
                found[ref] = {str(k): "" if v is None else str(v) for k, v in labels.items()}
        return found

    def text(self, ref: UnitRef) -> str:
        return self.read_text(unit_path(ref.space, ref.unit))


def _parse_one(data: bytes, source: str) -> Any:
    """A small single-document file (a space's metadata, mtx.yaml)."""
    return yaml.load_one(data, source=source)


def _parse_unit(data: bytes, source: str) -> list[dict[str, Any]]:
    return validate_documents(yaml.load_documents(data, source=source), source=source)
