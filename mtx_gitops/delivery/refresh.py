"""`mtx unit refresh`: drift you can keep. The live objects of a unit, as the unit's own fields, into git.

A break-glass `kubectl scale` is drift the next sync reverts. Refresh reads the unit's live objects
and commits the differences to the unit, so the change is reviewed instead (on `--branch`, a pull
request). Only the fields the unit sets count, as server-side apply sees the unit's own fields:
server defaults, `status`, `metadata.managedFields` and every field the unit does not set are left
out, and so is a field whose live value another manager owns (a controller: an autoscaler's
replicas), as the object's managedFields record it. Fields owned by mtx's field manager, by no one
(a v1.20 server records no owner for `kubectl scale`) or by kubectl itself (a person's break-glass
edit on newer servers) are taken.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mtx_gitops import yaml
from mtx_gitops.core.ledger import document_index
from mtx_gitops.core.managed_fields import owners
from mtx_gitops.core.model import UnitRef, document_identity, unit_path
from mtx_gitops.core.paths import delete_path, get_all, parse_path, set_path
from mtx_gitops.delivery.deliver import plan_commit
from mtx_gitops.delivery.drift import drifted_fields
from mtx_gitops.delivery.render import LABEL_UNIT
from mtx_gitops.errors import NotFoundError, UserError
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster

OPERATION = "refresh"
FIELD_MANAGER = "mtx"
_PEOPLE = "kubectl"  # kubectl's managers (kubectl, kubectl-edit, kubectl-scale, …): a person's change


@dataclass(frozen=True)
class LiveField:
    """One field of a unit whose live value differs: what git has and what the cluster has (None: absent)."""

    document: str
    path: str
    git: Any
    live: Any

    def as_json(self) -> dict[str, Any]:
        return {"document": self.document, "path": self.path, "git": self.git, "live": self.live}


def live_differences(rendered: list[dict[str, Any]], cluster: Cluster) -> tuple[list[LiveField], list[str]]:
    """The unit's own fields whose live value differs from the rendering, and notes on what was left out."""
    found: list[LiveField] = []
    notes: list[str] = []
    for obj in rendered:
        live = cluster.get(obj)
        ident = document_identity(obj)
        if live is None:
            notes.append(f"{ident} is not live: nothing to refresh from it")
            continue
        for path in drifted_fields(obj, live):
            steps = parse_path(path)
            if steps and steps[0].key == "metadata":
                notes.append(f"{path} in {ident}: metadata is mtx's to render, left out")
                continue
            others = {m for m in owners(live, steps) if m != FIELD_MANAGER and not m.startswith(_PEOPLE)}
            if others and FIELD_MANAGER not in owners(live, steps):
                notes.append(f"{path} in {ident} is owned by {', '.join(sorted(others))}: left out")
                continue
            theirs, ours = get_all(live, steps), get_all(obj, steps)
            found.append(LiveField(ident, path, ours[0] if ours else None, theirs[0] if theirs else None))
    return found, notes


def refresh_unit(
    repo: Repo,
    ref: UnitRef,
    *,
    cluster_for: Any,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Commit the live differences of unit `ref` to the unit (to `branch` when given)."""
    start = repo.git.rev_parse(f"refs/heads/{branch}") if branch else None
    snap = repo.snapshot_at(start) if start else repo.snapshot()
    snap.require(ref)
    (space_plan,) = plan_commit(snap, spaces=[ref.space], base=repo.root)
    if space_plan.target is None or space_plan.target.kind != "kubernetes":
        raise UserError(f"space {ref.space} is not delivered to a cluster: there are no live objects to refresh from")
    rendered = [o for o in space_plan.objects if (o["metadata"].get("labels") or {}).get(LABEL_UNIT) == ref.unit]
    fields, notes = live_differences(rendered, cluster_for(space_plan.target))

    def build(tip: Snapshot) -> Plan:
        unit = tip.unit(ref)
        documents = _with_live(unit.documents, fields)
        changed = documents != unit.documents
        note = "; ".join(f"{f.path}: {f.git!r} → {f.live!r}" for f in fields) or "live objects match the unit"
        plan = Plan(
            OPERATION,
            f"Refresh {ref} from its live objects ({', '.join(f.path for f in fields) or 'no change'})",
            units=[UnitChange(ref.space, ref.unit, changed, note=note)],
            notes=list(notes),
            report={"fields": [f.as_json() for f in fields]},
        )
        if changed:
            path = unit_path(ref.space, ref.unit)
            plan.files[path] = yaml.rewrite(tip.read_text(path), documents, source=path, old=unit.documents).encode()
            plan.documents[path] = documents
        else:
            plan.notes.append("nothing to refresh: the unit's fields match the live objects")
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def _with_live(documents: list[dict[str, Any]], fields: list[LiveField]) -> list[dict[str, Any]]:
    result = list(documents)
    for field in fields:
        at = document_index(result, field.document)
        if at is None:
            raise NotFoundError(f"{field.document} is no longer in the unit: refresh again")
        doc = result[at] = copy.deepcopy(result[at]) if result[at] is documents[at] else result[at]
        if field.live is None:
            delete_path(doc, field.path)
        else:
            set_path(doc, field.path, copy.deepcopy(field.live))
    return result
