"""The `mtx run` bulk functions: pure edits of one unit's documents.

Each function takes the unit's documents and returns a `RunResult` (new documents, whether
anything changed, notes for the user). Input documents are never mutated: a document that changes
is edited on a deep copy; one that does not is returned as the same object. Existing keys keep
their place and new keys are appended, so the YAML writer rewrites only the changed lines.

Which containers a function touches: `set_env_var` and a bare-tag `set_image` edit the app
`containers` of every workload (init containers keep their own images and settings); with
`container=NAME` they edit the container of that name, init containers included. A full-reference
`set_image` edits every container, init ones too, whose image is from the same repository.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple

from mtx_gitops.core import paths
from mtx_gitops.core.imageref import ImageRef, is_version_only, parse_image, parse_version
from mtx_gitops.core.labels import check_annotation, check_label
from mtx_gitops.core.workloads import SCALABLE_KINDS, describe, workload_containers
from mtx_gitops.errors import UserError

Document = dict[str, Any]

_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")


class RunResult(NamedTuple):
    """What a bulk function did to one unit."""

    documents: list[Document]
    changed: bool
    notes: list[str]


def _edit_each(
    documents: list[Document],
    edit: Callable[[Document, list[str]], None],
    *,
    only: Collection[int] | None = None,
    notes: list[str] | None = None,
) -> RunResult:
    """Run `edit` on a copy of every document (or those at `only`), keeping those it left unchanged."""
    notes = [] if notes is None else notes
    result: list[Document] = []
    for index, document in enumerate(documents):
        if only is not None and index not in only:
            result.append(document)
            continue
        edited = copy_data(document)
        edit(edited, notes)
        result.append(document if edited == document else edited)
    changed = any(new is not old for new, old in zip(result, documents, strict=True))
    return RunResult(result, changed, notes)


def copy_data(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """`copy.deepcopy` for parsed YAML data, several times faster: dicts and lists are copied (an
    object met twice, as aliases give, is copied once, so shared stays shared), strings and other
    scalars are immutable and kept; any other type is left to `copy.deepcopy`."""
    memo = {} if memo is None else memo
    kind = type(value)
    if kind is dict or kind is list:
        known = memo.get(id(value))
        if known is not None:
            return known
        if kind is dict:
            mapping: dict[Any, Any] = {}
            memo[id(value)] = mapping
            for key, item in value.items():
                mapping[key] = item if type(item) in _IMMUTABLE else copy_data(item, memo)
            return mapping
        items: list[Any] = []
        memo[id(value)] = items
        items.extend(item if type(item) in _IMMUTABLE else copy_data(item, memo) for item in value)
        return items
    if kind in _IMMUTABLE:
        return value
    return copy.deepcopy(value, memo)


_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


def hpa_targets_of(documents: Collection[Any]) -> dict[str, str]:
    """`Kind/name` of each Deployment or StatefulSet an HPA in `documents` scales -> the HPA's name."""
    targets: dict[str, str] = {}
    for document in documents:
        if not isinstance(document, dict) or document.get("kind") != "HorizontalPodAutoscaler":
            continue
        spec = document.get("spec")
        ref = spec.get("scaleTargetRef") if isinstance(spec, dict) else None
        if isinstance(ref, dict) and ref.get("kind") in ("Deployment", "StatefulSet") and ref.get("name"):
            targets[f"{ref['kind']}/{ref['name']}"] = describe(document).partition("/")[2]
    return targets


def set_replicas(
    documents: list[Document],
    replicas: int,
    *,
    hpa_targets: Collection[str] = (),
    force: bool = False,
) -> RunResult:
    """Set spec.replicas of every Deployment, StatefulSet and ReplicaSet.

    `hpa_targets` names the workloads an HPA scales, as `Kind/name` or plain names (a mapping from
    `hpa_targets_of` also gives the HPA's name for the note); those are skipped unless `force`.
    """
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
        raise UserError(f"--replicas must be >= 0, not {replicas!r}")

    def edit(document: Document, notes: list[str]) -> None:
        if document.get("kind") not in SCALABLE_KINDS:
            return
        label = describe(document)
        key = next((k for k in (label, label.partition("/")[2]) if k in hpa_targets), None)
        if key is not None:
            hpa = f"HorizontalPodAutoscaler {hpa_targets[key]}" if isinstance(hpa_targets, Mapping) else "an HPA"
            if not force:
                notes.append(f"skipped {label}: scaled by {hpa}")
                return
            notes.append(f"set {label} although {hpa} scales it (--force)")
        spec = document.setdefault("spec", {})
        if not isinstance(spec, dict):
            raise UserError(f"{label}: spec is not an object")
        spec["replicas"] = replicas

    return _edit_each(documents, edit)


