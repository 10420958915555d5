"""`mtx link create|list|get|delete|refresh` (cub's links): one unit needs what another provides.

Creating a NeedsProvides link fills the placeholders of FROM with what TO provides in the same
commit as the link file; `link refresh` (and `unit update --upgrade`) fill them again once the
provider changed, rewriting only values that still read as the link wrote them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.core.model import UnitRef, unit_link_path, unit_path
from mtx_gitops.core.needs import Fill, fill_needs, provided_namespace
from mtx_gitops.core.scope import CLUSTER_SCOPED_KINDS
from mtx_gitops.core.slug import check_slug
from mtx_gitops.core.unitlinks import UnitLink, check_update_type, providers_of, refuse_cycle
from mtx_gitops.errors import AlreadyExistsError, NotFoundError, UserError
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, UnitChange, WriteResult, write

Document = dict[str, Any]
LINK_HEADER = (
    "# Written by mtx: a link (cub's): unit `from` needs what unit `to` provides; `filled` is what it wrote.\n"
)


def link_file(link: UnitLink) -> bytes:
    """The content of a link's file."""
    return (LINK_HEADER + yaml.dump_one(link.as_data())).encode()


def namespaced_for(snap: Snapshot) -> Callable[[Document], bool]:
    """Whether a document of the repo at `snap` lives in a namespace (built-in kinds, then its CRDs)."""
    scopes: dict[tuple[str, str], str] | None = None

    def namespaced(doc: Document) -> bool:
        nonlocal scopes
        kind = str(doc.get("kind", ""))
        if kind in CLUSTER_SCOPED_KINDS:
            return False
        api = str(doc.get("apiVersion", ""))
        group = api.rsplit("/", 1)[0] if "/" in api else ""
        if "." not in group or group.endswith(".k8s.io"):
            return True  # a built-in group: its cluster-scoped kinds are listed above
        if scopes is None:
            from mtx_gitops.schema.crds import crds_at

            scopes = {(crd.group, crd.kind): crd.scope for crd in crds_at(snap).values()}
        return scopes.get((group, kind), "Namespaced") != "Cluster"

    return namespaced


