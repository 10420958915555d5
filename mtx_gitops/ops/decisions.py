"""A region's decisions applied to merges: protected paths held back, conflicts kept in the ledger.

An upgrade and a lateral merge read the protected paths (and an upgrade the open conflicts) of the
units they touch in one batch, then hand each unit's merge result here before writing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops.core.fielddiff import short_value
from mtx_gitops.core.ledger import LEDGER_TRAILER, Entry, conflicts_path, ledger_lines, record, same_value, values_at
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

    def apply(self, unit: Unit, merged: DocumentsMerge, *, upstream: list[dict[str, Any]] | None = None) -> Outcome:
        """`merged` with the unit's protected paths as they were, and its ledger brought up to date."""
        documents, conflicts, held = hold_back(
            unit.documents, merged.documents, merged.conflicts, self.protected.get(unit.ref, ())
        )
        notes = list(merged.notes) + [_held_note(h) for h in held]
        for h in held:
            self.held.append({"space": unit.ref.space, "unit": unit.ref.unit, **h.as_json()})
            self.trailers.append((HELD, f"{unit.ref} {h.path} in {h.document}"))
        outcome = Outcome(documents, conflicts, notes)
        if self.ledger is not None:
            self._record(unit, outcome, upstream or [])
        return outcome

    def _record(self, unit: Unit, outcome: Outcome, upstream: list[dict[str, Any]]) -> None:
        assert self.ledger is not None
        entries = self.ledger.get(unit.ref, [])
        agrees = {e.key: _agree(e, upstream, outcome.documents) for e in entries if e.resolution == "local"}
        change = record(entries, outcome.conflicts, agrees=agrees)
        if not change.changed:
            return
        outcome.files[conflicts_path(unit.ref.space, unit.ref.unit)] = ledger_file(change.entries)
        self.trailers += [(LEDGER_TRAILER, line) for line in ledger_lines(unit.ref, change)]
        if change.updated:
            outcome.notes.append(f"{len(change.updated)} open conflict(s) met again: ledger updated")
        if change.closed:
            outcome.notes.append(f"{len(change.closed)} open conflict(s) closed: upstream now agrees with local")


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
