"""`mtx unit protect` / `unprotect`: the paths a region owns, per unit or for a whole space, in git.

The file (`core.ledger.protected_path`) is what CODEOWNERS can give to the region's team, so a pull
request that changes what the region protects needs their review.
"""

from __future__ import annotations

from collections.abc import Sequence

from mtx_gitops.core.ledger import protected_path
from mtx_gitops.core.model import UnitRef
from mtx_gitops.core.protect import check_protected_path
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import UserError
from mtx_gitops.ops.ledgerfiles import own_protected, protected_file
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write


def protect_paths(
    repo: Repo,
    space: str,
    unit: str | None,
    paths: Sequence[str],
    *,
    remove: bool = False,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Add `paths` to (or, with `remove`, take them from) the protected paths of a unit, or of `space`."""
    check_slug(space, what="space name")
    if unit is not None:
        check_slug(unit, what="unit name")
    if not paths:
        raise UserError("give at least one --path")
    wanted = [check_protected_path(p) for p in paths]
    owner = f"{space}/{unit}" if unit else f"space {space}"
    verb = "Unprotect" if remove else "Protect"

    def build(snap: Snapshot) -> Plan:
        snap.space(space)
        if unit is not None:
            snap.require(UnitRef(space, unit))
        now = own_protected(snap, space, unit)
        if remove:
            unknown = [p for p in wanted if p not in now]
            if unknown:
                raise UserError(f"{unknown[0]} is not protected in {owner}")
            after = [p for p in now if p not in wanted]
        else:
            after = now + [p for p in dict.fromkeys(wanted) if p not in now]
        plan = Plan(
            "unit.unprotect" if remove else "unit.protect",
            f"{verb} {', '.join(wanted)} in {owner}",
            files={protected_path(space, unit): protected_file(after)},
            trailers=[("Mtx-Protected", f"{owner} {p} {'removed' if remove else 'added'}") for p in wanted],
        )
        if unit is not None:
            plan.units.append(UnitChange(space, unit, False, note=f"protected: {', '.join(after) or 'nothing'}"))
            plan.trailers.insert(0, ("Mtx-Unit", f"{space}/{unit}"))
        plan.done = f"{owner} protects {', '.join(after) or 'nothing'}"
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)
