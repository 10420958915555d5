"""Reading units: `mtx unit get`, `mtx unit list --space GLOB --where EXPR`."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from mtx_gitops.adapters.gitlog import last_commits
from mtx_gitops.core.model import UnitRef, unit_path
from mtx_gitops.core.slug import check_slug
from mtx_gitops.core.where import And, Subject, evaluate, needs, parse_where
from mtx_gitops.core.where_reach import unreached
from mtx_gitops.errors import MtxWarning, NotFoundError
from mtx_gitops.ops.cubnames import unit_fields
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.ops.revisions import Revisions, unit_revisions
from mtx_gitops.store import Repo, Snapshot, Unit


def unit_json(
    unit: Unit, *, revision: str | None, with_data: bool = True, cub: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A unit as the stable JSON object of SPEC §2 (with cub's field names when given, ops/cubnames.py)."""
    data: dict[str, Any] = {
        "space": unit.ref.space,
        "unit": unit.ref.unit,
        "kinds": unit.kinds,
        "upstream": unit.link.upstream.as_json() if unit.link else None,
        "upgrade_needed": unit.upgrade_needed,
        "upstream_deleted": unit.upstream_deleted,
        "revision": revision,
        "blob": unit.blob,
    }
    if with_data:
        data["data"] = unit.documents[0] if unit.documents else None
        data["documents"] = unit.documents
    if cub:
        data.update(cub)
    return data


def select_units(
    snap: Snapshot,
    space_glob: str,
    *,
    where: str | None = None,
    unit: str | None = None,
    where_data: str | None = None,
) -> list[UnitRef]:
    """Units of the spaces matching `space_glob` (only `unit`, when given) that satisfy `where` and
    `where_data` (cub's `--where-data`: every attribute a path into the documents).

    A glob or WHERE that matches nothing selects nothing; a `unit` named explicitly must exist in
    at least one of the spaces (NotFoundError), so a typo is not mistaken for "nothing to change".
    A field path that reaches no value in any selected unit is warned about (MtxWarning).
    """
    if unit is not None:
        check_slug(unit, what="unit name")
    refs = snap.refs(snap.match_spaces(space_glob), unit)
    if unit is not None and not refs:
        glob = any(ch in space_glob for ch in "*?[")
        raise NotFoundError(
            f"unit {unit!r} does not exist in "
            + (f"any space matching {space_glob!r}" if glob else f"space {space_glob!r}")
        )
    parts = ([parse_where(where)] if where else []) + ([parse_where(where_data, data=True)] if where_data else [])
    if not parts:
        return refs
    expr = parts[0] if len(parts) == 1 else And(tuple(parts))
    wanted = needs(expr)
    units = snap.units(refs)
    texts = snap.repo.git.read_blobs(u.blob for u in units) if "text" in wanted else {}
    revisions = unit_revisions(snap, refs) if "revision_num" in wanted else {}
    changesets = changesets_of(snap.repo) if "changeset" in wanted else {}
    space_labels = {s: snap.space(s).labels for s in {r.space for r in refs}}
    labels = labels_of(snap, units)
    types = types_for(snap) if "documents" in wanted else None
    notes: list[str] = []
    matched = []
    for u in units:
        subject = Subject(
            slug=u.ref.unit,
            space=u.ref.space,
            labels=labels.get(u.ref, {}),
            space_labels=space_labels[u.ref.space],
            upstream_unit=u.link.upstream.unit if u.link else None,
            upstream_space=u.link.upstream.space if u.link else None,
            upgrade_needed=u.upgrade_needed,
            kinds=u.kinds,
            head_revision_num=revisions.get(u.ref, Revisions()).head_revision_num,
            created_at=revisions.get(u.ref, Revisions()).created_at,
            changeset=changesets.get(u.ref),
            documents=u.documents,
            text=texts[u.blob].decode("utf-8", "replace") if texts else "",
        )
        if evaluate(expr, subject, types=types, notes=notes):
            matched.append(u.ref)
    if units:
        for text in unreached(expr, (u.documents for u in units)):
            notes.append(f"{text} is a field of none of the {len(units)} selected unit(s): it matches nothing there")
    for note in dict.fromkeys(notes):
        warnings.warn(note, MtxWarning, stacklevel=2)
    return matched


def changesets_of(repo: Repo) -> dict[UnitRef, str]:
    """The open changeset each unit has staged edits in (cub's ChangeSet.Slug)."""
    from mtx_gitops.ops.changeset import list_all

    found: dict[UnitRef, str] = {}
    for row in list_all(repo):
        for unit in row["units"]:
            found.setdefault(UnitRef(unit["space"], unit["unit"]), row["changeset"])
    return found


def labels_of(snap: Snapshot, units: Sequence[Unit]) -> dict[UnitRef, dict[str, str]]:
    """Each unit's labels as WHERE and cub's `Labels` see them: the labels of its first document's
    metadata, with the unit's own labels (`unit create|update --label`) over them."""
    own = snap.unit_labels([u.ref for u in units])
    return {u.ref: {**_manifest_labels(u), **own.get(u.ref, {})} for u in units}


def _manifest_labels(unit: Unit) -> dict[str, str]:
    document = unit.documents[0] if unit.documents else {}
    meta = document.get("metadata")
    labels = meta.get("labels") if isinstance(meta, dict) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def list_units(
    snap: Snapshot,
    space_glob: str,
    *,
    where: str | None = None,
    where_data: str | None = None,
    unit: str | None = None,
    with_data: bool = True,
    with_history: bool = True,
) -> list[dict[str, Any]]:
    """Units as JSON objects, sorted by space then unit.

    Without `with_history` the fields read from git history and the cub-named ones (`revision`,
    `HeadRevisionNum`, `CreatedAt`…) are left out: a table of names, spaces and kinds does not show them,
    and over 60,000 units they cost a `git log` pass of seconds.
    """
    refs = select_units(snap, space_glob, where=where, unit=unit, where_data=where_data)
    units = snap.units(refs)
    if not with_history:
        return [unit_json(u, revision=None, with_data=with_data) for u in units]
    revisions = last_revisions(snap, refs)
    cub = cub_fields(snap, units)
    return [unit_json(u, revision=revisions.get(u.ref), with_data=with_data, cub=cub[u.ref]) for u in units]


def cub_fields(snap: Snapshot, units: Sequence[Unit]) -> dict[UnitRef, dict[str, Any]]:
    """The cub-named fields of `units` (one `git log` pass for their revision numbers and dates)."""
    revisions = unit_revisions(snap, [u.ref for u in units])
    spaces = {name: snap.space(name) for name in {u.ref.space for u in units}}
    labels = labels_of(snap, units)
    targets = {name: snap.unit_targets(name) for name in spaces}
    return {
        u.ref: unit_fields(
            u,
            spaces[u.ref.space],
            revisions.get(u.ref, Revisions()),
            labels[u.ref],
            targets[u.ref.space].get(u.ref.unit),
        )
        for u in units
    }


def last_revisions(snap: Snapshot, refs: Sequence[UnitRef]) -> dict[UnitRef, str]:
    """The newest commit that touched each unit."""
    if snap.commit is None or not refs:
        return {}
    paths = {unit_path(r.space, r.unit): r for r in refs}
    found = last_commits(snap.repo.git, snap.commit, paths)
    return {paths[p]: sha for p, sha in found.items()}


def get_unit(snap: Snapshot, ref: UnitRef) -> dict[str, Any]:
    """One unit as JSON."""
    unit = snap.unit(ref)
    return unit_json(unit, revision=last_revisions(snap, [ref]).get(ref), cub=cub_fields(snap, [unit])[ref])
