"""A forest drawn as cub's `unit tree` draws it: each node under its parent, `├── ` and `└── ` before it.

Pure: nodes are keys with an optional parent key; a node whose parent is not among the nodes is a
root. Roots and siblings keep the order they were given in. A cycle (which upstream links cannot
make, but a hand-edited link file could) is broken where it is first met: every node is drawn once.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


def tree_lines(nodes: Sequence[tuple[K, K | None]]) -> list[tuple[int, int, str]]:
    """(index into `nodes`, depth, prefix) for every node, in drawing order."""
    index = {key: i for i, (key, _parent) in enumerate(nodes)}
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    for i, (key, parent) in enumerate(nodes):
        if parent is not None and parent in index and parent != key:
            children.setdefault(index[parent], []).append(i)
        else:
            roots.append(i)
    out: list[tuple[int, int, str]] = []
    seen: set[int] = set()

    def draw(i: int, depth: int, lead: str, last: bool) -> None:
        seen.add(i)
        out.append((i, depth, lead + ("└── " if last else "├── ")))
        kids = [k for k in children.get(i, []) if k not in seen]
        for n, kid in enumerate(kids):
            if kid not in seen:
                draw(kid, depth + 1, lead + ("    " if last else "│   "), n == len(kids) - 1)

    for n, root in enumerate(roots):
        draw(root, 0, "", n == len(roots) - 1)
    for i in range(len(nodes)):  # the members of a cycle, none of them a root
        if i not in seen:
            draw(i, 0, "", True)
    return out
