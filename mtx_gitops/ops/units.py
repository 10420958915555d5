"""Creating, linking, copying and deleting units (SPEC §2 `mtx unit …`)."""

from __future__ import annotations

from collections.abc import Mapping

from mtx_gitops import yaml
from mtx_gitops.core import trailers
from mtx_gitops.core.ledger import LEDGER_TRAILER, conflicts_path, deleted_path, protected_path
from mtx_gitops.core.model import (
    Link,
    UnitRef,
    labels_path,
    link_path,
    unit_link_path,
    unit_path,
    unit_target_path,
    validate_documents,
)
from mtx_gitops.core.slug import check_slug
from mtx_gitops.errors import AlreadyExistsError, RefusedError, UserError
from mtx_gitops.ops.ledgerfiles import deleted_file, read_deleted, read_ledger
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write

LINK_HEADER = "# Written by mtx: this unit's upstream and merge base (the upstream blob last merged).\n"
LABELS_HEADER = "# Written by mtx: this unit's own labels (cub's unit labels; WHERE reads them as Labels.<key>).\n"


def link_file(link: Link) -> bytes:
    """The content of a unit's link file."""
    return (LINK_HEADER + yaml.dump_one(link.as_data())).encode()


def labels_file(labels: Mapping[str, str]) -> bytes | None:
    """The content of a unit's labels file (None: no labels, no file)."""
    return (LABELS_HEADER + yaml.dump_one({"labels": dict(labels)})).encode() if labels else None


def check_manifest(data: bytes, *, source: str) -> bytes:
    """`data` if it holds valid Kubernetes documents (hardened YAML), else YamlError."""
    validate_documents(yaml.load_documents(data, source=source), source=source)
    return data


