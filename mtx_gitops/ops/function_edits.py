"""What each mutating function of the catalogue does with its bound arguments (`core.fn_catalog.bind`).

An edit is a function of the snapshot, the unit and the unit's documents (snapshot and unit are None
when the arguments are checked before the repo is read). mtx's older spellings (`--image :v2`,
`--env-var K=V`, `--label K=V`, `--value`) map to mtx's own functions, with their meaning.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.core import fn_containers, fn_paths, fn_resources, functions
from mtx_gitops.core.functions import RunResult
from mtx_gitops.core.model import UnitRef
from mtx_gitops.errors import UserError
from mtx_gitops.ops.kinds import types_for
from mtx_gitops.store import Snapshot

Documents = list[dict[str, Any]]
Mutator = Callable[[Snapshot | None, UnitRef | None, Documents], RunResult]
Args = dict[str, Any]


def mutator(name: str, args: Args) -> Mutator:
    """The edit `name` makes with `args`, tried once on no documents so bad arguments fail first."""
    make = _EDITS.get(name)
    if make is None:
        raise UserError(f"{name} does not change units")
    edit = make(args)
    edit(None, None, [])
    return edit


def _path_setter(kind: str) -> Callable[[Args], Mutator]:
    def make(args: Args) -> Mutator:
        value = args.get("attribute-value", args.get("value"))
        if value is None:
            raise UserError("missing --attribute-value")
        path, resource = args["path"], args.get("resource-type")

        def edit(snap: Snapshot | None, _ref: UnitRef | None, docs: Documents) -> RunResult:
            return fn_paths.set_typed_path(
                docs, path=path, value=value, value_kind=kind, types=types_for(snap), resource=resource
            )

        return edit

    return make


def _set_image(args: Args) -> Mutator:
    if "image" in args:
        container = args.get("container") or args.get("container-name")
        return lambda _s, _r, docs: functions.set_image(docs, args["image"], container=container)
    return lambda _s, _r, docs: fn_containers.set_container_image(docs, args["container-name"], args["container-image"])


def _set_image_uri(args: Args) -> Mutator:
    return lambda _s, _r, docs: fn_containers.set_image_uri(docs, args["container-name"], args["repository-uri"])


def _set_image_reference(args: Args) -> Mutator:
    return lambda _s, _r, docs: fn_containers.set_image_reference(docs, args["container-name"], args["image-reference"])


def _set_env_var(args: Args) -> Mutator:
    container = args.get("container-name") or args.get("container")
    if "env-value" not in args:
        if "=" not in args["env-var"]:
            raise UserError(f"--env-var must be KEY=VALUE, or give --env-value: {args['env-var']!r}")
        return lambda _s, _r, docs: functions.set_env_var(docs, args["env-var"], container=container)
    if container is None:
        raise UserError("set-env-var needs --container-name ('*' for every container)")
    return lambda _s, _r, docs: fn_containers.set_env_var(docs, container, args["env-var"], args["env-value"])


def _set_env(args: Args) -> Mutator:
    return lambda _s, _r, docs: fn_containers.set_env(docs, args["container-name"], args["env-key-value"])


def _set_container_resources(args: Args) -> Mutator:
    def edit(_s: Snapshot | None, _r: UnitRef | None, docs: Documents) -> RunResult:
        return fn_containers.set_container_resources(
            docs,
            args["container-name"],
            operation=args["operation"],
            cpu=args["cpu"],
            memory=args["memory"],
            limit_factor=args["limit-factor"],
        )

    return edit


def _set_replicas(args: Args) -> Mutator:
    replicas, force = args["replicas"], bool(args.get("force"))
    hpas: dict[str, dict[str, str]] = {}  # space -> the workloads its HPAs scale

    def edit(snap: Snapshot | None, ref: UnitRef | None, docs: Documents) -> RunResult:
        if snap is None or ref is None:
            return functions.set_replicas(docs, replicas)
        if ref.space not in hpas:
            units = snap.units(snap.refs([ref.space]))
            hpas[ref.space] = functions.hpa_targets_of([d for u in units for d in u.documents])
        return functions.set_replicas(docs, replicas, hpa_targets=hpas[ref.space], force=force)

    return edit


def _pair(args: Args, key: str, value: str, legacy: str) -> tuple[str, str]:
    if legacy in args:
        k, sep, v = str(args[legacy]).partition("=")
        if not sep or not k:
            raise UserError(f"--{legacy} must be KEY=VALUE: {args[legacy]!r}")
        return k, v
    return args[key], args[value]


def _set_label(args: Args) -> Mutator:
    key, value = _pair(args, "label-key", "label-value", "label")
    return lambda _s, _r, docs: functions.set_label(docs, key, value)


def _set_annotation(args: Args) -> Mutator:
    key, value = _pair(args, "annotation-key", "annotation-value", "annotation")
    return lambda _s, _r, docs: functions.set_annotation(docs, key, value)


def _set_namespace(args: Args) -> Mutator:
    return lambda _s, _r, docs: fn_resources.set_namespace(docs, args["namespace-name"])


def _set_pod_defaults(args: Args) -> Mutator:
    flags = {name.replace("-", "_"): bool(value) for name, value in args.items()}
    return lambda _s, _r, docs: fn_containers.set_pod_defaults(docs, **flags)


def _delete_resource(args: Args) -> Mutator:
    wanted, name = fn_resources.check_resource_type(args["resource-type"]), args["resource-name"]

    def edit(snap: Snapshot | None, _r: UnitRef | None, docs: Documents) -> RunResult:
        if snap is None:
            return RunResult(docs, False, [])
        return fn_resources.delete_resource(docs, wanted, name)

    return edit


def _upsert_resource(args: Args) -> Mutator:
    wanted, name = fn_resources.check_resource_type(args["resource-type"]), args["resource-name"]
    resource = _resource_from(args["resource-list"], wanted, name)
    return lambda _s, _r, docs: fn_resources.upsert_resource(docs, resource, wanted, name)


def _search_replace(args: Args) -> Mutator:
    return lambda _s, _r, docs: fn_resources.search_replace(docs, args["search-value"], args["replace-value"])


def _resource_from(text: str, wanted_type: str, name: str) -> dict[str, Any]:
    """The resource to upsert, from cub's ResourceList JSON or from one YAML/JSON document."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, list):
        for entry in data:
            if not isinstance(entry, dict) or entry.get("ResourceType") != wanted_type:
                continue
            if str(entry.get("ResourceName", "")).rpartition("/")[2] == name.rpartition("/")[2]:
                return _one(yaml.load_documents(str(entry.get("ResourceBody", "")), source="resource-list"))
        raise UserError(f"resource with type {wanted_type} and name {name} not found in resource-list")
    return _one(yaml.load_documents(text, source="resource-list"))


def _one(documents: list[Any]) -> dict[str, Any]:
    if len(documents) != 1 or not isinstance(documents[0], dict):
        raise UserError("resource-list must hold exactly one resource")
    return documents[0]


_EDITS: dict[str, Callable[[Args], Mutator]] = {
    "set-image-reference": _set_image_reference,
    "set-image": _set_image,
    "set-image-uri": _set_image_uri,
    "set-env-var": _set_env_var,
    "set-env": _set_env,
    "set-replicas": _set_replicas,
    "set-container-resources": _set_container_resources,
    "set-string-path": _path_setter("string"),
    "set-int-path": _path_setter("integer"),
    "set-bool-path": _path_setter("boolean"),
    "set-namespace": _set_namespace,
    "set-label": _set_label,
    "set-annotation": _set_annotation,
    "set-pod-defaults": _set_pod_defaults,
    "delete-resource": _delete_resource,
    "upsert-resource": _upsert_resource,
    "search-replace": _search_replace,
}
