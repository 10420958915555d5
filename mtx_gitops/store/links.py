"""Upstream links at one commit, read per space: a unit's link costs its own space's link files only.

A link file is parsed once per blob into a plain tuple (cached by blob id), and one `Link` object is
shared by every unit whose link file has the same content.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.adapters.gitrepo import Git
from mtx_gitops.adapters.parsecache import ParseCache
from mtx_gitops.core.model import Link, UnitRef, link_path
from mtx_gitops.core.slug import is_slug
from mtx_gitops.store.tree import TreeIndex

LinkData = tuple[str, str, str, Any]  # upstream space, upstream unit, merge-base blob, merge-base commit


class LinkIndex:
    """The links of a snapshot's units, by space then unit, read one batch of spaces at a time."""

    def __init__(self, tree: TreeIndex, cache: ParseCache, git: Git) -> None:
        self._tree = tree
        self._cache = cache
        self._git = git
        self._by_space: dict[str, dict[str, Link]] = {}
        self._shared: dict[str, Link] = {}  # link-file blob -> its Link

    def read(self, spaces: Iterable[str]) -> None:
        """Parse the links of the units of `spaces` (one batch through the parse cache)."""
        todo = [name for name in dict.fromkeys(spaces) if name not in self._by_space and is_slug(name)]
        if not todo:
            return
        self._tree.load(todo)
        found = {name: self._tree.space(name) for name in todo}
        wanted = {
            blob: link_path(name, unit)
            for name, files in found.items()
            for unit, blob in files.links.items()
            if unit in files.units and blob not in self._shared
        }
        parsed = self._cache.documents(wanted, kind="link", read=self._git.read_blobs, parse=_parse_link)
        for blob, (space, unit, base_blob, base_commit) in parsed.items():
            self._shared[blob] = Link(UnitRef(space, unit), base_blob, base_commit)
        shared = self._shared
        for name, files in found.items():
            units = files.units
            self._by_space[name] = {unit: shared[blob] for unit, blob in files.links.items() if unit in units}

    def of_space(self, space: str) -> dict[str, Link]:
        """unit -> link, for the units of `space` that have an upstream."""
        if space not in self._by_space:
            self.read([space])
        return self._by_space.get(space, {})

    def everything(self, spaces: list[str]) -> dict[UnitRef, Link]:
        """Every link of the units of `spaces`."""
        self.read(spaces)
        return {UnitRef(space, unit): link for space in spaces for unit, link in self._by_space[space].items()}


def _parse_link(data: bytes, source: str) -> LinkData:
    link = Link.from_data(yaml.load_one(data, source=source), source=source)
    return (link.upstream.space, link.upstream.unit, link.base_blob, link.base_commit)
