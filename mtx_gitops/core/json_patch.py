"""RFC 6902 JSON patch (`mtx unit update --type json`), applied with `jsonpatch` one operation at a time.

A failure names the operation (its number, `op` and `path`) and why it failed, in one short line:
`jsonpatch` and `jsonpointer` put the whole document into some of their messages, and a unit's
document is far too long for an error line.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch

_LONGEST = 80  # characters of a path or a reason quoted in an error
_WHOLE_PATH_OPS = frozenset({"remove", "replace", "test"})  # `add`, `move`, `copy` create their last step


class JsonPatchFailure(Exception):
    """One operation of a JSON patch could not be applied; the message is one short line."""


def apply_json_patch(document: dict[str, Any], operations: list[dict[str, Any]]) -> Any:
    """The document with `operations` applied in order; `document` is not modified."""
    result: Any = copy.deepcopy(document)
    for number, operation in enumerate(operations, 1):
        try:
            result = jsonpatch.apply_patch(result, [operation], in_place=True)
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
            raise JsonPatchFailure(f"{_name(number, operation)}: {_reason(exc, result, operation)}") from None
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            # jsonpatch lets these through for malformed operations (a missing "path", a bad index).
            raise JsonPatchFailure(f"{_name(number, operation)}: invalid operation ({_short(exc)})") from None
    return result


def _name(number: int, operation: dict[str, Any]) -> str:
    """`operation 2 (replace /spec/replicas)`."""
    op, path = operation.get("op"), operation.get("path")
    shown = " ".join(_short(part) for part in (op, path) if part is not None)
    return f"operation {number} ({shown})" if shown else f"operation {number}"


def _reason(exc: Exception, document: Any, operation: dict[str, Any]) -> str:
    """Why an operation failed, from the document it met rather than from jsonpatch's message."""
    for key in ("from", "path"):
        pointer = operation.get(key)
        if isinstance(pointer, str):
            whole = key == "from" or operation.get("op") in _WHOLE_PATH_OPS
            missing = _unresolved(document, pointer, whole=whole)
            if missing:
                return missing if key == "path" else f"from: {missing}"
    if isinstance(exc, jsonpatch.JsonPatchTestFailed):
        return f"the value at {_short(operation.get('path'))} is not the tested value"
    text = str(exc)
    for cut in (" in {", " in ["):  # jsonpointer appends the whole document
        text = text.split(cut, 1)[0]
    return _short(text)


def _unresolved(document: Any, pointer: str, *, whole: bool = True) -> str | None:
    """Why `pointer` does not resolve in `document` (only its parent, unless `whole`); None if it does."""
    if pointer == "":
        return None
    if not pointer.startswith("/"):
        return f"{_short(pointer)} is not a JSON pointer (it must start with /)"
    steps = pointer.split("/")[1:]
    node = document
    for depth, step in enumerate(steps if whole else steps[:-1]):
        here = _short("/" + "/".join(steps[: depth + 1]))
        part = step.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            if part not in node:
                return f"{here} does not exist"
            node = node[part]
        elif isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return f"{here} does not exist (the list has {len(node)} item(s))"
            node = node[int(part)]
        else:
            return f"{here} does not exist (its parent is not a map or list)"
    if not whole and len(steps) > 1 and not isinstance(node, dict | list):
        return f"{_short('/' + '/'.join(steps[:-1]))} is not a map or list"
    return None


def _short(value: object) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= _LONGEST else text[: _LONGEST - 1] + "…"
