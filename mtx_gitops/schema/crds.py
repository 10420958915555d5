"""CustomResourceDefinitions as plain data: the schema of every custom kind a repo defines.

A repo's CRDs are the `apiextensions.k8s.io/v1` CustomResourceDefinition documents in its units
(any space), in `base/`, and in YAML or JSON files under `schemas/`. Each served version of a CRD
is one kind, `(group, version, kind)`, with its `openAPIV3Schema` and its scope. When two files
define the same kind, the first wins in this order: `schemas/`, then `base/`, then `spaces/`, each
by path (a CRD copied into many spaces is usually the same everywhere).

What each file defines is cached by git blob id in the repo's parse cache (content-addressed, so
never stale); a file whose text does not name `CustomResourceDefinition` is never parsed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtx_gitops import yaml
from mtx_gitops.adapters.gitrepo import blob_id
from mtx_gitops.core.layout import role_of
from mtx_gitops.core.model import BASE_DIR, SPACES_DIR
from mtx_gitops.errors import UserError

if TYPE_CHECKING:
    from mtx_gitops.store import Snapshot

SCHEMAS_DIR = "schemas"
CRD_API = "apiextensions.k8s.io/v1"
CRD_KIND = "CustomResourceDefinition"
_MARKER = CRD_KIND.encode()
_SUFFIXES = (".yaml", ".yml", ".json")

Gvk = tuple[str, str, str]  # group, version, kind


@dataclass(frozen=True)
class CrdType:
    """One served version of a CustomResourceDefinition: a custom kind and its schema."""

    group: str
    version: str
    kind: str
    scope: str  # "Namespaced" or "Cluster"
    schema: dict[str, Any]  # the version's openAPIV3Schema ({} when the CRD gives none)
    source: str  # the file that defines it

    @property
    def gvk(self) -> Gvk:
        return (self.group, self.version, self.kind)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"


Crds = dict[Gvk, CrdType]


def crd_types(documents: Iterable[Any], *, source: str) -> list[CrdType]:
    """The custom kinds the CRD documents among `documents` define (other documents are skipped)."""
    found: list[CrdType] = []
    for doc in documents:
        if not isinstance(doc, dict) or doc.get("apiVersion") != CRD_API or doc.get("kind") != CRD_KIND:
            continue
        spec = doc.get("spec")
        if not isinstance(spec, dict):
            continue
        names = spec.get("names")
        group, kind = spec.get("group"), names.get("kind") if isinstance(names, dict) else None
        if not isinstance(group, str) or not isinstance(kind, str):
            continue
        scope = spec.get("scope") if spec.get("scope") in ("Namespaced", "Cluster") else "Namespaced"
        for entry in spec.get("versions") or ():
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or entry.get("served") is False:
                continue
            holder = entry.get("schema")
            schema = holder.get("openAPIV3Schema") if isinstance(holder, dict) else None
            schema = schema if isinstance(schema, dict) else {}
            found.append(CrdType(group, entry["name"], kind, str(scope), schema, source))
    return found


def crds_in_files(paths: Sequence[Path]) -> Crds:
    """The custom kinds defined in local files (`--crd FILE`); a file that defines none is refused."""
    crds: Crds = {}
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read CRD file {path}: {exc.strerror or exc}") from None
        types = crd_types(_parse(data, str(path), as_json=path.suffix == ".json"), source=str(path))
        if not types:
            raise UserError(f"{path}: no {CRD_API} {CRD_KIND} in it")
        for crd in types:
            crds.setdefault(crd.gvk, crd)
    return crds


def crds_at(snapshot: Snapshot, *, changes: Mapping[str, bytes | None] | None = None) -> Crds:
    """The custom kinds a repo defines at `snapshot`, or in the tree a write makes of it with `changes`.

    `changes` maps paths to their new content (None: deleted), as a transaction's plan does.
    """
    changes = changes or {}
    sources = crd_sources(snapshot)
    pending: dict[str, bytes] = {}
    for path, data in changes.items():
        if data is None:
            sources.pop(path, None)
        elif _is_source(path):
            sources[path] = blob_id(data)
            pending[sources[path]] = data

    def read(blobs: Iterable[str]) -> dict[str, bytes]:
        wanted = list(blobs)
        found = {blob: pending[blob] for blob in wanted if blob in pending}
        return found | snapshot.repo.git.read_blobs(blob for blob in wanted if blob not in found)

    rows: dict[str, list[list[Any]]] = {}  # path -> the CRDs it defines
    for parser, paths in _by_parser(sources).items():
        wanted = {sources[path]: path for path in paths}
        found = snapshot.repo.cache.documents(wanted, kind=f"crds-{parser}", read=read, parse=_cached_parser(parser))
        rows.update({path: found[sources[path]] for path in paths})
    crds: Crds = {}
    for path in sorted(rows, key=_precedence):
        for group, version, kind, scope, schema in rows[path]:
            crds.setdefault((group, version, kind), CrdType(group, version, kind, scope, schema, path))
    return crds


def crd_sources(snapshot: Snapshot) -> dict[str, str]:
    """path -> blob of every file that may define CRDs: units, `base/` and `schemas/` files."""
    found = {path: blob for path, blob in snapshot.files.items() if role_of(path).role == "unit"}
    for directory in (BASE_DIR, SCHEMAS_DIR):
        found.update({path: blob for path, blob in snapshot.files_under(directory).items() if _is_source(path)})
    return found


def _is_source(path: str) -> bool:
    if path.startswith(f"{SPACES_DIR}/"):
        return role_of(path).role == "unit"
    return path.startswith((f"{BASE_DIR}/", f"{SCHEMAS_DIR}/")) and path.endswith(_SUFFIXES)


def _precedence(path: str) -> tuple[int, str]:
    order = 0 if path.startswith(f"{SCHEMAS_DIR}/") else 1 if path.startswith(f"{BASE_DIR}/") else 2
    return (order, path)


def _by_parser(paths: Iterable[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for path in paths:
        grouped.setdefault("json" if path.endswith(".json") else "yaml", []).append(path)
    return grouped


def _cached_parser(kind: str) -> Callable[[bytes, str], list[list[Any]]]:
    """A parse-cache parser: the CRDs of one file as marshal-able rows (group, version, kind, scope, schema)."""

    def parse(data: bytes, source: str) -> list[list[Any]]:
        if _MARKER not in data:
            return []
        docs = _parse(data, source, as_json=kind == "json")
        return [[c.group, c.version, c.kind, c.scope, c.schema] for c in crd_types(docs, source=source)]

    return parse


def _parse(data: bytes, source: str, *, as_json: bool) -> list[Any]:
    """The documents of a YAML or JSON file of CRDs (a JSON file may hold one object, a list, or a List)."""
    if not as_json:
        return yaml.load_documents(data, source=source)
    try:
        loaded = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"{source}: not valid JSON ({exc})") from None
    if isinstance(loaded, dict) and isinstance(loaded.get("items"), list) and "spec" not in loaded:
        return list(loaded["items"])
    return loaded if isinstance(loaded, list) else [loaded]
