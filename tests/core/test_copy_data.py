"""`copy_data`, the bulk functions' copy of a document: a deep copy as `copy.deepcopy` makes it."""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mtx_gitops.core.functions import copy_data, set_env_var

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5)
DATA = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner, max_size=4),
    max_leaves=30,
)


def containers(value: Any) -> list[Any]:
    found = [value] if isinstance(value, dict | list) else []
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return found + [c for child in children for c in containers(child)]


@given(DATA)
def test_a_copy_is_equal_and_shares_no_container(data: Any) -> None:
    copied = copy_data(data)
    assert copied == data and copy.deepcopy(data) == copied
    originals = {id(c) for c in containers(data)}
    assert not originals & {id(c) for c in containers(copied)}


def test_what_is_shared_stays_shared_as_with_deepcopy() -> None:
    env = [{"name": "A", "value": "1"}]
    doc = {"a": {"env": env}, "b": {"env": env}, "c": [env, env]}
    copied = copy_data(doc)
    assert copied["a"]["env"] is copied["b"]["env"] is copied["c"][0] is copied["c"][1]
    assert copied["a"]["env"] is not env


def test_a_list_holding_itself_is_copied_like_deepcopy() -> None:
    loop: list[Any] = [1]
    loop.append(loop)
    copied = copy_data(loop)
    assert copied[1] is copied and copied is not loop


def test_other_types_are_left_to_deepcopy() -> None:
    inner = {"x": [1]}
    doc = {"ordered": OrderedDict(a=inner), "tuple": ([inner],), "same": inner}
    copied = copy_data(doc)
    assert type(copied["ordered"]) is OrderedDict and copied["ordered"] == doc["ordered"]
    assert copied["tuple"][0][0] is copied["same"] is copied["ordered"]["a"]
    assert copied["same"] is not inner


def test_a_bulk_function_on_shared_env_lists_edits_like_before() -> None:
    env = [{"name": "A", "value": "1"}]
    doc = {
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [{"name": "a", "image": "x", "env": env}, {"name": "b", "image": "y", "env": env}]
                }
            }
        },
    }
    result = set_env_var([doc], "B=2")
    new_env = result.documents[0]["spec"]["template"]["spec"]["containers"]
    assert new_env[0]["env"] is new_env[1]["env"]
    assert new_env[0]["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    assert env == [{"name": "A", "value": "1"}]
