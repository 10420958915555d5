"""The fast paths of loading and rewriting give exactly what the full paths give, or step aside: known data
paired with the composed nodes, the old data a rewrite is given, cached scalars and the `same` checks."""

from __future__ import annotations

import copy
import math
import sys

import pytest

from mtx_gitops import yaml as mtx_yaml
from mtx_gitops.core.merge_tree import same as merge_same
from mtx_gitops.yaml import _load

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
    full = _load.parse_documents(UNIT, source="u")
    known = [doc.data for doc in full]
    paired = _load.parse_documents(UNIT, source="u", known=known)
    assert [doc.data for doc in paired] == known and all(
        a is b for a, b in zip([doc.data for doc in paired], known, strict=True)
    )
    assert [(d.node.start_mark.index, d.node.end_mark.index) for d in paired] == [
        (d.node.start_mark.index, d.node.end_mark.index) for d in full
    ]
    assert not any(doc.shared for doc in paired)


@pytest.mark.parametrize("known", [[], [{"a": 1}], [{"a": 1}, {"b": 2}, {"c": 3}]])
def test_known_data_that_does_not_pair_up_means_a_full_parse(known: list[object]) -> None:
    docs = _load.parse_documents(UNIT, source="u", known=known)
    assert [doc.data for doc in docs] == mtx_yaml.load_documents(UNIT, source="u")


def test_text_with_anchors_tags_or_merge_keys_is_always_walked() -> None:
    text = "a: &x {b: 1}\nc: *x\n---\nd: !!str 5\n---\ne:\n  <<: {f: 1}\n"
    docs = _load.parse_documents(text, source="u", known=[{"wrong": 1}] * 3)
    assert [doc.data for doc in docs] == [{"a": {"b": 1}, "c": {"b": 1}}, {"d": "5"}, {"e": {"f": 1}}]
    assert [doc.shared for doc in docs] == [True, False, True]


def test_rewrite_with_the_old_data_is_the_rewrite_without_it() -> None:
    old = mtx_yaml.load_documents(UNIT, source="u")
    new = copy.deepcopy(old)
    new[0]["spec"]["template"]["spec"]["containers"][0]["image"] = "registry/web:v2"
    new[0]["spec"]["replicas"] = 4
    out = mtx_yaml.rewrite(UNIT, new, old=old)
    assert out == mtx_yaml.rewrite(UNIT, new)
    assert out == UNIT.replace("web:v1", "web:v2").replace("replicas: 3", "replicas: 4")


def test_wrong_old_data_still_gives_text_that_reads_as_the_new_data() -> None:
    """The read-back check, not the caller's word, decides what is written."""
    new = mtx_yaml.load_documents(UNIT, source="u")
    new[0]["spec"]["replicas"] = 7
    lying = copy.deepcopy(new)
    lying[0]["spec"]["replicas"] = 5
    lying[0]["metadata"]["name"] = "other"
    out = mtx_yaml.rewrite(UNIT, new, old=lying)
    assert mtx_yaml.load_documents(out, source="u") == new


def test_cached_scalars_are_the_values_pyyaml_constructs() -> None:
    text = "a: [0x1F, 0o17, 017, 1_000, -3, yes, No, ~, null, '', true, .inf, 1.5e+3]\n"
    for _ in range(2):  # the second load is served from the cache of constructed scalars
        data = mtx_yaml.load_one(text, source="u")["a"]
        assert data[:11] == [31, "0o17", 15, 1000, -3, True, False, None, None, "", True]
        assert data[11] == math.inf and data[12] == 1500.0
        assert [type(x) for x in data] == [
            int,
            str,
            int,
            int,
            int,
            bool,
            bool,
            type(None),
            type(None),
            str,
            bool,
            float,
            float,
        ]


def test_strings_resolve_as_before_whatever_their_first_character() -> None:
    text = "a: app\nb: 'yes'\nc: y\nd: Off\ne: <<x\nf: -1\ng: .5\nh: +\ni: =\n"
    assert mtx_yaml.load_one(text, source="u") == {
        "a": "app",
        "b": "yes",
        "c": "y",
        "d": False,
        "e": "<<x",
        "f": -1,
        "g": 0.5,
        "h": "+",
        "i": "=",
    }


def test_same_tells_types_and_key_order_apart_whatever_is_shared_or_interned() -> None:
    assert not mtx_yaml.same_in_order([1], [True]) and not mtx_yaml.same_in_order([1], [1.0])
    assert not mtx_yaml.same_in_order({"a": 1, "b": 2}, {"b": 2, "a": 1})
    shared = {"k": "v"}
    assert mtx_yaml.same_in_order([shared, shared], [{"k": "v"}, {"k": "v"}])
    key = "".join(["na", "me"])
    assert mtx_yaml.same_in_order({sys.intern("name"): 1}, {key: 1})


def test_same_falls_back_for_types_marshal_refuses() -> None:
    class Text(str):
        pass

    assert mtx_yaml.same_in_order({"a": Text("x")}, {"a": "x"})
    assert not mtx_yaml.same_in_order({"a": Text("x")}, {"a": "y"})


def test_the_merge_same_ignores_key_order_and_sharing_but_not_types() -> None:
    shared = {"k": [1, 2]}
    assert merge_same([shared, shared], [{"k": [1, 2]}, {"k": [1, 2]}])
    assert merge_same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not merge_same({"a": [1]}, {"a": [True]})
