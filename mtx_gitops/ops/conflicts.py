"""`mtx conflicts`: the open conflicts of the ledger, and resolving one as one commit.

`resolve` sets the field to the upstream value (as the unit's merge base holds it: the upstream
last merged, which every upgrade also records in the entry) or the local value the ledger
recorded (`take`), or to a value of the user's (`value`), or leaves it as it is (`dismiss`); in
every case the entry closes.
The commit says which in an `Mtx-Ledger` trailer, so `mtx log` shows every decision.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from mtx_gitops import yaml
from mtx_gitops.adapters.gitlog import last_commits
from mtx_gitops.core import trailers
from mtx_gitops.core.conflictview import object_name
from mtx_gitops.core.ledger import LEDGER_TRAILER, OPEN, Entry, conflicts_path, document_index, same_value, values_at
from mtx_gitops.core.model import META_DIR, SPACES_DIR, ObjectId, UnitRef, unit_path
from mtx_gitops.core.paths import delete_path, get_all, set_path
from mtx_gitops.core.slug import check_slug, is_slug
from mtx_gitops.errors import NotFoundError, UserError
from mtx_gitops.ops.ledgerfiles import ledger_file, read_ledger
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write

Take = Literal["upstream", "local"]


@dataclass(frozen=True)
class OpenConflict:
    """One open entry of the ledger, with the unit it belongs to and the commit that last recorded it."""

    ref: UnitRef
    entry: Entry
    commit: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "space": self.ref.space,
            "unit": self.ref.unit,
            **self.entry.as_data(),
            "commit": self.commit,
            "status": OPEN,
        }


def list_conflicts(snap: Snapshot, space_glob: str = "*") -> list[OpenConflict]:
    """The open conflicts of the units of the spaces matching `space_glob`, by space, unit and path."""
    refs = []
    for space in snap.match_spaces(space_glob):
        prefix = f"{SPACES_DIR}/{space}/{META_DIR}/conflicts/"
        names = [p[len(prefix) : -5] for p in snap.files_of(space) if p.startswith(prefix) and p.endswith(".yaml")]
        refs += [UnitRef(space, name) for name in sorted(names) if is_slug(name)]
    ledger = read_ledger(snap, refs)
    paths = [conflicts_path(ref.space, ref.unit) for ref in ledger]
    commits = last_commits(snap.repo.git, snap.commit, paths) if snap.commit and paths else {}
    return [
        OpenConflict(ref, entry, commits.get(conflicts_path(ref.space, ref.unit)))
        for ref, entries in ledger.items()
        for entry in entries
    ]


@dataclass(frozen=True)
class Decision:
    """How to close an entry: take a side, set a value, or dismiss (keep what the unit has)."""

    take: Take | None = None
    value: str | None = None
    dismiss: bool = False

    def check(self) -> Decision:
        if sum((self.take is not None, self.value is not None, self.dismiss)) != 1:
            raise UserError("give one of --take upstream|local, --value V or --dismiss")
        return self

    @property
    def words(self) -> str:
        if self.dismiss:
            return "dismissed"
        return f"took {self.take}" if self.take else "set a value"


def resolve_conflict(
    repo: Repo,
    ref: UnitRef,
    path: str,
    decision: Decision,
    *,
    document: str | None = None,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Close the open conflict at `path` of unit `ref` (in `document`, when the path is in several) as one commit."""
    check_slug(ref.space, what="space name")
    check_slug(ref.unit, what="unit name")
    decision.check()
    given = yaml.load_one(decision.value, source="--value") if decision.value is not None else None

    def build(snap: Snapshot) -> Plan:
        unit = snap.unit(ref)
        entries = read_ledger(snap, [ref]).get(ref, [])
        entry = _pick(entries, ref, path, document)
        documents = unit.documents
        if not decision.dismiss:
            side = _upstream(snap, ref, entry) if decision.take == "upstream" else entry.local
            wanted = given if decision.value is not None else side
            documents = _set(unit.documents, entry, wanted)
        changed = documents != unit.documents
        rest = [e for e in entries if e.key != entry.key]
        where = f"{entry.path or '(whole object)'} in {entry.document}"
        plan = Plan(
            "conflicts.resolve",
            f"Resolve conflict {where} of {ref}: {decision.words}",
            files={conflicts_path(ref.space, ref.unit): ledger_file(rest)},
            units=[UnitChange(ref.space, ref.unit, changed, note=f"conflict at {where} closed: {decision.words}")],
            trailers=[(LEDGER_TRAILER, f"{ref} closed {where} ({decision.words})")],
        )
        if changed:
            file = unit_path(ref.space, ref.unit)
            text = snap.read_text(file)
            plan.files[file] = yaml.rewrite(text, documents, source=file, old=unit.documents).encode()
            plan.documents[file] = documents
        else:
            plan.trailers.insert(0, (trailers.UNIT, str(ref)))
            plan.notes.append("the unit already holds that value: only the ledger entry closed")
        plan.done = "conflict closed"
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def _upstream(snap: Snapshot, ref: UnitRef, entry: Entry) -> Any:
    """The upstream's value at the entry's path as the unit last merged it (its merge base), so a
    ledger entry an upgrade did not rewrite never brings back an older upstream; the entry's value
    when the unit has no link or the path selects several values."""
    link = snap.link(ref)
    if link is None:
        return entry.upstream
    base = snap.parsed_blobs({link.base_blob: f"merge base of {ref}"})[link.base_blob]
    values = values_at(base, entry.document, entry.path)
    if not values:
        return None
    return values[0] if len(values) == 1 else entry.upstream


def _pick(entries: list[Entry], ref: UnitRef, path: str, document: str | None) -> Entry:
    found = [e for e in entries if e.path == path]
    if document is not None:
        found = [e for e in found if document in (e.document, object_name(e.document), ObjectId.parse(e.document).name)]
    if not found:
        raise NotFoundError(f"unit {ref} has no open conflict at {path!r}" + (f" in {document}" if document else ""))
    if len(found) > 1:
        names = ", ".join(object_name(e.document) for e in found)
        raise UserError(f"unit {ref} has open conflicts at {path!r} in {names}: say which with --document")
    return found[0]


def _set(documents: list[dict[str, Any]], entry: Entry, value: Any) -> list[dict[str, Any]]:
    """The documents with the entry's field (or, path "", its whole document) set to `value` (None: absent)."""
    at = document_index(documents, entry.document)
    result = list(documents)
    if not entry.path:
        if value is not None and not isinstance(value, dict):
            raise UserError("a whole-object conflict takes --take upstream|local or --dismiss, not --value")
        if at is None:
            return [*result, copy.deepcopy(value)] if value is not None else result
        if value is None:
            return result[:at] + result[at + 1 :]
        result[at] = copy.deepcopy(value)
        return result
    if at is None:
        raise NotFoundError(f"the unit no longer has {object_name(entry.document)}: dismiss the conflict instead")
    doc = copy.deepcopy(documents[at])
    now = get_all(doc, entry.path)
    if value is None:
        delete_path(doc, entry.path)
    elif not (len(now) == 1 and same_value(now[0], value)):
        set_path(doc, entry.path, copy.deepcopy(value))
    result[at] = doc
    return result
