"""The fast paths of loading and rewriting give exactly what the full paths give, or step aside."""

from __future__ import annotations

import copy
import math
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtx_gitops.adapters import yamlio, yamlsafe
from mtx_gitops.adapters.yamlsiblings import Siblings
from mtx_gitops.adapters.yamlspans import Fallback
from mtx_gitops.adapters.yamlstream import surgical_rewrite
from mtx_gitops.adapters.yamlverify import scalars_read_as
from mtx_gitops.core.merge_tree import same as merge_same
from mtx_gitops.errors import YamlError
from tests.adapters.test_yamledit import DEPLOYMENT

UNIT = (
    "# header\n"
    "apiVersion: apps/v1\n"
    "kind: Deployment\n"
    "metadata:\n"
    "  name: web  # the name\n"
    "spec:\n"
    "  replicas: 3\n"
    "  template:\n"
    "    spec:\n"
    "      containers:\n"
    "      - name: web\n"
    "        image: 'registry/web:v1'\n"
    "---\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata:\n"
    "  name: web\n"
)


def test_known_data_is_paired_with_the_composed_nodes_and_empty_documents_dropped() -> None:
    full = yamlsafe.parse_documents(UNIT, source="u")
    known = [doc.data for doc in full]
    paired = yamlsafe.parse_documents(UNIT, source="u", known=known)
    assert [doc.data for doc in paired] == known and all(a is b for a, b in zip(
        [doc.data for doc in paired], known, strict=True))
    assert [(d.node.start_mark.index, d.node.end_mark.index) for d in paired] == \
        [(d.node.start_mark.index, d.node.end_mark.index) for d in full]
    assert not any(doc.shared for doc in paired)


@pytest.mark.parametrize("known", [[], [{"a": 1}], [{"a": 1}, {"b": 2}, {"c": 3}]])
def test_known_data_that_does_not_pair_up_means_a_full_parse(known: list[object]) -> None:
    docs = yamlsafe.parse_documents(UNIT, source="u", known=known)
    assert [doc.data for doc in docs] == yamlio.load_documents(UNIT, source="u")


def test_text_with_anchors_tags_or_merge_keys_is_always_walked() -> None:
    text = "a: &x {b: 1}\nc: *x\n---\nd: !!str 5\n---\ne:\n  <<: {f: 1}\n"
    docs = yamlsafe.parse_documents(text, source="u", known=[{"wrong": 1}] * 3)
    assert [doc.data for doc in docs] == [{"a": {"b": 1}, "c": {"b": 1}}, {"d": "5"}, {"e": {"f": 1}}]
    assert [doc.shared for doc in docs] == [True, False, True]


def test_rewrite_with_the_old_data_is_the_rewrite_without_it() -> None:
    old = yamlio.load_documents(UNIT, source="u")
    new = copy.deepcopy(old)
    new[0]["spec"]["template"]["spec"]["containers"][0]["image"] = "registry/web:v2"
    new[0]["spec"]["replicas"] = 4
    out = yamlio.rewrite(UNIT, new, old=old)
    assert out == yamlio.rewrite(UNIT, new)
    assert out == UNIT.replace("web:v1", "web:v2").replace("replicas: 3", "replicas: 4")


def test_wrong_old_data_still_gives_text_that_reads_as_the_new_data() -> None:
    """The read-back check, not the caller's word, decides what is written."""
    new = yamlio.load_documents(UNIT, source="u")
    new[0]["spec"]["replicas"] = 7
    lying = copy.deepcopy(new)
    lying[0]["spec"]["replicas"] = 5
    lying[0]["metadata"]["name"] = "other"
    out = yamlio.rewrite(UNIT, new, old=lying)
    assert yamlio.load_documents(out, source="u") == new


