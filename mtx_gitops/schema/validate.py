"""Validate Kubernetes documents against the official schemas of one version and a repo's CRDs.

A document of a built-in kind is checked against the strict JSON schema `kubernetes-validate` ships
for it (unknown fields are refused, as `kubectl --validate=strict` refuses them), plus the rules
the API server enforces beyond its OpenAPI (`api_rules`: one-of groups, enums, quantities). A
custom resource is checked against its CRD's `openAPIV3Schema`; one of a CRD mtx has not seen
passes with a warning. A built-in group at a version the Kubernetes version does not serve
(`apps/v1beta1`) is an error.

The walk follows the document, not the schema, so its cost is the document's size (~90 µs for a
Deployment); the README's design notes compare it with `jsonschema` and `fastjsonschema`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, Literal

from mtx_gitops.core.path_syntax import Step, format_path
from mtx_gitops.schema import version as versions
from mtx_gitops.schema.api_rules import check_object
from mtx_gitops.schema.crds import Crds, Gvk
from mtx_gitops.schema.nodes import Definitions, Node, compile_crd

Severity = Literal["error", "warning"]
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
Path = tuple[Any, ...]  # linked: (parent path, key or index), () at the root; flat only when reported


@dataclass(frozen=True)
class DocumentRef:
    """Which document a finding is about: its file (or unit) and its place and identity in it."""

    source: str  # "space/unit", or a file name
    index: int  # 1-based position in the file
    api_version: str
    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.source}: {self.api_version} {self.kind} {self.name or f'(document {self.index})'}"

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "index": self.index,
            "apiVersion": self.api_version,
            "kind": self.kind,
            "name": self.name,
        }


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a document: where (a field path, "" for the document) and what is expected."""

    document: DocumentRef
    path: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def as_json(self) -> dict[str, Any]:
        return {
            "document": self.document.as_json(),
            "path": self.path,
            "message": self.message,
            "severity": self.severity,
        }


def by_document(findings: Iterable[Finding]) -> dict[DocumentRef, list[Finding]]:
    """Findings grouped by the document they are about, in order."""
    grouped: dict[DocumentRef, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.document, []).append(finding)
    return grouped


def document_ref(doc: Any, *, source: str, index: int) -> DocumentRef:
    meta = doc.get("metadata") if isinstance(doc, dict) else None
    name = meta.get("name") if isinstance(meta, dict) else None
    get = doc.get if isinstance(doc, dict) else (lambda _key: None)
    return DocumentRef(source, index, str(get("apiVersion") or ""), str(get("kind") or ""), str(name or ""))


