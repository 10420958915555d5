"""Where two values differ, as leaf field paths: the vocabulary of diffs, explanations and merge reports.

Paths use the syntax of conflict paths (`paths`): keyed list elements by their keys
(`containers[name=app].image`), atomic lists and scalars as one leaf. A map or element present on
one side only contributes every leaf under it, so a conflict at a container's path covers each
field the container gained or lost.
"""

from __future__ import annotations

from typing import Any

from mtx_gitops.core.kube_types import Node
from mtx_gitops.core.listkeys import identity
from mtx_gitops.core.merge_tree import ABSENT, Hints, Segments, list_keys, same, selector, text_of
from mtx_gitops.core.model import Conflict


def changed_paths(before: Any, after: Any, *, hints: Hints | None = None, node: Node | None = None) -> list[str]:
    """The leaf-level field paths at which `before` and `after` differ (either may be ABSENT).

    Key order is not a difference; the order of list elements is. `hints` are the merge's schema
    hints and `node` the values' type, so lists are matched the way the merge matched them.
    """
    found: list[Segments] = []
    _walk(before, after, (), hints or {}, found, node)
    return [text_of(segments) for segments in found]


def is_within(path: str, prefix: str) -> bool:
    """Whether `path` is `prefix` or lies under it (`a.b[name=x].c` lies under `a.b`)."""
    if not prefix or path == prefix:
        return True
    return path.startswith(prefix) and path[len(prefix)] in ".["


def unexplained(
    before: Any, after: Any, conflicts: list[Conflict], *, hints: Hints | None = None, node: Node | None = None
) -> list[str]:
    """The paths at which `before` and `after` differ that no conflict's path covers."""
    paths = [conflict.path for conflict in conflicts]
    changed = changed_paths(before, after, hints=hints, node=node)
    return [path for path in changed if not any(is_within(path, prefix) for prefix in paths)]


def _walk(before: Any, after: Any, at: Segments, hints: Hints, found: list[Segments], node: Node | None) -> None:
    if same(before, after):
        return
    start = len(found)
    if _both_are(dict, before, after):
        old = before if isinstance(before, dict) else {}
        new = after if isinstance(after, dict) else {}
        for key, value in old.items():
            _walk(value, new.get(key, ABSENT), (*at, str(key)), hints, found, _child(node, str(key)))
        for key, value in new.items():
            if key not in old:
                _walk(ABSENT, value, (*at, str(key)), hints, found, _child(node, str(key)))
        if len(found) == start and isinstance(before, dict) and isinstance(after, dict):
            return  # the same map up to key order
    elif _both_are(list, before, after):
        versions = [v for v in (before, after) if v is not ABSENT]
        keys = list_keys(at, versions, hints, node)
        if keys:
            items = _child(node, None)
            old_items = {identity(item, keys): item for item in before} if before is not ABSENT else {}
            new_items = {identity(item, keys): item for item in after} if after is not ABSENT else {}
            for ident, item in old_items.items():
                _walk(item, new_items.get(ident, ABSENT), (*at, selector(item, keys)), hints, found, items)
            for ident, item in new_items.items():
                if ident not in old_items:
                    _walk(ABSENT, item, (*at, selector(item, keys)), hints, found, items)
            if len(found) == start and list(old_items) == list(new_items) and ABSENT not in (before, after):
                return  # the same elements in the same order, maps equal up to key order
    if len(found) == start:
        found.append(at)


def _child(node: Node | None, key: str | None) -> Node | None:
    return node.child(key) if node is not None else None


def _both_are(kind: type, before: Any, after: Any) -> bool:
    return (before is ABSENT or isinstance(before, kind)) and (after is ABSENT or isinstance(after, kind))
