"""The line-by-line check of scalar splices: it vouches only for text that loads as the new data, and leaves
to a whole read what one line cannot show."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtx_gitops import yaml as mtx_yaml
from mtx_gitops.errors import YamlError
from mtx_gitops.yaml import _load
from mtx_gitops.yaml._fast.splice_check import scalars_read_as
from mtx_gitops.yaml._spans import Fallback
from mtx_gitops.yaml._stream import surgical_rewrite
from tests.yaml.texts import TRICKY, VALUES


def splice(text: str, new: list[Any]) -> tuple[str, bool | None]:
    """The surgical result for `new` and the line-by-line verdict on it."""
    docs = _load.parse_documents(text, source="u")
    result, scalars = surgical_rewrite(text, docs, new)
    verdict = scalars_read_as(text, [doc.data for doc in docs], scalars, new) if scalars else None
    return result, verdict


def test_a_plain_value_spliced_over_a_plain_one_is_vouched_for_line_by_line() -> None:
    new = mtx_yaml.load_documents(TRICKY, source="u")
    new[0]["a"], new[0]["d"][2]["k"], new[0]["i"] = "other value", "w", 3
    result, verdict = splice(TRICKY, new)
    assert verdict is True
    assert mtx_yaml.same_in_order(mtx_yaml.load_documents(result, source="u"), new)


def test_a_plain_value_that_must_be_quoted_is_read_whole() -> None:
    """`h: tail` then a blank line holding a tab: quoted, it would no longer load."""
    new = mtx_yaml.load_documents(TRICKY, source="u")
    new[0]["h"] = "yes"
    result, verdict = splice(TRICKY, new)
    assert verdict is None and "h: 'yes'\n \t\n" in result
    with pytest.raises(YamlError):
        mtx_yaml.load_documents(result, source="u")
    out = mtx_yaml.rewrite(TRICKY, new)
    assert mtx_yaml.same_in_order(mtx_yaml.load_documents(out, source="u"), new)


@pytest.mark.parametrize("field", ["e", "f", "g"])
def test_multi_line_flow_and_block_scalars_are_read_whole(field: str) -> None:
    new = mtx_yaml.load_documents(TRICKY, source="u")
    new[0][field] = "changed"
    assert splice(TRICKY, new)[1] is None


def test_a_check_that_fails_says_so() -> None:
    """The lines hold what was spliced, but the new data wants more: the verdict is False."""
    docs = _load.parse_documents(TRICKY, source="u")
    new = mtx_yaml.load_documents(TRICKY, source="u")
    new[0]["a"] = "other"
    _, scalars = surgical_rewrite(TRICKY, docs, new)
    assert scalars is not None
    wanted = copy.deepcopy(new)
    wanted[0]["b"] = "also changed"
    assert scalars_read_as(TRICKY, [doc.data for doc in docs], scalars, wanted) is False


_TRICKY_LEAVES = [(0, key) for key in ("a", "b", "c", "h", "i")] + [
    (0, "d", 0),
    (0, "d", 1),
    (0, "d", 2, "k"),
    (0, "d", 2, "n"),
    (1,),
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TRICKY_LEAVES), VALUES), min_size=1, max_size=4))
def test_whatever_the_line_check_vouches_for_loads_as_the_new_data(changes: list[Any]) -> None:
    new = mtx_yaml.load_documents(TRICKY, source="u")
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
        assert mtx_yaml.same_in_order(mtx_yaml.load_documents(result, source="u"), new)
    out = mtx_yaml.rewrite(TRICKY, new)
    assert mtx_yaml.same_in_order(mtx_yaml.load_documents(out, source="u"), new)
