"""Needs and provides (ConfigHub's links of update type NeedsProvides), for Kubernetes namespaces.

A unit *needs* a value where it holds a placeholder in a field that names a namespace; a unit
*provides* a namespace when it holds a Namespace whose name is not a placeholder. A link from a
unit to a provider fills the needs: `metadata.namespace` of every namespaced document, the
ServiceAccount subjects of (Cluster)RoleBindings, the Service references of CRD conversion
webhooks, APIServices and admission webhooks, and Flux's `Kustomization.spec.targetNamespace` and
`HelmRelease.spec.chartRef.namespace` (the paths ConfigHub's Kubernetes functions register).

Every value a link writes is remembered (`Fill`: the document, the path, the placeholder text it
replaced and what it wrote), so when the provider changes a refresh rewrites exactly those values
that still read as the link wrote them; a value someone changed since is theirs and stays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from mtx_gitops.core.functions import copy_data
from mtx_gitops.core.model import object_id
from mtx_gitops.core.path_syntax import Step, format_path
from mtx_gitops.core.placeholders import fill_text, is_placeholder
from mtx_gitops.errors import UserError

Document = dict[str, Any]
# Where a document names a namespace, per (API group, kind): a path of map keys, '*' for every
# element of a list (optionally only those whose `kind` is the second item).
_SERVICE_REFS: dict[tuple[str, str], tuple[tuple[str, ...], str | None]] = {
    ("rbac.authorization.k8s.io", "RoleBinding"): (("subjects", "*", "namespace"), "ServiceAccount"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (("subjects", "*", "namespace"), "ServiceAccount"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"): (
        ("spec", "conversion", "webhook", "clientConfig", "service", "namespace"),
        None,
    ),
    ("apiregistration.k8s.io", "APIService"): (("spec", "service", "namespace"), None),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"): (
        ("webhooks", "*", "clientConfig", "service", "namespace"),
        None,
    ),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"): (
        ("webhooks", "*", "clientConfig", "service", "namespace"),
        None,
    ),
    ("kustomize.toolkit.fluxcd.io", "Kustomization"): (("spec", "targetNamespace"), None),
    ("helm.toolkit.fluxcd.io", "HelmRelease"): (("spec", "chartRef", "namespace"), None),
}


@dataclass(frozen=True)
class Fill:
    """A value a link wrote: in `document` (its pairing key) at `path`, `template` became `value`."""

    document: str
    path: str
    template: str
    value: str

    def as_data(self) -> dict[str, str]:
        return {"document": self.document, "path": self.path, "template": self.template, "value": self.value}

    @staticmethod
    def from_data(data: Any) -> Fill:
        return Fill(str(data["document"]), str(data["path"]), str(data["template"]), str(data["value"]))


@dataclass(frozen=True)
class Filled:
    """The outcome of filling one unit: its documents, every value the link now stands behind, and
    the values it wrote or rewrote this time."""

    documents: list[Document]
    fills: tuple[Fill, ...]
    written: tuple[Fill, ...] = field(default=())

    @property
    def changed(self) -> bool:
        return bool(self.written)


def provided_namespaces(documents: Iterable[Any]) -> list[str]:
    """The namespaces a unit provides: the names of its Namespaces that are not placeholders."""
    names = []
    for doc in documents:
        if isinstance(doc, dict) and doc.get("kind") == "Namespace" and doc.get("apiVersion") == "v1":
            name = (doc.get("metadata") or {}).get("name")
            if isinstance(name, str) and name and not is_placeholder(name):
                names.append(name)
    return names


def provided_namespace(documents: Iterable[Any], *, provider: str) -> str | None:
    """The one namespace `provider` provides (None: none); a provider of several is refused."""
    names = provided_namespaces(documents)
    if len(names) > 1:
        raise UserError(f"unit {provider} provides {len(names)} namespaces ({', '.join(names)}): a link fills one")
    return names[0] if names else None


def fill_needs(
    documents: Sequence[Document],
    *,
    namespace: str | None,
    previous: Sequence[Fill] = (),
    namespaced: Callable[[Document], bool],
) -> Filled:
    """`documents` with their namespace needs filled with `namespace` (None: nothing is provided).

    A placeholder is filled; a value equal to what `previous` says the link wrote is rewritten
    from its template (the provider changed); any other value is left alone.
    """
    docs: list[Document] = copy_data(list(documents))
    before = {(fill.document, fill.path): fill for fill in previous}
    fills: list[Fill] = []
    written: list[Fill] = []
    for doc in docs:
        key = object_id(doc).pairing
        for holder, name, steps in _namespace_fields(doc, namespaced=namespaced):
            value = holder.get(name)
            path = format_path(steps)
            if not isinstance(value, str):
                continue
            old = before.get((key, path))
            if is_placeholder(value):
                template = value
            elif old is not None and old.value == value:
                template = old.template
            else:
                continue
            if namespace is None:
                if old is not None and old.value == value:
                    fills.append(old)  # nothing provided now: the value stays as the link last wrote it
                continue
            fill = Fill(key, path, template, fill_text(template, namespace))
            fills.append(fill)
            if fill.value != value:
                holder[name] = fill.value
                written.append(fill)
    return Filled(docs, tuple(fills), tuple(written))


def _namespace_fields(
    doc: Document, *, namespaced: Callable[[Document], bool]
) -> Iterator[tuple[Document, str, tuple[Step, ...]]]:
    """(the map holding it, its key, its path) of every field of `doc` that names a namespace."""
    meta = doc.get("metadata")
    if isinstance(meta, dict) and "namespace" in meta and namespaced(doc):
        yield meta, "namespace", (Step(key="metadata"), Step(key="namespace"))
    ident = object_id(doc)
    ref = _SERVICE_REFS.get((ident.group, ident.kind))
    if ref is not None:
        keys, kind = ref
        yield from _walk(doc, keys, (), kind)


def _walk(
    node: Any, keys: tuple[str, ...], steps: tuple[Step, ...], kind: str | None
) -> Iterator[tuple[Document, str, tuple[Step, ...]]]:
    head, rest = keys[0], keys[1:]
    if head == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, dict) and (kind is None or item.get("kind") == kind):
                    yield from _walk(item, rest, (*steps, Step(index=index)), kind)
        return
    if not isinstance(node, dict):
        return
    if not rest:
        if head in node:
            yield node, head, (*steps, Step(key=head))
        return
    yield from _walk(node.get(head), rest, (*steps, Step(key=head)), kind)
