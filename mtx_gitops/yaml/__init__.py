"""YAML for mtx: the one door through which mtx reads and writes YAML text.

Only this package imports PyYAML and ruamel.yaml. Behind these names: hardened loading (`_load`,
`_walk`), kubectl-like writing (`_emit`), rewriting that keeps comments and untouched lines
(`_edit`, `_spans`, `_stream`, `_roundtrip`), the JSON objects in comments by field (`_comments`,
kyaml's schema hints), and accelerators that only add speed (`_fast`, turned off by `MTX_YAML_FAST=0`).
"""

from mtx_gitops.yaml._comments import commented_fields
from mtx_gitops.yaml._io import dump_documents, dump_one, load_documents, load_one, rewrite, to_json_text
from mtx_gitops.yaml._load import same_in_order

__all__ = [
    "commented_fields",
    "dump_documents",
    "dump_one",
    "load_documents",
    "load_one",
    "rewrite",
    "same_in_order",
    "to_json_text",
]
