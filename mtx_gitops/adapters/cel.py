"""CEL (Common Expression Language) for cub's cel-validate: the only module that imports the CEL library.

Imported only when `cel-validate` runs, so other commands never pay for loading it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mtx_gitops.errors import UserError


def compile_check(expression: str) -> Callable[[Any], bool]:
    """A function of one resource (bound to `r`) that is True when `expression` holds for it.

    A syntax error is a UserError; an expression that fails on a resource (a missing field, a type
    mismatch) does not hold for it, as a failed validation, not an error.
    """
    import cel  # the library loads ~1 MB of native code: kept off every other command's path

    try:
        program = cel.compile(expression)
    except ValueError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise UserError(f"invalid CEL expression {expression!r}: {first}") from None

    def holds(resource: Any) -> bool:
        try:
            return program.execute({"r": resource}) is True
        except Exception:  # the library raises KeyError, TypeError, RuntimeError…: any is a failure
            return False

    return holds
