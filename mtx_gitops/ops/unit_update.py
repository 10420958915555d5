"""cub's `unit update` forms: a patch (one unit or every unit a WHERE selects), new data for a unit,
and its labels; each one commit.

The patch's manifest part is a strategic merge patch (or `--type merge|json`) of the unit's documents;
its unit-field part (`Labels`, `LastChangeDescription`, core/unit_fields.py) and `--label k=v` change the
unit's own labels, stored per unit in `.mtx/labels/<unit>.yaml`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops.core.model import UnitRef, labels_path, link_path, unit_path, validate_documents
from mtx_gitops.core.patch import PatchType, apply_patch, parse_patch
from mtx_gitops.core.unit_fields import apply_labels, split_patch
from mtx_gitops.errors import UserError
from mtx_gitops.ops.edit import Edit, Select, edit_units
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.ops.units import check_manifest, labels_file
from mtx_gitops.store import Repo, Snapshot, Unit
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write


@dataclass(frozen=True)
class UnitPatch:
    """One update for many units: a patch text (None: none), its type, and label changes (None removes)."""

    text: str | None = None
    patch_type: PatchType = "strategic"
    source: str = "--patch"
    labels: Mapping[str, str | None] = field(default_factory=dict)


def parse_label_changes(pairs: list[str]) -> dict[str, str | None]:
    """`--label k=v` sets k, `--label k-` removes it (as cub and kubectl); UserError on a bad one."""
    from mtx_gitops.core.labels import check_label, key_problem

    changes: dict[str, str | None] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep and pair.endswith("-") and key_problem(pair[:-1]) is None:
            changes[pair[:-1]] = None
            continue
        if not sep or not key:
            raise UserError(f"invalid label {pair!r}: expected key=value (or key- to remove it)")
        check_label(key, value)
        changes[key] = value
    return changes


def patch_units(
    repo: Repo,
    *,
    select: Select,
    patch: UnitPatch,
    subject: str,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Apply `patch` to every unit `select` picks, as one commit."""
    data_patch: Any = None
    labels: Mapping[str, str | None] = dict(patch.labels)
    if patch.text is not None:
        data_patch, fields = split_patch(parse_patch(patch.text, source=patch.source), source=patch.source)
        labels = {**fields.labels, **labels}
        message = message or fields.change_description
    if data_patch is None and not labels:
        raise UserError(f"{patch.source}: the patch changes nothing (no manifest fields, no labels)")
    own: dict[UnitRef, dict[str, str]] = {}

    def edit(snap: Snapshot, unit: Unit) -> Edit:
        documents = None
        if data_patch is not None:
            patched = apply_patch(unit.documents, data_patch, type=patch.patch_type, types=types_for(snap))
            documents = validate_documents(patched, source=f"{unit.ref} after the patch")
        unit_files: dict[str, bytes | None] = {}
        if labels:
            before = own.get(unit.ref, {})
            after = apply_labels(before, labels)
            if after != before:
                unit_files[labels_path(unit.ref.space, unit.ref.unit)] = labels_file(after)
        return Edit(documents, unit_files=unit_files)

    def select_and_read(snap: Snapshot) -> list[UnitRef]:
        refs = list(select(snap))
        own.clear()
        if labels:  # the labels of the whole batch in one read
            own.update(snap.unit_labels(refs))
        return refs

    return edit_units(
        repo,
        select=select_and_read,
        edit=edit,
        operation="unit.update",
        subject=subject,
        branch=branch,
        message=message,
        dry_run=dry_run,
    )


def replace_data(
    repo: Repo,
    ref: UnitRef,
    data: bytes,
    *,
    source: str,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """`unit update U --space S FILE|-`: the unit's manifests become `data`; its upstream link stays."""
    check_manifest(data, source=source)

    def build(snap: Snapshot) -> Plan:
        snap.require(ref)
        path = unit_path(ref.space, ref.unit)
        changed = snap.repo.git.read_blob(snap.blob(path) or "") != data
        linked = snap.blob(link_path(ref.space, ref.unit)) is not None
        note = "its upstream link is kept" if linked else None
        return Plan(
            "unit.update",
            f"Update unit {ref} from {source}",
            files={path: data} if changed else {},
            units=[UnitChange(ref.space, ref.unit, changed, note=note)],
        )

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)
