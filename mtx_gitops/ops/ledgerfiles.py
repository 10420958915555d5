"""The files of a region's decisions (`core.ledger` has the layout): read from a snapshot, written as bytes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.core.ledger import Entry, conflicts_path, deleted_path, parse_entries, protected_path
from mtx_gitops.core.model import META_DIR, SPACES_DIR, UnitRef
from mtx_gitops.core.slug import is_slug
from mtx_gitops.errors import YamlError
from mtx_gitops.store import Snapshot

LEDGER_HEADER = "# Written by mtx: conflicts an upgrade resolved by policy, open until `mtx conflicts resolve`.\n"
PROTECTED_HEADER = "# Written by mtx: paths the region owns; no upgrade or lateral merge changes them.\n"
DELETED_HEADER = "# Written by mtx: this linked unit was deleted on purpose; linking its upstream space skips it.\n"


def read_ledger(snap: Snapshot, refs: Iterable[UnitRef]) -> dict[UnitRef, list[Entry]]:
    """The open conflicts of each of `refs` (units without any are left out)."""
    paths = {conflicts_path(ref.space, ref.unit): ref for ref in refs}
    found = snap.read_data(paths)
    return {paths[path]: entries for path, data in found.items() if (entries := parse_entries(data, source=path))}


def ledger_file(entries: Sequence[Entry]) -> bytes | None:
    """A unit's ledger file (None: no open conflict, no file)."""
    if not entries:
        return None
    return (LEDGER_HEADER + yaml.dump_one({"conflicts": [e.as_data() for e in entries]})).encode()


def read_protected(snap: Snapshot, refs: Iterable[UnitRef]) -> dict[UnitRef, tuple[str, ...]]:
    """The protected paths of each of `refs`: the space's, then the unit's own (units without any left out)."""
    refs = list(refs)
    spaces = {ref.space for ref in refs}
    found = snap.read_data([*map(protected_path, spaces), *(protected_path(r.space, r.unit) for r in refs)])
    result = {}
    for ref in refs:
        paths = [*_paths(found, protected_path(ref.space)), *_paths(found, protected_path(ref.space, ref.unit))]
        if paths:
            result[ref] = tuple(dict.fromkeys(paths))
    return result


def own_protected(snap: Snapshot, space: str, unit: str | None) -> list[str]:
    """The paths protected by the unit's own file (or the space's file, when `unit` is None)."""
    path = protected_path(space, unit)
    return _paths(snap.read_data([path]), path)


def protected_file(paths: Sequence[str]) -> bytes | None:
    """A protected-paths file (None: nothing protected, no file)."""
    return (PROTECTED_HEADER + yaml.dump_one({"paths": list(paths)})).encode() if paths else None


def read_deleted(snap: Snapshot, space: str) -> dict[str, UnitRef | None]:
    """unit -> the upstream it was linked to, for the units `space` deleted on purpose."""
    prefix = f"{SPACES_DIR}/{space}/{META_DIR}/deleted/"
    names = [p[len(prefix) : -5] for p in snap.files_of(space) if p.startswith(prefix) and p.endswith(".yaml")]
    names = [name for name in names if is_slug(name)]
    found = snap.read_data(deleted_path(space, name) for name in names)
    result: dict[str, UnitRef | None] = {}
    for name in names:
        data = found.get(deleted_path(space, name))
        up = data.get("upstream") if isinstance(data, dict) else None
        result[name] = UnitRef(str(up["space"]), str(up["unit"])) if isinstance(up, dict) and "space" in up else None
    return result


def deleted_file(upstream: UnitRef) -> bytes:
    """The record that a linked unit was deleted on purpose."""
    return (DELETED_HEADER + yaml.dump_one({"upstream": upstream.as_json()})).encode()


def _paths(found: dict[str, Any], path: str) -> list[str]:
    data = found.get(path)
    if data is None:
        return []
    items = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise YamlError(f"{path}: not a protected-paths file (expected `paths:` with a list of field paths)")
    return list(items)
