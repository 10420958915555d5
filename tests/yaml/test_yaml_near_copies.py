"""Near-copies derived from a text read before: what is derived is what a full read gives, anything but a
one-line scalar change is read in full, and what is kept stays bounded."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtx_gitops import yaml as mtx_yaml
from mtx_gitops.errors import YamlError
from mtx_gitops.yaml import _load
from mtx_gitops.yaml._fast.near_copies import NearCopies
from tests.yaml.texts import DEPLOYMENT, TRICKY, VALUES


def read_full(text: str) -> list[Any] | None:
    try:
        return [doc.data for doc in _load.parse_documents(text, source="u")]
    except YamlError:
        return None


def siblings_of(text: str) -> NearCopies:
    siblings = NearCopies(min_chars=0)
    siblings.remember(text)
    return siblings


def test_short_texts_are_always_read_in_full() -> None:
    siblings = NearCopies()
    siblings.remember(TRICKY)
    assert siblings.derive(TRICKY.replace("i: 2", "i: 3")) is None


def test_a_near_copy_is_derived_as_fresh_data() -> None:
    siblings = siblings_of(TRICKY)
    copy_text = TRICKY.replace("plain value", "other value").replace("'quoted item'", "'q'").replace("i: 2", "i: 3")
    derived = siblings.derive(copy_text)
    assert derived is not None and mtx_yaml.same_in_order(derived, read_full(copy_text))
    derived[0]["d"][2]["k"] = "mutated"
    again = siblings.derive(copy_text)
    assert again is not None and again[0]["d"][2]["k"] == "v"


@pytest.mark.parametrize(
    "change",
    [
        ("h: tail", "h: 'tail'"),  # plain to quoted: the blank line with a tab after it would break
        ("e: multi", "e: many"),  # a multi-line plain scalar
        ("f: [x, 'y']", "f: [x, 'z']"),  # a flow collection
        ("  block", "  other"),  # a block scalar's content
        ("- k: v", "- j: v"),  # a key
        ("# head", "# other head"),  # the first line is part of the key
        ("b: 'single'", "b: 'a' # c"),  # lines stay lined up, but this is a different kind of line
    ],
)
def test_what_is_not_a_scalar_value_of_its_own_is_read_in_full(change: tuple[str, str]) -> None:
    text = TRICKY.replace(*change)
    derived = siblings_of(TRICKY).derive(text)
    if derived is not None:  # some of these may be derivable; then they must be right
        assert mtx_yaml.same_in_order(derived, read_full(text))
    if change[0] in ("h: tail", "e: multi", "f: [x, 'y']", "  block", "- k: v", "# head"):
        assert derived is None


@pytest.mark.parametrize("text", ["%YAML 1.1\n---\na: 1\nb: 2\n", "a: &x 1\nb: 2\n", "a: 1\r\nb: 2\r\n"])
def test_directives_anchors_and_other_line_breaks_are_read_in_full(text: str) -> None:
    assert siblings_of(text).derive(text.replace("2", "3")) is None


_FRAGMENTS = st.lists(
    st.sampled_from(
        [
            "a",
            "b",
            " ",
            "\t",
            ":",
            ": ",
            "#",
            " #",
            "'",
            '"',
            "-",
            "[",
            "]",
            "{",
            "}",
            ",",
            "&",
            "*",
            "!",
            "!!int ",
            "|",
            ">",
            "?",
            "%",
            "@",
            "`",
            "0",
            "1",
            ".",
            "yes",
            "~",
            "null",
            "é",
            "\\",
        ]
    ),
    max_size=6,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, TRICKY.count("\n") - 1), st.integers(0, 40), _FRAGMENTS), min_size=1, max_size=3)
)
def test_whatever_is_derived_is_what_a_full_read_gives(changes: list[tuple[int, int, str]]) -> None:
    lines = TRICKY.split("\n")
    for line, column, fragment in changes:
        at = min(column, len(lines[line]))
        cut = min(len(lines[line]), at + len(fragment) % 4)
        lines[line] = lines[line][:at] + fragment + lines[line][cut:]
    text = "\n".join(lines)
    derived = siblings_of(TRICKY).derive(text)
    if derived is not None:
        assert mtx_yaml.same_in_order(derived, read_full(text))


_VALUE_LINES = [i for i, line in enumerate(DEPLOYMENT.split("\n")) if ": " in line or line.lstrip().startswith("- ")]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_VALUE_LINES), _FRAGMENTS | VALUES.map(str), st.booleans()), min_size=1, max_size=3
    )
)
def test_whatever_is_derived_from_new_values_is_what_a_full_read_gives(changes: list[tuple[int, str, bool]]) -> None:
    lines = DEPLOYMENT.split("\n")
    for line, value, keep_comment in changes:
        text = lines[line]
        at = text.index(": ") + 2 if ": " in text else text.index("- ") + 2
        comment = text[text.index(" #") :] if keep_comment and " #" in text[at:] else ""
        lines[line] = text[:at] + value + comment
    text = "\n".join(lines)
    derived = siblings_of(DEPLOYMENT).derive(text)
    if derived is not None:
        assert mtx_yaml.same_in_order(derived, read_full(text))


@pytest.mark.parametrize("text", ["a: !!int \n", "a: !!int ''\n", "a: !!float ''\n", "a: !!bool ''\n"])
def test_an_empty_number_is_refused_in_one_line(text: str) -> None:
    with pytest.raises(YamlError, match=r"u line 1: '' is not a valid !!"):
        mtx_yaml.load_documents(text, source="u")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("a: !!str x\n \t\nb: 1\n", "a: !!str 'x'\n \t\nb: 1\n"),  # a tag in front hides the quote
        ("a: x\nb: 1\n\n\n", "a: |+\nb: 1\n\n\n"),  # a block scalar is never one line
        ("- x\n- y\n", "- >\n- y\n"),
    ],
)
def test_the_kind_of_scalar_is_read_from_the_line_not_its_first_character(before: str, after: str) -> None:
    derived = siblings_of(before).derive(after)
    assert derived is None or mtx_yaml.same_in_order(derived, read_full(after))
    assert derived is None


def test_what_is_kept_stays_bounded_and_the_latest_texts_stay() -> None:
    siblings = NearCopies(min_chars=0)
    body = "".join(f"k{j}: x\n" for j in range(1000))
    texts = [f"# {i}\n{body}" + "c: y\n" * (i % 2) + f"b: {i}\n# end {i}" for i in range(600)]
    for text in texts:
        siblings.remember(text)
    assert siblings._chars <= 8 << 20 and len(siblings._read) <= 256
    assert siblings._chars == sum(read.text_length for kept in siblings._read.values() for read in kept)
    last = texts[-1].replace("b: 599", "b: 7")
    assert siblings.derive(last) == [{**{f"k{j}": "x" for j in range(1000)}, "c": "y", "b": 7}]
