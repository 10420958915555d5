"""rewrite under random edits: replaced scalars read back, keep every comment and change at most one line
each; added and removed keys read back."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mtx_gitops import yaml as mtx_yaml
from tests.yaml.texts import DEPLOYMENT, comments, container, diff, load


def assert_comments_kept(out: str, original: str) -> None:
    """Every comment of `original` is still in `out`, in the same order."""
    at = 0
    for comment in comments(original):
        at = out.index(comment, at) + len(comment)


_scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
    | st.sampled_from(["true", "5", "a: b", "#x", "- y", "'q'", '"d"', "", " ", "null", "2024-01-01", "{x}"])
)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in _leaves(value, (*path, key))]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in _leaves(value, (*path, i))]
    return [path]


_LEAVES = _leaves(load(DEPLOYMENT)[0])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_LEAVES), _scalar), min_size=1, max_size=6))
def test_random_scalar_replacements_read_back_and_keep_every_comment(changes: list[Any]) -> None:
    docs = copy.deepcopy(load(DEPLOYMENT))
    for path, value in changes:
        target = docs[0]
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    out = mtx_yaml.rewrite(DEPLOYMENT, docs)
    assert load(out) == docs
    assert_comments_kept(out, DEPLOYMENT)
    removed, added = diff(DEPLOYMENT, out)
    assert len(removed) == len(added) <= len(changes)


_keys = st.sampled_from(["a", "b", "new", "name", "value", "x-y", "true"])


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_random_added_and_removed_keys_read_back(data: st.DataObject) -> None:
    docs = copy.deepcopy(load(DEPLOYMENT))
    mappings = [docs[0], docs[0]["metadata"], docs[0]["spec"]["strategy"], container(docs), container(docs, 1)]
    for target in data.draw(st.lists(st.sampled_from(mappings), min_size=1, max_size=4)):
        if target and data.draw(st.booleans()):
            target.pop(data.draw(st.sampled_from(sorted(target))))
        else:
            target[data.draw(_keys)] = data.draw(_scalar | st.dictionaries(_keys, _scalar, max_size=2))
    out = mtx_yaml.rewrite(DEPLOYMENT, docs)
    assert load(out) == docs
