"""`mtx run FUNCTION`: a bulk function over every matching unit, landed as one commit (stage 5, 7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mtx_gitops.core import functions
from mtx_gitops.core.functions import RunResult
from mtx_gitops.ops.edit import Edit, Select, edit_units
from mtx_gitops.ops.query import select_units
from mtx_gitops.store import Repo, Snapshot, Unit
from mtx_gitops.transaction import Plan, WriteResult

Documents = list[dict[str, Any]]
Function = Callable[[Snapshot, Unit], RunResult]


def set_replicas(replicas: int, *, force: bool = False) -> Function:
    """set-replicas: skips Deployments an HPA in the same space scales, unless `force`."""
    functions.set_replicas([], replicas)  # validate before touching the repo
    hpas: dict[str, dict[str, str]] = {}

    def run(snap: Snapshot, unit: Unit) -> RunResult:
        space = unit.ref.space
        if space not in hpas:
            docs = [d for u in snap.units(snap.refs([space])) for d in u.documents]
            hpas[space] = functions.hpa_targets_of(docs)
        return functions.set_replicas(unit.documents, replicas, hpa_targets=hpas[space], force=force)

    return run


def set_env_var(assignment: str, *, container: str | None = None) -> Function:
    functions.set_env_var([], assignment, container=container)
    return lambda _snap, unit: functions.set_env_var(unit.documents, assignment, container=container)


def set_image(image: str, *, container: str | None = None) -> Function:
    functions.set_image([], image, container=container)
    return lambda _snap, unit: functions.set_image(unit.documents, image, container=container)


def set_string_path(path: str, value: str) -> Function:
    functions.set_string_path([], path, value)
    return lambda _snap, unit: functions.set_string_path(unit.documents, path, value)


def set_label(key: str, value: str) -> Function:
    functions.set_label([], key, value)
    return lambda _snap, unit: functions.set_label(unit.documents, key, value)


def set_annotation(key: str, value: str) -> Function:
    functions.set_annotation([], key, value)
    return lambda _snap, unit: functions.set_annotation(unit.documents, key, value)


def run_function(
    repo: Repo,
    name: str,
    function: Function,
    *,
    space_glob: str,
    where: str | None = None,
    unit: str | None = None,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Run `function` on every unit matching space/where/unit; all changes in one commit."""
    return run_selected(
        repo,
        name,
        function,
        select=lambda snap: select_units(snap, space_glob, where=where, unit=unit),
        subject=f"Run {name} on {space_glob}" + (f" where {where}" if where else ""),
        branch=branch,
        message=message,
        dry_run=dry_run,
    )


def run_selected(
    repo: Repo,
    name: str,
    function: Function,
    *,
    select: Select,
    subject: str,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Run `function` on every unit `select` picks; all changes in one commit (`run.NAME`)."""

    def edit(snap: Snapshot, u: Unit) -> Edit:
        result = function(snap, u)
        return Edit(result.documents if result.changed else None, note="; ".join(result.notes) or None)

    def summarize(plan: Plan) -> None:
        matched = len(plan.units)
        changed = sum(u.changed for u in plan.units)
        plan.notes.append(f"{matched} units matched, {changed} changed")

    return edit_units(
        repo,
        select=select,
        edit=edit,
        operation=f"run.{name}",
        subject=subject,
        branch=branch,
        message=message,
        dry_run=dry_run,
        on_plan=summarize,
    )
