"""A unit's past: `unit history` (commits that touched it), `unit restore` (one commit back to a
revision) and `unit diff` (field diffs against a revision, or the unit's overrides of its upstream).
"""

from __future__ import annotations

from typing import Any

from mtx_gitops.adapters.gitlog import last_commits
from mtx_gitops.core.fielddiff import field_changes
from mtx_gitops.core.model import UnitRef, link_path, unit_path
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import NotFoundError, RefusedError
from mtx_gitops.ops.audit import LogEntry, read_entries
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.ops.revisions import resolve_revision
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write

RESTORED_FROM = "Mtx-Restored-From"


def unit_history(repo: Repo, ref: UnitRef, *, rev: str = "HEAD") -> list[LogEntry]:
    """Every commit (newest first) that changed the unit's file or its upstream link, made by mtx or not."""
    check_slug(ref.space, what="space name")
    check_slug(ref.unit, what="unit name")
    commit = repo.git.resolve(rev)
    paths = [unit_path(ref.space, ref.unit), link_path(ref.space, ref.unit)]
    entries = read_entries(repo, [commit], paths=paths)
    if not entries:
        raise NotFoundError(f"unit {ref.unit!r} has no history in space {ref.space!r}")
    return entries


def restore_unit(
    repo: Repo,
    ref: UnitRef,
    revision: str,
    *,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Put the unit file and its link file back to their content at `revision`, as one commit."""
    check_slug(ref.space, what="space name")
    check_slug(ref.unit, what="unit name")
    source = repo.snapshot(revision)
    commit = source.commit
    assert commit is not None
    path, link = unit_path(ref.space, ref.unit), link_path(ref.space, ref.unit)
    blob = source.blob(path)
    if blob is None:
        raise NotFoundError(
            f"unit {ref.unit!r} does not exist in space {ref.space!r} at {revision} "
            f"({commit[:12]}); `mtx unit history {ref.unit} --space {ref.space}` lists "
            "the revisions it has"
        )
    source.units([ref])  # the old version must still read as Kubernetes documents
    link_blob = source.blob(link)
    texts = repo.git.read_blobs([b for b in (blob, link_blob) if b])

    def build(snap: Snapshot) -> Plan:
        snap.space(ref.space)
        files = {path: texts[blob], link: texts[link_blob] if link_blob else None}
        same = snap.blob(path) == blob and snap.blob(link) == link_blob
        plan = Plan(
            "unit.restore",
            f"Restore unit {ref} to {commit[:12]}",
            files=files,
            units=[UnitChange(ref.space, ref.unit, not same)],
            trailers=[(RESTORED_FROM, commit)],
        )
        if same:
            plan.notes.append(f"unit {ref} already matches {commit[:12]}: nothing to restore")
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def restore_revision(
    repo: Repo,
    ref: UnitRef,
    revision: str,
    *,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """cub's `unit update --restore`: back to revision N of the unit, N revisions back for -N, or to
    its content at a git revision."""
    check_slug(ref.space, what="space name")
    check_slug(ref.unit, what="unit name")
    snap = repo.snapshot(branch or "HEAD")
    snap.require(ref)
    commit = resolve_revision(snap, ref, revision)
    return restore_unit(repo, ref, commit, branch=branch, message=message, dry_run=dry_run)


def diff_revisions(repo: Repo, ref: UnitRef, *, rev: str = "HEAD", revision: str | None = None) -> dict[str, Any]:
    """Field diffs of the unit from `revision` (default: the revision before its latest) to `rev`."""
    snap = repo.snapshot(rev)
    current = snap.unit(ref)
    path = unit_path(ref.space, ref.unit)
    assert snap.commit is not None
    if revision is not None:
        older = repo.snapshot(revision)
    else:
        last = last_commits(repo.git, snap.commit, [path]).get(path)
        parent = repo.git.rev_parse(f"{last}^") if last else None
        older = repo.snapshot_at(parent)
    before = older.units([ref])[0].documents if older.has_unit(ref) else []
    changes = field_changes(before, current.documents, types=types_for(snap))
    return {
        **ref.as_json(),
        "from": older.commit,
        "to": snap.commit,
        "existed": older.has_unit(ref),
        "fields": [c.as_json() for c in changes],
    }


def diff_upstream(repo: Repo, ref: UnitRef, *, rev: str = "HEAD") -> dict[str, Any]:
    """The unit's local overrides: every field where it differs from its upstream's current content."""
    snap = repo.snapshot(rev)
    unit = snap.unit(ref)
    if unit.link is None:
        raise RefusedError(f"unit {ref} has no upstream to compare with (it was not created with --upstream-space)")
    upstream = unit.link.upstream
    if not snap.has_unit(upstream):
        raise NotFoundError(f"unit {ref}'s upstream {upstream} no longer exists")
    changes = field_changes(snap.units([upstream])[0].documents, unit.documents, types=types_for(snap))
    return {
        **ref.as_json(),
        "upstream": upstream.as_json(),
        "upgrade_needed": unit.upgrade_needed,
        "revision": snap.commit,
        "overrides": [{"document": c.document, "path": c.path, "upstream": c.old, "local": c.new} for c in changes],
    }
