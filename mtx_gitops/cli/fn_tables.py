"""Human output of the function commands: the catalogue, and what a validating function found."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape

from mtx_gitops.cli.tables import console, plain_table

if TYPE_CHECKING:
    from mtx_gitops.core.fn_catalog import Signature
    from mtx_gitops.ops.function_calls import CheckReport


def print_functions(signatures: list[Signature]) -> None:
    """One row per function: its name, what it is, its positional usage, what it does."""
    rows = []
    for sig in signatures:
        kind = "validating" if sig.validating else "mutating" if sig.mutating else "reading"
        params = " ".join(sig.usage().split()[1:]) or "-"
        rows.append([sig.name, kind, params, sig.description])
    console.print(plain_table(["FUNCTION", "KIND", "PARAMETERS", "DESCRIPTION"], rows), markup=False)


def print_check(report: CheckReport) -> None:
    """A line per unit (✓ or ✗ with why), then how many passed."""
    for unit in report.units:
        if unit.passed:
            console.print(f"[green]✓[/] {unit.space}/{unit.unit}")
            continue
        reasons = list(unit.details) + [
            f"{a['ResourceType']} {a['ResourceName']}: {a['Path']} = {a['Value']!r}" for a in unit.failed_attributes
        ]
        console.print(f"[red]✗[/] {unit.space}/{unit.unit}: {escape('; '.join(reasons))}")
    passed = sum(u.passed for u in report.units)
    console.print(f"{report.function}: {passed} of {len(report.units)} unit(s) passed")
