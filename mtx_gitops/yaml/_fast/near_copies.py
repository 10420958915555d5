"""Reading near-copies: a text that differs from one read before only in scalar values is derived from it.

The copies of a unit in many spaces differ from each other in a line or two (a region's value, a
replica count). The first copy is read in full; the others are compared with it line by line, and
when every differing line holds one single-line scalar of a block collection in the text read before,
the new data is that text's data with those values replaced, as `splice_check.spliced` shows line by
line. Whatever does not fit is read in full (and remembered in turn).
"""

from __future__ import annotations

import marshal
from typing import Any

import yaml

from mtx_gitops.errors import YamlError
from mtx_gitops.yaml._edit import ScalarEdit
from mtx_gitops.yaml._fast.splice_check import spliced
from mtx_gitops.yaml._load import Document, parse_documents

# Texts outside these sizes are always read in full: a short one reads faster than it derives.
MIN_CHARS, MAX_CHARS = 1024, 1 << 20
_MAX_CHANGED_LINES = 8
_PER_KEY, _KEYS, _BUDGET = 4, 256, 8 << 20  # texts kept: per key, keys, characters in all
# Anchors, and line breaks besides "\n"; also directives, as a %TAG changes what tags mean.
_UNSUITABLE = ("&", "\r", "\x85", "\u2028", "\u2029", "\ufeff", "\n%")

Key = tuple[int, str, str]


class _Read:
    """A text read in full: its lines and, once a near-copy comes along, a private copy of its data
    and, by line, the scalar value it holds (read again then, for its nodes)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.text_length = sum(map(len, lines)) + len(lines) - 1
        self.data: list[Any] | None = None
        self.scalars: dict[int, tuple[tuple[Any, ...], int, int]] = {}
        self.text = ""
        self.starts: list[int] = []
        self.built = False

    def build(self) -> None:
        self.built = True
        self.text = "\n".join(self.lines)
        self.starts = _starts(self.lines)
        docs = _documents(self.text)
        if docs is not None and not any(doc.shared for doc in docs):
            self.data = marshal.loads(marshal.dumps([doc.data for doc in docs], 2))
            self.scalars = _scalar_lines(docs)


class NearCopies:
    """Texts read in full, by line count, first and last line; bounded.

    Remembering a text costs little: it is read again (with its nodes) only when a near-copy of it
    comes along.
    """

    def __init__(self, *, min_chars: int = MIN_CHARS) -> None:
        self._read: dict[Key, list[_Read]] = {}
        self._min_chars = min_chars
        self._chars = 0  # of the texts kept

    def derive(self, text: str) -> list[Any] | None:
        """The data of `text`, from a near-copy read before; None when there is none to derive it from."""
        if not self._suitable(text):
            return None
        lines = text.split("\n")
        for read in self._read.get(_key(lines), ()):
            changed = [i for i, (was, now) in enumerate(zip(read.lines, lines, strict=True)) if was != now]
            if len(changed) > _MAX_CHANGED_LINES:
                continue
            if not read.built:
                read.build()
            data = _derived(read, lines, changed)
            if data is not None:
                return data
        return None

    def _suitable(self, text: str) -> bool:
        if not self._min_chars <= len(text) <= MAX_CHARS or text.startswith("%"):
            return False
        return not any(mark in text for mark in _UNSUITABLE)

    def remember(self, text: str) -> None:
        """Keep `text`, just read in full, to derive its near-copies from."""
        if not self._suitable(text):
            return
        lines = text.split("\n")
        kept = self._read.setdefault(_key(lines), [])
        kept.insert(0, _Read(lines))
        self._chars += len(text)
        for dropped in kept[_PER_KEY:]:
            self._chars -= dropped.text_length
        del kept[_PER_KEY:]
        while len(self._read) > _KEYS or self._chars > _BUDGET:
            oldest = next(iter(self._read))
            self._chars -= sum(read.text_length for read in self._read.pop(oldest))


def _documents(text: str) -> list[Document] | None:
    try:
        return parse_documents(text, source="near-copy")
    except YamlError:
        return None


def _key(lines: list[str]) -> Key:
    return len(lines), lines[0], lines[-1]


def _derived(read: _Read, lines: list[str], changed: list[int]) -> list[Any] | None:
    if read.data is None:
        return None
    edits = []
    for i in changed:
        found = read.scalars.get(i)
        if found is None:
            return None
        path, start, end = found
        was, now = read.lines[i], lines[i]
        head, tail = was[: start - read.starts[i]], was[end - read.starts[i] :]
        if len(now) <= len(head) + len(tail) or not now.startswith(head) or not now.endswith(tail):
            return None
        edits.append(ScalarEdit(path, start, end, now[len(head) : len(now) - len(tail)]))
    data = spliced(read.text, read.data, edits) if edits else read.data
    # Fresh objects, as a full read gives: callers own what they load.
    return None if data is None else marshal.loads(marshal.dumps(data, 2))


def _starts(lines: list[str]) -> list[int]:
    """Where each line begins in the text."""
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    return starts


def _scalar_lines(docs: list[Document]) -> dict[int, tuple[tuple[Any, ...], int, int]]:
    """line -> (path, start, end) of the one single-line scalar value of a block collection on it."""
    found: dict[int, tuple[tuple[Any, ...], int, int]] = {}
    crowded = set()
    stack: list[tuple[Any, tuple[Any, ...]]] = [(doc.node, (i,)) for i, doc in enumerate(docs)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            line, start, end = node.start_mark.line, node.start_mark.index, node.end_mark.index
            if node.end_mark.line == line and start < end:
                if line in found:
                    crowded.add(line)
                found[line] = (path, start, end)
        elif not node.flow_style:  # a flow collection's scalars are not in block context
            if isinstance(node, yaml.MappingNode):
                stack.extend((value, (*path, key.value)) for key, value in node.value)
            else:
                stack.extend((item, (*path, i)) for i, item in enumerate(node.value))
    for line in crowded:
        del found[line]
    return found
