"""`mtx log`: the audit trail, read back from the commit trailers every mtx write leaves (SPEC §2).

One `git log` pass reads every commit; trailers say which operation touched which units, from
which lateral source, in which changeset, with which conflicts. Commits made without mtx (a hand
edit, a merge that brought a new base) have no trailers: their operation is `git`. `--space` and
`--unit` keep the commits whose trailers name the units and, from a second `git log` pass limited
to their files, every commit that changed those files, made by mtx or anyone.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops.adapters.gitlog import LogRecord, read_log
from mtx_gitops.core import trailers
from mtx_gitops.core.layout import role_of
from mtx_gitops.core.ledger import LEDGER_TRAILER, conflicts_path, protected_path
from mtx_gitops.core.model import UnitRef, link_path, unit_path
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import UserError
from mtx_gitops.store import Repo


@dataclass(slots=True)
class LogEntry:
    """One commit as the audit trail tells it."""

    commit: str
    author: str
    email: str
    date: str
    operation: str | None
    units: list[UnitRef]
    changeset: str | None
    source: str | None
    source_revision: str | None
    conflicts: list[dict[str, Any]]
    message: str
    extra: dict[str, list[str]] = field(default_factory=dict)

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]

    def as_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "author": self.author,
            "email": self.email,
            "date": self.date,
            "operation": self.operation,
            "units": [u.as_json() for u in self.units],
            "changeset": self.changeset,
            "source": self.source,
            "source_revision": self.source_revision,
            "conflicts": self.conflicts,
            "ledger": self.extra.get(LEDGER_TRAILER, []),
            "subject": self.subject,
            "message": self.message,
        }


def entry_of(record: LogRecord) -> LogEntry:
    """A commit's audit entry, from its message trailers (commits not made by mtx have none)."""
    found = trailers.parse_trailers(record.message)
    units = [ref for value in found.get(trailers.UNIT, ()) if (ref := _unit_ref(value)) is not None]
    source, _, revision = (found.get(trailers.SOURCE) or [""])[0].partition("@")
    return LogEntry(
        record.commit,
        record.author,
        record.email,
        record.date,
        _first(found, trailers.OPERATION) or PLAIN_GIT,
        units,
        _first(found, trailers.CHANGESET),
        source or None,
        revision or None,
        [_conflict(value) for value in found.get(trailers.CONFLICT, [])],
        record.message,
        {key: values for key, values in found.items() if key not in _KNOWN},
    )


def read_entries(
    repo: Repo, revs: Sequence[str], *, paths: Sequence[str] = (), max_count: int | None = None
) -> list[LogEntry]:
    """Audit entries of the commits reachable from `revs` (newest first), in one `git log` pass."""
    return [entry_of(r) for r in read_log(repo.git, revs, paths=paths, max_count=max_count)]


def audit_log(
    repo: Repo, *, rev: str = "HEAD", space: str | None = None, unit: str | None = None, limit: int | None = None
) -> list[LogEntry]:
    """The audit trail of `rev`, newest first: every commit, or those naming a unit of `space` (or `unit`)."""
    if unit is not None and space is None:
        raise UserError("--unit needs --space")
    if space is not None:
        check_slug(space, what="space name")
    if unit is not None:
        check_slug(unit, what="unit name")
    if limit is not None and limit < 1:
        raise UserError(f"invalid --limit {limit}: expected a positive number")
    commit = repo.git.rev_parse(rev)
    if commit is None:
        if rev == "HEAD":
            return []
        repo.git.resolve(rev)
    entries = read_entries(repo, [rev], max_count=None if space is not None else limit)
    if space is not None:
        entries = _of_units(entries, _changed_files(repo, rev, space, unit), space, unit)
    return entries[:limit] if limit is not None else entries


def _changed_files(repo: Repo, rev: str, space: str, unit: str | None) -> dict[str, list[UnitRef]]:
    """commit -> the units of `space` (or `unit`) whose files it changed, for every commit that changed one."""
    paths = (
        [unit_path(space, unit), link_path(space, unit), conflicts_path(space, unit), protected_path(space, unit)]
        if unit
        else [f"spaces/{space}/"]
    )
    found: dict[str, list[UnitRef]] = {}
    for record in read_log(repo.git, [rev], paths=paths, with_blobs=True):
        refs = {role.ref for path in record.blobs if (role := role_of(path)).ref is not None}
        found[record.commit] = sorted(r for r in refs if r.space == space and unit in (None, r.unit))
    return found


def _of_units(
    entries: list[LogEntry], changed: dict[str, list[UnitRef]], space: str, unit: str | None
) -> list[LogEntry]:
    """The entries naming a unit of `space` (or `unit`) or changing its files; a commit without trailers
    names the units whose files it changed."""
    kept = []
    for entry in entries:
        if any(u.space == space and unit in (None, u.unit) for u in entry.units):
            kept.append(entry)
        elif entry.commit in changed:
            if not entry.units:
                entry.units = changed[entry.commit]
            kept.append(entry)
    return kept


PLAIN_GIT = "git"  # the operation of a commit made without mtx
_KNOWN = frozenset({trailers.OPERATION, trailers.UNIT, trailers.SOURCE, trailers.CHANGESET, trailers.CONFLICT})


@functools.lru_cache(maxsize=4096)
def _unit_ref(value: str) -> UnitRef | None:
    """`space/unit` as a UnitRef (shared: 10,000 commits name far fewer units)."""
    space, sep, unit = value.partition("/")
    return UnitRef(space, unit) if sep else None


def _first(found: dict[str, list[str]], key: str) -> str | None:
    values = found.get(key)
    return values[0] if values else None


def _conflict(value: str) -> dict[str, Any]:
    try:
        data = json.loads(value)
    except ValueError:
        return {"raw": value}
    return data if isinstance(data, dict) else {"raw": value}
