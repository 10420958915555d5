"""The direct YAML walk writes exactly what the libyaml dumper writes, or hands the data back to it."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mtx_gitops.yaml import _emit
from mtx_gitops.yaml._fast.dumper import FastDumper

TRICKY = [
    "", " ", "a b", " lead", "trail ", "x\ny", "x\ny\n", "x\n\n", "x\n\n\n", "\nlead", " lead\nx", "a\n  b\n",
    "trail \nx", "tab\there", "a\r\nb", "nel\x85", "ls\u2028", "- dash", "-", "? q", "key: value", "a #b", "#c",
    "'single'", '"double"', "yes", "no", "y", "N", "on", "off", "true", "null", "~", "1", "0o17", "017",
    "0x1F", "1e3", "1.5", ".inf", "1:20", "2024-01-02", "=", "<<", "*alias", "&anchor", "!tag", "%pct", "@at",
    "`tick", "{a}", "[b]", "a,b", "é", "日本", "emoji 🎉", "\x00", "\x07bell", "\ufeffbom", "a" * 150,
    "line1\nline2 with: colon\n# hash\n", "|", ">", "\t", "a\tb\nc\td\n",
]  # fmt: skip
scalars = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet="aZ09._/-: #'\",=+@%&*!?|>[]{}~", max_size=8),
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
keys = st.one_of(st.sampled_from(TRICKY), st.text(max_size=10), st.integers(), st.booleans())
data = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)),
    max_leaves=25,
)
documents = st.lists(st.dictionaries(keys, data, min_size=0, max_size=5), max_size=3)


RESOLVERS = _emit._CDumper.yaml_implicit_resolvers


def real(docs: list[Any]) -> str:
    return _emit._dump_all(docs)


@settings(max_examples=600, deadline=None)
@given(documents)
def test_the_walk_writes_what_libyaml_writes_or_declines(docs: list[Any]) -> None:
    fast = FastDumper(real, RESOLVERS).dump_all(docs)
    assert fast is None or fast == real(docs)
    assert _emit.dump_all(docs) == real(docs)


def test_kubernetes_objects_take_the_walk() -> None:
    obj = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "app", "labels": {"app": "web", "tier": "1"}, "annotations": {}},
        "data": {"config.yaml": "a: 1\nb:\n  - x\n", "flag": "yes", "empty": ""},
        "spec": {"ports": [{"port": 80, "protocol": "TCP"}], "args": ["--x", " lead\ny"], "nested": [[1, []], {}]},
    }
    fast = FastDumper(real, RESOLVERS).dump_all([obj, {"kind": "Namespace", "x": None, "y": 1.5, "z": False}])
    assert fast is not None
    assert fast == real([obj, {"kind": "Namespace", "x": None, "y": 1.5, "z": False}])


def test_strings_that_look_plain_are_written_as_libyaml_writes_them() -> None:
    words = ["a:b", "a:", "a: b", "a :b", "a,b", "http://x:80/y", "img:1.2.3", "1:20", "190:20:30", "2024-01-02",
             "y", "on", "Off", "NULL", "0x1F", "0o17", "1e3", "1_000", "+1", "=", "a=b", "a@b", "a+b", "a b",
             "a  b", "a b ", "x-y_z.w/v", "1.5", "0.", "1.2.3", "-", "a-"]  # fmt: skip
    docs = [{"k": word, word: [word]} for word in words]
    assert FastDumper(real, RESOLVERS).dump_all(docs) == real(docs)


def test_unusual_data_goes_to_libyaml() -> None:
    dumper = FastDumper(real, RESOLVERS)
    assert dumper.dump_all([{}]) is None
    assert dumper.dump_all(["scalar"]) is None
    assert dumper.dump_all([OrderedDict(a=1)]) is None
    assert dumper.dump_all([{"a": (1, 2)}]) is None
    assert dumper.dump_all([{"k" * 120: 1}]) is None
    assert dumper.dump_all([{"a\nb": 1}]) is None
    assert dumper.dump_all([{"a": "keep\n\n"}]) is None
    assert _emit.dump_all([OrderedDict(a=(1, 2))]) == "a:\n- 1\n- 2\n"
    assert _emit.dump_all([{"a": "keep\n\n"}]) == "a: |+\n  keep\n\n...\n"


def test_the_scalar_memo_is_bounded() -> None:
    dumper = FastDumper(real, RESOLVERS)
    for n in range(60_000):
        assert dumper.dump_all([{"k": f"v{n}"}]) == f"k: v{n}\n"
    assert len(dumper._strings) <= 50_000
