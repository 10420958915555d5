"""`mtx plan --base REV --head REV`: what a branch changes, per space and target, for a pull request.

Compares the head with its merge base with `--base` (what a pull request would merge, as
`git diff base...head` does). First, the validation findings of the units the branch adds or
changes, at the head (`mtx validate` checks every unit). Per space: units added, changed (field diffs, old → new) and
removed, metadata and upstream-link changes, upgrades left pending at the head, and the conflicts
the branch's commits recorded in their trailers. Trees are read with one `ls-tree` each and every
changed unit is parsed through the parse cache, so a 300-space upgrade plans in well under 5 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from mtx_gitops.core.fielddiff import field_changes
from mtx_gitops.core.layout import role_of
from mtx_gitops.core.model import UnitRef, unit_path
from mtx_gitops.ops.audit import read_entries
from mtx_gitops.ops.conflicts import list_conflicts
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.ops.validation import validate_paths
from mtx_gitops.store import Repo, Snapshot


@dataclass
class SpacePlan:
    """The impact of a branch on one space."""

    space: str
    target: str | None = None
    status: str = "changed"
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    upgrades_pending: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "space": self.space,
            "target": self.target,
            "status": self.status,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "metadata": self.metadata,
            "upgrades_pending": self.upgrades_pending,
            "conflicts": self.conflicts,
        }


def plan(repo: Repo, *, base: str, head: str = "HEAD") -> dict[str, Any]:
    """The plan of `head` against `base` as plain JSON data (`plan_markdown` draws the comment)."""
    base_commit, head_commit = repo.git.resolve(base), repo.git.resolve(head)
    start = repo.git.merge_base(base_commit, head_commit) or base_commit
    planner = _Planner(repo.snapshot_at(start), repo.snapshot_at(head_commit))
    planner.files()
    planner.pending()
    validation = validate_paths(planner.after, [p for p in planner.changed if role_of(p).role == "unit"])
    for entry in read_entries(repo, [f"{start}..{head_commit}"]):
        for conflict in entry.conflicts:
            space = str(conflict.get("unit", "")).partition("/")[0]
            if space:
                planner.space(space).conflicts.append({**conflict, "commit": entry.commit})
    ledger = _ledger(planner.before, planner.after, sorted(planner.spaces))
    rows = [planner.spaces[name].as_json() for name in sorted(planner.spaces)]
    summary = {
        "spaces": len(rows),
        "units_added": sum(len(r["added"]) for r in rows),
        "units_changed": sum(len(r["changed"]) for r in rows),
        "units_removed": sum(len(r["removed"]) for r in rows),
        "fields_changed": sum(len(u["fields"]) for r in rows for u in r["changed"]),
        "upgrades_pending": sum(len(r["upgrades_pending"]) for r in rows),
        "conflicts": sum(len(r["conflicts"]) for r in rows),
        "invalid_documents": len(validation.invalid_documents()),
    }
    return {
        "base": base,
        "head": head,
        "base_commit": base_commit,
        "head_commit": head_commit,
        "merge_base": start,
        "validation": validation.as_json(),  # of the units the branch adds or changes, at the head
        "conflict_ledger": ledger,  # the head's open conflicts in the spaces the branch touches: new, still open
        "summary": summary,
        "spaces": rows,
    }


class _Planner:
    """Builds the per-space plans from the two snapshots."""

    def __init__(self, before: Snapshot, after: Snapshot) -> None:
        self.before, self.after = before, after
        old, new = before.files, after.files
        self.changed = sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))
        self.spaces: dict[str, SpacePlan] = {}

    @cached_property
    def targets(self) -> dict[str, str]:
        """space -> target, from every space's metadata in both trees (through the parse cache)."""
        return {
            space.name: space.target for snap in (self.before, self.after) for space in snap.spaces() if space.target
        }

    def space(self, name: str) -> SpacePlan:
        """The plan of space `name`, started on first use."""
        if name not in self.spaces:
            status = (
                "added"
                if not self.before.has_space(name)
                else "removed"
                if not self.after.has_space(name)
                else "changed"
            )
            self.spaces[name] = SpacePlan(name, self.targets.get(name), status)
        return self.spaces[name]

    def files(self) -> None:
        """Added, removed and changed units with field diffs; space metadata before and after."""
        units: set[UnitRef] = set()
        relinked: set[UnitRef] = set()
        for path in self.changed:
            role = role_of(path)
            if role.role == "unit" and role.ref:
                units.add(role.ref)
            elif role.role == "link" and role.ref:
                relinked.add(role.ref)
            elif role.role == "space" and role.space:
                self.space(role.space).metadata = {
                    "before": _space_json(self.before, role.space),
                    "after": _space_json(self.after, role.space),
                }
        touched = units | relinked
        old = _parsed(self.before, [r for r in touched if self.before.has_unit(r)])
        new = _parsed(self.after, [r for r in touched if self.after.has_unit(r)])
        for ref in sorted(touched):
            plan = self.space(ref.space)
            if ref not in old and ref in new:
                plan.added.append(ref.unit)
            elif ref in old and ref not in new:
                plan.removed.append(ref.unit)
            elif ref in old:
                link = self.after.link(ref)
                plan.changed.append(
                    {
                        "unit": ref.unit,
                        "fields": [c.as_json() for c in field_changes(old[ref], new[ref], types=types_for(self.after))],
                        "link_changed": ref in relinked,
                        "upstream": str(link.upstream) if link else None,
                    }
                )

    def pending(self) -> None:
        """Units left needing an upgrade at the head, in touched spaces or downstream of a changed unit."""
        changed = set(self.changed)
        touched_spaces = {role_of(p).space for p in self.changed}
        for ref, link in sorted(self.after.links.items()):
            path = unit_path(link.upstream.space, link.upstream.unit)
            if self.after.blob(path) in (None, link.base_blob):
                continue
            if path in changed or ref.space in touched_spaces:
                self.space(ref.space).upgrades_pending.append({"unit": ref.unit, "upstream": str(link.upstream)})


def _ledger(before: Snapshot, after: Snapshot, spaces: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The open conflicts of `spaces` at the head: those the branch opened or changed, and those still open."""
    present = [space for space in spaces if after.has_space(space)]
    old = {(c.ref, c.entry) for space in present if before.has_space(space) for c in list_conflicts(before, space)}
    found: dict[str, list[dict[str, Any]]] = {"new": [], "open": []}
    for space in present:
        for c in list_conflicts(after, space):
            found["open" if (c.ref, c.entry) in old else "new"].append(c.as_json())
    return found


def _parsed(snap: Snapshot, refs: list[UnitRef]) -> dict[UnitRef, list[dict[str, Any]]]:
    return {unit.ref: unit.documents for unit in snap.units(refs)}


def _space_json(snap: Snapshot, space: str) -> dict[str, Any] | None:
    return snap.space(space).as_json() if snap.has_space(space) else None
