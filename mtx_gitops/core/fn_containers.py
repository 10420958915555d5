"""cub's container functions: set-image, set-image-uri, set-image-reference, set-env-var, set-env,
set-container-resources and set-pod-defaults, with cub's arguments.

A container is named by `container-name` and found in `containers`, `initContainers` and
`ephemeralContainers` of every workload's pod spec (Deployment, StatefulSet, DaemonSet, ReplicaSet,
Job, CronJob, Pod); `*` names every container. A container named nowhere changes nothing (a note says so).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from mtx_gitops.core.fn_resources import PLACEHOLDER
from mtx_gitops.core.functions import Document, RunResult, _edit_each
from mtx_gitops.core.imageref import is_version_only, parse_image, parse_version
from mtx_gitops.core.quantity import parse_quantity
from mtx_gitops.core.workloads import describe, pod_spec
from mtx_gitops.errors import UserError

CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")
OPERATIONS = ("all", "cap", "floor")


def named_containers(document: Document, name: str, notes: list[str]) -> list[dict[str, Any]]:
    """The containers called `name` (every container for `*`) in a workload document."""
    spec = pod_spec(document)
    if spec is None:
        return []
    found: list[dict[str, Any]] = []
    for field in CONTAINER_LISTS:
        items = spec.get(field)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and (name == "*" or item.get("name") == name):
                found.append(item)
    if not found:
        notes.append(f"{describe(document)} has no container {name!r}")
    return found


def set_container_image(documents: list[Document], container: str, image: str) -> RunResult:
    """set-image: the whole image (repository and reference) of the named containers."""
    parse_image(image)
    return _each_container(documents, container, lambda item: item.__setitem__("image", image))


def set_image_uri(documents: list[Document], container: str, uri: str) -> RunResult:
    """set-image-uri: the repository of the named containers' images, keeping each one's tag and digest."""
    wanted = parse_image(uri)
    if wanted.tag is not None or wanted.digest is not None:
        raise UserError(f"invalid repository URI {uri!r}: give it without a tag or digest")

    def edit(item: dict[str, Any]) -> None:
        current = _image(item)
        item["image"] = str(wanted.with_version(tag=current.tag, digest=current.digest)) if current else uri

    return _each_container(documents, container, edit)


def set_image_reference(documents: list[Document], container: str, reference: str) -> RunResult:
    """set-image-reference: the `:tag` and/or `@digest` of the named containers' images."""
    if not is_version_only(reference):
        raise UserError(f"invalid image reference {reference!r}: start it with ':' (a tag) or '@' (a digest)")
    tag, digest = parse_version(reference)

    def edit(item: dict[str, Any]) -> None:
        current = _image(item)
        if current is not None:
            item["image"] = str(current.with_version(tag=tag, digest=digest))

    return _each_container(documents, container, edit)


def _image(item: dict[str, Any]) -> Any:
    image = item.get("image")
    try:
        return parse_image(image) if isinstance(image, str) else None
    except UserError:
        return None


def set_env(documents: list[Document], container: str, pairs: Sequence[str]) -> RunResult:
    """set-env: upsert `KEY=VALUE` in the named containers' env, in the order given; `KEY=` removes KEY."""
    wanted: dict[str, str] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key:
            raise UserError(f"invalid key-value pair: {pair!r} (write KEY=VALUE; KEY= removes KEY)")
        wanted[key] = value
    if not wanted:
        raise UserError("set-env needs at least one KEY=VALUE")

    def edit(item: dict[str, Any]) -> None:
        env = item.get("env")
        if env is None:
            env = item["env"] = []
        if not isinstance(env, list):
            raise UserError(f"env of container {item.get('name')!r} is not a list")
        for key, value in wanted.items():
            entries = [e for e in env if isinstance(e, dict) and e.get("name") == key]
            if not value:
                env[:] = [e for e in env if not (isinstance(e, dict) and e.get("name") == key)]
            elif entries:
                for entry in entries:
                    entry.pop("valueFrom", None)
                    entry["value"] = value
            else:
                env.append({"name": key, "value": value})
        if not env:
            del item["env"]

    return _each_container(documents, container, edit)


def set_env_var(documents: list[Document], container: str, name: str, value: str) -> RunResult:
    """set-env-var: one variable of the named containers (updated in place, else appended)."""
    if not name:
        raise UserError("set-env-var needs an env-var name")

    def edit(item: dict[str, Any]) -> None:
        env = item.setdefault("env", [])
        if not isinstance(env, list):
            raise UserError(f"env of container {item.get('name')!r} is not a list")
        entries = [e for e in env if isinstance(e, dict) and e.get("name") == name]
        for entry in entries:
            entry.pop("valueFrom", None)
            entry["value"] = value
        if not entries:
            env.append({"name": name, "value": value})

    return _each_container(documents, container, edit)


def set_container_resources(
    documents: list[Document], container: str, *, operation: str, cpu: str, memory: str, limit_factor: int
) -> RunResult:
    """set-container-resources: requests of cpu and memory (either may be empty), limits at
    `limit_factor` times the requests (0 removes the limits). `all` sets them; `cap` lowers larger
    values to these; `floor` raises smaller ones."""
    if operation not in OPERATIONS:
        raise UserError(f"invalid operation {operation!r}: expected one of {', '.join(OPERATIONS)}")
    if not cpu and not memory:
        raise UserError("set-container-resources needs at least one of --cpu and --memory")
    for name, text in (("cpu", cpu), ("memory", memory)):
        if text and parse_quantity(text) is None:
            raise UserError(f"invalid {name} {text!r}: expected a Kubernetes quantity, such as 500m or 256Mi")
    wanted = {"cpu": cpu, "memory": memory}

    def edit(item: dict[str, Any]) -> None:
        resources = item.get("resources")
        if not isinstance(resources, dict):
            resources = item["resources"] = {}
        _bound(resources, "requests", wanted, operation)
        if limit_factor == 0:
            resources.pop("limits", None)
        else:
            limits = {k: scale_quantity(v, limit_factor) for k, v in wanted.items() if v}
            _bound(resources, "limits", limits, operation)

    return _each_container(documents, container, edit)


