"""The laws of the 3-way merge, over generated JSON-like trees with keyed container lists.

UPDATED and LOCAL are drawn as edits of ORIGINAL (fields kept, changed, deleted, added; keyed
elements edited, dropped, appended), so they share structure the way real upstream and downstream
copies do.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mtx_gitops.core.changes import changed_paths, is_within, unexplained
from mtx_gitops.core.merge3 import ABSENT, merge_values

KEYS = ["a", "b", "c", "spec", "env", "containers", "mtx.dev/x"]
NAMES = ["app", "sidecar", "init"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-1, max_value=3),
    st.sampled_from(["x", "y", "60s"]),
    st.sampled_from([0.0, 1.0, 2.5]),
)


def _keyed(children: st.SearchStrategy[Any]) -> st.SearchStrategy[list[dict[str, Any]]]:
    element = st.fixed_dictionaries({"name": st.sampled_from(NAMES)}, optional={"image": children, "env": children})
    return st.lists(element, max_size=3, unique_by=lambda item: item["name"])


def _ports(children: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`{"ports": [...]}` keyed by containerPort and protocol (TCP when missing)."""
    port = st.fixed_dictionaries(
        {"containerPort": st.sampled_from([80, 443])},
        optional={"protocol": st.sampled_from(["TCP", "UDP"]), "name": children},
    )
    return st.fixed_dictionaries({"ports": st.lists(port, max_size=3)})


VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(KEYS), children, max_size=4),
        _keyed(children),
        _ports(children),
    ),
    max_leaves=16,
)
IDENTITY_FIELDS = ("name", "containerPort", "protocol")


def _edited(data: st.DataObject, value: Any) -> Any:
    """A copy of `value` with random edits; ABSENT when the edit deletes it."""
    action = data.draw(st.sampled_from(["keep", "keep", "edit", "edit", "replace", "delete"]))
    if action == "keep":
        return copy.deepcopy(value)
    if action == "delete":
        return ABSENT
    if action == "replace" or not isinstance(value, dict | list):
        return data.draw(VALUES)
    if isinstance(value, dict):
        edited = {}
        for key, child in value.items():
            got = _edited(data, child)
            if got is not ABSENT:
                edited[key] = got
        edited.update(data.draw(st.dictionaries(st.sampled_from(KEYS), VALUES, max_size=1)))
        return edited
    items = []
    for item in value:
        got = _edited(data, item)
        if isinstance(item, dict) and isinstance(got, dict):
            got.update((key, item[key]) for key in IDENTITY_FIELDS if key in item)  # edits keep identity
        if got is not ABSENT:
            items.append(got)
    return items + data.draw(st.lists(VALUES, max_size=1))


def _reordered(value: Any) -> Any:
    """The same data with every map's keys in reverse order."""
    if isinstance(value, dict):
        return {key: _reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(item) for item in value]
    return value


@st.composite
def _three_way(draw: st.DrawFn) -> tuple[Any, Any, Any]:
    data = draw(st.data())
    original = draw(VALUES)
    return original, _edited(data, original), _edited(data, original)


@given(_three_way())
def test_no_local_change_takes_the_upstream(sides: tuple[Any, Any, Any]) -> None:
    original, updated, _ = sides

    merged, conflicts = merge_values(original, updated, _reordered(original), policy="local")

    assert merged == updated
    assert conflicts == []


@given(_three_way())
def test_no_upstream_change_keeps_local(sides: tuple[Any, Any, Any]) -> None:
    original, _, local = sides

    merged, conflicts = merge_values(original, _reordered(original), local, policy="upstream")

    assert merged == local
    assert conflicts == []


@given(_three_way())
def test_the_same_change_on_both_sides_is_no_conflict(sides: tuple[Any, Any, Any]) -> None:
    original, updated, _ = sides

    merged, conflicts = merge_values(original, updated, _reordered(updated), policy="upstream")

    assert merged == updated
    assert conflicts == []


@settings(max_examples=200)
@given(_three_way())
def test_policies_differ_only_where_a_conflict_is_reported(sides: tuple[Any, Any, Any]) -> None:
    original, updated, local = sides

    kept, local_conflicts = merge_values(original, updated, local, policy="local")
    taken, upstream_conflicts = merge_values(original, updated, local, policy="upstream")

    assert unexplained(kept, taken, local_conflicts) == []
    assert [(c.path, c.base, c.upstream, c.local) for c in local_conflicts] == [
        (c.path, c.base, c.upstream, c.local) for c in upstream_conflicts
    ]
    assert len({conflict.path for conflict in local_conflicts}) == len(local_conflicts)


@given(_three_way())
def test_inputs_are_never_modified(sides: tuple[Any, Any, Any]) -> None:
    before = copy.deepcopy(sides)

    for policy in ("local", "upstream"):
        merge_values(*sides, policy=policy)

    assert sides == before


@given(_three_way())
def test_every_changed_field_of_the_result_came_from_a_side(sides: tuple[Any, Any, Any]) -> None:
    original, updated, local = sides

    merged, _ = merge_values(original, updated, local, policy="local")

    # A field where the result departs from LOCAL is one UPDATED changed.
    upstream_changes = changed_paths(original, updated)
    for path in changed_paths(local, merged):
        assert any(is_within(path, change) or is_within(change, path) for change in upstream_changes), path


@given(VALUES, VALUES)
def test_changed_paths_finds_a_difference_exactly_when_there_is_one(before: Any, after: Any) -> None:
    assert changed_paths(before, copy.deepcopy(before)) == []
    assert changed_paths(before, _reordered(before)) == []
    if changed_paths(before, after) == []:
        assert before == after