def set_env_var(documents: list[Document], assignment: str, *, container: str | None = None) -> RunResult:
    """Set `KEY=VALUE` in the env of every workload container (or of `container` only).

    An entry of that name is updated in place (a `valueFrom` gives way to the value); otherwise
    `{name, value}` is appended. The value is always a string; `KEY=` sets the empty string.
    """
    name, equals, value = assignment.partition("=")
    if not equals:
        raise UserError(f"--env-var must be KEY=VALUE: {assignment!r}")
    if _ENV_NAME.fullmatch(name) is None:
        raise UserError(
            f"invalid environment variable name {name!r}: use letters, digits, '-', '.' and '_', "
            "not starting with a digit"
        )

    def edit(document: Document, notes: list[str]) -> None:
        for item in workload_containers(document, container=container, include_init=False, notes=notes):
            env = item.setdefault("env", [])
            if not isinstance(env, list):
                raise UserError(f"{describe(document)}: env of container {item.get('name')!r} is not a list")
            entries = [entry for entry in env if isinstance(entry, dict) and entry.get("name") == name]
            for entry in entries:
                entry.pop("valueFrom", None)
                entry["value"] = value
            if not entries:
                env.append({"name": name, "value": value})

    return _edit_each(documents, edit)


def set_image(documents: list[Document], image: str, *, container: str | None = None) -> RunResult:
    """Set container images from a full reference or a bare `:tag` / `@sha256:…`.

    A full reference replaces the image of every container from the same repository, or, given
    `container`, the image of that container whatever it was. A bare tag or digest keeps each
    image's repository and replaces its tag and digest, in every app container or in `container`.
    """
    target: ImageRef | None = None
    tag: str | None = None
    digest: str | None = None
    if isinstance(image, str) and is_version_only(image):
        tag, digest = parse_version(image)
    else:
        target = parse_image(image)

    def edit(document: Document, notes: list[str]) -> None:
        by_repository = target is not None and container is None
        chosen = workload_containers(document, container=container, include_init=by_repository, notes=notes)
        for item in chosen:
            current = _current_image(item)
            if target is not None:
                if container is not None or (current is not None and current.same_repository(target)):
                    item["image"] = str(target)
            elif current is not None:
                item["image"] = str(current.with_version(tag=tag, digest=digest))
            else:
                notes.append(
                    f"skipped {describe(document)} container {item.get('name')!r}: "
                    f"its image {item.get('image')!r} is not a valid reference"
                )

    return _edit_each(documents, edit)


def _current_image(item: dict[str, Any]) -> ImageRef | None:
    """A container's image as a reference, or None when it is missing or does not parse."""
    image = item.get("image")
    try:
        return parse_image(image) if isinstance(image, str) else None
    except UserError:
        return None


def set_string_path(documents: list[Document], path: str, value: str, *, kind: str | None = None) -> RunResult:
    """Set the string `value` at a field path (`a.b[name=x].c`, see `core.paths`).

    The path is set in every document (of `kind`, when given) where its parent already exists, so
    a Service is not given a Deployment's fields; when it exists in none, the path is made in the
    first such document.
    """
    if not isinstance(value, str):
        raise UserError(f"set-string-path sets a string, not {type(value).__name__}")
    steps = paths.parse_path(path)
    candidates = [i for i, document in enumerate(documents) if kind is None or document.get("kind") == kind]
    chosen = [i for i in candidates if len(steps) == 1 or paths.get_all(documents[i], steps[:-1])]
    notes = [] if candidates else [f"no {kind} document to set {path} in"]

    def edit(document: Document, notes: list[str]) -> None:
        if paths.set_path(document, steps, value, create=True) == 0:
            notes.append(f"{describe(document)}: {path} cannot be set (it runs through a non-object)")

    return _edit_each(documents, edit, only=chosen or candidates[:1], notes=notes)


def set_label(documents: list[Document], key: str, value: str) -> RunResult:
    """Set metadata.labels[key] on every document (not pod templates: selectors are immutable)."""
    check_label(key, value)
    return _edit_each(documents, lambda document, _notes: _set_metadata(document, "labels", key, value))


def set_annotation(documents: list[Document], key: str, value: str) -> RunResult:
    """Set metadata.annotations[key] on every document."""
    check_annotation(key, value)
    return _edit_each(documents, lambda document, _notes: _set_metadata(document, "annotations", key, value))


def _set_metadata(document: Document, field: str, key: str, value: str) -> None:
    metadata = document.setdefault("metadata", {})
    section = metadata.get(field) if isinstance(metadata, dict) else None
    if section is None and isinstance(metadata, dict):
        section = metadata[field] = {}
    if not isinstance(section, dict):
        raise UserError(f"{describe(document)}: metadata.{field} is not an object")
    section[key] = value
