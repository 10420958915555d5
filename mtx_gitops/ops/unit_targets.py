"""Per-unit targets (cub's `unit set-target`) and cub's `target create T PARAMS [WORKER] --space S`.

A unit's own target lives beside its link (`.mtx/targets/<unit>.yaml`); a unit without one is
delivered to its space's target. `-` clears it. cub's targets belong to a space and take their
parameters as JSON; mtx's live in `mtx.yaml`, so the JSON maps onto mtx's fields and the space
(and worker) are recorded with the target.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.core.model import UnitRef, unit_target_path
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import AlreadyExistsError, UserError
from mtx_gitops.ops.targets import check_target, target_spec, with_target
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write

CLEAR = "-"
TARGET_HEADER = "# Written by mtx: this unit's own target (cub's unit set-target); the space's target otherwise.\n"
# cub's target parameters, and the mtx.yaml field each becomes.
PARAMETERS = {"KubeConfig": "kubeconfig", "Kubeconfig": "kubeconfig", "KubeContext": "context", "Path": "path"}
PROVIDERS = ("Kubernetes",)


def target_file(target: str) -> bytes:
    return (TARGET_HEADER + yaml.dump_one({"target": target})).encode()


def set_unit_targets(
    repo: Repo,
    select: Callable[[Snapshot], Sequence[UnitRef]],
    target: str,
    *,
    what: str,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Give the units `select` picks their own `target` (`-`: clear it), in one commit."""
    if target != CLEAR:
        check_slug(target, what="target name")

    def build(snap: Snapshot) -> Plan:
        if target != CLEAR:
            check_target(snap, target)
        refs = list(select(snap))
        if not refs:
            raise UserError(f"no unit matches {what}")
        subject = f"Clear the target of {what}" if target == CLEAR else f"Target {what} at {target}"
        plan = Plan("unit.set-target", subject)
        for ref in refs:
            current = snap.unit_targets(ref.space).get(ref.unit)
            wanted = None if target == CLEAR else target
            plan.files[unit_target_path(ref.space, ref.unit)] = target_file(wanted) if wanted else None
            default = snap.space(ref.space).target
            note = f"target {wanted}" if wanted else f"space's target ({default or 'none'})"
            plan.units.append(UnitChange(ref.space, ref.unit, current != wanted, note=note))
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def cub_target_spec(parameters: str, *, provider: str = "Kubernetes") -> dict[str, Any]:
    """A target's mtx.yaml fields from cub's parameters JSON (`{"KubeContext": "kind-x"}`; `{}`)."""
    if provider not in PROVIDERS:
        raise UserError(f"invalid --provider {provider!r}: mtx delivers to {', '.join(PROVIDERS)} (or a directory)")
    try:
        given = json.loads(parameters or "{}")
    except ValueError as exc:
        raise UserError(f"target parameters are not JSON: {exc}") from None
    if not isinstance(given, dict):
        raise UserError('target parameters must be a JSON object, e.g. \'{"KubeContext": "kind-x"}\'')
    unknown = sorted(set(given) - set(PARAMETERS) - {"KubeNamespace", "WaitTimeout"})
    if unknown:
        raise UserError(f"unknown target parameter {unknown[0]!r}: mtx takes {', '.join(sorted(PARAMETERS))}")
    fields = {PARAMETERS[key]: str(value) for key, value in given.items() if key in PARAMETERS}
    if "path" in fields:
        return target_spec("directory", kubeconfig=None, context=None, path=fields["path"])
    spec: dict[str, Any] = {"kind": "kubernetes"}
    if fields.get("kubeconfig"):
        spec = target_spec("kubernetes", kubeconfig=fields["kubeconfig"], context=fields.get("context"), path=None)
    elif fields.get("context"):
        spec["context"] = fields["context"]
    return spec


def create_cub_target(
    repo: Repo,
    name: str,
    parameters: str,
    *,
    worker: str | None,
    space: str,
    provider: str = "Kubernetes",
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """cub's `target create T PARAMS [WORKER] --space S`: a target of `space`, served by `worker`.

    A kubernetes target without a kubeconfig leaves the credentials to the worker that serves it
    (its `--target-config`); `mtx apply` from a workstation needs one (`mtx target update T --kubeconfig`).
    """
    check_slug(name, what="target name")
    check_slug(space, what="space name")
    if worker is not None:
        check_slug(worker, what="worker name")
    spec = cub_target_spec(parameters, provider=provider)
    spec["space"] = space
    if worker is not None:
        spec["worker"] = worker

    def build(snap: Snapshot) -> Plan:
        snap.space(space)
        if name in snap.targets():
            raise AlreadyExistsError(f"target {name!r} exists already; change it with `mtx target update {name}`")
        return Plan(
            "target.create", f"Create target {name} in {space}", files=with_target(snap, name, spec),
            done=f"target {name} created",
        )  # fmt: skip

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def list_space_targets(snap: Snapshot, space: str) -> list[dict[str, Any]]:
    """cub's `target list --space S`: the targets of `space` and those of the whole repo, with the
    units of `space` each delivers (its own target, else the space's)."""
    info = snap.space(space)
    own = snap.unit_targets(space)
    users: dict[str, list[str]] = {}
    for unit in snap.unit_names(space):
        target = own.get(unit) or info.target
        if target:
            users.setdefault(target, []).append(unit)
    return [
        {"target": name, **spec, "units": users.get(name, [])}
        for name, spec in sorted(snap.targets().items())
        if spec.get("space") in (None, space) or name in users
    ]
