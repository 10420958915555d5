"""What WHERE can see of a unit, and how each attribute's values are read from it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from mtx_gitops.core import where_ast as ast
from mtx_gitops.core.imageref import parse_image
from mtx_gitops.core.paths import getter
from mtx_gitops.errors import UserError


class WhereSubject(Protocol):
    """What WHERE can see of a unit; plain attributes or properties both satisfy it."""

    @property
    def slug(self) -> str: ...
    @property
    def space(self) -> str: ...
    @property
    def labels(self) -> Mapping[str, str]: ...
    @property
    def space_labels(self) -> Mapping[str, str]: ...
    @property
    def upstream_unit(self) -> str | None: ...
    @property
    def upstream_space(self) -> str | None: ...
    @property
    def upgrade_needed(self) -> bool: ...
    @property
    def kinds(self) -> Sequence[str]: ...
    @property
    def head_revision_num(self) -> int: ...
    @property
    def created_at(self) -> str | None: ...
    @property
    def changeset(self) -> str | None: ...
    @property
    def documents(self) -> Sequence[Mapping[str, Any]]: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class Subject:
    """A plain WhereSubject; `kinds` defaults to the `kind` of each of `documents`."""

    slug: str
    space: str
    labels: Mapping[str, str] = field(default_factory=dict)
    space_labels: Mapping[str, str] = field(default_factory=dict)
    upstream_unit: str | None = None
    upstream_space: str | None = None
    upgrade_needed: bool = False
    kinds: Sequence[str] = ()
    head_revision_num: int = 0
    created_at: str | None = None
    changeset: str | None = None
    documents: Sequence[Mapping[str, Any]] = ()
    text: str = ""

    def __post_init__(self) -> None:
        if not self.kinds and self.documents:
            kinds = tuple(str(doc["kind"]) for doc in self.documents if doc.get("kind") is not None)
            object.__setattr__(self, "kinds", kinds)


Values = Callable[[WhereSubject], Sequence[Any]]


def attribute_values(attr: ast.Attr) -> Values:
    """How to read an attribute's values from a subject: none, one, or (paths, Kind) many."""
    if attr.length:
        return _lengths(attr)
    name, label = attr.name, attr.label
    if name == ast.PATH and attr.accessor:
        return _accessed(attribute_values(dataclasses.replace(attr, accessor="")), attr.accessor)
    if name == ast.PATH:
        get = getter(attr.path)

        def from_documents(subject: WhereSubject) -> Sequence[Any]:
            documents = subject.documents
            if len(documents) == 1:
                return get(documents[0])
            found: list[Any] = []
            for document in documents:
                found.extend(get(document))
            return found

        return from_documents
    readers: dict[str, Values] = {
        ast.SLUG: lambda subject: (subject.slug,),
        ast.SPACE_SLUG: lambda subject: (subject.space,),
        ast.LABELS: lambda subject: (subject.labels.get(label),),
        ast.SPACE_LABELS: lambda subject: (subject.space_labels.get(label),),
        ast.UPSTREAM_UNIT: lambda subject: (subject.upstream_unit,),
        ast.UPSTREAM_SPACE: lambda subject: (subject.upstream_space,),
        ast.UPGRADE_NEEDED: lambda subject: (subject.upgrade_needed,),
        ast.KIND: lambda subject: subject.kinds,
        ast.HEAD_REVISION_NUM: lambda subject: (subject.head_revision_num,),
        ast.CREATED_AT: lambda subject: (subject.created_at,),
        ast.CHANGESET: lambda subject: (subject.changeset,),
    }
    return readers[name]


def _accessed(inner: Values, accessor: str) -> Values:
    """cub's `#uri` and `#reference` of each image reference the path holds (other values are skipped)."""

    def part(value: Any) -> str | None:
        if not isinstance(value, str):
            return None
        try:
            image = parse_image(value)
        except UserError:
            return None
        if accessor == "uri":
            return image.repository
        return (f":{image.tag}" if image.tag else "") + (f"@{image.digest}" if image.digest else "")

    def accessed(subject: WhereSubject) -> Sequence[Any]:
        return [found for value in inner(subject) if (found := part(value)) is not None]

    return accessed


def _lengths(attr: ast.Attr) -> Values:
    """LEN(attr): the size of each list, map or string the attribute has (whole label maps for LEN(Labels))."""
    if attr.name in (ast.LABELS, ast.SPACE_LABELS) and not attr.label:
        whole = attr.name == ast.LABELS
        return lambda subject: (len(subject.labels if whole else subject.space_labels),)
    inner = attribute_values(ast.Attr(attr.name, attr.text, attr.label, attr.path))

    def lengths(subject: WhereSubject) -> Sequence[Any]:
        return [len(value) for value in inner(subject) if isinstance(value, list | dict | str)]

    return lengths