def test_cached_scalars_are_the_values_pyyaml_constructs() -> None:
    text = "a: [0x1F, 0o17, 017, 1_000, -3, yes, No, ~, null, '', true, .inf, 1.5e+3]\n"
    for _ in range(2):  # the second load is served from the cache of constructed scalars
        data = yamlio.load_one(text, source="u")["a"]
        assert data[:11] == [31, "0o17", 15, 1000, -3, True, False, None, None, "", True]
        assert data[11] == math.inf and data[12] == 1500.0
        assert [type(x) for x in data] == [int, str, int, int, int, bool, bool, type(None), type(None), str,
                                           bool, float, float]


def test_strings_resolve_as_before_whatever_their_first_character() -> None:
    text = "a: app\nb: 'yes'\nc: y\nd: Off\ne: <<x\nf: -1\ng: .5\nh: +\ni: =\n"
    assert yamlio.load_one(text, source="u") == {
        "a": "app", "b": "yes", "c": "y", "d": False, "e": "<<x", "f": -1, "g": 0.5, "h": "+", "i": "="}


def test_same_tells_types_and_key_order_apart_whatever_is_shared_or_interned() -> None:
    assert not yamlsafe.same([1], [True]) and not yamlsafe.same([1], [1.0])
    assert not yamlsafe.same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    shared = {"k": "v"}
    assert yamlsafe.same([shared, shared], [{"k": "v"}, {"k": "v"}])
    key = "".join(["na", "me"])
    assert yamlsafe.same({sys.intern("name"): 1}, {key: 1})


def test_same_falls_back_for_types_marshal_refuses() -> None:
    class Text(str):
        pass

    assert yamlsafe.same({"a": Text("x")}, {"a": "x"})
    assert not yamlsafe.same({"a": Text("x")}, {"a": "y"})


def test_the_merge_same_ignores_key_order_and_sharing_but_not_types() -> None:
    shared = {"k": [1, 2]}
    assert merge_same([shared, shared], [{"k": [1, 2]}, {"k": [1, 2]}])
    assert merge_same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not merge_same({"a": [1]}, {"a": [True]})


# --- the line-by-line check of scalar splices ------------------------------------------------------

TRICKY = (
    "# head\n"
    "a: plain value  # c\n"
    "b: 'single'\n"
    "c: \"double\"\n"
    "d:\n"
    "- item\n"
    "- 'quoted item'  #c\n"
    "- k: v\n"
    "  n: 1\n"
    "e: multi\n"
    "  line plain\n"
    "f: [x, 'y']\n"
    "g: |\n"
    "  block\n"
    "h: tail\n"
    " \t\n"
    "i: 2\n"
    "---\n"
    "just a scalar document\n"
)


def splice(text: str, new: list[Any]) -> tuple[str, bool | None]:
    """The surgical result for `new` and the line-by-line verdict on it."""
    docs = yamlsafe.parse_documents(text, source="u")
    result, scalars = surgical_rewrite(text, docs, new)
    verdict = scalars_read_as(text, [doc.data for doc in docs], scalars, new) if scalars else None
    return result, verdict


def test_a_plain_value_spliced_over_a_plain_one_is_vouched_for_line_by_line() -> None:
    new = yamlio.load_documents(TRICKY, source="u")
    new[0]["a"], new[0]["d"][2]["k"], new[0]["i"] = "other value", "w", 3
    result, verdict = splice(TRICKY, new)
    assert verdict is True
    assert yamlsafe.same(yamlio.load_documents(result, source="u"), new)


def test_a_plain_value_that_must_be_quoted_is_read_whole() -> None:
    """`h: tail` then a blank line holding a tab: quoted, it would no longer load."""
    new = yamlio.load_documents(TRICKY, source="u")
    new[0]["h"] = "yes"
    result, verdict = splice(TRICKY, new)
    assert verdict is None and "h: 'yes'\n \t\n" in result
    with pytest.raises(YamlError):
        yamlio.load_documents(result, source="u")
    out = yamlio.rewrite(TRICKY, new)
    assert yamlsafe.same(yamlio.load_documents(out, source="u"), new)


