"""Reading and writing YAML text: what the package's `__init__` exports.

Loading is hardened (see `_load`); writing looks like kubectl; `rewrite` edits a file so that
only the lines that must change do (SPEC §1), and always reads back as the data it was given.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mtx_gitops.errors import YamlError
from mtx_gitops.yaml._edit import detect_indent
from mtx_gitops.yaml._emit import dump_all
from mtx_gitops.yaml._fast import ACCELERATORS
from mtx_gitops.yaml._fast.splice_check import scalars_read_as
from mtx_gitops.yaml._load import Document, decoded, parse_documents, same_in_order
from mtx_gitops.yaml._roundtrip import has_explicit_start, roundtrip_rewrite
from mtx_gitops.yaml._spans import Fallback
from mtx_gitops.yaml._stream import surgical_rewrite


def load_documents(text: str | bytes, *, source: str) -> list[Any]:
    """Every document of a YAML stream as plain data; empty documents are dropped.

    Raises YamlError (one line naming `source` and the line) for malformed or hostile input. A
    near-copy of a text read before may be derived from it (see `_fast.near_copies`).
    """
    text = decoded(text, source=source)
    near_copies = ACCELERATORS.near_copies()
    derived = near_copies.derive(text) if near_copies is not None else None
    if derived is not None:
        return derived
    docs = parse_documents(text, source=source)
    if near_copies is not None:
        near_copies.remember(text)
    return [doc.data for doc in docs]


def load_one(text: str | bytes, *, source: str) -> Any:
    """The single document of a config file (mtx.yaml, a link file); None when it is empty."""
    docs = load_documents(text, source=source)
    if len(docs) > 1:
        raise YamlError(f"{source}: expected one YAML document, found {len(docs)}")
    return docs[0] if docs else None


def dump_documents(docs: Sequence[Any]) -> str:
    """Block-style YAML like kubectl's: key order kept, `---` between documents, no aliases."""
    return dump_all([doc for doc in docs if doc is not None])


def dump_one(data: Any) -> str:
    """One document as block-style YAML."""
    return dump_all([data])


def to_json_text(data: Any) -> str:
    """Data as stable, human-readable JSON (key order kept, unicode as is)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def rewrite(text: str, new_docs: Sequence[Any], *, source: str = "unit", old: Sequence[Any] | None = None) -> str:
    """`text` edited to read as `new_docs`, changing only the lines that must change.

    Comments, key order, quoting and blank lines of untouched lines survive. Tries, in order: splicing
    the changes into the text, ruamel.yaml's round trip, a fresh dump; the first result that reads
    back as `new_docs` wins, so the answer is never wrong data (a splice of scalar values is checked
    line by line, see `_fast.splice_check`). `old`, the documents `text` was already loaded as (the parse
    cache's), spares building them again.
    """
    new = [doc for doc in new_docs if doc is not None]
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    try:
        docs = parse_documents(decoded(body, source=source), source=source, known=old)
    except YamlError:
        return dump_documents(new)
    if not docs and not body.strip():
        return dump_documents(new)
    if len(docs) == len(new) and all(same_in_order(doc.data, data) for doc, data in zip(docs, new, strict=True)):
        return text
    try:
        result, scalars = surgical_rewrite(body, docs, new)
        vouched = None
        if scalars and ACCELERATORS.enabled:
            vouched = scalars_read_as(body, [doc.data for doc in docs], scalars, new)
        if vouched or (vouched is None and _reads_as(result, new, source)):
            return bom + result
    except (Fallback, YamlError):
        pass
    fallback = _roundtrip(body, docs, new)
    if fallback is not None and _reads_as(fallback, new, source):
        return bom + fallback
    return dump_documents(new)


def _roundtrip(text: str, docs: list[Document], new: list[Any]) -> str | None:
    """The ruamel.yaml fallback, or None when ruamel.yaml cannot handle the text."""
    step, offset = detect_indent(docs[0].node) if docs else (2, 0)
    explicit = bool(docs) and has_explicit_start(text, docs[0].node.start_mark.index)
    try:
        return roundtrip_rewrite(
            text, [doc.data for doc in docs], new, step=step, offset=offset, explicit_start=explicit
        )
    except Exception:  # ruamel.yaml raises many error types; the fresh dump is always there
        return None


def _reads_as(text: str, docs: list[Any], source: str) -> bool:
    try:
        loaded = load_documents(text, source=source)
    except YamlError:
        return False
    return len(loaded) == len(docs) and all(same_in_order(a, b) for a, b in zip(loaded, docs, strict=True))
