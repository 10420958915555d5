"""Round-trip fallback: apply new data onto ruamel.yaml's commented tree of the old text.

Slow (20-30 ms for a Deployment), so it only runs for the edits the surgical rewrite declines:
reordered keys, multi-line flow collections changing shape, anchors and merge keys, collections
changing kind.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from mtx_gitops.yaml._emit import render_scalar
from mtx_gitops.yaml._load import same_in_order

_WIDTH = 1 << 20


def roundtrip_rewrite(
    text: str, old_docs: list[Any], new_docs: list[Any], *, step: int, offset: int, explicit_start: bool
) -> str:
    """`text` with `new_docs` applied through ruamel.yaml, comments and quoting of kept nodes intact."""
    # Imported here: ruamel costs start-up time that most commands never need.
    from ruamel.yaml import YAML

    rt: Any = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = _WIDTH
    rt.indent(mapping=step, sequence=offset + 2, offset=offset)
    rt.explicit_start = explicit_start
    trees = [tree for tree in rt.load_all(text) if tree is not None]
    if len(trees) != len(old_docs):
        raise ValueError("ruamel.yaml sees other documents than libyaml")
    out = [_apply(tree, old, new) for tree, old, new in zip(trees, old_docs, new_docs, strict=False)]
    out += [_fresh(new) for new in new_docs[len(trees) :]]
    stream = io.StringIO()
    rt.dump_all(out, stream)
    return stream.getvalue()


def has_explicit_start(text: str, first_document_at: int) -> bool:
    """Whether the first document is introduced by a `---` line."""
    return re.search(r"(?m)^---", text[:first_document_at]) is not None


def _apply(tree: Any, old: Any, new: Any) -> Any:
    """`tree` changed in place to hold `new`; nodes equal in `old` and `new` are kept as they are."""
    if same_in_order(old, new):
        return tree
    if isinstance(tree, dict) and isinstance(old, dict) and isinstance(new, Mapping):
        for key in [key for key in tree if key not in new]:
            del tree[key]
        for key, value in new.items():
            if key in tree:
                tree[key] = _apply(tree[key], old.get(key), value)
            else:
                tree[_fresh(key)] = _fresh(value)
        if list(tree) != list(new):
            ordered: Any = tree  # a ruamel CommentedMap: an OrderedDict whose comments follow their keys
            for key in new:
                ordered.move_to_end(key)
        return tree
    if isinstance(tree, list) and isinstance(old, list) and isinstance(new, list | tuple):
        for i, value in enumerate(new[: len(tree)]):
            tree[i] = _apply(tree[i], old[i] if i < len(old) else None, value)
        while len(tree) > len(new):
            del tree[-1]
        tree.extend(_fresh(value) for value in new[len(tree) :])
        return tree
    return _fresh(new, like=tree)


def _fresh(value: Any, like: Any = None) -> Any:
    """New data for ruamel.yaml, strings wrapped so they keep `like`'s quotes or get the quotes they need."""
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    if isinstance(value, Mapping):
        return {_fresh(key): _fresh(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_fresh(item) for item in value]
    if not isinstance(value, str):
        return value
    if "\n" in value:
        return LiteralScalarString(value)
    if isinstance(like, SingleQuotedScalarString | DoubleQuotedScalarString):
        return type(like)(value)
    # ruamel.yaml reads YAML 1.2, where `yes` or `010` are plain strings; quote what YAML 1.1 would misread.
    rendered = render_scalar(value, style=None, flow=False) or ""
    if rendered.startswith("'"):
        return SingleQuotedScalarString(value)
    if rendered.startswith('"'):
        return DoubleQuotedScalarString(value)
    return value