def _bound(resources: dict[str, Any], section: str, wanted: dict[str, str], operation: str) -> None:
    current = resources.get(section)
    if not isinstance(current, dict):
        current = resources[section] = {}
    for name, text in wanted.items():
        if not text:
            continue
        old = parse_quantity(current.get(name))
        new = parse_quantity(text)
        assert new is not None
        if old is not None and ((operation == "cap" and old < new) or (operation == "floor" and old > new)):
            continue
        current[name] = text


def scale_quantity(text: str, factor: int) -> str:
    """A quantity times an integer, written as Kubernetes writes it: `500m`×2 is `1`, `256Mi`×2 `512Mi`."""
    amount = parse_quantity(text)
    if amount is None:
        raise UserError(f"invalid quantity {text!r}")
    total = amount * factor
    binary = text.rstrip()[-2:] in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
    suffixes = (
        (("Ei", 60), ("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10))
        if binary
        else (("E", 18), ("P", 15), ("T", 12), ("G", 9), ("M", 6), ("k", 3))
    )
    for suffix, power in suffixes:
        unit = Decimal(2) ** power if binary else Decimal(10) ** power
        if total >= unit and total % unit == 0:
            return f"{int(total / unit)}{suffix}"
    if total == total.to_integral_value():
        return str(int(total))
    for suffix, power in (("m", 3), ("u", 6), ("n", 9)):
        scaled = total * Decimal(10) ** power
        if scaled == scaled.to_integral_value():
            return f"{int(scaled)}{suffix}"
    return str(total)


def set_pod_defaults(
    documents: list[Document],
    *,
    pod_security: bool = False,
    automount_service_account_token: bool = False,
    security_context: bool = False,
    resources: bool = False,
    probes: bool = False,
) -> RunResult:
    """set-pod-defaults: cub's best-practice pod settings, each group when asked; terminationGracePeriodSeconds
    60 wherever it is missing."""

    def edit(document: Document, _notes: list[str]) -> None:
        if document.get("kind") == "Namespace" and document.get("apiVersion") == "v1":
            if pod_security:
                labels = document.setdefault("metadata", {}).setdefault("labels", {})
                labels.update(_POD_SECURITY_LABELS)
            return
        spec = pod_spec(document)
        if spec is None:
            return
        if automount_service_account_token:
            spec["automountServiceAccountToken"] = False
        spec.setdefault("terminationGracePeriodSeconds", 60)
        if security_context:
            spec.setdefault("securityContext", {}).setdefault("seccompProfile", {})["type"] = "RuntimeDefault"
        for field in CONTAINER_LISTS:
            items = spec.get(field)
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                if security_context:
                    _container_security(item)
                if resources:
                    res = item.get("resources")
                    if not isinstance(res, dict):
                        res = item["resources"] = {}
                    _bound(res, "requests", {"cpu": "128m", "memory": "128Mi"}, "floor")
                if probes and field == "containers":
                    _probes(item)

    return _edit_each(documents, edit)


_POD_SECURITY_LABELS = {
    "pod-security.kubernetes.io/enforce": "baseline",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/warn-version": "latest",
}


def _container_security(item: dict[str, Any]) -> None:
    context = item.get("securityContext")
    if not isinstance(context, dict):
        context = item["securityContext"] = {}
    context.update(readOnlyRootFilesystem=True, runAsNonRoot=True, allowPrivilegeEscalation=False, privileged=False)
    capabilities = context.setdefault("capabilities", {})
    if isinstance(capabilities, dict) and "drop" not in capabilities:
        capabilities["drop"] = ["ALL"]
    item.setdefault("imagePullPolicy", "Always")


def _probes(item: dict[str, Any]) -> None:
    """A readiness probe copied from the liveness or startup probe, or all three on the first port."""
    if "readinessProbe" in item:
        return
    model = item.get("livenessProbe") or item.get("startupProbe")
    if isinstance(model, dict):
        item["readinessProbe"] = {**model, "initialDelaySeconds": 5, "periodSeconds": 10}
        return
    ports = item.get("ports")
    first = ports[0] if isinstance(ports, list) and ports and isinstance(ports[0], dict) else {}
    port = first.get("containerPort") if isinstance(first.get("containerPort"), int) else 8080
    for name, delay, failures in (("startupProbe", 10, 30), ("livenessProbe", 30, 3), ("readinessProbe", 5, 3)):
        item[name] = {
            "httpGet": {"path": PLACEHOLDER, "port": port},
            "initialDelaySeconds": delay,
            "periodSeconds": 10,
            "timeoutSeconds": 1,
            "failureThreshold": failures,
            "successThreshold": 1,
        }


def _each_container(documents: list[Document], container: str, edit: Callable[[dict[str, Any]], None]) -> RunResult:
    if not container:
        raise UserError("missing --container-name (use '*' for every container)")

    def each(document: Document, notes: list[str]) -> None:
        for item in named_containers(document, container, notes):
            edit(item)

    return _edit_each(documents, each)
