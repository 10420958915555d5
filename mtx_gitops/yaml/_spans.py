"""Where things are in YAML text: spans of composed nodes, and edits of those spans.

libyaml's nodes carry character offsets (`start_mark.index`, `end_mark.index`). These helpers turn
them into the spans a line-preserving edit needs: the end of a node's content without its trailing
comments, the whole lines of an entry, the dash of a sequence item.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_DASH = re.compile(r" *- +")
# PyYAML's stubs leave `style`, `flow_style` and `value` off the node base class.
Node = Any


class Fallback(Exception):
    """The change is beyond the surgical rewrite; the caller uses the round-trip library."""


class Spans:
    """Collects span edits against one text and applies them together."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.edits: list[tuple[int, int, str]] = []
        self.indent = (2, 0)  # mapping indentation and sequence dash offset of the current document

    def edit(self, start: int, end: int, replacement: str) -> None:
        self.edits.append((start, end, replacement))

    def insert(self, at: int, block: str) -> None:
        """Whole lines inserted at a line start (or at the end of a text without a final newline)."""
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            block = self.newline + block
        self.edit(at, at, block)

    def apply(self) -> str:
        """The text with every edit made; edits at one place keep the order they were made in."""
        parts, cursor = [], 0
        for start, end, replacement in sorted(self.edits, key=lambda e: (e[0], e[1])):
            if start < cursor:
                raise Fallback("overlapping edits")
            parts += [self.text[cursor:start], replacement]
            cursor = end
        parts.append(self.text[cursor:])
        return "".join(parts)

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def after_line(self, index: int) -> int:
        """Start of the line after the one holding `index` (block scalars end on a line start)."""
        if index > 0 and self.text[index - 1] == "\n":
            return index
        end = self.text.find("\n", index)
        return len(self.text) if end < 0 else end + 1

    def content_end(self, node: Node) -> int:
        """End of the node's last character of content (not its trailing comments)."""
        while True:
            if isinstance(node, yaml.ScalarNode):
                start, end = node.start_mark.index, node.end_mark.index
                if start == end:
                    raise Fallback("empty sequence item")
                # A block scalar's span runs past its last line break; its content ends before.
                while node.style in ("|", ">") and end > start and self.text[end - 1] in "\r\n":
                    end -= 1
                return int(end)
            if node.flow_style:
                return int(node.end_mark.index)
            if isinstance(node, yaml.MappingNode):
                return self.entry_end(*node.value[-1])
            node = node.value[-1]

    def entry_end(self, key: Node, value: Node) -> int:
        """End of a mapping entry's content; an empty value ends with its key."""
        if isinstance(value, yaml.ScalarNode) and value.start_mark.index == value.end_mark.index:
            return int(key.end_mark.index)
        return self.content_end(value)

    def colon(self, key: Node) -> int:
        """Index just past the `:` that follows a key."""
        index = key.end_mark.index
        while self.text[index : index + 1] == " ":
            index += 1
        if self.text[index : index + 1] != ":":
            raise Fallback("key without a plain ':'")
        return int(index) + 1

    def dash_line(self, item: Node) -> int:
        """Line start of a block sequence item whose line begins with its dash."""
        start = self.line_start(item.start_mark.index)
        if not _DASH.fullmatch(self.text, start, item.start_mark.index):
            raise Fallback("sequence item not on its own dash line")
        return start

    def starts_behind_dash(self, index: int) -> bool:
        """Whether the line holding `index` has only `- ` before it (a compact mapping in a list)."""
        return _DASH.fullmatch(self.text, self.line_start(index), index) is not None
