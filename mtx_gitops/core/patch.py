"""`mtx unit update --patch`: parse a JSON patch text and apply it to a unit's documents.

Three patch types, as `kubectl patch` has them:
- `strategic` (default): Kubernetes strategic merge patch (see `core.strategic`): lists merge as
  the document's type says (containers and env by name, ports by containerPort; tolerations
  and args are replaced).
- `merge`: RFC 7386 JSON merge patch; maps merge, lists are replaced, `null` deletes.
- `json`: RFC 6902 JSON patch, a list of operations, applied with `jsonpatch`.

Which document: a json patch applies to the first document of the unit. A strategic or merge patch
applies to the first document too, unless it names one by `kind` and `metadata.name` (and
`metadata.namespace`, when given): then it applies to the document with that identity.

The patched document is a fresh copy; the other documents are returned as they were. Existing keys
keep their order and new keys are appended. A result that is no longer a Kubernetes object (no
apiVersion, kind or metadata.name) is refused.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Literal

from mtx_gitops.core.json_patch import JsonPatchFailure, apply_json_patch
from mtx_gitops.core.kube_types import TypeTable
from mtx_gitops.core.strategic import DELETED, merge_map
from mtx_gitops.core.workloads import describe
from mtx_gitops.errors import PatchError

PatchType = Literal["strategic", "merge", "json"]
PATCH_TYPES: tuple[str, ...] = ("strategic", "merge", "json")
_OP_EXAMPLE = '{"op": "replace", "path": "/spec/replicas", "value": 2}'


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text} is out of range")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_patch(text: str, *, source: str = "--patch", type: PatchType | None = None) -> Any:
    """Parse a patch text as JSON; with `type`, also check its shape (an object, or a list of ops)."""
    try:
        patch = json.loads(
            text, parse_constant=_reject_constant, parse_float=_finite_float, object_pairs_hook=_unique_keys
        )
    except json.JSONDecodeError as exc:
        raise PatchError(f"invalid patch ({source}): {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except ValueError as exc:
        raise PatchError(f"invalid patch ({source}): {exc}") from None
    except RecursionError:
        raise PatchError(f"invalid patch ({source}): nested too deeply") from None
    if type is not None:
        check_shape(patch, type=type, source=source)
    return patch


def check_shape(patch: Any, *, type: PatchType, source: str = "--patch") -> None:
    """Raise PatchError unless `patch` has the shape its type needs."""
    if type not in PATCH_TYPES:
        raise PatchError(f"unknown patch type {type!r}: use strategic, merge or json")
    if type == "json":
        if not isinstance(patch, list) or not all(isinstance(op, dict) and "op" in op for op in patch):
            raise PatchError(f"invalid patch ({source}): a json patch is a list of operations like {_OP_EXAMPLE}")
    elif not isinstance(patch, dict):
        raise PatchError(f"invalid patch ({source}): a {type} patch must be a JSON object")


def apply_patch(
    documents: list[dict[str, Any]], patch: Any, *, type: PatchType = "strategic", types: TypeTable | None = None
) -> list[dict[str, Any]]:
    """Apply one patch to a unit's documents and return the new list of documents.

    A strategic patch merges lists as the document's type says (`types`: the built-in kinds and
    the repo's CRDs); without a table, only kyaml's inference keys lists.
    """
    check_shape(patch, type=type)
    if not documents:
        raise PatchError("cannot patch a unit with no documents")
    index = 0 if type == "json" else _target_index(documents, patch)
    original = documents[index]
    if type == "json":
        patched = _apply_json(original, patch)
    elif type == "merge":
        patched = merge_patch(copy.deepcopy(original), patch)
    else:
        node = types.for_document(original) if types is not None else None
        patched = merge_map(copy.deepcopy(original), patch, node=node, where="")
    _check_object(patched, was=original)
    result = list(documents)
    result[index] = patched
    return result


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch: a new value; `target` is not modified."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.copy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _apply_json(document: dict[str, Any], operations: list[dict[str, Any]]) -> Any:
    try:
        return apply_json_patch(document, operations)
    except JsonPatchFailure as exc:
        raise PatchError(f"json patch failed on {describe(document)}: {exc}") from None


def _target_index(documents: list[dict[str, Any]], patch: dict[str, Any]) -> int:
    """The document a strategic or merge patch names by kind and metadata.name, else the first."""
    metadata = patch.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    kind = patch.get("kind")
    if not isinstance(kind, str) or not isinstance(name, str):
        return 0
    namespace = metadata.get("namespace") if isinstance(metadata, dict) else None
    for index, document in enumerate(documents):
        meta = document.get("metadata")
        if (
            document.get("kind") == kind
            and isinstance(meta, dict)
            and meta.get("name") == name
            and (namespace is None or meta.get("namespace") == namespace)
        ):
            return index
    raise PatchError(f"the patch names {kind}/{name}, which is not a document of this unit")


def _check_object(patched: Any, *, was: dict[str, Any]) -> None:
    """Refuse a result that is no longer a Kubernetes object."""
    label = describe(was)
    if patched is DELETED or not isinstance(patched, dict):
        raise PatchError(f"the patch would delete {label}; delete the unit instead")
    for field in ("apiVersion", "kind"):
        if not isinstance(patched.get(field), str) or not patched[field]:
            raise PatchError(f"the patch would leave {label} without {field}")
    metadata = patched.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    if not isinstance(name, str) or not name:
        raise PatchError(f"the patch would leave {label} without metadata.name")