@cache
def _official(version: str) -> tuple[Definitions, dict[Gvk, str]]:
    """The compiled-on-demand strict definitions of a Kubernetes version and their kinds."""
    path = versions.schema_dir(version, strict=True) / "_definitions.json"
    with open(path, encoding="utf-8") as handle:
        raw = json.load(handle).get("$defs", {})
    kinds: dict[Gvk, str] = {}
    for name, schema in raw.items():
        for gvk in schema.get("x-kubernetes-group-version-kind") or ():
            kinds.setdefault((gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", "")), name)
    return Definitions(raw), kinds


def split_api_version(api_version: str) -> tuple[str, str]:
    group, _, ver = api_version.rpartition("/")
    return group, ver


class Validator:
    """Checks documents against Kubernetes `version` and the CRDs `crds` returns (asked for on first need)."""

    def __init__(self, version: str, crds: Callable[[], Crds] = dict) -> None:
        self.version = version
        self._crds = crds
        self._roots: dict[tuple[str, str], Node | str] = {}

    @cached_property
    def _defs(self) -> tuple[Definitions, dict[Gvk, str]]:
        return _official(self.version)

    @cached_property
    def _builtin_groups(self) -> frozenset[str]:
        return frozenset(group for group, _, _ in self._defs[1])

    @cached_property
    def crds(self) -> Crds:
        return self._crds()

    def is_builtin(self, api_version: str, kind: str) -> bool:
        """A kind of the official API (its schema needs no CRD)."""
        return (*split_api_version(api_version), kind) in self._defs[1]

    def root(self, api_version: str, kind: str) -> Node | str:
        """The schema of a kind, or why there is none (a warning for a custom kind with no CRD, else an error)."""
        key = (api_version, kind)
        if key not in self._roots:
            self._roots[key] = self._find_root(api_version, kind)
        return self._roots[key]

    def _find_root(self, api_version: str, kind: str) -> Node | str:
        defs, kinds = self._defs
        group, ver = split_api_version(api_version)
        name = kinds.get((group, ver, kind))
        if name is not None:
            return defs.node(name)
        if group in self._builtin_groups:
            return f"error:Kubernetes {self.version} has no {api_version} {kind} (see kubernetesVersion in mtx.yaml)"
        crd = self.crds.get((group, ver, kind))
        if crd is None:
            return f"warning:no CRD for {api_version} {kind} in the repo: not validated"
        return compile_crd(crd.schema, object_meta=defs.node(OBJECT_META))

    def check(self, doc: Any, *, source: str, index: int) -> list[Finding]:
        """Every finding about one document (empty when it is valid)."""
        ref = document_ref(doc, source=source, index=index)
        root = self.root(ref.api_version, ref.kind)
        if isinstance(root, str):
            severity, _, message = root.partition(":")
            return [Finding(ref, "", message, "warning" if severity == "warning" else "error")]
        out: list[tuple[Path, str]] = []
        _walk(doc, root, (), out)
        return [Finding(ref, _format(doc, _flat(path)), message) for path, message in out]

    def check_all(self, docs: Iterable[Any], *, source: str) -> list[Finding]:
        return [f for index, doc in enumerate(docs, start=1) for f in self.check(doc, source=source, index=index)]


def _walk(value: Any, node: Node, path: Path, out: list[tuple[Path, str]]) -> None:
    """Append to `out` what `value` at `path` breaks of `node`."""
    kind = type(value)
    accepts = node.accepts
    if accepts is not None and kind not in accepts and not (kind is float and node.int_ok and value.is_integer()):
        out.append((path, f"expected {node.expected}, got {_describe(value)}"))
        return
    if kind is dict:
        props, extra = node.props, node.extra
        if props is not None or extra is not None or node.closed:
            for key, item in value.items():
                sub = props.get(key) if props is not None else None
                if sub is None:
                    sub = extra
                    if sub is None:
                        if node.closed:
                            out.append(((path, key), "unknown field"))
                        continue
                if sub.leaf:  # a scalar field: only its type to check (most fields; saves a call each)
                    accepts = sub.accepts
                    kind = type(item)
                    if accepts is None or kind in accepts or (kind is float and sub.int_ok and item.is_integer()):
                        continue
                _walk(item, sub, (path, key), out)
        for key in node.required:
            if value.get(key) is None:
                out.append(((path, key), "missing required field"))
        if node.rules:
            assert node.definition is not None
            out += [
                ((path, field) if field else path, message) for field, message in check_object(node.definition, value)
            ]
    elif kind is list:
        items = node.items
        if items is not None:
            for index, item in enumerate(value):
                _walk(item, items, (path, index), out)
        if node.list_keys is not None:
            _unique(value, node.list_keys, path, out)
    if node.enum is not None and value is not None and value not in node.enum:
        shown = ", ".join(json.dumps(v) for v in node.enum)
        out.append((path, f"expected one of {shown}, got {_describe(value)}"))
    for check in node.checks:
        problem = check(value)
        if problem is not None:
            out.append((path, problem))
    for word, branches in node.combos:
        _combine(word, branches, value, path, out)


def _combine(word: str, branches: tuple[Node, ...], value: Any, path: Path, out: list[tuple[Path, str]]) -> None:
    results = []
    for branch in branches:
        found: list[tuple[Path, str]] = []
        _walk(value, branch, path, found)
        results.append(found)
    passed = sum(not found for found in results)
    if word == "allOf":
        out += [item for found in results for item in found]
    elif word == "anyOf" and not passed:
        out.append((path, f"expected to match at least one of {len(branches)} anyOf schemas, matched none"))
    elif word == "oneOf" and passed != 1:
        out.append((path, f"expected to match exactly one of {len(branches)} oneOf schemas, matched {passed}"))
    elif word == "not" and passed:
        out.append((path, "expected not to match the schema under `not`"))


def _unique(items: list[Any], keys: tuple[str, ...], path: Path, out: list[tuple[Path, str]]) -> None:
    seen: list[Any] = []
    for index, item in enumerate(items):
        key = tuple(item.get(k) for k in keys) if keys and isinstance(item, dict) else item
        if key in seen:
            what = ", ".join(f"{k}={v}" for k, v in zip(keys, key, strict=True)) if keys else json.dumps(item)
            out.append(((path, index), f"duplicate item ({what})"))
        seen.append(key)


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"number {value!r}"
    if isinstance(value, str):
        return f"string {json.dumps(value[:60])}"
    return "a list" if isinstance(value, list) else "an object"


def _flat(path: Path) -> list[str | int]:
    steps: list[str | int] = []
    while path:
        path, step = path
        steps.append(step)
    return steps[::-1]


def _format(doc: Any, path: list[str | int]) -> str:
    """A path in mtx's field-path syntax; list items with a name show it (`containers[name=web]`)."""
    steps: list[Step] = []
    node = doc
    for step in path:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            name = item.get("name") if isinstance(item, dict) else None
            steps.append(Step(match=(("name", name),)) if isinstance(name, str) and name else Step(index=step))
            node = item
        else:
            steps.append(Step(key=str(step)))
            node = node.get(step) if isinstance(node, dict) else None
    return format_path(steps) if steps else ""
