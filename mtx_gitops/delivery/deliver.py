"""Deliver one commit: render its spaces and hand each to its target (a cluster or a directory).

Every space of the commit is rendered before anything is applied, so a target only ever sees
whole commits. Shared by `mtx render/apply/status` and the worker.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtx_gitops.core.model import document_identity
from mtx_gitops.core.placeholders import find_placeholders
from mtx_gitops.core.unitlinks import UnitLink
from mtx_gitops.delivery.directory import DirectoryReport, deliver_directory
from mtx_gitops.delivery.gitbranch import BranchReport
from mtx_gitops.delivery.render import LABEL_UNIT, object_name, render_space
from mtx_gitops.errors import MtxError, NotFoundError, RefusedError, UserError

if TYPE_CHECKING:
    from mtx_gitops.adapters.cluster import Cluster
    from mtx_gitops.delivery.apply import ApplyReport
    from mtx_gitops.delivery.authority import Authority
    from mtx_gitops.delivery.wait import Waiting
    from mtx_gitops.store import Snapshot

Object = dict[str, Any]


@dataclass(frozen=True)
class Target:
    """Where a space is delivered: a Kubernetes cluster, a directory, or a branch of rendered manifests.

    A git-branch target's `url` is None for the config repository itself (read in place).
    """

    name: str
    kind: str
    kubeconfig: str | None = None
    context: str | None = None
    path: str | None = None
    in_cluster: bool = False  # the service account of the pod the worker runs in (never from git)
    url: str | None = None
    branch_prefix: str = "env/"
    webhook: str | None = None  # gets a JSON event on each delivery and failure (from mtx.yaml)

    @property
    def has_health(self) -> bool:
        """Whether objects delivered here have a live status to read (only a cluster's do)."""
        return self.kind == "kubernetes"

    @staticmethod
    def from_config(name: str, data: dict[str, Any], *, base: Path, origin: str | None = None) -> Target:
        """A target from its mtx.yaml entry, with its webhook (see `_from_config`)."""
        target = Target._from_config(name, data, base=base, origin=origin)
        webhook = data.get("webhook")
        return dataclasses.replace(target, webhook=str(webhook)) if webhook else target

    @staticmethod
    def _from_config(name: str, data: dict[str, Any], *, base: Path, origin: str | None = None) -> Target:
        """A target from its mtx.yaml entry; `${VAR}` and relative paths resolve against `base`.

        `origin` is the URL the config repository was read from, when it is not a local checkout:
        a git-branch target without a URL commits there.
        """
        kind = str(data.get("kind", ""))
        if kind == "kubernetes" and not data.get("kubeconfig"):
            served = f"worker {data['worker']}" if data.get("worker") else "the worker that serves it"
            raise UserError(
                f"target {name!r} has no kubeconfig: {served} brings the credentials (its --target-config); "
                f"to deliver from here, give it one: `mtx target update {name} --kubeconfig PATH`"
            )
        if kind == "kubernetes":
            kubeconfig = str(base / os.path.expanduser(os.path.expandvars(str(data["kubeconfig"]))))
            return Target(name, kind, kubeconfig=kubeconfig, context=data.get("context"))
        if kind == "directory" and data.get("path"):
            return Target(name, kind, path=str(base / os.path.expandvars(str(data["path"]))))
        if kind == "git-branch":
            url = os.path.expandvars(str(data["url"])) if data.get("url") else origin
            if url and "://" not in url and ":" not in url.split("/", 1)[0]:
                url = str(base / os.path.expanduser(url))  # a local path, relative to the repository
            prefix = "env/" if data.get("branchPrefix") is None else str(data["branchPrefix"])
            return Target(name, kind, path=str(data.get("path") or ""), url=url, branch_prefix=prefix)
        raise UserError(
            f"target {name!r} in mtx.yaml: needs kind kubernetes + kubeconfig, directory + path, or git-branch"
        )


@dataclass(frozen=True)
class SpacePlan:
    """One space of a commit for one target: the units that target delivers and their rendered objects.

    A space whose units all go to the space's target has one plan; a unit with its own target
    (`unit set-target`) goes in the plan of that target. `scope` limits what prune may delete to the
    objects of those units (`unit apply`); None lets it reach every unit of the space on that target.
    """

    space: str
    target: Target | None
    objects: list[Object]
    unit_needs: Mapping[str, frozenset[str]] = field(default_factory=dict)  # unit -> units of this space it needs
    units: frozenset[str] = frozenset()
    scope: frozenset[str] | None = None


def plan_commit(
    snapshot: Snapshot,
    *,
    spaces: Sequence[str] | None = None,
    base: Path,
    authority: Authority | None = None,
    serve: Collection[str] | None = None,
    origin: str | None = None,
) -> list[SpacePlan]:
    """Render `spaces` (default: every space) of a snapshot, each with its target (None if it has none).

    With an `authority`, targets resolve as it allows: a refused target of a space in `serve` (default:
    all) refuses the whole commit; the target of any other space becomes one that matches none.
    `origin`: the URL the snapshot was fetched from, if any (see `Target.from_config`).
    """
    targets = snapshot.targets()
    names = snapshot.space_names() if spaces is None else list(spaces)
    for name in names:
        snapshot.refuse_symlinks(name)
    if len(names) > 1:
        snapshot.preload(names)
    plans = []
    for name in names:
        space = snapshot.space(name)
        own = snapshot.unit_targets(name)
        groups: dict[str | None, list[str]] = {space.target: []}  # the space's target first, even with no unit
        for unit in snapshot.unit_names(name):
            groups.setdefault(own.get(unit) or space.target, []).append(unit)
        # The space's target keeps its plan even with no unit (prune), and no target is a plan only with units.
        kept = {target: units for target, units in groups.items() if units or (target and target == space.target)}
        groups = kept or {space.target: []}
        objects = render_snapshot_space(snapshot, name)
        for target_name, units in groups.items():
            target = None
            if target_name:
                if target_name not in targets:
                    whose = f"space {name}" if target_name == space.target else f"unit {name}/{units[0]}"
                    raise NotFoundError(f"{whose}: target {target_name!r} is not defined in mtx.yaml")
                target = _resolve(target_name, targets[target_name], base=base, authority=authority,
                                  strict=serve is None or name in serve, origin=origin)  # fmt: skip
            mine = frozenset(units)
            chosen = objects if len(groups) == 1 else [obj for obj in objects if _unit_of(obj) in mine]
            plans.append(SpacePlan(name, target, chosen, _unit_needs(snapshot, name), units=mine))
    return _providers_first(plans, [link for name in names for link in snapshot.unit_links(name).values()])


def _unit_of(obj: Object) -> str:
    return str((obj["metadata"].get("labels") or {}).get(LABEL_UNIT, ""))


def _unit_needs(snapshot: Snapshot, space: str) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for link in snapshot.unit_links(space).values():
        if link.target.space == space:
            found.setdefault(link.source.unit, set()).add(link.target.unit)
    return {unit: frozenset(needs) for unit, needs in found.items()}


def _providers_first(plans: list[SpacePlan], links: Sequence[UnitLink]) -> list[SpacePlan]:
    """Spaces whose units provide for other spaces' units go first (else in the order given).

    Units never need each other in a circle (links refuse one); spaces can, through different
    units: then those spaces keep their order.
    """
    index: dict[str, int] = {}
    by_space: dict[str, list[SpacePlan]] = {}
    for plan in plans:
        index.setdefault(plan.space, len(index))
        by_space.setdefault(plan.space, []).append(plan)
    needs: dict[str, set[str]] = {}
    for link in links:
        if link.source.space != link.target.space and link.target.space in index:
            needs.setdefault(link.source.space, set()).add(link.target.space)
    order: list[SpacePlan] = []
    state: dict[str, int] = {}

    def place(space: str) -> None:
        if state.get(space):
            return  # placed, or on the path (a circle of spaces: keep the given order)
        state[space] = 1
        for provider in sorted(needs.get(space, ()), key=index.__getitem__):
            place(provider)
        state[space] = 2
        order.extend(by_space[space])

    for plan in plans:
        place(plan.space)
    return order


def refuse_placeholders(plans: Sequence[SpacePlan]) -> None:
    """RefusedError naming the first object that still holds a placeholder (nothing is delivered)."""
    for plan in plans:
        for obj in plan.objects:
            found = find_placeholders([obj])
            if found:
                unit = (obj["metadata"].get("labels") or {}).get(LABEL_UNIT)
                raise RefusedError(
                    f"unit {plan.space}/{unit}: {object_name(obj)} holds a placeholder at {found[0].path} "
                    f"({found[0].value!r}); link it to what provides it (`mtx link create`) or set it"
                )


def _resolve(
    name: str, data: dict[str, Any], *, base: Path, authority: Authority | None, strict: bool, origin: str | None
) -> Target:
    if authority is None:
        return Target.from_config(name, data, base=base, origin=origin)
    try:
        return authority.resolve(name, data, base=base, origin=origin)
    except MtxError:
        if strict:
            raise
        return Target(name, "unserved")  # another worker's: only compared, never delivered to


def render_snapshot_space(snapshot: Snapshot, name: str) -> list[Object]:
    """One space of a snapshot, rendered (`render_space`)."""
    snapshot.refuse_symlinks(name)
    units = snapshot.units(snapshot.refs([name]))
    return render_space(
        [(unit.ref, unit.documents) for unit in units],
        space=snapshot.space(name),
        commit=snapshot.commit or "",
    )


def claimed_by_others(plans: Sequence[SpacePlan], plan: SpacePlan) -> dict[str, str]:
    """Identities that the other plans of the same commit deliver to the same place (a moved unit is kept).

    The same place: the same cluster (kubeconfig and context) or directory, whatever the targets are named.
    """
    if plan.target is None:
        return {}
    place = replace(plan.target, name="")
    others = [
        p for p in plans
        if p.target is not None and (p.space, p.target.name) != (plan.space, plan.target.name)
        and replace(p.target, name="") == place
    ]  # fmt: skip
    return {document_identity(obj): p.space for p in others for obj in p.objects}


def deliver_space(
    plan: SpacePlan,
    *,
    snapshot: Snapshot,
    plans: Sequence[SpacePlan],
    cluster_for_target: Callable[[Target], Cluster],
    prune: bool = False,
    allow_empty: bool = False,
    dry_run: bool = False,
    wait: Waiting | None = None,
    log: Callable[[str], None] | None = None,
) -> ApplyReport | DirectoryReport | BranchReport:
    """Apply one space to its cluster, or write it to its directory; previous versions come from git.

    Both kinds of target follow one rule: what left git is deleted only with `prune`, which refuses
    to empty a space without `allow_empty`; a dry run reports what would happen and changes nothing.
    A cluster apply waits for health as `wait` says; a directory has no health to wait for.
    """
    say = log or (lambda _line: None)
    if plan.target is None:
        raise UserError(f"space {plan.space} has no target; set one with `mtx space update --target`")
    refuse_placeholders([plan])
    if plan.target.kind == "directory":
        report = deliver_directory(
            plan.objects,
            Path(plan.target.path or "."),
            space=plan.space,
            commit=snapshot.commit,
            prune=prune,
            allow_empty=allow_empty,
            dry_run=dry_run,
            units=plan.scope,
        )
        wrote, deleted = ("would write", "would delete") if dry_run else ("wrote", "deleted")
        for path in report.written:
            say(f"{plan.space}: {wrote} {path}")
        for path in report.deleted:
            say(f"{plan.space}: {deleted} {path}")
        return report
    if plan.target.kind == "git-branch":
        return _deliver_branch(plan, snapshot=snapshot, prune=prune, allow_empty=allow_empty, dry_run=dry_run, say=say)
    from mtx_gitops.delivery.apply import apply_objects  # not loaded by `mtx render`

    applied = apply_objects(
        cluster_for_target(plan.target),
        plan.objects,
        space=plan.space,
        render_previous=lambda commit: _render_at(snapshot, commit, plan.space),
        claimed=claimed_by_others(plans, plan),
        unit_needs=plan.unit_needs,
        prune_units=plan.scope,
        prune=prune,
        allow_empty=allow_empty,
        dry_run=dry_run,
        wait=wait,
        log=log,
    )
    if dry_run:  # a real apply logs each object as it goes
        for action in applied.actions:
            if action.action != "unchanged":
                verb = "create" if action.action == "namespace" else action.action
                say(f"{plan.space}: would {verb} {object_name(action.object)}")
    return applied


def _deliver_branch(
    plan: SpacePlan, *, snapshot: Snapshot, prune: bool, allow_empty: bool, dry_run: bool, say: Callable[[str], None]
) -> BranchReport:
    from mtx_gitops.adapters.gitbranch import BranchRepo
    from mtx_gitops.delivery.gitbranch import branch_path, deliver_branch

    assert plan.target is not None
    url = plan.target.url
    store = BranchRepo(url=url) if url else BranchRepo(local=snapshot.repo.root)
    report = deliver_branch(
        plan.objects,
        store,
        branch=f"{plan.target.branch_prefix}{plan.space}",
        path=branch_path(plan.target.path or ""),
        space=plan.space,
        commit=snapshot.commit or "",
        source=snapshot.repo.git,
        prune=prune,
        allow_empty=allow_empty,
        dry_run=dry_run,
    )
    if report.delivered:
        say(f"{plan.space}: committed {report.delivered[:12]} to {report.branch} of {report.location}")
    elif dry_run and not report.skipped:
        wrote, deleted = len(report.written), len(report.deleted)
        say(f"{plan.space}: would commit {wrote} written, {deleted} deleted file(s) to {report.branch}")
    return report


def _render_at(snapshot: Snapshot, commit: str, space: str) -> list[Object]:
    # The live objects record the commit they came from; render that commit to put them back.
    sha = snapshot.repo.git.rev_parse(commit)
    if sha is None:
        return []
    older = snapshot.repo.snapshot_at(sha)
    return render_snapshot_space(older, space) if older.has_space(space) else []
