"""`mtx changeset apply NAME`: land every staged edit on the target branch as exactly one commit.

The commit is built on the target's current tip. A file the target did not change since the
changeset opened takes the changeset's version. A file both changed is re-merged: unit files by
the 3-way merge (changeset base, changeset tip, target tip) under policy `fail`; link files when
both name the same upstream and merge base; anything else only when both made the same change.
Any conflict aborts before a byte is written. The ref moves by compare-and-swap (`transaction`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.adapters.gitrepo import blob_id
from mtx_gitops.core import trailers
from mtx_gitops.core.layout import role_of, units_touched
from mtx_gitops.core.merge3 import merge_documents
from mtx_gitops.core.model import CONFIG_FILE, SPACES_DIR, Link
from mtx_gitops.errors import ConflictError, NotFoundError, RefMovedError, RefusedError
from mtx_gitops.ops import changeset as changesets
from mtx_gitops.ops.audit import read_entries
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write


@dataclass
class _Landing:
    """The files to write on the target tip, and the fields that could not be merged."""

    files: dict[str, bytes | None] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)


def apply(repo: Repo, name: str, *, message: str | None = None, dry_run: bool = False) -> WriteResult:
    """Land changeset `name` on its target branch as one commit, then drop its branch and state."""
    changeset = changesets.load(repo, name)
    tip = changesets.verified_tip(repo, changeset)
    if repo.git.current_branch() == changeset.branch:
        raise RefusedError(f"branch {changeset.branch} is checked out; check out {changeset.target} first")
    if repo.git.rev_parse(f"refs/heads/{changeset.target}") is None:
        raise NotFoundError(f"changeset {name!r}: its target branch {changeset.target!r} no longer exists")
    paths = repo.git.changed_files(changeset.base, tip)
    foreign = [p for p in paths if p != CONFIG_FILE and not p.startswith(SPACES_DIR + "/")]
    if foreign:
        raise RefusedError(
            f"changeset {name!r} changes {foreign[0]}, which mtx does not manage; "
            f"merge branch {changeset.branch} as a pull request instead"
        )
    before, after = repo.snapshot_at(changeset.base), repo.snapshot_at(tip)
    carried = _carried_trailers(repo, changesets.staged_revisions(repo, changeset, tip))

    def build(snap: Snapshot) -> Plan:
        landing = _Landing()
        for path in paths:
            _land(path, before, after, snap, landing)
        if landing.conflicts:
            listed = "; ".join(_describe(c) for c in landing.conflicts)
            raise ConflictError(
                f"changeset {name!r} conflicts with {changeset.target} "
                f"({len(landing.conflicts)} conflict(s)), nothing written: {listed}",
                landing.conflicts,
            )
        touched = {role_of(p).ref for p in landing.files if _differs(snap, p, landing.files[p])}
        units = [UnitChange(r.space, r.unit, r in touched) for r in units_touched(paths)]
        plan = Plan(
            "changeset.apply",
            f"Apply changeset {name}",
            files=landing.files,
            units=units,
            trailers=[(trailers.CHANGESET, name), *carried],
        )
        if not touched:
            plan.notes.append("nothing to land: the changeset has no staged edits the target lacks")
        return plan

    result = write(repo, build, branch=changeset.target, message=message, dry_run=dry_run)
    if not dry_run:
        try:
            repo.git.delete_ref(changeset.ref, old=tip)
        except RefMovedError:
            result.notes.append(f"branch {changeset.branch} moved during apply: its newer edits stay staged")
            return result
        changesets.forget(repo, name)
        result.notes.append(f"changeset {name} applied to {changeset.target}; branch {changeset.branch} deleted")
    return result


def _land(path: str, before: Snapshot, after: Snapshot, target: Snapshot, landing: _Landing) -> None:
    """Decide one changed file: take the changeset's version, keep the target's, merge, or conflict."""
    base, ours, theirs = before.blob(path), after.blob(path), target.blob(path)
    if theirs == ours:
        return
    if theirs == base:
        landing.files[path] = after.repo.git.read_blob(ours) if ours else None
        return
    role = role_of(path)
    if role.role == "unit" and ours and theirs:
        _merge_unit(path, before, after, target, landing)
    elif role.role == "link" and ours and theirs and _same_link(after, ours, theirs, path):
        landing.files[path] = after.repo.git.read_blob(ours)
    else:
        ref = role.ref or role.space or path
        landing.conflicts.append(
            {
                "unit": str(ref),
                "path": "",
                "file": path,
                "changeset": "deleted" if ours is None else "changed",
                "target": "deleted" if theirs is None else "changed",
            }
        )


def _merge_unit(path: str, before: Snapshot, after: Snapshot, target: Snapshot, landing: _Landing) -> None:
    ref = role_of(path).ref
    assert ref is not None
    updated, local = (s.units([ref])[0].documents for s in (after, target))
    # Added on both sides: merged against an empty base, so only differing fields conflict.
    original = before.units([ref])[0].documents if before.has_unit(ref) else []
    merged = merge_documents(original, updated, local, policy="fail", types=types_for(target))
    if merged.conflicts:
        landing.conflicts += [
            {"unit": str(ref), **c.as_json(), "changeset": c.upstream, "target": c.local} for c in merged.conflicts
        ]
        return
    landing.files[path] = yaml.rewrite(target.read_text(path), merged.documents, source=path).encode()


def _same_link(after: Snapshot, ours: str, theirs: str, path: str) -> bool:
    """Two link files that name the same upstream and merge base (only the commit noted differs)."""
    texts = after.repo.git.read_blobs([ours, theirs])
    one, other = (Link.from_data(yaml.load_one(texts[b], source=path), source=path) for b in (ours, theirs))
    return (one.upstream, one.base_blob) == (other.upstream, other.base_blob)


def _carried_trailers(repo: Repo, revs: list[str]) -> list[tuple[str, str]]:
    """The lateral sources and conflicts the staged commits recorded, oldest first, without repeats."""
    carried: list[tuple[str, str]] = []
    for entry in reversed(read_entries(repo, revs)):
        found = trailers.parse_trailers(entry.message)
        for key in (trailers.SOURCE, trailers.CONFLICT):
            carried += [(key, value) for value in found.get(key, []) if (key, value) not in carried]
    return carried


def _differs(snap: Snapshot, path: str, data: bytes | None) -> bool:
    return (blob_id(data) if data is not None else None) != snap.blob(path)


def _describe(conflict: dict[str, Any]) -> str:
    where = f"{conflict['unit']} {conflict['path'] or conflict.get('document') or conflict.get('file')}"
    return f"{where}: changeset {conflict['changeset']!r}, target {conflict['target']!r}"
