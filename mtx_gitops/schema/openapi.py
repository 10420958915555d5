"""The merge's type table from the official Kubernetes OpenAPI and from CRD schemas.

The official definitions come from the PyPI package `kubernetes-validate`, which ships the
OpenAPI of each Kubernetes minor as JSON (`kubernetes-json-schema/v1.N.0-local/_definitions.json`,
with the `x-kubernetes-*` extensions kubectl and the API server use). mtx reads that file without
importing the package, derives the compact table `core.kube_types` describes, and caches it with
marshal under the user cache, keyed by the file's size and modification time (a new package
version is a new key). A CRD's `openAPIV3Schema` converts by the same rules, one kind per
served version.
"""

from __future__ import annotations

import importlib.util
import json
import marshal
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mtx_gitops.core.kube_types import TypeTable
from mtx_gitops.errors import UserError

QUANTITY_DEF = "io.k8s.apimachinery.pkg.api.resource.Quantity"
INT_OR_STRING_DEF = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
_TABLE_FORMAT = 2
_EXTENSIONS = {
    "x-kubernetes-list-type": "lt",
    "x-kubernetes-list-map-keys": "k",
    "x-kubernetes-patch-merge-key": "mk",
    "x-kubernetes-patch-strategy": "ps",
    "x-kubernetes-map-type": "mt",
}

CrdKey = tuple[str, str, str]  # group, version, kind


def schema_root() -> Path:
    """Where `kubernetes-validate` keeps its schemas (found without importing the package)."""
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise UserError("the Kubernetes schemas are missing: pip install kubernetes-validate")
    return Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"


def definitions_file(version: str) -> Path:
    """The official definitions for Kubernetes `version` ("1.33")."""
    path = schema_root() / f"v{version}.0-local" / "_definitions.json"
    if not path.is_file():
        raise UserError(f"no Kubernetes {version} schema in kubernetes-validate (see 'mtx validate --help')")
    return path


def official_table(version: str) -> dict[str, Any]:
    """The compact table of Kubernetes `version`'s built-in kinds, from the cache when it is there."""
    source = definitions_file(version)
    stat = source.stat()
    cache = _cache_dir() / f"k8s-{version}-{stat.st_size}-{stat.st_mtime_ns}-f{_TABLE_FORMAT}.marshal"
    try:
        with open(cache, "rb") as handle:
            cached = marshal.load(handle)
        if isinstance(cached, dict):
            return cached
    except (OSError, EOFError, ValueError, TypeError):
        pass
    with open(source, encoding="utf-8") as handle:
        table = derive_table(json.load(handle).get("$defs", {}))
    _store(cache, table)
    return table


def derive_table(definitions: Mapping[str, Any]) -> dict[str, Any]:
    """The compact table of OpenAPI definitions: a type per definition and the kinds they serve."""
    defs: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for name, schema in definitions.items():
        if not isinstance(schema, dict):
            continue
        defs[name] = {**convert(schema, name=name), "n": name}
        unions = _unions(schema)
        if unions:
            defs[name]["u"] = unions
        for gvk in schema.get("x-kubernetes-group-version-kind") or ():
            if isinstance(gvk, dict):
                kinds[f"{gvk.get('group', '')}/{gvk.get('version', '')}/{gvk.get('kind', '')}"] = name
    return {"defs": defs, "kinds": kinds}


def crd_table(crds: Mapping[CrdKey, Any], *, prefix: str = "crd") -> dict[str, Any]:
    """The compact table of custom resources: one definition per (group, version, kind)."""
    defs: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for (group, version, kind), schema in crds.items():
        if not isinstance(schema, dict):
            continue
        name = f"{prefix}:{group}/{version}/{kind}"
        defs[name] = convert(schema, name=name, crd=True)
        kinds[f"{group}/{version}/{kind}"] = name
    return {"defs": defs, "kinds": kinds}


def crd_schemas(documents: Iterable[Any]) -> dict[CrdKey, Any]:
    """The `openAPIV3Schema` of every served version of the CRDs (apiextensions.k8s.io/v1) among `documents`."""
    found: dict[CrdKey, Any] = {}
    for doc in documents:
        if not isinstance(doc, dict) or doc.get("kind") != "CustomResourceDefinition":
            continue
        if doc.get("apiVersion") != "apiextensions.k8s.io/v1":
            continue
        spec = doc.get("spec")
        names = spec.get("names") if isinstance(spec, dict) else None
        group = spec.get("group") if isinstance(spec, dict) else None
        kind = names.get("kind") if isinstance(names, dict) else None
        if not isinstance(group, str) or not isinstance(kind, str):
            continue
        for version in spec.get("versions") or () if isinstance(spec, dict) else ():
            schema = (version.get("schema") or {}).get("openAPIV3Schema") if isinstance(version, dict) else None
            if isinstance(schema, dict) and isinstance(version.get("name"), str):
                found[(group, version["name"], kind)] = schema
    return found


