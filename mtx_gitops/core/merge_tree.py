"""Structural 3-way merge of one value tree: ORIGINAL (the merge base), UPDATED (upstream), LOCAL.

A field changed on one side only takes that change; changed identically on both sides it is no
conflict; changed differently it is a `Conflict`, resolved by the policy: `local` and `fail` keep
the local value, `upstream` takes the upstream one (kyaml merge3 behaviour). Maps merge per key, in
LOCAL's key order with new upstream keys appended. Lists with merge keys (`listkeys`, or a schema
hint) merge per element, in LOCAL's order with new upstream elements appended; other lists are
atoms. A null that replaces a value is a request to delete the field: when it wins a conflict, the
field is removed (kyaml's tombstone).

A map deleted on one side merges as an empty map, so upstream deleting `annotations` while local
added one keeps the local addition. A keyed-list element is an object with an identity: deleted
on one side and edited on the other, it is one conflict at the element's path.

Conflicts show an absent side as None. The result and the conflicts share unchanged subtrees
with the inputs instead of copying them; inputs are never modified, so copy the result before
changing it in place.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Mapping
from typing import Any, Final

from mtx_gitops.core.kube_types import Node
from mtx_gitops.core.listkeys import identity, shared_keys
from mtx_gitops.core.model import Conflict, Policy
from mtx_gitops.core.path_syntax import Step, format_path, parse_path
from mtx_gitops.core.paths import as_text
from mtx_gitops.errors import UserError

# A path while merging: map keys as plain strings (cheap to extend), any other step as a Step.
Segments = tuple[str | Step, ...]
Hints = Mapping[str, "tuple[str, ...] | Node"]


class _Absent:
    """The type of ABSENT."""

    def __repr__(self) -> str:
        return "ABSENT"

    def __reduce__(self) -> str:
        # copy, deepcopy and pickle hand back the one ABSENT, so `is ABSENT` keeps working.
        return "ABSENT"


ABSENT: Final[Any] = _Absent()
"""Stands for a field, element or document that is not there (unlike null, which is a value)."""

_WILDCARD = Step(wildcard=True)


def same(a: Any, b: Any) -> bool:
    """Whether two values are the same YAML data: equal, with 1, 1.0 and true told apart.

    Map key order does not matter; list order does.
    """
    if a is b:
        return True
    if a != b:
        return False
    # `==` holds 1 == 1.0 == True. Equal marshal bytes rule that out at C speed (marshal records
    # types; format 2 writes no back-references, so the bytes depend on the data alone); the walk
    # settles the rest: maps equal up to key order, types marshal refuses, or a scalar whose type
    # really differs.
    try:
        if marshal.dumps(a, 2) == marshal.dumps(b, 2):
            return True
    except ValueError:
        pass
    return _same_types(a, b)


def _same_types(a: Any, b: Any) -> bool:
    """For `a == b`: whether every scalar pair also has the same YAML type."""
    if isinstance(a, dict):
        return all(_same_types(value, b[key]) for key, value in a.items())
    if isinstance(a, list):
        return all(_same_types(x, y) for x, y in zip(a, b, strict=True))
    return _scalar_type(a) is _scalar_type(b)


def _scalar_type(value: Any) -> type:
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind
    return type(value)


def resolution_for(policy: Policy) -> str:
    """Which side a conflict goes to under `policy`. Under `fail` the merged data keeps local (the
    caller refuses and writes nothing), and the conflict says `unresolved`: no side was kept."""
    if policy == "upstream":
        return "upstream"
    if policy == "local":
        return "local"
    if policy == "fail":
        return "unresolved"
    raise UserError(f"unknown conflict policy {policy!r}: expected local, upstream or fail")


def merge_values(
    original: Any,
    updated: Any,
    local: Any,
    *,
    policy: Policy,
    path: str = "",
    hints: Hints | None = None,
    node: Node | None = None,
) -> tuple[Any, list[Conflict]]:
    """Merge UPDATED's changes since ORIGINAL into LOCAL; return the result and every conflict.

    Any of the three may be ABSENT; an ABSENT result means the value is deleted. `path` is where
    the values sit (it prefixes conflict paths and names the field of a top-level list). `hints`
    maps paths relative to the values, `[*]` for any element, to list merge keys (`schemahints`).
    `node` is the values' type (`kube_types`): keyed and atomic lists, atomic maps and one-of
    groups follow it; without one (a kind no schema describes) lists are keyed by kyaml's inference.
    """
    merge = _TreeMerge(resolution_for(policy), hints or {})
    start = tuple(step.key if step.key is not None else step for step in parse_path(path)) if path else ()
    return merge.value(original, updated, local, start, node), merge.conflicts


def text_of(segments: Iterable[str | Step]) -> str:
    """The field-path text of merge segments."""
    return format_path(Step(key=s) if isinstance(s, str) else s for s in segments)


def list_keys(
    segments: Segments, versions: list[list[Any]], hints: Hints, node: Node | None = None
) -> tuple[str, ...] | None:
    """The merge keys of the list at `segments`, given all its versions; None for an atomic list.

    A schema comment on the field wins, then the list's type; a list no schema describes is keyed
    by kyaml's inference from its elements.
    """
    hint = None
    if hints:
        found = hints.get(text_of(s if isinstance(s, str) or not s.match else _WILDCARD for s in segments))
        hint = found if isinstance(found, tuple) else None
    if hint is None and node is not None and node.type == "array":
        hint = node.list_keys() or ()
    return shared_keys(versions, hint=hint)


def selector(item: dict[str, Any], keys: tuple[str, ...]) -> Step:
    """The path step that picks `item` out of its keyed list: `[name=app]`, `[containerPort=80,protocol=TCP]`."""
    pairs = zip(keys, identity(item, keys), strict=True)
    return Step(match=tuple((key, as_text(value)) for key, value in pairs if value is not None))


def _index(items: Any, keys: tuple[str, ...]) -> dict[tuple[Any, ...], Any]:
    return {identity(item, keys): item for item in items} if isinstance(items, list) else {}


def _emptied(updated: Any, local: Any, empty: dict[str, Any] | list[Any]) -> Any:
    """A map or list whose merge kept nothing: empty if both sides have one or the only one is empty.

    So upstream deleting a map whose every key local deleted too gives no map, while a map local
    emptied on purpose stays `{}` (kyaml keeps it).
    """
    if updated is not ABSENT and local is not ABSENT:
        return empty
    present = local if updated is ABSENT else updated
    return ABSENT if present else empty


def _tombstone(value: Any) -> Any:
    return ABSENT if value is None else value


def _shown(value: Any) -> Any:
    return None if value is ABSENT else value


class _TreeMerge:
    """One merge run: the resolution, the schema hints and the conflicts found so far."""

    def __init__(self, resolution: str, hints: Hints) -> None:
        self.resolution = resolution
        self.hints = hints
        self.conflicts: list[Conflict] = []

    def value(self, original: Any, updated: Any, local: Any, at: Segments, node: Node | None) -> Any:
        if same(updated, local) or same(original, updated):
            return local
        if same(original, local):
            return updated
        if self.hints:
            hinted = self.hints.get(text_of(s if isinstance(s, str) or not s.match else _WILDCARD for s in at))
            if isinstance(hinted, Node):
                node = hinted
        atomic = node is not None and node.is_atomic()
        if _all_are(dict, original, updated, local) and not (atomic and node is not None and node.type != "array"):
            return self.maps(original, updated, local, at, node)
        if _all_are(list, original, updated, local):
            versions = [v for v in (original, updated, local) if v is not ABSENT]
            keys = list_keys(at, versions, self.hints, node)
            if keys:
                return self.keyed_lists(original, updated, local, keys, at, node.items() if node else None)
        return self.decide(original, updated, local, at, _tombstone(updated), _tombstone(local))

    def maps(self, original: Any, updated: Any, local: Any, at: Segments, node: Node | None) -> Any:
        base = original if isinstance(original, dict) else {}
        theirs = updated if isinstance(updated, dict) else {}
        mine = local if isinstance(local, dict) else {}
        groups = node.one_of() if node is not None else ()
        grouped = {member: group for group in groups for member in group}
        merged: dict[Any, Any] = {}
        done: set[tuple[str, ...]] = set()
        for key in [*mine, *(key for key in theirs if key not in mine)]:
            group = grouped.get(key)
            if group is not None:
                if group not in done:
                    done.add(group)
                    merged.update(self.one_of(base, theirs, mine, group, at, node))
                continue
            child = node.child(str(key)) if node is not None else None
            got = self.value(
                base.get(key, ABSENT), theirs.get(key, ABSENT), mine.get(key, ABSENT), (*at, str(key)), child
            )
            if got is not ABSENT:
                merged[key] = got
        return merged if merged else _emptied(updated, local, {})

    def one_of(
        self,
        base: dict[str, Any],
        theirs: dict[str, Any],
        mine: dict[str, Any],
        group: tuple[str, ...],
        at: Segments,
        node: Node | None,
    ) -> dict[str, Any]:
        """Merge a one-of group as one field: the result holds one side's choice of members.

        When both sides changed the group and chose the same members, they merge field by field
        (if that keeps one side's choice: its members and, for scalar members such as a strategy's
        `type`, its values). Otherwise (upstream switched from `exec` to `grpc` while local edited
        `exec`) it is one conflict at the object's path, with each side's members as its values,
        and the losing side's members are dropped whole.
        """
        before, after, ours = ({k: v for k, v in side.items() if k in group} for side in (base, theirs, mine))
        if same(after, ours) or same(before, after):
            return ours
        if same(before, ours):
            return after
        found = len(self.conflicts)
        merged: dict[str, Any] = {}
        for key in [*ours, *(key for key in after if key not in ours)] if set(ours) == set(after) else ():
            child = node.child(key) if node is not None else None
            got = self.value(before.get(key, ABSENT), after.get(key, ABSENT), ours.get(key, ABSENT), (*at, key), child)
            if got is not ABSENT:
                merged[key] = got
        if set(ours) == set(after) and any(_chose(merged, side) for side in (ours, after)):
            return merged
        del self.conflicts[found:]
        self.conflicts.append(Conflict(text_of(at), before or None, after or None, ours or None, self.resolution))
        return after if self.resolution == "upstream" else ours

    def keyed_lists(
        self, original: Any, updated: Any, local: Any, keys: tuple[str, ...], at: Segments, items: Node | None
    ) -> Any:
        base, theirs, mine = _index(original, keys), _index(updated, keys), _index(local, keys)
        merged: list[Any] = []
        for ident, item in mine.items():
            got = self.element(base.get(ident, ABSENT), theirs.get(ident, ABSENT), item, keys, at, items)
            if got is not ABSENT:
                merged.append(got)
        for ident, item in theirs.items():
            if ident not in mine:
                got = self.element(base.get(ident, ABSENT), item, ABSENT, keys, at, items)
                if got is not ABSENT:
                    merged.append(got)
        return merged if merged else _emptied(updated, local, [])

    def element(
        self, original: Any, updated: Any, local: Any, keys: tuple[str, ...], at: Segments, node: Node | None
    ) -> Any:
        if same(updated, local) or same(original, updated):
            return local
        if same(original, local):
            return updated
        here = (*at, selector(local if local is not ABSENT else updated, keys))
        if updated is not ABSENT and local is not ABSENT:
            return self.maps(original, updated, local, here, node)
        # Deleted on one side, edited on the other. As kyaml does, the upstream resolution of a
        # local deletion re-applies upstream's edits to nothing: the changed fields and the keys.
        if updated is ABSENT:
            return self.decide(original, updated, local, here, ABSENT, local)
        return self.decide(original, updated, local, here, self.reapplied(original, updated, keys, here, node), ABSENT)

    def reapplied(
        self, original: Any, updated: dict[str, Any], keys: tuple[str, ...], at: Segments, node: Node | None
    ) -> Any:
        """Upstream's edits to an element that local deleted, on an empty element (kyaml)."""
        partial = _TreeMerge("upstream", self.hints).maps(original, updated, ABSENT, at, node)
        if partial is ABSENT:
            return ABSENT
        for key in keys:
            if key not in partial and key in updated:
                partial[key] = updated[key]
        return partial

    def decide(self, original: Any, updated: Any, local: Any, at: Segments, upstream_wins: Any, local_wins: Any) -> Any:
        """Resolve a change made differently on both sides; report it when the choice matters."""
        if same(upstream_wins, local_wins):
            return local_wins
        self.conflicts.append(Conflict(text_of(at), _shown(original), _shown(updated), _shown(local), self.resolution))
        return upstream_wins if self.resolution == "upstream" else local_wins


def _chose(merged: dict[str, Any], side: dict[str, Any]) -> bool:
    """Whether a merged one-of group is what `side` chose: its members, its scalar values."""
    if set(merged) != set(side):
        return False
    return all(same(value, side[key]) for key, value in merged.items() if not isinstance(value, (dict, list)))


def _all_are(kind: type, *values: Any) -> bool:
    return all(value is ABSENT or isinstance(value, kind) for value in values)
