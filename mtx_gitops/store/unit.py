"""A unit as of a snapshot, and its upstream state: read for a whole batch of units on first use."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mtx_gitops.core.model import Link, UnitRef, unit_path
from mtx_gitops.core.slug import is_slug
from mtx_gitops.store.links import LinkIndex
from mtx_gitops.store.tree import TreeIndex

Upstream = tuple[Link | None, str | None]  # a unit's link, and its upstream's blob (None: none, or deleted)


class Upstreams:
    """The links and upstream blobs of one batch of units, read together on first use.

    Rendering needs neither, so it never reads the upstream spaces.
    """

    def __init__(
        self, refs: Sequence[UnitRef], *, links: LinkIndex, tree: TreeIndex, blob: Callable[[str], str | None]
    ) -> None:
        self._refs = refs
        self._links = links
        self._tree = tree
        self._blob = blob

    @cached_property
    def of(self) -> list[Upstream]:
        """One (link, upstream blob) per unit of the batch, in order."""
        self._links.read(ref.space for ref in self._refs)
        links = [self._links.of_space(ref.space).get(ref.unit) for ref in self._refs]
        upstreams = {(link.upstream.space, link.upstream.unit) for link in links if link}
        self._tree.load(space for space, _unit in upstreams if is_slug(space))
        blobs = {up: self._blob(unit_path(*up)) for up in upstreams}
        return [(link, blobs[link.upstream.space, link.upstream.unit]) if link else (None, None) for link in links]


@dataclass(frozen=True)
class Unit:
    """One unit as of a snapshot: its documents, link and the state of its upstream."""

    ref: UnitRef
    blob: str
    documents: list[dict[str, Any]]
    upstreams: Upstreams = field(repr=False, compare=False)
    slot: int = field(default=0, repr=False, compare=False)  # this unit's place in `upstreams`

    @property
    def link(self) -> Link | None:
        """The unit's upstream link (None: it has no upstream)."""
        return self.upstreams.of[self.slot][0]

    @property
    def upstream_blob(self) -> str | None:
        """The blob of the unit's upstream at this snapshot (None: no upstream, or it was deleted)."""
        return self.upstreams.of[self.slot][1]

    @property
    def upgrade_needed(self) -> bool:
        """True when the upstream moved past this unit's merge base."""
        link, upstream_blob = self.upstreams.of[self.slot]
        return link is not None and upstream_blob not in (None, link.base_blob)

    @property
    def upstream_deleted(self) -> bool:
        """True when the unit's upstream no longer exists."""
        link, upstream_blob = self.upstreams.of[self.slot]
        return link is not None and upstream_blob is None

    @property
    def kinds(self) -> list[str]:
        return [str(doc.get("kind")) for doc in self.documents]
