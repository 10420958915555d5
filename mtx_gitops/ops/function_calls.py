"""One call of a catalogued function (`core.fn_catalog`) over the units a space glob and WHERE select.

A mutating function lands every unit it changes as one commit (or shows the diff under `--dry-run`);
a validating one writes nothing and reports, per unit, whether it passed and why not. `resource_type`
narrows a call to the documents of one `[group/]version/Kind`: the function sees only those, and the
others are kept as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops.core import fn_resources
from mtx_gitops.core.fn_catalog import bind, signature
from mtx_gitops.core.functions import RunResult
from mtx_gitops.core.model import UnitRef
from mtx_gitops.errors import UserError
from mtx_gitops.ops import bulk
from mtx_gitops.ops.filters import narrowed
from mtx_gitops.ops.function_edits import Mutator, mutator
from mtx_gitops.ops.query import select_units
from mtx_gitops.store import Repo, Snapshot, Unit
from mtx_gitops.transaction import WriteResult

Documents = list[dict[str, Any]]


@dataclass(frozen=True)
class Selection:
    """Which units a call runs on: spaces by glob, `units` by name, `where`, then documents by type."""

    space_glob: str
    where: str | None = None
    units: tuple[str, ...] = ()
    resource_type: str | None = None
    filter: str | None = None  # a stored filter, `S/F`

    def refs(self, snap: Snapshot) -> list[UnitRef]:
        where, where_data = self.where, None
        if self.filter is not None:
            where, where_data = narrowed(snap, self.filter, where=where, where_data=None)
        if not self.units:
            return select_units(snap, self.space_glob, where=where, where_data=where_data)
        found: dict[UnitRef, None] = {}
        for name in self.units:
            found.update(
                dict.fromkeys(select_units(snap, self.space_glob, where=where, where_data=where_data, unit=name))
            )
        return list(found)


@dataclass
class UnitCheck:
    """What a validating function found in one unit."""

    space: str
    unit: str
    passed: bool
    details: list[str] = field(default_factory=list)
    failed_attributes: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"space": self.space, "unit": self.unit, "Passed": self.passed}
        if self.details:
            data["Details"] = self.details
        if self.failed_attributes:
            data["FailedAttributes"] = self.failed_attributes
        return data


@dataclass
class CheckReport:
    """A validating function over every selected unit."""

    function: str
    units: list[UnitCheck]

    @property
    def passed(self) -> bool:
        return all(u.passed for u in self.units)

    def as_json(self) -> dict[str, Any]:
        return {"function": self.function, "passed": self.passed, "units": [u.as_json() for u in self.units]}


def call(
    repo: Repo,
    name: str,
    positional: Sequence[str],
    named: dict[str, Any],
    *,
    selection: Selection,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult | CheckReport:
    """Run function `name` with its arguments over the selected units."""
    sig = signature(name)
    args = bind(sig, positional, named)
    if selection.resource_type is not None:
        fn_resources.check_resource_type(selection.resource_type)
    if sig.validating:
        return check(repo, name, args, selection=selection, branch=branch)
    mutate = mutator(name, args)

    def run(snap: Snapshot, unit: Unit) -> RunResult:
        wanted = selection.resource_type
        if wanted is None:
            return mutate(snap, unit.ref, unit.documents)
        return _on_type(mutate, snap, unit, wanted)

    return bulk.run_selected(
        repo,
        name,
        run,
        select=selection.refs,
        subject=f"Run {name} on {selection.space_glob}" + (f" where {selection.where}" if selection.where else ""),
        branch=branch,
        message=message,
        dry_run=dry_run,
    )


def _on_type(mutate: Mutator, snap: Snapshot, unit: Unit, wanted: str) -> RunResult:
    """`mutate` run on the unit's documents of type `wanted`; the others keep their places."""
    chosen = fn_resources.of_type(unit.documents, wanted)
    if not chosen:
        return RunResult(unit.documents, False, [])
    result = mutate(snap, unit.ref, [unit.documents[i] for i in chosen])
    before = [d for i, d in enumerate(unit.documents) if i < chosen[0] and i not in chosen]
    after = [d for i, d in enumerate(unit.documents) if i > chosen[0] and i not in chosen]
    return RunResult(before + result.documents + after, result.changed, result.notes)


def check(
    repo: Repo, name: str, args: dict[str, Any], *, selection: Selection, branch: str | None = None
) -> CheckReport:
    """A validating function over every selected unit at the checkout's commit; nothing is written."""
    validate = _validator(name, args)
    snap = repo.snapshot(branch or "HEAD")
    units: list[UnitCheck] = []
    for unit in snap.units(selection.refs(snap)):
        docs = unit.documents
        if selection.resource_type is not None:
            docs = [docs[i] for i in fn_resources.of_type(docs, selection.resource_type)]
        units.append(validate(unit.ref, docs))
    return CheckReport(name, units)


def _validator(name: str, args: dict[str, Any]) -> Callable[[UnitRef, Documents], UnitCheck]:
    if name == "no-placeholders":

        def placeholders(ref: UnitRef, docs: Documents) -> UnitCheck:
            found = fn_resources.placeholders(docs)
            return UnitCheck(ref.space, ref.unit, not found, failed_attributes=found)

        return placeholders
    if name == "cel-validate":
        from mtx_gitops.adapters.cel import compile_check

        expression = args["validation-expr"]
        holds = compile_check(expression)

        def cel(ref: UnitRef, docs: Documents) -> UnitCheck:
            failed = [
                f"resource {fn_resources.resource_name(d)} failed validation expression {expression}"
                for d in docs
                if not holds(d)
            ]
            return UnitCheck(ref.space, ref.unit, not failed, details=failed)

        return cel
    raise UserError(f"{name} is not a validating function")
