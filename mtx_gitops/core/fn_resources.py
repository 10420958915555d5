"""cub's functions over whole resources: set-namespace, delete-resource, upsert-resource, search-replace,
and the placeholder scan behind no-placeholders.

A resource type is cub's `[group/]version/Kind` (`apps/v1/Deployment`, `v1/Service`); a resource name
is `namespace/name`, compared without the namespace (cub's `RemoveScopeFromResourceName`), so
`foobar/myconfig` and `/myconfig` both name the ConfigMap `myconfig`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mtx_gitops.core.functions import Document, RunResult, _edit_each, copy_data
from mtx_gitops.core.path_syntax import Step
from mtx_gitops.core.scope import CLUSTER_SCOPED_KINDS
from mtx_gitops.core.workloads import describe
from mtx_gitops.errors import UserError

PLACEHOLDER = "confighubplaceholder"
PLACEHOLDER_INT = 999999999

# Fields besides metadata.namespace that name the namespace of the resource itself or of what it binds.
_NAMESPACE_FIELDS: dict[str, tuple[str, ...]] = {
    "rbac.authorization.k8s.io/v1/RoleBinding": ("subjects", "*", "namespace"),
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ("subjects", "*", "namespace"),
    "apiextensions.k8s.io/v1/CustomResourceDefinition": (
        "spec", "conversion", "webhook", "clientConfig", "service", "namespace",
    ),
    "apiregistration.k8s.io/v1/APIService": ("spec", "service", "namespace"),
    "kustomize.toolkit.fluxcd.io/v1/Kustomization": ("spec", "targetNamespace"),
    "helm.toolkit.fluxcd.io/v2/HelmRelease": ("spec", "chartRef", "namespace"),
}  # fmt: skip


def resource_type(document: Any) -> str:
    """cub's resource type of a document: `apps/v1/Deployment`, `v1/Service` ('' when it has none)."""
    if not isinstance(document, dict):
        return ""
    return f"{document.get('apiVersion', '')}/{document.get('kind', '')}"


def check_resource_type(text: str) -> str:
    """A `[group/]version/Kind` as given, or UserError."""
    parts = text.split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise UserError(f"invalid resource type {text!r}: expected [group/]version/Kind, as apps/v1/Deployment")
    return text


def resource_name(document: Any) -> str:
    """cub's resource name: `namespace/name` (`/name` without a namespace)."""
    metadata = document.get("metadata") if isinstance(document, dict) else None
    if not isinstance(metadata, dict):
        return "/"
    return f"{metadata.get('namespace') or ''}/{metadata.get('name') or ''}"


def _unscoped(name: str) -> str:
    return name.rpartition("/")[2]


def of_type(documents: list[Document], wanted: str | None) -> list[int]:
    """The indexes of the documents of resource type `wanted` (all of them when None)."""
    return [i for i, d in enumerate(documents) if wanted is None or resource_type(d) == wanted]


def set_namespace(documents: list[Document], namespace: str) -> RunResult:
    """Set metadata.namespace of every namespaced resource, and the namespace fields of bindings and
    the other kinds that name one (a Namespace's own name is left alone, as cub does)."""
    if not namespace:
        raise UserError("set-namespace needs a namespace name")

    def edit(document: Document, _notes: list[str]) -> None:
        if str(document.get("kind")) not in CLUSTER_SCOPED_KINDS:
            metadata = document.setdefault("metadata", {})
            if isinstance(metadata, dict):
                metadata["namespace"] = namespace
        steps = _NAMESPACE_FIELDS.get(resource_type(document))
        if steps is not None:
            _set_existing(document, steps, namespace)

    return _edit_each(documents, edit)


def _set_existing(node: Any, steps: tuple[str, ...], value: str) -> None:
    """Set `value` at `steps` below `node` ('*' every element), making only the last field."""
    head, rest = steps[0], steps[1:]
    if head == "*":
        for item in node if isinstance(node, list) else []:
            _set_existing(item, rest, value)
    elif isinstance(node, dict):
        if not rest:
            node[head] = value
        elif head in node:
            _set_existing(node[head], rest, value)


def delete_resource(documents: list[Document], wanted_type: str, name: str) -> RunResult:
    """Remove the resource of that type and name; UserError when there is none."""
    check_resource_type(wanted_type)
    for index, document in enumerate(documents):
        if resource_type(document) == wanted_type and _unscoped(resource_name(document)) == _unscoped(name):
            return RunResult(documents[:index] + documents[index + 1 :], True, [f"deleted {describe(document)}"])
    raise UserError(f"resource with type {wanted_type} and name {name} not found")


def upsert_resource(documents: list[Document], resource: Document, wanted_type: str, name: str) -> RunResult:
    """Replace the resource of that type and name with `resource`, or append it when there is none."""
    check_resource_type(wanted_type)
    if resource_type(resource) != wanted_type or _unscoped(resource_name(resource)) != _unscoped(name):
        raise UserError(f"resource with type {wanted_type} and name {name} not found in resource-list")
    result = list(documents)
    for index, document in enumerate(documents):
        if resource_type(document) == wanted_type and _unscoped(resource_name(document)) == _unscoped(name):
            if document == resource:
                return RunResult(documents, False, [])
            result[index] = copy_data(resource)
            return RunResult(result, True, [f"replaced {describe(resource)}"])
    return RunResult([*result, copy_data(resource)], True, [f"added {describe(resource)}"])


def search_replace(documents: list[Document], search: str, replace: str) -> RunResult:
    """Replace every occurrence of `search` in every string value (not keys) of every document."""
    if not search:
        raise UserError("search-replace needs a non-empty search value")

    def swap(node: Any) -> Any:
        if isinstance(node, str):
            return node.replace(search, replace)
        if isinstance(node, dict):
            for key, value in node.items():
                node[key] = swap(value)
        elif isinstance(node, list):
            node[:] = [swap(value) for value in node]
        return node

    return _edit_each(documents, lambda document, _notes: swap(document))


def placeholders(documents: list[Document]) -> list[dict[str, Any]]:
    """Every attribute holding the placeholder string (anywhere in a string) or number, as cub lists
    them: the strings by path, then the numbers, per resource."""
    found: list[dict[str, Any]] = []
    for document in documents:
        strings: list[dict[str, Any]] = []
        numbers: list[dict[str, Any]] = []
        for steps, value in _scalars(document, ()):
            if isinstance(value, str) and PLACEHOLDER in value:
                strings.append(_attribute(document, steps, value, "string"))
            elif type(value) is int and value == PLACEHOLDER_INT:
                numbers.append(_attribute(document, steps, value, "int"))
        found += sorted(strings, key=lambda a: str(a["Path"])) + numbers
    return found


def _attribute(document: Document, steps: tuple[Step, ...], value: Any, data_type: str) -> dict[str, Any]:
    name = resource_name(document)
    return {
        "ResourceName": name,
        "ResourceNameWithoutScope": _unscoped(name),
        "ResourceType": resource_type(document),
        "Path": cub_path(steps),
        "DataType": data_type,
        "Value": value,
    }


def cub_path(steps: tuple[Step, ...]) -> str:
    """A concrete path in cub's dotted spelling: `spec.template.spec.containers.0.image` (a '.' in a key
    is written `~1`)."""
    return ".".join(str(s.index) if s.index is not None else str(s.key).replace(".", "~1") for s in steps)


def _scalars(node: Any, steps: tuple[Step, ...]) -> Iterator[tuple[tuple[Step, ...], Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _scalars(value, (*steps, Step(key=str(key))))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _scalars(value, (*steps, Step(index=index)))
    else:
        yield steps, node
