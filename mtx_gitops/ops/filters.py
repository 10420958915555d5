"""cub's stored filters, kept in git: a named WHERE (and WHERE over the data) that `--filter S/F` reuses.

A filter lives in its space at `spaces/<space>/.mtx/filters/<name>.yaml` (`from`, `where`,
`whereData`); creating and deleting one is one commit each. `--filter S/F` on a command selects what
the filter's expressions select, and with a `--where` too, what both select.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.core.model import META_DIR, SPACES_DIR
from mtx_gitops.core.slug import check_slug
from mtx_gitops.core.where import parse_where
from mtx_gitops.errors import AlreadyExistsError, NotFoundError, UserError
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.transaction import Plan, WriteResult, write

ENTITIES = ("Unit",)


def filter_path(space: str, name: str) -> str:
    return f"{SPACES_DIR}/{space}/{META_DIR}/filters/{name}.yaml"


@dataclass(frozen=True)
class Filter:
    """A stored filter: its space, name, the entity it selects and its expressions."""

    space: str
    name: str
    entity: str = "Unit"
    where: str | None = None
    where_data: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "Slug": self.name,
            "Space": {"Slug": self.space},
            "From": self.entity,
            "Where": self.where or "",
            "WhereData": self.where_data or "",
        }

    def text(self) -> bytes:
        data: dict[str, Any] = {"from": self.entity}
        if self.where:
            data["where"] = self.where
        if self.where_data:
            data["whereData"] = self.where_data
        return yaml.dump_one(data).encode()


def create_filter(
    repo: Repo,
    found: Filter,
    *,
    branch: str | None = None,
    message: str | None = None,
    dry_run: bool = False,
) -> WriteResult:
    """Store `found` as one commit; refused when the space has a filter of that name."""
    check_slug(found.space, what="space name")
    check_slug(found.name, what="filter name")
    if found.entity not in ENTITIES:
        raise UserError(f"invalid filter entity {found.entity!r}: mtx filters select {', '.join(ENTITIES)}")
    if not found.where and not found.where_data:
        raise UserError("a filter needs --where or --where-data")
    if found.where:
        parse_where(found.where)
    if found.where_data:
        parse_where(found.where_data, data=True)
    path = filter_path(found.space, found.name)

    def build(snap: Snapshot) -> Plan:
        snap.space(found.space)
        if snap.blob(path) is not None:
            raise AlreadyExistsError(f"filter {found.space}/{found.name} already exists")
        plan = Plan("filter.create", f"Create filter {found.space}/{found.name}", files={path: found.text()})
        plan.done = f"filter {found.space}/{found.name} created"
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def delete_filter(
    repo: Repo, space: str, name: str, *, branch: str | None = None, message: str | None = None, dry_run: bool = False
) -> WriteResult:
    """Remove a stored filter as one commit."""
    path = filter_path(space, name)

    def build(snap: Snapshot) -> Plan:
        get_filter(snap, space, name)
        plan = Plan("filter.delete", f"Delete filter {space}/{name}", files={path: None})
        plan.done = f"filter {space}/{name} deleted"
        return plan

    return write(repo, build, branch=branch, message=message, dry_run=dry_run)


def get_filter(snap: Snapshot, space: str, name: str) -> Filter:
    """The filter `name` of `space`; NotFoundError when there is none."""
    check_slug(space, what="space name")
    check_slug(name, what="filter name")
    snap.space(space)
    path = filter_path(space, name)
    if snap.blob(path) is None:
        raise NotFoundError(f"filter {space}/{name} does not exist")
    data = yaml.load_one(snap.read_text(path), source=path)
    if not isinstance(data, dict):
        raise UserError(f"{path}: a filter is a mapping with from, where and whereData")
    return Filter(space, name, str(data.get("from", "Unit")), data.get("where"), data.get("whereData"))


def list_filters(snap: Snapshot, space_glob: str) -> list[Filter]:
    """The filters of every space matching `space_glob`, by space then name."""
    found: list[Filter] = []
    for space in snap.match_spaces(space_glob):
        prefix = f"{SPACES_DIR}/{space}/{META_DIR}/filters/"
        for path in sorted(p for p in snap.files_of(space) if p.startswith(prefix) and p.endswith(".yaml")):
            found.append(get_filter(snap, space, path[len(prefix) : -len(".yaml")]))
    return found


def resolve(snap: Snapshot, reference: str) -> Filter:
    """The filter `S/F` names (cub's `--filter space/filter`)."""
    space, slash, name = reference.partition("/")
    if not slash or not space or not name:
        raise UserError(f"invalid --filter {reference!r}: write SPACE/FILTER")
    return get_filter(snap, space, name)


def combined(first: str | None, second: str | None) -> str | None:
    """Both expressions, as one: `(a) AND (b)`."""
    if first and second:
        return f"({first}) AND ({second})"
    return first or second


def narrowed(
    snap: Snapshot, reference: str, *, where: str | None, where_data: str | None
) -> tuple[str | None, str | None]:
    """`where` and `where_data` narrowed by the stored filter `reference` (`S/F`)."""
    found = resolve(snap, reference)
    return combined(found.where, where), combined(found.where_data, where_data)


def where_of(snap: Snapshot, reference: str, *, where: str | None) -> str | None:
    """`where` narrowed by the stored filter `reference`, for commands that take no `--where-data`;
    UserError for a filter that has one."""
    found = resolve(snap, reference)
    if found.where_data:
        raise UserError(f"filter {reference} has --where-data: this command takes filters with --where only")
    return combined(found.where, where)
