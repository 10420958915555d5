"""`mtx merge-file ORIGINAL UPDATED LOCAL`: the merge engine as plumbing, on three files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mtx_gitops import yaml
from mtx_gitops.core.conflictview import describe
from mtx_gitops.core.merge3 import merge_documents
from mtx_gitops.core.model import Conflict, Policy
from mtx_gitops.core.schemahints import schema_hints
from mtx_gitops.errors import ConflictError
from mtx_gitops.ops.inputs import read_text_input
from mtx_gitops.schema.openapi import crd_schemas
from mtx_gitops.schema.types import with_crds


@dataclass
class FileMerge:
    """The merged text (None: deleted) and every conflict."""

    merged: str | None
    conflicts: list[Conflict]

    def as_json(self) -> dict[str, Any]:
        return {"merged": self.merged, "conflicts": [c.as_json() for c in self.conflicts]}


def _load(name: str, what: str) -> tuple[str, list[Any]]:
    text = "" if name == "/dev/null" else read_text_input(name, what=f"{what} file")
    if not text.strip():
        return text, []
    return text, yaml.load_documents(text, source=name)


def merge_files(
    original: str, updated: str, local: str, *, policy: Policy = "local", crd_files: Sequence[str] = ()
) -> FileMerge:
    """Merge three YAML files; LOCAL's comments and layout survive in the result.

    Lists follow the official Kubernetes types and the CRDs in `crd_files` (and in the three files).
    """
    texts = [_load(original, "ORIGINAL"), _load(updated, "UPDATED"), _load(local, "LOCAL")]
    crds = [doc for name in crd_files for doc in _load(name, "--crd")[1]]
    types = with_crds(crd_schemas([*crds, *(doc for _text, docs in texts for doc in docs)]))
    hints = schema_hints(*(yaml.commented_fields(text) for text, _docs in texts), types=types)
    result = merge_documents(texts[0][1], texts[1][1], texts[2][1], policy=policy, hints=hints or None, types=types)
    if policy == "fail" and result.conflicts:
        listed = "; ".join(describe(c.as_json(), base=False) for c in result.conflicts)
        raise ConflictError(f"{len(result.conflicts)} conflict(s): {listed}", [c.as_json() for c in result.conflicts])
    if not result.documents:
        return FileMerge(None, result.conflicts)
    local_text = texts[2][0]
    if local_text.strip():
        merged = yaml.rewrite(local_text, result.documents, source=local)
    else:
        merged = yaml.dump_documents(result.documents)
    return FileMerge(merged, result.conflicts)
