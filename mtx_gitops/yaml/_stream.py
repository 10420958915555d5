"""Surgical rewrite of a whole YAML stream: match old documents to new ones, then splice.

Documents are matched by Kubernetes identity (apiVersion, kind, namespace, name), so removing or
inserting one leaves its neighbours' text, comments and `---` lines as they were. Matched documents
that changed are edited in place by `_edit.Editor`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from mtx_gitops.yaml._edit import Editor, ScalarEdit, detect_indent
from mtx_gitops.yaml._load import Document, same_in_order
from mtx_gitops.yaml._spans import Fallback

_SEPARATOR = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)


def surgical_rewrite(text: str, docs: list[Document], new_docs: list[Any]) -> tuple[str, list[ScalarEdit] | None]:
    """`text` edited so that it reads as `new_docs`; raises Fallback when that needs more than splices.

    Also gives the edits when each replaces one single-line scalar by another (else None).
    """
    editor = Editor(text)
    starts = _region_starts(text, docs)
    old_keys, new_keys = [_identity(doc.data) for doc in docs], [_identity(new) for new in new_docs]
    opcodes: Sequence[tuple[str, int, int, int, int]]
    if old_keys == new_keys:  # the same objects in the same order (nearly every edit)
        opcodes = [("equal", 0, len(docs), 0, len(docs))]
    else:
        opcodes = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in opcodes:
        paired = (i2 - i1) if op == "equal" else min(i2 - i1, j2 - j1)
        for k in range(paired):
            editor.path = [i1 + k]
            _edit_document(editor, docs[i1 + k], new_docs[j1 + k])
        for i in range(i1 + paired, i2):
            editor.edit(starts[i], starts[i + 1], "")
        if j2 - j1 > paired:
            _insert_documents(editor, docs, starts, i2, new_docs[j1 + paired : j2])
    return editor.apply(), editor.only_scalars()


def _edit_document(editor: Editor, doc: Document, new: Any) -> None:
    if same_in_order(doc.data, new):
        return
    if doc.shared:
        raise Fallback("anchors or merge keys")
    editor.indent = detect_indent(doc.node)
    editor.diff(doc.node, doc.data, new, flow=False)


def _insert_documents(editor: Editor, docs: list[Document], starts: list[int], at: int, new: list[Any]) -> None:
    """New documents before old document `at` (at its `---` line), or at the end of the text."""
    text, newline = editor.text, editor.newline
    blocks = ["---" + newline + editor.block(doc, 0) for doc in new]
    if at == len(docs):
        lead = "" if not text or text.endswith("\n") else newline
        editor.edit(len(text), len(text), lead + "".join(blocks))
    elif text.startswith("---", starts[at]):
        editor.edit(starts[at], starts[at], "".join(blocks))
    else:
        # The first document has no `---`: the new ones go below the file's header comments.
        line = editor.line_start(docs[at].node.start_mark.index)
        editor.edit(line, line, "".join(blocks)[3 + len(newline) :] + "---" + newline)


def _region_starts(text: str, docs: list[Document]) -> list[int]:
    """Where each document's text begins (its `---` line), then the end of the text.

    A document owns its `---` line, the comments after it and everything up to the next one.
    """
    starts, searched = [], 0
    for doc in docs:
        begin = doc.node.start_mark.index
        separators = list(_SEPARATOR.finditer(text, searched, begin))
        starts.append(separators[-1].start() if separators else searched)
        searched = max(begin, doc.node.end_mark.index if doc is not docs[-1] else begin)
    return [*starts, len(text)]


def _identity(data: Any) -> str | tuple[Any, ...]:
    """What matches an old document to its new version: the object's identity, else its content."""
    if isinstance(data, Mapping) and "kind" in data:
        meta = data.get("metadata")
        meta = meta if isinstance(meta, Mapping) else {}
        key = (data.get("apiVersion"), data["kind"], meta.get("namespace"), meta.get("name"))
        # Strings and nulls (what Kubernetes allows) compare as they are; anything else as its JSON.
        return key if all(type(part) is str or part is None for part in key) else json.dumps(list(key))
    return json.dumps(data, default=repr)
