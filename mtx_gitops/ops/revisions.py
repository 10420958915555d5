"""A unit's revisions as cub counts them, from git: HeadRevisionNum, CreatedAt and UpdatedAt.

A unit's Nth change is its revision N: HeadRevisionNum is the number of commits reachable from the
snapshot that changed the unit's file (its `spaces/<space>/<unit>.yaml`, not its link file), on every
line of history, not only the first parent; a merge commit is not itself a change (git log shows no
files for it), the commits it brought are. Renames are not followed: a unit's name is its path.
CreatedAt is the committer date of the oldest such commit and UpdatedAt of the newest, in UTC
(`2026-01-31T12:00:00Z`, so WHERE compares them as text: `CreatedAt > '2026-01-01'`).
All units are answered by one `git log` pass. `revision list` numbers the same commits: revision 1 is
the oldest, revision HeadRevisionNum the newest, in the order `git log` lists them (newest commit date
first); `unit update --restore N|-N` and `--merge-base/--merge-end N` name commits by these numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from mtx_gitops.adapters.gitlog import log_records, pathspecs
from mtx_gitops.core.model import UnitRef, unit_path
from mtx_gitops.errors import UserError
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


@dataclass(frozen=True)
class Revision:
    """One revision of a unit: its number (1 for the change that created it), commit, date, author and
    description (the commit subject), and the mtx operation that made it (cub's Source)."""

    num: int
    commit: str
    created_at: str
    author: str
    description: str
    source: str

    def as_json(self) -> dict[str, object]:
        return {
            "RevisionNum": self.num,
            "CreatedAt": self.created_at,
            "User": {"Username": self.author},
            "Source": self.source,
            "Description": self.description,
            "Commit": self.commit,
        }


def revision_list(snap: Snapshot, ref: UnitRef) -> list[Revision]:
    """Every revision of the unit at the snapshot's commit, newest first (counted as HeadRevisionNum is)."""
    if snap.commit is None:
        return []
    path = unit_path(ref.space, ref.unit)
    fmt = "%x01%H%x1f%ct%x1f%an%x1f%s%x1f%(trailers:key=Mtx-Operation,valueonly,separator=%x2C)%x1f"
    out = log_records(snap.repo.git, snap.commit, fmt=fmt, paths=pathspecs([path]), name_only=True)
    found: list[tuple[str, str, str, str, str]] = []
    for record in out.decode("utf-8", "surrogateescape").split("\x01")[1:]:
        commit, stamp, author, subject, operation, names = record.split("\x1f", 5)
        if path in (name.strip() for name in names.split("\0")):
            date = datetime.fromtimestamp(int(stamp), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            found.append((commit, date, author, subject, operation.strip()))
    total = len(found)
    return [Revision(total - i, *fields) for i, fields in enumerate(found)]


def revision_commit(snap: Snapshot, ref: UnitRef, number: int) -> str:
    """The commit of the unit's revision `number`; a negative number counts back from the head
    revision (-1 is the one before it). UserError when there is no such revision."""
    revisions = revision_list(snap, ref)
    head = len(revisions)
    wanted = head + number if number < 0 else number
    if not 1 <= wanted <= head:
        raise UserError(f"unit {ref} has no revision {number}: its revisions are 1 to {head}")
    return revisions[head - wanted].commit


def is_revision_number(text: str) -> bool:
    """True for `5` or `-2` (cub's revision numbers), False for a commit or other git revision."""
    return text.lstrip("-").isdigit() and text.count("-") <= 1 and len(text.lstrip("-")) < 7


def resolve_revision(snap: Snapshot, ref: UnitRef, text: str) -> str:
    """The commit `text` names for unit `ref`: a revision number (`3`, `-1`) of the unit, else a git
    revision (a commit, `HEAD~2`, a tag)."""
    if is_revision_number(text):
        return revision_commit(snap, ref, int(text))
    return snap.repo.git.resolve(text)