def combined(tables: Iterable[Mapping[str, Any]]) -> TypeTable:
    """One TypeTable from several compact tables; later tables win for the same kind."""
    defs: dict[str, Any] = {}
    kinds: dict[str, str] = {}
    for table in tables:
        defs.update(table.get("defs") or {})
        kinds.update(table.get("kinds") or {})
    return TypeTable({"defs": defs, "kinds": kinds})


def convert(schema: Mapping[str, Any], *, name: str = "", crd: bool = False) -> dict[str, Any]:
    """The compact type of one OpenAPI (v2 definitions or v3 CRD) schema fragment.

    In a CRD's schema (`crd`), map lists also name their list-map-keys as the keys a strategic
    patch merges by: kubectl has no strategic patch for custom resources, and server-side apply
    merges those lists by these keys.
    """
    if name == QUANTITY_DEF:
        return {"t": "quantity"}
    if name == INT_OR_STRING_DEF or schema.get("x-kubernetes-int-or-string"):
        return _extended({"t": "intorstring"}, schema)
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _extended({"t": "ref", "r": ref.rsplit("/", 1)[-1]}, schema)
    for combinator in ("allOf", "anyOf", "oneOf"):
        parts = schema.get(combinator)
        if isinstance(parts, list) and len(parts) == 1 and isinstance(parts[0], dict):
            return _extended(convert({**schema, combinator: None, **parts[0]}, crd=crd), schema)
    kind = _type_name(schema.get("type"))
    if kind == "array":
        items = schema.get("items")
        desc: dict[str, Any] = {"t": "array"}
        if isinstance(items, dict):
            desc["i"] = convert(items, crd=crd)
        desc = _extended(desc, schema)
        if crd and desc.get("lt") == "map" and desc.get("k"):
            desc["sk"] = desc["k"]
        return desc
    if kind == "object" or "properties" in schema or "additionalProperties" in schema:
        return _object(schema, crd=crd)
    if kind in ("string", "integer", "number", "boolean"):
        desc = {"t": kind}
        if isinstance(schema.get("enum"), list):
            desc["e"] = [value for value in schema["enum"] if value is not None]
        return desc
    return _extended({"t": "any"}, schema)


def _object(schema: Mapping[str, Any], *, crd: bool) -> dict[str, Any]:
    properties = schema.get("properties")
    extra = schema.get("additionalProperties")
    if isinstance(properties, dict) and properties:
        desc: dict[str, Any] = {
            "t": "object",
            "p": {str(key): convert(value, crd=crd) for key, value in properties.items() if isinstance(value, dict)},
        }
        required = schema.get("required")
        if isinstance(required, list) and required:
            desc["req"] = [str(field) for field in required]
        if schema.get("x-kubernetes-preserve-unknown-fields") or extra not in (None, False):
            desc["x"] = True
        return _extended(desc, schema)
    if isinstance(extra, dict):
        return _extended({"t": "map", "v": convert(extra, crd=crd)}, schema)
    return _extended({"t": "any"}, schema)


def _unions(schema: Mapping[str, Any]) -> list[list[str]]:
    """The schema's discriminated unions (`x-kubernetes-unions`) as groups, discriminator first."""
    groups = []
    for union in schema.get("x-kubernetes-unions") or ():
        if isinstance(union, dict) and isinstance(union.get("fields-to-discriminateBy"), dict):
            members = [str(field) for field in union["fields-to-discriminateBy"]]
            discriminator = union.get("discriminator")
            groups.append([str(discriminator), *members] if discriminator else members)
    return groups


def _extended(desc: dict[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    for key, short in _EXTENSIONS.items():
        value = schema.get(key)
        if value is not None:
            desc[short] = list(value) if isinstance(value, list) else value
    return desc


def _type_name(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((item for item in value if item != "null"), None)
    return value if isinstance(value, str) else None


def _cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "mtx" / "schema"


def _store(cache: Path, table: dict[str, Any]) -> None:
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temp = cache.with_suffix(f".{os.getpid()}.tmp")
        with open(temp, "wb") as handle:
            marshal.dump(table, handle)
        os.replace(temp, cache)
    except OSError:  # a read-only home only costs the derivation next time
        pass
