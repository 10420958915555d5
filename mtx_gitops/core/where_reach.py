"""Which field paths of a WHERE expression reach nothing: `spec.replica > 2` must not silently match nothing.

A path that finds no value in any of the selected units is almost always a typo or the wrong kind;
the caller warns about it (on stderr), the answer itself is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mtx_gitops.core import where_ast as ast
from mtx_gitops.core.paths import getter


def path_attrs(expr: ast.Expr) -> list[ast.Attr]:
    """The field-path attributes of `expr`, in order, each once."""
    if isinstance(expr, ast.And | ast.Or):
        return list(dict.fromkeys(a for part in expr.parts for a in path_attrs(part)))
    if isinstance(expr, ast.Not):
        return path_attrs(expr.expr)
    if isinstance(expr, ast.Contains) or expr.attr.name != ast.PATH:
        return []
    return [expr.attr]


def unreached(expr: ast.Expr, documents: Iterable[Sequence[Mapping[str, Any]]]) -> list[str]:
    """The paths of `expr` (as written) that find no value in any of `documents` (one list per unit)."""
    attrs = path_attrs(expr)
    if not attrs:
        return []
    missing = {attr.text: getter(attr.path) for attr in attrs}
    for unit in documents:
        for text, get in list(missing.items()):
            if any(get(doc) for doc in unit):  # a split path's ABSENT counts: its elements were reached
                del missing[text]
        if not missing:
            return []
    return list(missing)
