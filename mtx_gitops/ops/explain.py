"""`mtx unit explain`: where each field of a unit comes from.

For every leaf field: its value; `inherited` when it equals the upstream at the unit's merge base,
`override` when the unit holds its own value (`local` for a unit with no upstream); and the commit
and operation that last set it. The unit's history is read once (`git log --raw`: every version's
blob), each version parsed through the parse cache, and consecutive versions diffed with
`changed_paths`; the newest commit to change a path is the one that set it.
"""

from __future__ import annotations

import contextlib
from typing import Any

from mtx_gitops.adapters.gitlog import read_log
from mtx_gitops.core.changes import is_within
from mtx_gitops.core.fielddiff import field_changes, leaf_paths, value_at
from mtx_gitops.core.model import UnitRef, documents_by_identity, unit_path
from mtx_gitops.core.paths import format_path, parse_path
from mtx_gitops.errors import NotFoundError, YamlError
from mtx_gitops.ops.audit import LogEntry, entry_of
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.store import Repo, Snapshot


def explain_unit(repo: Repo, ref: UnitRef, *, rev: str = "HEAD", path: str | None = None) -> dict[str, Any]:
    """The provenance of every leaf field of the unit (only those under `path`, when given)."""
    snap = repo.snapshot(rev)
    unit = snap.unit(ref)
    prefix = format_path(parse_path(path)) if path else ""
    setters = _setters(snap, ref)
    upstream_docs = _merge_base_documents(snap, unit.link.base_blob) if unit.link else None
    types = types_for(snap)
    overrides = {(c.document, c.path) for c in field_changes(upstream_docs or [], unit.documents, types=types)}
    base_docs = documents_by_identity(upstream_docs or [])
    fields = []
    for ident, doc in documents_by_identity(unit.documents).items():
        for leaf in leaf_paths(doc, types=types):
            if prefix and not is_within(leaf, prefix):
                continue
            override = (ident, leaf) in overrides
            status = "local" if upstream_docs is None else "override" if override else "inherited"
            upstream_value = value_at(base_docs[ident], leaf) if override and ident in base_docs else None
            fields.append(
                {
                    "document": ident,
                    "path": leaf,
                    "value": value_at(doc, leaf),
                    "status": status,
                    "upstream_value": upstream_value,
                    **_setter_json(setters.get((ident, leaf))),
                }
            )
    if prefix and not fields:
        raise NotFoundError(f"unit {ref} has no field at {prefix}")
    link = unit.link
    return {
        **ref.as_json(),
        "revision": snap.commit,
        "upstream": link.upstream.as_json() if link else None,
        "merge_base": {"blob": link.base_blob, "commit": link.base_commit} if link else None,
        "merge_base_missing": link is not None and upstream_docs is None,
        "fields": fields,
    }


def _setters(snap: Snapshot, ref: UnitRef) -> dict[tuple[str, str], LogEntry]:
    """(document, path) -> the newest commit that changed that field, from one pass over history."""
    assert snap.commit is not None
    path = unit_path(ref.space, ref.unit)
    records = read_log(snap.repo.git, [snap.commit], paths=[path], with_blobs=True, first_parent=True)
    versions = {b: f"{ref} at {r.commit[:12]}" for r in records if (b := r.blobs.get(path))}
    parsed = _parse_versions(snap, versions)
    setters: dict[tuple[str, str], LogEntry] = {}
    previous: list[dict[str, Any]] = []
    for record in reversed(records):
        if path not in record.blobs:
            continue  # git showed no diff for the file here: keep the version we know
        blob = record.blobs[path]
        if blob is not None and blob not in parsed:
            continue  # a version that is not valid YAML: it set nothing that is still there
        current = parsed[blob] if blob else []
        entry = entry_of(record)
        for change in field_changes(previous, current, types=types_for(snap)):
            setters[(change.document, change.path)] = entry
        previous = current
    return setters


def _parse_versions(snap: Snapshot, blobs: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Parsed versions of the unit; a version broken by hand is left out rather than failing."""
    try:
        return snap.parsed_blobs(blobs)
    except YamlError:
        parsed: dict[str, list[dict[str, Any]]] = {}
        for blob, source in blobs.items():
            with contextlib.suppress(YamlError):
                parsed.update(snap.parsed_blobs({blob: source}))
        return parsed


def _setter_json(entry: LogEntry | None) -> dict[str, Any]:
    if entry is None:
        return {"commit": None, "operation": None, "date": None, "author": None, "subject": None}
    return {
        "commit": entry.commit,
        "operation": entry.operation,
        "date": entry.date,
        "author": entry.author,
        "subject": entry.subject,
    }


def _merge_base_documents(snap: Snapshot, blob: str) -> list[dict[str, Any]] | None:
    """The upstream's documents at the merge base; None when that blob left the repository."""
    try:
        return snap.parsed_blobs({blob: "merge base"})[blob]
    except NotFoundError:
        return None
