"""`mtx unit update --patch --type merge|json`, and the laws every patch type keeps."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtx_gitops.core.patch import apply_patch as untyped_apply_patch
from mtx_gitops.core.patch import merge_patch
from mtx_gitops.errors import PatchError
from mtx_gitops.schema.types import official
from tests.core.traderx import IMAGE, app, containers_of, containers_patch, trade_service


def apply_patch(documents: Any, patch: Any, **options: Any) -> Any:
    """The patch as mtx applies it: with the official Kubernetes types."""
    return untyped_apply_patch(documents, patch, types=official(), **options)


# --- merge patch (RFC 7386) -------------------------------------------------------------------


def test_merge_patch_replaces_lists_and_null_deletes() -> None:
    patch = containers_patch({"name": "trade-service", "image": f"{IMAGE}:v2"})
    patch["spec"]["strategy"] = {"rollingUpdate": None}
    documents = apply_patch(trade_service(), patch, type="merge")
    assert containers_of(documents) == [{"name": "trade-service", "image": f"{IMAGE}:v2"}]
    assert documents[0]["spec"]["strategy"] == {"type": "RollingUpdate"}
    with pytest.raises(PatchError, match="without apiVersion"):
        apply_patch(trade_service(), {"apiVersion": None}, type="merge")


def test_merge_patch_follows_the_rfc_examples() -> None:
    target = {"a": "b", "c": {"d": "e", "f": "g"}}
    assert merge_patch(target, {"a": "z", "c": {"f": None}}) == {"a": "z", "c": {"d": "e"}}
    assert merge_patch({"a": [{"b": "c"}]}, {"a": [1]}) == {"a": [1]}
    assert merge_patch({}, {"a": {"bb": {"ccc": None}}}) == {"a": {"bb": {}}}
    assert target == {"a": "b", "c": {"d": "e", "f": "g"}}


# --- json patch (RFC 6902) --------------------------------------------------------------------


def test_json_patch_operations_apply_to_the_first_document() -> None:
    ops = [
        {"op": "test", "path": "/spec/replicas", "value": 3},
        {"op": "replace", "path": "/spec/replicas", "value": 2},
        {"op": "add", "path": "/spec/template/spec/containers/0/env/-", "value": {"name": "X", "value": "1"}},
        {"op": "remove", "path": "/spec/strategy"},
    ]
    base = trade_service()
    documents = apply_patch(base, ops, type="json")
    assert documents[0]["spec"]["replicas"] == 2 and "strategy" not in documents[0]["spec"]
    assert app(documents)["env"][-1] == {"name": "X", "value": "1"}
    assert list(documents[0]["spec"]) == ["replicas", "template"]
    assert base[0]["spec"]["replicas"] == 3 and documents[1] is base[1]


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        (
            [{"op": "test", "path": "/spec/replicas", "value": 5}],
            "json patch failed on Deployment/trade-service",
        ),
        ([{"op": "remove", "path": "/spec/nope"}], "json patch failed"),
        ([{"op": "add", "value": 1}], "json patch failed"),
        ([{"op": "frobnicate", "path": "/a"}], "json patch failed"),
        (
            [{"op": "remove", "path": "/metadata/name"}],
            "the patch would leave Deployment/trade-service without",
        ),
        ({"op": "add"}, "invalid patch (--patch): a json patch is a list of operations"),
    ],
)
def test_failing_json_patches_are_refused(ops: Any, message: str) -> None:
    with pytest.raises(PatchError) as caught:
        apply_patch(trade_service(), ops, type="json")
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("ops", "reason"),
    [
        ([{"op": "replace", "path": "/nope/x", "value": 1}], "operation 1 (replace /nope/x): /nope does not exist"),
        (
            [{"op": "remove", "path": "/spec/template/spec/containers/4"}],
            "operation 1 (remove /spec/template/spec/containers/4): /spec/template/spec/containers/4 does not exist "
            "(the list has 2 item(s))",
        ),
        (
            [{"op": "add", "path": "/spec/replicas/x", "value": 1}],
            "operation 1 (add /spec/replicas/x): /spec/replicas is not a map or list",
        ),
        (
            [{"op": "add", "path": "/spec/strategy/x", "value": 1}, {"op": "copy", "from": "/a~1b", "path": "/c"}],
            "operation 2 (copy /c): from: /a~1b does not exist",
        ),
        (
            [{"op": "test", "path": "/spec/template", "value": 1}],
            "operation 1 (test /spec/template): the value at /spec/template is not the tested value",
        ),
    ],
)
def test_a_failed_json_patch_says_which_operation_failed_in_one_short_line(ops: Any, reason: str) -> None:
    with pytest.raises(PatchError) as caught:
        apply_patch(trade_service(), ops, type="json")
    assert str(caught.value) == f"json patch failed on Deployment/trade-service: {reason}"


def test_a_unit_with_no_documents_cannot_be_patched() -> None:
    with pytest.raises(PatchError, match="no documents"):
        apply_patch([], {})


# --- laws -------------------------------------------------------------------------------------

_KEYS = st.sampled_from(["data", "spec", "replicas", "image", "env", "a", "b"])
_SCALARS = st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=4)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)
_PLAIN = st.recursive(_SCALARS, lambda inner: st.dictionaries(_KEYS, inner, max_size=3), max_leaves=12)


def _document(body: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, **body}


@given(body=st.dictionaries(_KEYS, _JSON, max_size=4))
def test_an_empty_patch_changes_nothing(body: dict[str, Any]) -> None:
    documents = [_document(body), _document({})]
    assert apply_patch(documents, {}) == documents
    assert apply_patch(documents, {}, type="merge") == documents
    assert apply_patch(documents, [], type="json") == documents


@given(body=st.dictionaries(_KEYS, _JSON, max_size=4), patch=st.dictionaries(_KEYS, _JSON, max_size=4))
def test_merge_patch_is_idempotent_and_leaves_its_input_alone(body: dict[str, Any], patch: dict[str, Any]) -> None:
    documents = [_document(body)]
    before = copy.deepcopy(documents)
    once = apply_patch(documents, patch, type="merge")
    assert apply_patch(once, patch, type="merge") == once
    assert documents == before


@given(body=st.dictionaries(_KEYS, _JSON, max_size=4), patch=st.dictionaries(_KEYS, _PLAIN, max_size=4))
def test_strategic_equals_merge_for_patches_without_lists(body: dict[str, Any], patch: dict[str, Any]) -> None:
    documents = [_document(body)]
    before = copy.deepcopy(documents)
    assert apply_patch(documents, patch) == apply_patch(documents, patch, type="merge")
    assert documents == before
