"""`mtx revert COMMIT` and `mtx changeset revert NAME`: one commit that undoes another's changes to units.

The change undone is the commit's diff against its first parent, restricted to unit files, their
link files, and the metadata of a space the commit deleted. A unit file is a 3-way merge with the
commit's version as the base, its parent's version as the side that changes and the branch tip as
local, so later edits to the same unit survive and a field a later commit changed again is a
conflict, resolved by the policy (`fail`: nothing written). A link file (upstream and merge base)
is not merged: it goes back when the tip still holds the reverted commit's version, else that is a
conflict. Other files the commit changed are not reverted, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.core.conflictview import describe
from mtx_gitops.core.layout import role_of, units_touched
from mtx_gitops.core.merge3 import merge_documents
from mtx_gitops.core.merge_tree import resolution_for
from mtx_gitops.core.model import SPACES_DIR, Conflict, Link, Policy, UnitRef, link_path, unit_path, validate_documents
from mtx_gitops.core.trailers import conflict_trailer
from mtx_gitops.errors import ConflictError, NotFoundError, RefusedError
from mtx_gitops.ops.audit import read_entries
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write

REVERTS = "Mtx-Revert"


@dataclass
class _Undo:
    """The reverted commit's side of the merge: its version of each file and its parent's."""

    commit: str
    parent: str | None
    subject: str
    before: Snapshot
    after: Snapshot
    units: list[UnitRef]
    spaces: list[str]  # spaces the commit deleted (their metadata comes back)
    skipped: list[str]  # files the commit changed that a revert leaves alone


def revert_commit(
    repo: Repo,
    rev: str,
    *,
    policy: Policy = "local",
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
    operation: str = "revert",
    subject: str | None = None,
) -> WriteResult:
    """Undo commit `rev`'s changes to units and links on the branch tip, as one commit."""
    undo = _read_commit(repo, rev)

    def build(snap: Snapshot) -> Plan:
        if snap.commit is None or not repo.git.is_ancestor(undo.commit, snap.commit):
            raise RefusedError(f"commit {undo.commit[:12]} is not in the history of the branch being written")
        plan = Plan(
            operation,
            subject or f'Revert "{undo.subject}"',
            trailers=[(REVERTS, undo.commit)],
        )
        for space in undo.spaces:
            if not snap.has_space(space):
                meta = f"{SPACES_DIR}/{space}/.mtx/space.yaml"
                blob = undo.before.blob(meta)
                assert blob is not None
                plan.files[meta] = repo.git.read_blob(blob)
        for ref in undo.units:
            change = _revert_unit(undo, snap, ref, policy=policy, files=plan.files)
            plan.units.append(change)
            plan.trailers += [conflict_trailer(str(ref), c.as_json()) for c in change.conflicts]
        missing = sorted({u.space for u in plan.units if u.changed and not snap.has_space(u.space)} - set(undo.spaces))
        if missing:
            raise RefusedError(f"space {missing[0]} no longer exists: recreate it before reverting {undo.commit[:12]}")
        conflicts = [(u, c) for u in plan.units for c in u.conflicts]
        if policy == "fail" and conflicts:
            listed = "; ".join(describe(c.as_json(), unit=f"{u.space}/{u.unit}", labels=SIDES) for u, c in conflicts)
            raise ConflictError(
                f"{len(conflicts)} conflict(s) reverting {undo.commit[:12]}, nothing written: {listed}",
                [{"space": u.space, "unit": u.unit, **c.as_json()} for u, c in conflicts],
            )
        if undo.parent is not None and repo.git.rev_parse(f"{undo.commit}^2"):
            plan.notes.append(f"{undo.commit[:12]} is a merge: reverted against its first parent")
        if undo.skipped:
            more = f" and {len(undo.skipped) - 5} more" if len(undo.skipped) > 5 else ""
            shown = ", ".join(undo.skipped[:5]) + more
            plan.notes.append(f"not reverted (not units or their links): {shown}")
        if not any(u.changed or u.merge_base_moved for u in plan.units):
            plan.notes.append(f"nothing to revert: the branch has none of {undo.commit[:12]}'s unit changes")
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def revert_changeset(
    repo: Repo,
    name: str,
    *,
    policy: Policy = "local",
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Undo the commit that applied changeset `name` (the newest, if the name was used again)."""
    rev = branch or "HEAD"
    if repo.git.rev_parse(rev) is None:
        raise NotFoundError(f"no commits on {rev}: changeset {name!r} was never applied there")
    applied = [e for e in read_entries(repo, [rev]) if e.changeset == name and e.operation == "changeset.apply"]
    if not applied:
        raise NotFoundError(f"changeset {name!r} was never applied on {rev} (`mtx log` lists what was)")
    commit = applied[0].commit
    result = revert_commit(
        repo,
        commit,
        policy=policy,
        branch=branch,
        message=message,
        dry_run=dry_run,
        operation="changeset.revert",
        subject=f"Revert changeset {name} ({commit[:12]})",
    )
    if len(applied) > 1:
        result.notes.append(f"changeset {name!r} was applied {len(applied)} times: reverted the newest")
    return result


def _read_commit(repo: Repo, rev: str) -> _Undo:
    git = repo.git
    commit = git.resolve(rev)
    parent = git.rev_parse(f"{commit}^")
    before, after = repo.snapshot_at(parent), repo.snapshot_at(commit)
    paths = git.changed_files(parent, commit) if parent is not None else sorted(after.files)
    roles = {path: role_of(path) for path in paths}
    kept = [path for path, role in roles.items() if role.role in ("unit", "link")]
    deleted_spaces = [
        role.space
        for path, role in roles.items()
        if role.role == "space" and role.space and after.blob(path) is None and before.blob(path) is not None
    ]
    skipped = [p for p, role in roles.items() if role.role not in ("unit", "link") and role.space not in deleted_spaces]
    subject = read_entries(repo, [commit], max_count=1)[0].subject
    return _Undo(commit, parent, subject, before, after, units_touched(kept), deleted_spaces, skipped)


def _revert_unit(
    undo: _Undo, tip: Snapshot, ref: UnitRef, *, policy: Policy, files: dict[str, bytes | None]
) -> UnitChange:
    """Decide one unit's file and link; writes them into `files`."""
    path, link = unit_path(ref.space, ref.unit), link_path(ref.space, ref.unit)
    change = UnitChange(ref.space, ref.unit, False)
    notes: list[str] = []
    unit = _unit_file(undo, tip, ref, policy=policy, change=change, notes=notes)
    if unit is not None:
        files[path] = unit.data
        change.changed = True
    new_link = _link_file(undo, tip, ref, policy=policy, change=change)
    unit_stays = tip.blob(path) is not None if unit is None else unit.data is not None
    if not unit_stays and tip.blob(link) is not None:
        new_link = _Put(None)  # a link never outlives its unit
    if new_link is not None and (new_link.data is not None or tip.blob(link) is not None):
        files[link] = new_link.data
        change.merge_base_moved = True
    change.note = "; ".join(notes) or None
    return change


@dataclass(frozen=True)
class _Put:
    """A file's new content (None: deleted); a decision of None instead keeps the tip's version."""

    data: bytes | None


def _unit_file(
    undo: _Undo, tip: Snapshot, ref: UnitRef, *, policy: Policy, change: UnitChange, notes: list[str]
) -> _Put | None:
    path = unit_path(ref.space, ref.unit)
    base, target, local = undo.after.blob(path), undo.before.blob(path), tip.blob(path)
    if base == target or local == target:
        return None
    if local == base:
        return _read(undo.before, target)
    if local is None:
        change.conflicts.append(Conflict("", "changed", "restored", None, resolution_for(policy), str(ref)))
        if policy != "upstream":
            notes.append("deleted since the reverted commit: stays deleted")
            return None
        return _read(undo.before, target)
    original = _documents(undo.after, ref) if base else []
    updated = _documents(undo.before, ref) if target else []
    mine = _documents(tip, ref)
    merged = merge_documents(original, updated, mine, policy=policy, types=types_for(tip))
    change.conflicts += merged.conflicts
    notes += merged.notes
    if merged.documents == mine:
        return None
    if not merged.documents:
        return _Put(None)
    validate_documents(merged.documents, source=path)
    return _Put(yaml.rewrite(tip.read_text(path), merged.documents, source=path, old=mine).encode())


def _link_file(undo: _Undo, tip: Snapshot, ref: UnitRef, *, policy: Policy, change: UnitChange) -> _Put | None:
    path = link_path(ref.space, ref.unit)
    base, target, local = undo.after.blob(path), undo.before.blob(path), tip.blob(path)
    if base == target or local == target:
        return None
    if local != base:
        was, before, now = (_describe_link(s, path) for s in (undo.after, undo.before, tip))
        change.conflicts.append(Conflict("(upstream link)", was, before, now, resolution_for(policy), str(ref)))
        if policy != "upstream":
            return None
    return _read(undo.before, target)


def _read(snap: Snapshot, blob: str | None) -> _Put:
    return _Put(snap.repo.git.read_blob(blob) if blob else None)


def _documents(snap: Snapshot, ref: UnitRef) -> list[dict[str, Any]]:
    return snap.units([ref])[0].documents


def _describe_link(snap: Snapshot, path: str) -> str | None:
    blob = snap.blob(path)
    if blob is None:
        return None
    link = Link.from_data(yaml.load_one(snap.repo.git.read_blob(blob), source=path), source=path)
    return f"{link.upstream}@{link.base_blob[:12]}"


# What a revert's three sides are: the value the reverted commit set, the value before it, the value now.
SIDES = {"base": "reverted commit", "upstream": "before it", "local": "now"}