@pytest.mark.parametrize("field", ["e", "f", "g"])
def test_multi_line_flow_and_block_scalars_are_read_whole(field: str) -> None:
    new = yamlio.load_documents(TRICKY, source="u")
    new[0][field] = "changed"
    assert splice(TRICKY, new)[1] is None


def test_a_check_that_fails_says_so() -> None:
    """The lines hold what was spliced, but the new data wants more: the verdict is False."""
    docs = yamlsafe.parse_documents(TRICKY, source="u")
    new = yamlio.load_documents(TRICKY, source="u")
    new[0]["a"] = "other"
    _, scalars = surgical_rewrite(TRICKY, docs, new)
    assert scalars is not None
    wanted = copy.deepcopy(new)
    wanted[0]["b"] = "also changed"
    assert scalars_read_as(TRICKY, [doc.data for doc in docs], scalars, wanted) is False


_VALUES = (
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
    | st.sampled_from(["a: b", "x #y", "- z", "'q'", '"d"', "", " ", "null", "---", "...", "[a]", "&a", "*a",
                       "!t", "a:", "%x", "yes", "0x1F", "1:20", "\t", "a\tb", "é"])
)
_TRICKY_LEAVES = [(0, key) for key in ("a", "b", "c", "h", "i")] + [(0, "d", 0), (0, "d", 1), (0, "d", 2, "k"),
                                                                   (0, "d", 2, "n"), (1,)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TRICKY_LEAVES), _VALUES), min_size=1, max_size=4))
def test_whatever_the_line_check_vouches_for_loads_as_the_new_data(changes: list[Any]) -> None:
    new = yamlio.load_documents(TRICKY, source="u")
    for path, value in changes:
        if len(path) == 1:
            new[path[0]] = value if value is not None else "x"
            continue
        target = new[path[0]]
        for step in path[1:-1]:
            target = target[step]
        target[path[-1]] = value
    try:
        result, verdict = splice(TRICKY, new)
    except Fallback:
        return
    if verdict:
        assert yamlsafe.same(yamlio.load_documents(result, source="u"), new)
    out = yamlio.rewrite(TRICKY, new)
    assert yamlsafe.same(yamlio.load_documents(out, source="u"), new)


# --- near-copies derived from a text read before ---------------------------------------------------


def read_full(text: str) -> list[Any] | None:
    try:
        return [doc.data for doc in yamlsafe.parse_documents(text, source="u")]
    except YamlError:
        return None


def siblings_of(text: str) -> Siblings:
    siblings = Siblings(min_chars=0)
    siblings.remember(text)
    return siblings


def test_short_texts_are_always_read_in_full() -> None:
    siblings = Siblings()
    siblings.remember(TRICKY)
    assert siblings.derive(TRICKY.replace("i: 2", "i: 3")) is None


def test_a_near_copy_is_derived_as_fresh_data() -> None:
    siblings = siblings_of(TRICKY)
    copy_text = TRICKY.replace("plain value", "other value").replace("'quoted item'", "'q'").replace("i: 2", "i: 3")
    derived = siblings.derive(copy_text)
    assert derived is not None and yamlsafe.same(derived, read_full(copy_text))
    derived[0]["d"][2]["k"] = "mutated"
    again = siblings.derive(copy_text)
    assert again is not None and again[0]["d"][2]["k"] == "v"


@pytest.mark.parametrize("change", [
    ("h: tail", "h: 'tail'"),  # plain to quoted: the blank line with a tab after it would break
    ("e: multi", "e: many"),  # a multi-line plain scalar
    ("f: [x, 'y']", "f: [x, 'z']"),  # a flow collection
    ("  block", "  other"),  # a block scalar's content
    ("- k: v", "- j: v"),  # a key
    ("# head", "# other head"),  # the first line is part of the key
    ("b: 'single'", "b: 'a' # c"),  # lines stay lined up, but this is a different kind of line
])
def test_what_is_not_a_scalar_value_of_its_own_is_read_in_full(change: tuple[str, str]) -> None:
    text = TRICKY.replace(*change)
    derived = siblings_of(TRICKY).derive(text)
    if derived is not None:  # some of these may be derivable; then they must be right
        assert yamlsafe.same(derived, read_full(text))
    if change[0] in ("h: tail", "e: multi", "f: [x, 'y']", "  block", "- k: v", "# head"):
        assert derived is None


