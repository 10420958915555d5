"""A region's decisions applied to merges: protected paths held back, conflicts kept in the ledger.

An upgrade and a lateral merge read the protected paths (and an upgrade the open conflicts) of the
units they touch in one batch, then hand each unit's merge result here before writing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops.core.fielddiff import short_value
from mtx_gitops.core.ledger import (
    LEDGER_TRAILER,
    Entry,
    conflicts_path,
    covers,
    ledger_lines,
    record,
    same_value,
    values_at,
)
from mtx_gitops.core.merge3 import DocumentsMerge
from mtx_gitops.core.model import Conflict, UnitRef
from mtx_gitops.core.protect import HeldBack, hold_back
from mtx_gitops.ops.ledgerfiles import ledger_file, read_ledger, read_protected
from mtx_gitops.store import Snapshot, Unit

HELD = "Mtx-Held-Back"  # trailer: one protected path an upgrade or merge did not change


@dataclass
class Outcome:
    """One unit's merge after the region's decisions."""

    documents: list[dict[str, Any]]
    conflicts: list[Conflict]
    notes: list[str]
    files: dict[str, bytes | None] = field(default_factory=dict)


class Decisions:
    """The protected paths (and, for upgrades, the open conflicts) of a batch of units."""

    def __init__(self, snap: Snapshot, refs: Sequence[UnitRef], *, ledger: bool, protect: bool = True) -> None:
        self.protected = read_protected(snap, refs) if protect else {}
        self.ledger = read_ledger(snap, refs) if ledger else None
        self.held: list[dict[str, Any]] = []
        self.trailers: list[tuple[str, str]] = []

    def apply(
        self,
        unit: Unit,
        merged: DocumentsMerge,
        *,
        upstream: list[dict[str, Any]] | None = None,
        base: list[dict[str, Any]] | None = None,
    ) -> Outcome:
        """`merged` with the unit's protected paths as they were, and its ledger brought up to date
        (`upstream` and `base`: the documents the upgrade merged from, and its merge base)."""
        protected = self.protected.get(unit.ref, ())
        documents, conflicts, held = hold_back(unit.documents, merged.documents, merged.conflicts, protected)
        notes = list(merged.notes) + [_held_note(h) for h in held]
        for h in held:
            self.held.append({"space": unit.ref.space, "unit": unit.ref.unit, **h.as_json()})
            self.trailers.append((HELD, f"{unit.ref} {h.path} in {h.document}"))
        outcome = Outcome(documents, conflicts, notes)
        if self.ledger is not None:
            self._record(unit, outcome, upstream or [], base or [], protected)
        return outcome

    def _record(
        self,
        unit: Unit,
        outcome: Outcome,
        upstream: list[dict[str, Any]],
        base: list[dict[str, Any]],
        protected: Sequence[str],
    ) -> None:
        assert self.ledger is not None
        entries = self.ledger.get(unit.ref, [])
        agrees = {e.key: _agree(e, upstream, outcome.documents) for e in entries if e.resolution == "local"}
        held = {
            e.key: now
            for e in entries
            if any(covers(p, e.path) for p in protected)
            and (now := _held_entry(e, base, upstream, outcome.documents)) is not None
        }
        change = record(entries, outcome.conflicts, agrees=agrees, held=held)
        if not change.changed:
            return
        outcome.files[conflicts_path(unit.ref.space, unit.ref.unit)] = ledger_file(change.entries)
        self.trailers += [(LEDGER_TRAILER, line) for line in ledger_lines(unit.ref, change)]
        if change.updated:
            outcome.notes.append(f"{len(change.updated)} open conflict(s) met again: ledger updated")
        if change.closed:
            outcome.notes.append(f"{len(change.closed)} open conflict(s) closed: upstream now agrees with local")


def _held_entry(
    entry: Entry, base: list[dict[str, Any]], upstream: list[dict[str, Any]], merged: list[dict[str, Any]]
) -> Entry | None:
    """The entry with the sides as they are now, when the upstream moved on from what it recorded
    (a protected path kept local: no conflict was met, but the entry must not keep a stale upstream)."""
    theirs = _value(upstream, entry)
    if theirs is _NOWHERE or same_value(theirs, entry.upstream):
        return None
    was, mine = _value(base, entry), _value(merged, entry)
    if was is _NOWHERE or mine is _NOWHERE:
        return None
    return Entry(entry.document, entry.path, was, theirs, mine, "local")


_NOWHERE = object()  # a path that selects several values: no single side to record


def _value(documents: list[dict[str, Any]], entry: Entry) -> Any:
    """The one value at the entry's path (None: absent, or no such document)."""
    values = values_at(documents, entry.document, entry.path)
    if not values:
        return None
    return values[0] if len(values) == 1 else _NOWHERE


def _agree(entry: Entry, upstream: list[dict[str, Any]], merged: list[dict[str, Any]]) -> bool:
    theirs, mine = values_at(upstream, entry.document, entry.path), values_at(merged, entry.document, entry.path)
    if theirs is None or mine is None or len(theirs) != len(mine):
        return False
    return all(same_value(a, b) for a, b in zip(theirs, mine, strict=True))


def _held_note(held: HeldBack) -> str:
    return (
        f"protected {held.path} in {held.document}: held back upstream {_shown(held.upstream)}, "
        f"kept {_shown(held.local)}"
    )


def _shown(value: Any) -> str:
    if value is None:
        return "absent"
    return short_value(value, limit=60) if isinstance(value, dict | list) else repr(value)
