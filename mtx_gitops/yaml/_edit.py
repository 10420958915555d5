"""Surgical edits inside one document: splice changed scalars, entries and items into the text.

libyaml's nodes carry character offsets. The old and new data are diffed on those nodes and each
change becomes an edit of a text span; every line no edit touches stays byte-identical. Whatever
cannot be expressed this way raises `Fallback`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any, NamedTuple

import yaml

from mtx_gitops.yaml._emit import render_block, render_flow, render_literal, render_scalar
from mtx_gitops.yaml._fast import ACCELERATORS
from mtx_gitops.yaml._load import same_in_order
from mtx_gitops.yaml._spans import Fallback, Node, Spans

_Seq = (list, tuple)
_COLLECTION = (Mapping, list, tuple)


def detect_indent(root: Node) -> tuple[int, int]:
    """The document's mapping indentation and sequence dash offset (kubectl style is 2 and 0)."""
    step = offset = None
    stack = [root]
    while stack and (step is None or offset is None):
        node = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode) and not node.flow_style:
            for key, value in node.value:
                column = key.start_mark.column
                if isinstance(value, yaml.MappingNode) and not value.flow_style and step is None:
                    step = value.value[0][0].start_mark.column - column
                elif isinstance(value, yaml.SequenceNode) and not value.flow_style and offset is None:
                    offset = value.start_mark.column - column
                stack.append(value)
    return (step if step and 2 <= step <= 9 else 2), (offset if offset and offset > 0 else 0)


def _rendered(value: Any, style: str | None, flow: bool) -> str | None:
    """`render_scalar`, remembered for short scalars: a bulk edit writes the same value many times."""
    memo = ACCELERATORS.rendered_scalars
    if memo is None or type(value) not in _SCALARS or (type(value) is str and len(value) > 256):
        return render_scalar(value, style=style, flow=flow)
    key = (type(value).__name__, value, style, flow)  # the type's name keeps 1, 1.0 and True apart
    if key not in memo:
        if len(memo) >= 4096:
            memo.clear()
        memo[key] = render_scalar(value, style=style, flow=flow)
    return memo[key]


_SCALARS = frozenset({str, int, float, bool, type(None)})


class ScalarEdit(NamedTuple):
    """One single-line scalar of a block collection replaced: where in the old data and the text."""

    path: tuple[Any, ...]  # document index, then keys and list indices
    start: int
    end: int
    text: str


