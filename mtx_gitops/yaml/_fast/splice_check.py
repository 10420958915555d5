"""Checking a splice of scalar values line by line, instead of reading the whole new text again.

When every edit of a rewrite replaces one single-line scalar of a block collection by another of the
same kind (plain by plain, quoted by quoted), each on its own line with nothing but blanks or a
comment after it, the new text reads as the old data with those values replaced, provided each
edited line, read on its own, holds the new scalar exactly where it was spliced and otherwise the
same data as before. Why: the text before an edited line is unchanged, so the scanner reaches it in
the same state; the scalars are whole tokens followed by the same characters, and scalars of one
kind end the same way (a plain one also takes in the blank lines after it, and would go on to a line
indented deeper than its key, but then the old, single-line value would not have been valid); so
the scanner leaves the line in the same state and every other token is the same. A scalar's tag and
value depend on the scalar alone, so the line read on its own gives them.

The expected data (the old with the values read from the new lines) must then be the new data. Any
case outside these bounds (also: directives, as a %TAG would change what tags mean; line breaks other
than "\n"; texts over 1 MiB) answers None, and the caller reads the whole text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from mtx_gitops.errors import YamlError
from mtx_gitops.yaml._edit import ScalarEdit
from mtx_gitops.yaml._load import parse_documents, same_in_order

MAX_CHARS = 1 << 20  # longer texts are read in full
_OTHER_BREAKS = ("\r", "\x85", "\u2028", "\u2029")  # line breaks for YAML besides "\n"
_UNSUITABLE = (*_OTHER_BREAKS, "\ufeff")  # and byte order marks
_LINE_END = re.compile(r"[ \t]*(?:#.*)?")  # what may follow the scalar on its line


def scalars_read_as(text: str, old: Sequence[Any], edits: list[ScalarEdit], new: Sequence[Any]) -> bool | None:
    """Whether `text` with `edits` spliced in reads as `new`, given that `text` reads as `old`.

    None when the edits are not all single-line scalar values this check can vouch for.
    """
    expected = spliced(text, old, edits)
    if expected is None:
        return None
    return len(expected) == len(new) and all(same_in_order(a, b) for a, b in zip(expected, new, strict=True))


def spliced(text: str, old: Sequence[Any], edits: list[ScalarEdit]) -> list[Any] | None:
    """What `text` with `edits` spliced in reads as, given that `text` reads as `old` (shares the
    unchanged parts of `old`); None when the edits are not all scalar values this can vouch for."""
    if text.startswith("%") or "\n%" in text or any(mark in text for mark in _UNSUITABLE):
        return None
    if len(text) + sum(len(edit.text) - (edit.end - edit.start) for edit in edits) > MAX_CHARS:
        return None  # (a full read refuses documents over 3 MiB)
    expected = list(old)
    lines = set()
    for edit in edits:
        begin = text.rfind("\n", 0, edit.start) + 1
        end = text.find("\n", edit.end)
        end = len(text) if end < 0 else end
        if begin in lines or not edit.text or any(mark in edit.text for mark in ("\n", *_UNSUITABLE)):
            return None
        lines.add(begin)
        if "\n" in text[edit.start : edit.end] or not _LINE_END.fullmatch(text, edit.end, end):
            return None
        line = text[begin:end]
        at = edit.start - begin
        before = _last_scalar(line, at, edit.end - begin)
        after = _last_scalar(line[:at] + edit.text + line[edit.end - begin :], at, at + len(edit.text))
        # Plain by plain or quoted by quoted only: a plain scalar also takes in the blank lines after
        # it (tabs there may differ), and block scalars are never one line.
        if before is None or after is None or before[3] != after[3]:
            return None
        (was, place, old_value, _), (now, _, new_value, _) = before, after
        try:
            if not same_in_order(_replaced(was, place, new_value), now):
                return None
            if not same_in_order(old_value, _at(old, edit.path)):
                return None
        except (LookupError, TypeError):  # the path does not lead to the old value
            return None
        expected = _replaced(expected, edit.path, new_value)
    return expected


def _last_scalar(line: str, start: int, end: int) -> tuple[Any, tuple[Any, ...], Any, bool] | None:
    """The line's data on its own, the path of its last scalar, that scalar's value and whether it
    is quoted, if the scalar spans exactly start:end and is plain or quoted; else None."""
    try:
        docs = parse_documents(line, source="line")
    except YamlError:
        return None
    if len(docs) != 1 or docs[0].shared:
        return None
    node: Any = docs[0].node
    data, path = docs[0].data, []
    while node.value and not isinstance(node.value, str):  # down the last entry or item
        last = node.value[-1]
        if isinstance(last, tuple):  # a mapping entry: (key, value)
            path.append(last[0].value)
            node = last[1]
        else:
            path.append(len(node.value) - 1)
            node = last
    if not isinstance(node.value, str) or (node.start_mark.index, node.end_mark.index) != (start, end):
        return None
    if node.style not in (None, "", "'", '"'):
        return None
    return data, tuple(path), _at(data, path), bool(node.style)


def _at(data: Any, path: Sequence[Any]) -> Any:
    for step in path:
        data = data[step]
    return data


def _replaced(data: Any, path: Sequence[Any], value: Any) -> Any:
    """`data` with the value at `path` replaced, copying only the collections along the path."""
    if not path:
        return value
    copied = dict(data) if isinstance(data, dict) else list(data)
    copied[path[0]] = _replaced(data[path[0]], path[1:], value)
    return copied
