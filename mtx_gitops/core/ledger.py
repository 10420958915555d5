"""The conflict ledger, protected paths and deliberate deletions: what a region decided, kept in git.

Each is a small file beside the unit's upstream link, one per unit, so pull requests touching two
units never collide and CODEOWNERS can own them:

    spaces/<space>/.mtx/conflicts/<unit>.yaml   open conflicts an upgrade resolved by policy
    spaces/<space>/.mtx/protected/<unit>.yaml   paths of the unit an upgrade never changes
    spaces/<space>/.mtx/protected.yaml          the same for every unit of the space
    spaces/<space>/.mtx/deleted/<unit>.yaml     the region deleted this linked unit on purpose

An entry is keyed by its document and path. An upgrade that meets an open conflict again gives
the entry the new base, upstream and local values; so does an upgrade that holds back a new
upstream value at an entry's protected path (the protection kept local, the entry stays open with
the upstream it now declines); an entry whose local value the new upstream now agrees with closes
by itself; every other entry stays open until `mtx conflicts resolve`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mtx_gitops.core.merge_tree import same
from mtx_gitops.core.model import META_DIR, SPACES_DIR, Conflict, ObjectId, UnitRef, document_identity, object_id
from mtx_gitops.core.paths import get_all
from mtx_gitops.errors import YamlError

OPEN = "open"
LEDGER_TRAILER = "Mtx-Ledger"  # one line per entry a commit opened, updated or closed


def conflicts_path(space: str, unit: str) -> str:
    """Repo path of a unit's open conflicts."""
    return f"{SPACES_DIR}/{space}/{META_DIR}/conflicts/{unit}.yaml"


def protected_path(space: str, unit: str | None = None) -> str:
    """Repo path of a unit's protected paths (of the whole space when `unit` is None)."""
    if unit is None:
        return f"{SPACES_DIR}/{space}/{META_DIR}/protected.yaml"
    return f"{SPACES_DIR}/{space}/{META_DIR}/protected/{unit}.yaml"


def deleted_path(space: str, unit: str) -> str:
    """Repo path of the record that a region deleted a linked unit on purpose."""
    return f"{SPACES_DIR}/{space}/{META_DIR}/deleted/{unit}.yaml"


@dataclass(frozen=True)
class Entry:
    """One open conflict of a unit: the sides as the last upgrade that met it saw them."""

    document: str
    path: str
    base: Any
    upstream: Any
    local: Any
    resolution: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.document, self.path)

    def as_data(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "path": self.path,
            "base": self.base,
            "upstream": self.upstream,
            "local": self.local,
            "resolution": self.resolution,
        }

    @staticmethod
    def of(conflict: Conflict) -> Entry:
        return Entry(
            conflict.document or "",
            conflict.path,
            conflict.base,
            conflict.upstream,
            conflict.local,
            conflict.resolution,
        )

    @staticmethod
    def from_data(data: Any, *, source: str) -> Entry:
        if not isinstance(data, dict) or not isinstance(data.get("path"), str):
            raise YamlError(f"{source}: not a conflict ledger entry (expected a mapping with a path)")
        return Entry(
            str(data.get("document") or ""),
            data["path"],
            data.get("base"),
            data.get("upstream"),
            data.get("local"),
            str(data.get("resolution") or "local"),
        )


def parse_entries(data: Any, *, source: str) -> list[Entry]:
    """The entries of a ledger file's parsed content."""
    if data is None:
        return []
    items = data.get("conflicts") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise YamlError(f"{source}: not a conflict ledger (expected `conflicts:` with a list)")
    return [Entry.from_data(item, source=source) for item in items]


@dataclass(frozen=True)
class LedgerChange:
    """What an upgrade did to one unit's ledger: the new entries and what changed, for the audit trail."""

    entries: list[Entry]
    opened: list[Entry]
    updated: list[Entry]
    closed: list[Entry]

    @property
    def changed(self) -> bool:
        return bool(self.opened or self.updated or self.closed)


def record(
    entries: Sequence[Entry],
    conflicts: Iterable[Conflict],
    *,
    agrees: Mapping[tuple[str, str], bool],
    held: Mapping[tuple[str, str], Entry] | None = None,
) -> LedgerChange:
    """The ledger after an upgrade met `conflicts`: new ones opened, met ones updated, open
    kept-local entries the new upstream `agrees` with (document, path -> upstream equals local)
    closed, and entries a protected path `held` back given the sides as they are now."""
    held = held or {}
    met = {entry.key: entry for entry in map(Entry.of, conflicts) if entry.resolution in ("local", "upstream")}
    kept: list[Entry] = []
    opened: list[Entry] = []
    updated: list[Entry] = []
    closed: list[Entry] = []
    for entry in entries:
        new = met.pop(entry.key, None)
        if new is not None:
            kept.append(new)
            if new != entry:
                updated.append(new)
        elif entry.resolution == "local" and agrees.get(entry.key, False):
            closed.append(entry)
        elif (now := held.get(entry.key)) is not None and now != entry:
            kept.append(now)
            updated.append(now)
        else:
            kept.append(entry)
    for new in met.values():
        kept.append(new)
        opened.append(new)
    return LedgerChange(kept, opened, updated, closed)


def covers(protected: str, path: str) -> bool:
    """Whether protecting `protected` protects `path`: the same field, or a field inside it."""
    if not protected:
        return True
    return path == protected or path.startswith((protected + ".", protected + "["))


def same_value(a: Any, b: Any) -> bool:
    """Ledger values compare as YAML data (1 and true differ)."""
    return same(a, b)


def ledger_lines(ref: UnitRef, change: LedgerChange) -> list[str]:
    """The `Mtx-Ledger` trailer values of one unit's ledger change: `space/unit opened spec.replicas in …`."""
    lines = []
    for verb, entries in (("opened", change.opened), ("updated", change.updated), ("closed", change.closed)):
        lines += [f"{ref} {verb} {entry.path or '(whole object)'} in {entry.document}" for entry in entries]
    return lines


def values_at(documents: Sequence[dict[str, Any]], document: str, path: str) -> list[Any] | None:
    """What `path` holds in the document named `document` (its identity, the namespace aside), or None
    when there is no such document; path "" is the whole document."""
    at = document_index(documents, document)
    if at is None:
        return None
    return [documents[at]] if not path else get_all(documents[at], path)


def document_index(documents: Sequence[dict[str, Any]], document: str) -> int | None:
    """Where the document named `document` is among `documents` (its identity, the namespace aside)."""
    wanted = ObjectId.parse(document).pairing
    for at, doc in enumerate(documents):
        if document_identity(doc) == document or object_id(doc).pairing == wanted:
            return at
    return None