def create_unit(
    repo: Repo,
    ref: UnitRef,
    data: bytes | None,
    *,
    upstream: UnitRef | None = None,
    source: str = "input",
    labels: Mapping[str, str] | None = None,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Create a unit from manifest bytes, or as a linked copy of `upstream` (with its own `labels`)."""
    check_slug(ref.space, what="space name")
    check_slug(ref.unit, what="unit name")
    if (data is None) == (upstream is None):
        raise UserError("give the unit's manifests (FILE or -) or --upstream-space/--upstream-unit, not both")
    if data is not None:
        check_manifest(data, source=source)

    def build(snap: Snapshot) -> Plan:
        snap.space(ref.space)
        if snap.has_unit(ref):
            raise AlreadyExistsError(f"unit {ref.unit!r} exists already in space {ref.space!r}")
        if upstream is None:
            assert data is not None
            plan = Plan(
                "unit.create",
                f"Create unit {ref}",
                files={unit_path(ref.space, ref.unit): data},
                units=[UnitChange(ref.space, ref.unit, True)],
            )
        else:
            plan = Plan("unit.create", f"Create unit {ref} from {upstream}", trailers=[_source(snap, str(upstream))])
            _add_linked_copy(snap, plan, ref, upstream)
        if labels:
            plan.files[labels_path(ref.space, ref.unit)] = labels_file(labels)
        if snap.blob(deleted_path(ref.space, ref.unit)):  # named explicitly: the region wants it back
            plan.files[deleted_path(ref.space, ref.unit)] = None
            plan.notes.append(f"{ref} was deleted on purpose before: that record is cleared")
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def link_space(
    repo: Repo,
    space: str,
    upstream_space: str,
    *,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Create a linked copy of every unit of `upstream_space` in `space` (one commit)."""
    check_slug(space, what="space name")
    check_slug(upstream_space, what="upstream space name")

    def build(snap: Snapshot) -> Plan:
        snap.space(space)
        snap.space(upstream_space)
        plan = Plan(
            "unit.create", f"Link every unit of {upstream_space} into {space}", trailers=[_source(snap, upstream_space)]
        )
        deleted = read_deleted(snap, space)
        for name in snap.unit_names(upstream_space):
            ref = UnitRef(space, name)
            if snap.has_unit(ref):
                plan.units.append(UnitChange(space, name, False, note="exists already: left alone"))
                continue
            if name in deleted and deleted[name] in (None, UnitRef(upstream_space, name)):
                again = f"mtx unit create {name} --space {space} --upstream-space {upstream_space}"
                note = f"deleted on purpose in {space}: skipped (`{again}` links it)"
                plan.units.append(UnitChange(space, name, False, note=note))
                plan.notes.append(f"{ref} was deleted on purpose: not linked again")
                continue
            _add_linked_copy(snap, plan, ref, UnitRef(upstream_space, name))
        if not plan.units:
            plan.notes.append(f"space {upstream_space!r} has no units")
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def _source(snap: Snapshot, upstream: str) -> tuple[str, str]:
    """The `Mtx-Source` trailer of a linked copy: the upstream unit (or space) at the commit it was read from."""
    return (trailers.SOURCE, f"{upstream}@{snap.commit[:12]}" if snap.commit else upstream)


def _add_linked_copy(snap: Snapshot, plan: Plan, ref: UnitRef, upstream: UnitRef) -> None:
    snap.require(upstream)
    if upstream == ref:
        raise UserError(f"unit {ref} cannot be its own upstream")
    blob = snap.blob(unit_path(upstream.space, upstream.unit))
    assert blob is not None
    text = snap.repo.git.read_blob(blob)
    plan.files[unit_path(ref.space, ref.unit)] = text
    plan.files[link_path(ref.space, ref.unit)] = link_file(Link(upstream, blob, snap.commit))
    plan.units.append(UnitChange(ref.space, ref.unit, True))


def copy_unit(
    repo: Repo,
    unit: str,
    *,
    source_space: str,
    target_space: str,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Promotion by copy: the unit's content from one space to another (created or replaced)."""
    source = UnitRef(source_space, unit)
    target = UnitRef(target_space, unit)

    def build(snap: Snapshot) -> Plan:
        snap.require(source)
        snap.space(target_space)
        if source == target:
            raise UserError(f"unit {source} cannot be copied onto itself")
        data = snap.repo.git.read_blob(snap.blob(unit_path(source.space, unit)) or "")
        return Plan(
            "unit.copy",
            f"Copy unit {unit} from {source_space} to {target_space}",
            files={unit_path(target_space, unit): data},
            units=[UnitChange(target_space, unit, True)],
            trailers=[(trailers.SOURCE, str(source))],
        )

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def delete_unit(
    repo: Repo,
    ref: UnitRef,
    *,
    force: bool = False,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Delete a unit (with its link, labels, ledger and protected paths: each open conflict closes in
    an `Mtx-Ledger` trailer); refuses while other units
    name it upstream, unless `force`. A linked unit leaves a record that the region deleted it on
    purpose, so linking its upstream space again skips it."""

    def build(snap: Snapshot) -> Plan:
        snap.require(ref)
        downstream = snap.downstream_of(ref)
        if downstream and not force:
            names = ", ".join(str(d) for d in downstream)
            raise RefusedError(f"unit {ref} is the upstream of {names}; pass --force to delete it anyway")
        links = snap.all_unit_links()
        needing = [link for link in links if link.target == ref]
        if needing and not force:
            names = ", ".join(f"{link.source.space}/{link.name}" for link in needing)
            raise RefusedError(f"links {names} need unit {ref}; pass --force to delete it anyway")
        own = [link for link in links if link.source == ref]  # its links go with it
        paths = [
            unit_path(ref.space, ref.unit),
            link_path(ref.space, ref.unit),
            labels_path(ref.space, ref.unit),
            unit_target_path(ref.space, ref.unit),
            conflicts_path(ref.space, ref.unit),
            protected_path(ref.space, ref.unit),
        ]
        plan = Plan(
            "unit.delete",
            f"Delete unit {ref}",
            files=dict.fromkeys([*paths, *(unit_link_path(link.source.space, link.name) for link in own)]),
            units=[UnitChange(ref.space, ref.unit, True)],
        )
        for entry in read_ledger(snap, [ref]).get(ref, []):  # the ledger file goes: say so in `mtx log`
            where = f"{entry.path or '(whole object)'} in {entry.document}"
            plan.trailers.append((LEDGER_TRAILER, f"{ref} closed {where} (unit deleted)"))
        link = snap.link(ref)
        if link is not None:
            plan.files[deleted_path(ref.space, ref.unit)] = deleted_file(link.upstream)
            plan.notes.append(f"recorded that {ref.space} deleted its copy of {link.upstream} on purpose")
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)
