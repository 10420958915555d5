"""`mtx validate`: check every unit of a branch against the Kubernetes schemas, for CI.

The same checks as the gate every write passes (`schema.gate`), over every unit of the spaces
matching a glob at a revision: units committed with `--no-validate` or before the gate existed,
or written for another `kubernetesVersion`, are found here. Verdicts come from the cache by blob
id, so a repeated run parses and checks only the contents it has not seen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mtx_gitops.core.model import unit_path
from mtx_gitops.schema import version as versions
from mtx_gitops.schema.crds import crds_at
from mtx_gitops.schema.gate import check_units
from mtx_gitops.schema.validate import DocumentRef, Finding, Validator, by_document
from mtx_gitops.store import Repo, Snapshot


@dataclass
class Validation:
    """What validating units at one commit found."""

    commit: str | None
    kubernetes_version: str
    units: int
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def invalid_documents(self) -> dict[DocumentRef, list[Finding]]:
        """The errors by document, in order."""
        return by_document(self.errors)

    def as_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit,
            "kubernetesVersion": self.kubernetes_version,
            "units": self.units,
            "valid": not self.errors,
            "invalid_documents": len(self.invalid_documents()),
            "findings": [f.as_json() for f in self.findings],
        }


def validate_units(repo: Repo, *, rev: str = "HEAD", space_glob: str = "*") -> Validation:
    """Check every unit of the spaces matching `space_glob` at `rev`."""
    snap = repo.snapshot(rev)
    refs = snap.refs(snap.match_spaces(space_glob))
    return validate_paths(snap, [unit_path(ref.space, ref.unit) for ref in refs])


def validate_paths(snap: Snapshot, paths: Iterable[str]) -> Validation:
    """Check the unit files `paths` of a snapshot (a plan checks the units its branch changed)."""
    units = {path: blob for path in paths if (blob := snap.blob(path)) is not None}
    validator = Validator(versions.configured(snap.config), lambda: crds_at(snap))
    findings = check_units(snap, validator, units, snap.parsed_blobs) if units else []
    return Validation(snap.commit, validator.version, len(units), findings)