@pytest.mark.parametrize("text", ["%YAML 1.1\n---\na: 1\nb: 2\n", "a: &x 1\nb: 2\n", "a: 1\r\nb: 2\r\n"])
def test_directives_anchors_and_other_line_breaks_are_read_in_full(text: str) -> None:
    assert siblings_of(text).derive(text.replace("2", "3")) is None


_FRAGMENTS = st.lists(st.sampled_from(["a", "b", " ", "\t", ":", ": ", "#", " #", "'", '"', "-", "[", "]", "{",
                                       "}", ",", "&", "*", "!", "!!int ", "|", ">", "?", "%", "@", "`", "0",
                                       "1", ".", "yes", "~", "null", "é", "\\"]), max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.integers(0, TRICKY.count("\n") - 1), st.integers(0, 40), _FRAGMENTS),
                min_size=1, max_size=3))
def test_whatever_is_derived_is_what_a_full_read_gives(changes: list[tuple[int, int, str]]) -> None:
    lines = TRICKY.split("\n")
    for line, column, fragment in changes:
        at = min(column, len(lines[line]))
        cut = min(len(lines[line]), at + len(fragment) % 4)
        lines[line] = lines[line][:at] + fragment + lines[line][cut:]
    text = "\n".join(lines)
    derived = siblings_of(TRICKY).derive(text)
    if derived is not None:
        assert yamlsafe.same(derived, read_full(text))


_VALUE_LINES = [i for i, line in enumerate(DEPLOYMENT.split("\n")) if ": " in line or line.lstrip().startswith("- ")]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_VALUE_LINES), _FRAGMENTS | _VALUES.map(str), st.booleans()),
                min_size=1, max_size=3))
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
        assert yamlsafe.same(derived, read_full(text))


@pytest.mark.parametrize("text", ["a: !!int \n", "a: !!int ''\n", "a: !!float ''\n", "a: !!bool ''\n"])
def test_an_empty_number_is_refused_in_one_line(text: str) -> None:
    with pytest.raises(YamlError, match=r"u line 1: '' is not a valid !!"):
        yamlio.load_documents(text, source="u")


@pytest.mark.parametrize(("before", "after"), [
    ("a: !!str x\n \t\nb: 1\n", "a: !!str 'x'\n \t\nb: 1\n"),  # a tag in front hides the quote
    ("a: x\nb: 1\n\n\n", "a: |+\nb: 1\n\n\n"),  # a block scalar is never one line
    ("- x\n- y\n", "- >\n- y\n"),
])
def test_the_kind_of_scalar_is_read_from_the_line_not_its_first_character(before: str, after: str) -> None:
    derived = siblings_of(before).derive(after)
    assert derived is None or yamlsafe.same(derived, read_full(after))
    assert derived is None


def test_what_is_kept_stays_bounded_and_the_latest_texts_stay() -> None:
    siblings = Siblings(min_chars=0)
    body = "".join(f"k{j}: x\n" for j in range(1000))
    texts = [f"# {i}\n{body}" + "c: y\n" * (i % 2) + f"b: {i}\n# end {i}" for i in range(600)]
    for text in texts:
        siblings.remember(text)
    assert siblings._chars <= 8 << 20 and len(siblings._read) <= 256
    assert siblings._chars == sum(read.text_length for kept in siblings._read.values() for read in kept)
    last = texts[-1].replace("b: 599", "b: 7")
    assert siblings.derive(last) == [{**{f"k{j}": "x" for j in range(1000)}, "c": "y", "b": 7}]
