"""cub's unit entity fields in a patch, apart from the manifests: `{"Labels": {…}, "spec": {…}}`.

cub's `unit update --patch --from-stdin` merges the JSON it reads into the unit *entity*; the seed's
scripts feed it manifest fields (`{"spec":{"replicas":3}}`) and expect the manifests to change. mtx
does both: a top-level key that starts with an upper-case letter is a field of the unit, as cub's
entity fields are (`Labels`, `LastChangeDescription`), and every other key is a patch of the
manifests (Kubernetes fields start with a lower-case letter). Labels merge as a JSON merge patch: a
label set to null is removed. Other entity fields of cub are refused by name: mtx does not store them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops.core.labels import key_problem, value_problem
from mtx_gitops.errors import PatchError

UNIT_FIELDS = ("Labels", "LastChangeDescription")


@dataclass(frozen=True)
class UnitFieldPatch:
    """What a patch does to the unit itself: labels to set (None: remove) and a change description."""

    labels: Mapping[str, str | None] = field(default_factory=dict)
    change_description: str | None = None

    @property
    def empty(self) -> bool:
        return not self.labels and self.change_description is None


def split_patch(patch: Any, *, source: str) -> tuple[Any, UnitFieldPatch]:
    """The manifest part of a parsed patch (None when it has none) and its unit-field part."""
    if not isinstance(patch, dict) or not any(_is_unit_field(key) for key in patch):
        return patch, UnitFieldPatch()
    unknown = [key for key in patch if _is_unit_field(key) and key not in UNIT_FIELDS]
    if unknown:
        raise PatchError(
            f"{source}: mtx stores no unit field {unknown[0]!r} (unit fields: {', '.join(UNIT_FIELDS)}; "
            "manifest fields start with a lower-case letter)"
        )
    labels = patch.get("Labels") or {}
    if not isinstance(labels, dict):
        raise PatchError(f"{source}: Labels must be a map of strings")
    for key, value in labels.items():
        problem = key_problem(key) or (None if value is None else value_problem(value))
        if problem:
            raise PatchError(f"{source}: invalid label {key!r}: {problem}")
    description = patch.get("LastChangeDescription")
    if description is not None and not isinstance(description, str):
        raise PatchError(f"{source}: LastChangeDescription must be a string")
    rest = {key: value for key, value in patch.items() if not _is_unit_field(key)}
    return (rest or None), UnitFieldPatch(dict(labels), description)


def apply_labels(labels: Mapping[str, str], changes: Mapping[str, str | None]) -> dict[str, str]:
    """`labels` with `changes` merged in (None removes a label), sorted by key."""
    merged = dict(labels)
    for key, value in changes.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return dict(sorted(merged.items()))


def _is_unit_field(key: Any) -> bool:
    return isinstance(key, str) and key[:1].isupper()