@dataclass
class Refill:
    """A unit's documents after its links filled them, and the link files that record it."""

    documents: list[Document]
    link_files: dict[str, bytes | None] = field(default_factory=dict)
    written: list[tuple[UnitLink, Fill]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def refill(snap: Snapshot, ref: UnitRef, documents: Sequence[Document], *, only: str | None = None) -> Refill:
    """Fill `documents` (unit `ref`'s) from the providers of its NeedsProvides links (or link `only`)."""
    result = Refill(list(documents))
    namespaced = namespaced_for(snap)
    for link in snap.unit_links(ref.space).values():
        if link.source != ref or not link.fills_needs or only not in (None, link.name):
            continue
        if not snap.has_unit(link.target):
            result.notes.append(f"link {link.name}: unit {link.target} does not exist: nothing filled")
            continue
        provider = snap.unit(link.target)
        namespace = provided_namespace(provider.documents, provider=str(link.target))
        if namespace is None:
            result.notes.append(f"link {link.name}: unit {link.target} provides no namespace yet")
        filled = fill_needs(result.documents, namespace=namespace, previous=link.fills, namespaced=namespaced)
        result.documents = filled.documents
        result.written += [(link, fill) for fill in filled.written]
        if filled.fills != link.fills:
            result.link_files[unit_link_path(ref.space, link.name)] = link_file(replace(link, fills=filled.fills))
    return result


def _describe(written: Sequence[tuple[UnitLink, Fill]]) -> str | None:
    if not written:
        return None
    values = sorted({fill.value for _link, fill in written})
    return f"filled {len(written)} value(s) with {', '.join(values)}"


def _add_refill(snap: Snapshot, plan: Plan, ref: UnitRef, refilled: Refill) -> None:
    unit = snap.unit(ref)
    path = unit_path(ref.space, ref.unit)
    changed = refilled.documents != unit.documents
    if changed:
        plan.files[path] = yaml.rewrite(snap.text(ref), refilled.documents, source=path, old=unit.documents).encode()
        plan.documents[path] = refilled.documents
    plan.files.update(refilled.link_files)
    note = "; ".join(filter(None, [_describe(refilled.written), *refilled.notes])) or None
    plan.units.append(UnitChange(ref.space, ref.unit, changed, note=note))


def create_link(
    repo: Repo,
    name: str,
    source: UnitRef,
    target: UnitRef,
    *,
    update_type: str = "NeedsProvides",
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Link `source` to `target` (its provider); a NeedsProvides link fills `source` in the same commit.

    `name` "-" names the link `<from>-to-<to>` (as cub makes one up).
    """
    check_slug(source.space, what="space name")
    check_slug(source.unit, what="unit name")
    check_slug(target.space, what="space name")
    check_slug(target.unit, what="unit name")
    name = f"{source.unit}-to-{target.unit}"[:63].rstrip("-") if name == "-" else check_slug(name, what="link name")
    check_update_type(update_type)
    link = UnitLink(name, source, target, update_type)

    def build(snap: Snapshot) -> Plan:
        snap.require(source)
        snap.require(target)
        if source == target:
            raise UserError(f"unit {source} cannot link to itself")
        if name in snap.unit_links(source.space):
            raise AlreadyExistsError(f"link {name!r} exists already in space {source.space!r}")
        existing = snap.all_unit_links()
        for other in existing:
            if other.source == source and other.target == target:
                raise AlreadyExistsError(f"unit {source} links to {target} already (link {other.name})")
        refuse_cycle(providers_of([*existing, link]))
        plan = Plan("link.create", f"Link {source} to {target} ({name})", done=f"link {name} created")
        plan.files[unit_link_path(source.space, name)] = link_file(link)
        if link.fills_needs:
            unit = snap.unit(source)
            namespace = provided_namespace(snap.unit(target).documents, provider=str(target))
            filled = fill_needs(unit.documents, namespace=namespace, namespaced=namespaced_for(snap))
            refilled = Refill(filled.documents, written=[(link, fill) for fill in filled.written])
            if filled.fills:
                refilled.link_files[unit_link_path(source.space, name)] = link_file(replace(link, fills=filled.fills))
            if namespace is None:
                refilled.notes.append(f"unit {target} provides no namespace yet")
            _add_refill(snap, plan, source, refilled)
        else:
            plan.units.append(UnitChange(source.space, source.unit, False, note="orders apply only"))
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def refresh_links(
    repo: Repo,
    space: str,
    *,
    name: str | None = None,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Fill the units of `space` again from their providers (every link of the space, or link `name`)."""
    check_slug(space, what="space name")
    if name is not None:
        check_slug(name, what="link name")

    def build(snap: Snapshot) -> Plan:
        snap.space(space)
        links = snap.unit_links(space)
        if name is not None and name not in links:
            raise NotFoundError(f"link {name!r} does not exist in space {space!r}")
        plan = Plan("link.refresh", f"Refresh links of {space}", done="links refreshed")
        for ref in sorted({link.source for link in links.values() if name in (None, link.name)}):
            if not snap.has_unit(ref):
                plan.notes.append(f"unit {ref} does not exist: its links fill nothing")
                continue
            _add_refill(snap, plan, ref, refill(snap, ref, snap.unit(ref).documents, only=name))
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def delete_link(
    repo: Repo,
    space: str,
    name: str,
    *,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Delete a link; the values it filled stay in the unit (they are no longer placeholders)."""
    check_slug(space, what="space name")
    check_slug(name, what="link name")

    def build(snap: Snapshot) -> Plan:
        snap.space(space)
        if name not in snap.unit_links(space):
            raise NotFoundError(f"link {name!r} does not exist in space {space!r}")
        return Plan(
            "link.delete",
            f"Delete link {space}/{name}",
            files={unit_link_path(space, name): None},
            done=f"link {name} deleted",
        )

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def list_links(snap: Snapshot, space_glob: str) -> list[dict[str, Any]]:
    """The links of the spaces matching `space_glob`, as JSON rows."""
    return [link.as_json() for space in snap.match_spaces(space_glob) for link in snap.unit_links(space).values()]


def get_link(snap: Snapshot, space: str, name: str) -> dict[str, Any]:
    """One link as JSON."""
    check_slug(name, what="link name")
    snap.space(space)
    link = snap.unit_links(space).get(name)
    if link is None:
        raise NotFoundError(f"link {name!r} does not exist in space {space!r}")
    return link.as_json()
