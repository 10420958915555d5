"""Field paths into Kubernetes documents, such as `spec.template.spec.containers[name=app].image`.

Shared by WHERE, the bulk functions, merge conflict reports and explain; `path_syntax` has the
grammar. A key looks up a map. `[k=v,…]` keeps the list elements whose fields equal the values,
compared as text (`true`/`false` for booleans); a missing key field takes its Kubernetes default,
so a port without `protocol` matches `protocol=TCP`. `[*]` fans out over every list element (or
map value). `[n]` indexes a list (a negative index counts from the end); on a map it looks up the key
`n`. cub's `?k=v` keeps only the first matching element. Quoted keys reach keys with dots or slashes:
`metadata.annotations["mtx.dev/space"]`. A split path `a.*.|b` (WHERE only) gives, for each element
`a.*` reaches, the values of `b` in it, or `ABSENT` when it has none.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from mtx_gitops.core.listkeys import KEY_DEFAULTS
from mtx_gitops.core.path_syntax import INTEGER, Fail, Step, format_path, parse_path, read_path
from mtx_gitops.errors import UserError

__all__ = [
    "ABSENT",
    "Fail",
    "Path",
    "Step",
    "as_text",
    "children",
    "delete_path",
    "format_path",
    "get_all",
    "getter",
    "matches",
    "parse_path",
    "read_path",
    "set_path",
]

Path = str | tuple[Step, ...]


class _Absent:
    """The value a split path gives for an element that lacks the field (see WHERE's `!=`)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


def as_text(value: Any) -> str:
    """A scalar as a selector compares it: YAML spelling for booleans, `str()` otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_map(node: Any) -> bool:
    # dict first: plain and ruamel maps are dicts, and the ABC check costs ten times more.
    return isinstance(node, dict) or (not isinstance(node, list) and isinstance(node, Mapping))


def matches(item: Any, match: tuple[tuple[str, str], ...]) -> bool:
    """True when the list element `item` is a map whose fields equal the selector's values."""
    if not _is_map(item):
        return False
    for name, wanted in match:
        found = item.get(name)
        if found is None:
            found = KEY_DEFAULTS.get(name)
            if found is None:
                return False
        if found != wanted and as_text(found) != wanted:
            return False
    return True


def _steps(path: Path) -> tuple[Step, ...]:
    return parse_path(path) if isinstance(path, str) else path


def _target(path: Path) -> tuple[Step, ...]:
    """The steps of a path something is written at; the empty path (the data itself) is not one."""
    steps = _steps(path)
    if not steps:
        raise UserError("invalid path: the empty path names no field")
    if any(step.split for step in steps):
        raise UserError(f"invalid path {format_path(steps)!r}: a split path ('.|') only selects, in WHERE")
    return steps


def children(node: Any, step: Step) -> list[Any]:
    """The values one step leads to from `node` (none when the step does not apply)."""
    if step.key is not None:
        if _is_map(node) and step.key in node:
            return [node[step.key]]
        return []
    if _is_map(node):
        if step.index is not None:
            return [node[str(step.index)]] if str(step.index) in node else []
        return list(node.values()) if step.wildcard else []
    if not isinstance(node, list):
        return []
    if step.wildcard:
        return list(node)
    if step.index is not None:
        return [node[step.index]] if -len(node) <= step.index < len(node) else []
    found = [item for item in node if matches(item, step.match)]
    return found[:1] if step.first else found


def get_all(data: Any, path: Path) -> list[Any]:
    """Every value `path` reaches in `data`; selectors and `[*]` fan out, a missing field gives []."""
    return [value for value in getter(path)(data) if value is not ABSENT]


@functools.lru_cache(maxsize=1024)
def getter(path: Path) -> Callable[[Any], list[Any]]:
    """`get_all` for one path as a function of the data, built once: for hot loops such as WHERE.

    For a split path the list holds `ABSENT` for each element that lacks the field after the split.
    """
    steps = _steps(path)
    split = next((i for i, step in enumerate(steps) if step.split), None)
    if split is not None:
        left, right = getter(steps[:split]), getter(steps[split + 1 :])

        def per_element(data: Any) -> list[Any]:
            found: list[Any] = []
            for element in left(data):
                found.extend(right(element) or [ABSENT])
            return found

        return per_element
    count = next((i for i, step in enumerate(steps) if step.key is None), len(steps))
    keys = tuple(step.key for step in steps[:count] if step.key is not None)
    expanders = tuple(_expander(step) for step in steps[count:])

    def get(data: Any) -> list[Any]:
        # The leading map keys (spec.template.spec...) are walked without building lists.
        for key in keys:
            if not _is_map(data):
                return []
            data = data.get(key, _MISSING)
            if data is _MISSING:
                return []
        found = [data]
        for expand in expanders:
            found = expand(found)
            if not found:
                break
        return found

    return get


_MISSING = object()


def _expander(step: Step) -> Callable[[list[Any]], list[Any]]:
    """What one step makes of a list of nodes, specialised for the kind of step."""
    key, index, match = step.key, step.index, step.match
    if key is not None:
        return lambda nodes: [node[key] for node in nodes if _is_map(node) and key in node]
    if index is not None:
        return lambda nodes: [found for node in nodes for found in children(node, step)]
    if match and step.first:
        return lambda nodes: [found for node in nodes if isinstance(node, list) for found in children(node, step)]
    if match:
        return lambda nodes: [item for node in nodes if isinstance(node, list) for item in node if matches(item, match)]

    def every(nodes: list[Any]) -> list[Any]:
        found: list[Any] = []
        for node in nodes:
            if isinstance(node, list):
                found.extend(node)
            elif _is_map(node):
                found.extend(node.values())
        return found

    return every


def set_path(data: Any, path: Path, value: Any, *, create: bool = True) -> int:
    """Set `path` in `data` (in place) to `value`; return how many places were set.

    With `create`, missing maps are made on the way, and a selector that matches nothing appends a
    new element carrying its key fields (digit-only values become integers: `containerPort=8080`).
    Missing steps are made only when every later step can be made too, so a path that cannot be
    set leaves no empty maps behind. Each place gets its own copy of `value`.
    """
    steps = _target(path)
    total = 0
    for parent in _parents(data, steps, create=create):
        total += _set_last(parent, steps[-1], value, create=create)
    return total


def delete_path(data: Any, path: Path) -> int:
    """Delete what `path` reaches in `data` (in place); return how many fields or elements went."""
    steps = _target(path)
    last, total = steps[-1], 0
    for parent in _parents(data, steps, create=False):
        if last.key is not None:
            if isinstance(parent, MutableMapping) and last.key in parent:
                del parent[last.key]
                total += 1
        elif isinstance(parent, MutableMapping):
            if last.wildcard:
                total += len(parent)
                parent.clear()
        elif isinstance(parent, list):
            doomed = _chosen(parent, last)
            for index in reversed(doomed):
                del parent[index]
            total += len(doomed)
    return total


def _chosen(items: list[Any], step: Step) -> list[int]:
    """Indexes of the elements of `items` a non-key step picks."""
    if step.wildcard:
        return list(range(len(items)))
    if step.index is not None:
        index = step.index + len(items) if step.index < 0 else step.index
        return [index] if 0 <= index < len(items) else []
    chosen = [i for i, item in enumerate(items) if matches(item, step.match)]
    return chosen[:1] if step.first else chosen


def _parents(data: Any, steps: tuple[Step, ...], *, create: bool) -> list[Any]:
    """The nodes the last step applies to, making missing ones on the way when allowed."""
    current = [data]
    for position, step in enumerate(steps[:-1]):
        following = steps[position + 1]
        can_make = create and all(s.key is not None or s.match for s in steps[position + 1 :])
        found: list[Any] = []
        for node in current:
            reached = children(node, step)
            if step.key is not None and reached == [None] and can_make:
                reached = []  # a YAML `field:` with no value is as good as missing
            if not reached and can_make:
                reached = _make(node, step, following)
            found.extend(reached)
        current = found
    return current


def _make(node: Any, step: Step, following: Step) -> list[Any]:
    """Make the missing child `step` names under `node`, shaped for the step after it."""
    child: Any = {} if following.key is not None else []
    if step.key is not None and isinstance(node, MutableMapping):
        node[step.key] = child
        return [child]
    if step.match and isinstance(node, list):
        element = _element(step.match)
        node.append(element)
        return [element]
    return []


def _element(match: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """A new list element carrying a selector's key fields; `8080` becomes an int, `007` does not."""
    return {name: _key_value(value) for name, value in match}


def _key_value(value: str) -> Any:
    if INTEGER.fullmatch(value) and len(value) <= 18 and str(int(value)) == value:
        return int(value)
    return value


def _set_last(parent: Any, step: Step, value: Any, *, create: bool) -> int:
    if step.key is not None:
        if isinstance(parent, MutableMapping) and (create or step.key in parent):
            parent[step.key] = copy.deepcopy(value)
            return 1
        return 0
    if isinstance(parent, MutableMapping):
        if not step.wildcard:
            return 0
        for key in parent:
            parent[key] = copy.deepcopy(value)
        return len(parent)
    if not isinstance(parent, list):
        return 0
    chosen = _chosen(parent, step)
    for index in chosen:
        parent[index] = copy.deepcopy(value)
    if chosen or not (step.match and create):
        return len(chosen)
    element = copy.deepcopy(value)
    if isinstance(element, MutableMapping):
        for name, field_value in _element(step.match).items():
            element.setdefault(name, field_value)
    parent.append(element)
    return 1
