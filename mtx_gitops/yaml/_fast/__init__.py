"""The YAML package's accelerators and every cache they keep, in one object; `MTX_YAML_FAST=0` turns them off.

Each accelerator only saves time: with them off, every text is parsed in full, every dump goes
through PyYAML's own dumper and every rewrite is read back in full, and the answers are the same.

- `dumper`: block YAML written by a direct walk, asking PyYAML once per distinct scalar;
- `near_copies`: a text that differs from one read before only in scalar values is derived from it;
- `splice_check` (stateless): a splice of scalar values is checked line by line instead of read again;
- the scalar memos: the tag and value of short scalars read (unit files repeat them), and the
  text of scalars written by an edit.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mtx_gitops.yaml._fast.dumper import FastDumper, Resolvers

if TYPE_CHECKING:
    from mtx_gitops.yaml._fast.near_copies import NearCopies


class Accelerators:
    """The accelerators' state: the near-copies read, the dumper's memos, the scalar memos."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        # plain scalar -> tag, and (tag, text) -> value of short non-string scalars (immutable ones)
        self.scalar_tags: dict[str, str] | None = {} if enabled else None
        self.scalar_values: dict[tuple[str, str], Any] | None = {} if enabled else None
        # (type name, value, style, flow) -> the scalar's text, for edits that write one value many times
        self.rendered_scalars: dict[tuple[str, Any, str | None, bool], str | None] | None = {} if enabled else None
        self._near_copies: NearCopies | None = None
        self._dumper: FastDumper | None = None

    def near_copies(self) -> NearCopies | None:
        """The texts read in full so far, to derive near-copies from; None when turned off."""
        if not self.enabled:
            return None
        if self._near_copies is None:
            # Imported here: near_copies reads YAML through `_load`, which uses the scalar memos above.
            from mtx_gitops.yaml._fast.near_copies import NearCopies

            self._near_copies = NearCopies()
        return self._near_copies

    def dumper(self, reference: Callable[[list[Any]], str], resolvers: Resolvers) -> FastDumper | None:
        """The direct-walk dumper over `reference` (PyYAML's); None when turned off."""
        if not self.enabled:
            return None
        if self._dumper is None:
            self._dumper = FastDumper(reference, resolvers)
        return self._dumper


def enabled_by_environment() -> bool:
    """False when `MTX_YAML_FAST` is 0 (or off, false, no); read once, when mtx starts."""
    return os.environ.get("MTX_YAML_FAST", "1").strip().lower() not in ("0", "off", "false", "no")


ACCELERATORS = Accelerators(enabled=enabled_by_environment())