class Editor(Spans):
    """Diffs old data against new on the old text's nodes, collecting the span edits.

    `scalars` records the edits that replace a single-line scalar of a block collection by another,
    at their path in the old data (`path` is kept by the diff as it goes down).
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.path: list[Any] = []
        self.scalars: list[ScalarEdit] = []

    def only_scalars(self) -> list[ScalarEdit] | None:
        """The scalar edits, when they are every edit made; else None."""
        return self.scalars if len(self.scalars) == len(self.edits) else None

    def block(self, data: Any, indent: int) -> str:
        step, offset = self.indent
        return render_block(data, indent=indent, step=step, seq_offset=offset, newline=self.newline)

    def diff(self, node: Node, old: Any, new: Any, *, flow: bool) -> None:
        if same_in_order(old, new):
            return
        if isinstance(node, yaml.ScalarNode):
            self.replace_scalar(node, new, flow=flow)
        elif flow or node.flow_style:
            self.diff_flow(node, old, new)
        elif isinstance(node, yaml.MappingNode) and isinstance(new, Mapping):
            self.diff_mapping(node, old, new)
        elif isinstance(node, yaml.SequenceNode) and isinstance(new, _Seq):
            self.diff_sequence(node, old, list(new))
        else:
            raise Fallback("a collection changed kind")

    def replace_scalar(self, node: Node, new: Any, *, flow: bool) -> None:
        start, end = node.start_mark.index, node.end_mark.index
        if self.text[start : start + 1] in ("&", "!", "*"):
            raise Fallback("tag or anchor")
        if node.style in ("|", ">"):
            self.replace_block_scalar(node, new)
            return
        rendered = _rendered(new, node.style or None, flow)
        if rendered is None:
            if not flow:
                raise Fallback("scalar became a collection")
            rendered = render_flow(new)
        if start == end:
            if self.text[start - 1 : start] != ":":
                raise Fallback("empty value not after ':'")
            rendered = " " + rendered
        elif not flow and node.start_mark.line == node.end_mark.line:
            self.scalars.append(ScalarEdit(tuple(self.path), start, end, rendered))
        self.edit(start, end, rendered)

    def replace_block_scalar(self, node: Node, new: Any) -> None:
        """A `|` or `>` block's text replaced by a literal block at the same indentation."""
        start = node.start_mark.index
        lines = self.text[start : node.end_mark.index].split("\n")[1:]
        indent = next((len(line) - len(line.lstrip(" ")) for line in lines if line.strip()), 0)
        rendered = render_literal(new, indent=indent, newline=self.newline) if isinstance(new, str) else None
        if not indent or rendered is None:
            raise Fallback("block scalar")
        self.edit(start, self.content_end(node), rendered)

    def diff_flow(self, node: Node, old: Any, new: Any) -> None:
        """Keep a flow collection's shape and quoting where it holds, else rewrite it on its line."""
        if isinstance(node, yaml.MappingNode) and isinstance(new, Mapping) and list(old) == list(new):
            for key, value in node.value:
                self.diff(value, old[key.value], new[key.value], flow=True)
        elif isinstance(node, yaml.SequenceNode) and isinstance(new, _Seq) and len(old) <= len(new):
            for item, was, now in zip(node.value, old, new, strict=False):
                self.diff(item, was, now, flow=True)
            if len(new) > len(old):
                self.append_flow(node, list(new[len(old) :]))
        elif node.start_mark.line == node.end_mark.line:
            rendered = render_scalar(new, style=None, flow=True) or render_flow(new)
            self.edit(node.start_mark.index, node.end_mark.index, rendered)
        else:
            raise Fallback("multi-line flow collection changed shape")

    def append_flow(self, node: Node, new: list[Any]) -> None:
        """New items at the end of a flow sequence, before its `]`."""
        end = node.end_mark.index - 1
        if self.text[end : end + 1] != "]":
            raise Fallback("flow sequence without ']'")
        items = [render_scalar(item, style=None, flow=True) or render_flow(item) for item in new]
        self.edit(end, end, (", " if node.value else "") + ", ".join(items))

    def diff_mapping(self, node: Node, old: dict[str, Any], new: Mapping[str, Any]) -> None:
        if not new:
            raise Fallback("a document became {}")  # nested mappings become `{}` in diff_entry
        pairs = node.value
        where = {key.value: i for i, (key, _) in enumerate(pairs)}
        kept = [name for name in new if name in where]
        if kept != [key.value for key, _ in pairs if key.value in new]:
            raise Fallback("keys reordered")
        for i, (key, value) in enumerate(pairs):
            if key.value in new:
                self.path.append(key.value)
                self.diff_entry(key, value, old[key.value], new[key.value])
                self.path.pop()
            else:
                self.delete_entry(pairs, i)
        pending: dict[str, Any] = {}
        previous: int | None = None
        for name in new:
            if name not in where:
                pending[name] = new[name]
                continue
            if pending:
                self.insert_entries(pairs, previous, where[name], pending)
                pending = {}
            previous = where[name]
        if pending:
            self.insert_entries(pairs, previous, None, pending)

    def diff_entry(self, key: Node, value: Node, old: Any, new: Any) -> None:
        if same_in_order(old, new):
            return
        filled = isinstance(new, _COLLECTION) and bool(new)
        if isinstance(value, yaml.ScalarNode) or (value.flow_style and not value.value):
            if filled:
                self.scalar_to_block(key, value, new)
            else:
                self.diff(value, old, new, flow=False)
        elif not value.flow_style and not filled:
            rendered = render_scalar(new, style=None, flow=False)
            self.edit(self.colon(key), self.content_end(value), f" {rendered}")
        else:
            self.diff(value, old, new, flow=False)

    def scalar_to_block(self, key: Node, value: Node, new: Any) -> None:
        """`key: null` or `key: {}` becoming a block mapping or sequence under the key."""
        if getattr(value, "style", None) in ("|", ">"):
            raise Fallback("block scalar")
        end = value.end_mark.index
        self.edit(self.colon(key), end, "")
        step, offset = self.indent
        column = key.start_mark.column + (step if isinstance(new, Mapping) else offset)
        self.insert(self.after_line(end), self.block(new, column))

    def delete_entry(self, pairs: list[tuple[Node, Node]], i: int) -> None:
        key, value = pairs[i]
        self.colon(key)
        start = self.line_start(key.start_mark.index)
        if not self.text[start : key.start_mark.index].strip():
            self.edit(start, self.after_line(self.entry_end(key, value)), "")
        elif i == 0 and self.starts_behind_dash(key.start_mark.index) and len(pairs) > 1:
            # `- name: a` losing its first key: the next key moves up behind the dash.
            self.edit(key.start_mark.index, pairs[1][0].start_mark.index, "")
        else:
            raise Fallback("key shares its line")

    def insert_entries(
        self, pairs: list[tuple[Node, Node]], after: int | None, before: int | None, new: Mapping[str, Any]
    ) -> None:
        self.colon(pairs[0][0])  # a plain `key:` entry, not a `? key` one, fixes the column
        column = pairs[0][0].start_mark.column
        block = self.block(new, column)
        if after is not None:
            self.insert(self.after_line(self.entry_end(*pairs[after])), block)
            return
        first = pairs[before or 0][0].start_mark.index
        start = self.line_start(first)
        if not self.text[start:first].strip():
            self.edit(start, start, block)
        else:
            # The first key sits behind a dash: the new keys take its place, it moves down a line.
            self.edit(first, first, block[column:] + " " * column)

    def diff_sequence(self, node: Node, old: list[Any], new: list[Any]) -> None:
        """Items matched by content: unchanged ones keep their text, removed ones lose their lines."""
        items = node.value
        signs = [json.dumps(x, default=repr) for x in old], [json.dumps(x, default=repr) for x in new]
        matcher = difflib.SequenceMatcher(None, signs[0], signs[1], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            paired = min(i2 - i1, j2 - j1)
            for k in range(paired):
                self.path.append(i1 + k)
                self.diff_item(items[i1 + k], old[i1 + k], new[j1 + k])
                self.path.pop()
            for i in range(i1 + paired, i2):
                self.edit(self.dash_line(items[i]), self.after_line(self.content_end(items[i])), "")
            if j2 - j1 > paired:
                self.insert_items(items, i1 + paired, new[j1 + paired : j2])

    def diff_item(self, item: Node, old: Any, new: Any) -> None:
        if same_in_order(old, new):
            return
        block = not isinstance(item, yaml.ScalarNode) and not item.flow_style
        if block and not (isinstance(new, _COLLECTION) and new):
            # A block mapping or sequence item becoming a scalar or `{}`: it keeps its dash.
            rendered = render_scalar(new, style=None, flow=False)
            self.edit(item.start_mark.index, self.content_end(item), str(rendered))
        else:
            self.diff(item, old, new, flow=False)

    def insert_items(self, items: list[Node], at: int, new: list[Any]) -> None:
        """New items before old item `at`: just after item `at - 1`, so comments stay with their item."""
        first = self.dash_line(items[0])
        block = self.block(new, self.text.index("-", first) - first)
        if at > 0:
            self.insert(self.after_line(self.content_end(items[at - 1])), block)
        else:
            self.edit(first, first, block)
