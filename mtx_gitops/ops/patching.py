"""`mtx unit update U --space S --patch …`: one unit, one patch, one commit."""

from __future__ import annotations

from mtx_gitops.core.model import UnitRef, validate_documents
from mtx_gitops.core.patch import PatchType, apply_patch, parse_patch
from mtx_gitops.ops.edit import Edit, edit_units, one
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.store import Repo, Snapshot, Unit
from mtx_gitops.transaction import WriteResult


def patch_unit(
    repo: Repo,
    ref: UnitRef,
    patch_text: str,
    *,
    patch_type: PatchType = "strategic",
    source: str = "--patch",
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Apply a strategic, merge or JSON patch to one unit."""
    patch = parse_patch(patch_text, source=source)

    def edit(_snap: Snapshot, unit: Unit) -> Edit:
        docs = apply_patch(unit.documents, patch, type=patch_type, types=types_for(_snap))
        return Edit(validate_documents(docs, source=f"{ref} after the patch"))

    return edit_units(
        repo,
        select=one(ref),
        edit=edit,
        operation="unit.update",
        subject=f"Update unit {ref}",
        branch=branch,
        message=message,
        dry_run=dry_run,
    )
