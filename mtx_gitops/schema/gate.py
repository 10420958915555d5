"""The validation gate: the unit files a write changes must hold valid Kubernetes documents.

Verdicts are cached by git blob id in the repo's parse cache (under a key naming the Kubernetes
version, the `kubernetes-validate` version and the rules' format), so a write checks only the
unit files it changes, each distinct content once, and a retried or repeated write checks nothing
again. Custom resources are checked against the CRDs of the tree the write makes (read only when a
changed file holds a kind the official API does not have), and are not cached: their verdict
depends on files other than their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.adapters.gitrepo import blob_id
from mtx_gitops.core.layout import role_of
from mtx_gitops.core.model import CONFIG_FILE
from mtx_gitops.errors import InvalidDocumentsError
from mtx_gitops.schema import version as versions
from mtx_gitops.schema.crds import crds_at
from mtx_gitops.schema.validate import Finding, Validator, by_document, document_ref
from mtx_gitops.store import Snapshot

RULES_FORMAT = 1  # bump when the checks change what they find: old verdicts are then never read

Row = list[Any]  # a cached finding: [document index, path, message, severity]
CUSTOM = "custom"  # the severity of a row that stands for a custom resource, checked anew each time


def check_write(
    snapshot: Snapshot,
    files: Mapping[str, bytes | None],
    *,
    documents: Mapping[str, Sequence[Any]] | None = None,
) -> list[Finding]:
    """The findings about the unit files a write changes (`files`, path -> new bytes or None).

    `documents` may give a changed file's parsed documents (path -> documents) to spare a parse.
    """
    units = {path: data for path, data in files.items() if data is not None and role_of(path).role == "unit"}
    if not units:
        return []
    validator = Validator(_version(snapshot, files), lambda: crds_at(snapshot, changes=files))
    known = dict(documents or {})

    def parsed(wanted: dict[str, str]) -> dict[str, list[Any]]:
        texts = {blob: (path, units[path]) for blob, path in wanted.items() if path not in known}
        found = snapshot.parsed_texts(texts) if texts else {}
        return {blob: list(known[path]) if path in known else found[blob] for blob, path in wanted.items()}

    return check_units(snapshot, validator, {path: blob_id(data) for path, data in units.items()}, parsed)


def check_units(
    snapshot: Snapshot,
    validator: Validator,
    units: Mapping[str, str],
    parsed: Callable[[dict[str, str]], dict[str, list[Any]]],
) -> list[Finding]:
    """The findings about unit files (path -> blob), each distinct content checked once, verdicts
    from the cache where it has them. `parsed(wanted)` returns the documents of blobs (blob -> path)."""
    blobs: dict[str, str] = {}  # blob -> one path holding it
    for path, blob in units.items():
        blobs.setdefault(blob, path)
    docs: dict[str, list[Any]] = {}

    def load(wanted: Iterable[str]) -> None:
        todo = {blob: blobs[blob] for blob in wanted if blob not in docs}
        if todo:
            docs.update(parsed(todo))

    def read(wanted: Iterable[str]) -> dict[str, bytes]:
        wanted = list(wanted)
        load(wanted)
        return dict.fromkeys(wanted, b"")

    def verdict(_data: bytes, blob: str) -> list[Row]:
        rows: list[Row] = []
        for index, doc in enumerate(docs[blob], start=1):
            if validator.is_builtin(*_kind(doc)):
                rows += [[index, f.path, f.message, f.severity] for f in validator.check(doc, source="", index=index)]
            else:
                rows.append([index, "", "", CUSTOM])  # checked on each run, against the CRDs of its tree
        return rows

    kind = f"verdicts-{validator.version}-{versions.package_version()}-r{RULES_FORMAT}"
    rows = snapshot.repo.cache.documents({blob: blob for blob in blobs}, kind=kind, read=read, parse=verdict)
    load(blob for blob, found in rows.items() if found)  # documents are read only to name those with findings
    for blob, found in rows.items():
        if any(row[3] == CUSTOM for row in found):
            rows[blob] = [row for row in found if row[3] != CUSTOM] + _custom_rows(validator, docs[blob], found)
    findings: list[Finding] = []
    for path, blob in sorted(units.items()):
        source = _source(path)
        for index, where, message, severity in sorted(rows[blob], key=lambda row: row[0]):
            findings.append(
                Finding(document_ref(docs[blob][index - 1], source=source, index=index), where, message, severity)
            )
    return findings


def _custom_rows(validator: Validator, docs: list[Any], rows: list[Row]) -> list[Row]:
    """The verdicts of the custom resources among `docs` (the rows marked CUSTOM)."""
    found: list[Row] = []
    for index in (row[0] for row in rows if row[3] == CUSTOM):
        found += [
            [index, f.path, f.message, f.severity] for f in validator.check(docs[index - 1], source="", index=index)
        ]
    return found


def refusal(findings: Sequence[Finding]) -> InvalidDocumentsError:
    """The error refusing a write: one line per invalid document, every finding on it."""
    errors = [f for f in findings if f.severity == "error"]
    grouped = by_document(errors)
    lines = [f"{document}: {'; '.join(map(str, found))}" for document, found in grouped.items()]
    count = len(grouped)
    return InvalidDocumentsError(
        f"{count} invalid document{'s' if count != 1 else ''}, nothing written; "
        f"--no-validate commits {'them' if count != 1 else 'it'} anyway",
        lines,
        [f.as_json() for f in errors],
    )


def _kind(doc: Any) -> tuple[str, str]:
    if not isinstance(doc, dict):
        return "", ""
    return str(doc.get("apiVersion") or ""), str(doc.get("kind") or "")


def _source(path: str) -> str:
    ref = role_of(path).ref
    return str(ref) if ref is not None else path


def _version(snapshot: Snapshot, files: Mapping[str, bytes | None]) -> str:
    """The Kubernetes version of the tree the write makes (its own mtx.yaml, when it changes that)."""
    data = files.get(CONFIG_FILE)
    if data is not None:
        config = yaml.load_one(data, source=CONFIG_FILE)
        return versions.configured(config if isinstance(config, dict) else {})
    return versions.configured(snapshot.config)
