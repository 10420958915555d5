"""A unit's revisions as cub counts them, from git: HeadRevisionNum, CreatedAt and UpdatedAt.

A unit's Nth change is its revision N: HeadRevisionNum is the number of commits reachable from the
snapshot that changed the unit's file (its `spaces/<space>/<unit>.yaml`, not its link file), on every
line of history, not only the first parent; a merge commit is not itself a change (git log shows no
files for it), the commits it brought are. Renames are not followed: a unit's name is its path.
CreatedAt is the committer date of the oldest such commit and UpdatedAt of the newest, in UTC
(`2026-01-31T12:00:00Z`, so WHERE compares them as text: `CreatedAt > '2026-01-01'`).
All units are answered by one `git log` pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from mtx_gitops.adapters.gitlog import log_records, pathspecs
from mtx_gitops.core.model import UnitRef, unit_path
from mtx_gitops.store import Snapshot


@dataclass(frozen=True)
class Revisions:
    """How often a unit changed, and when first and last (None before its first commit)."""

    head_revision_num: int = 0
    created_at: str | None = None
    updated_at: str | None = None


def unit_revisions(snap: Snapshot, refs: Sequence[UnitRef]) -> dict[UnitRef, Revisions]:
    """The Revisions of each of `refs` at the snapshot's commit (units never committed are left out)."""
    if snap.commit is None or not refs:
        return {}
    paths = {unit_path(r.space, r.unit): r for r in refs}
    out = log_records(snap.repo.git, snap.commit, fmt="%x01%ct", paths=pathspecs(paths), name_only=True)
    counts: dict[UnitRef, int] = {}
    newest: dict[UnitRef, str] = {}
    oldest: dict[UnitRef, str] = {}
    for record in out.decode("utf-8", "surrogateescape").split("\x01")[1:]:
        stamp, _, names = record.partition("\0")
        date = datetime.fromtimestamp(int(stamp), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for name in names.split("\0"):
            ref = paths.get(name.strip())
            if ref is not None:
                counts[ref] = counts.get(ref, 0) + 1
                newest.setdefault(ref, date)
                oldest[ref] = date
    return {ref: Revisions(counts[ref], oldest[ref], newest[ref]) for ref in counts}


def head_revision_nums(snap: Snapshot, refs: Sequence[UnitRef]) -> dict[UnitRef, int]:
    """cub's HeadRevisionNum of each unit (0 for one never committed)."""
    return {ref: rev.head_revision_num for ref, rev in unit_revisions(snap, refs).items()}
