"""The ledger's rules and protected paths, on plain values."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mtx_gitops.core.ledger import Entry, covers, record, values_at
from mtx_gitops.core.merge3 import merge_documents
from mtx_gitops.core.model import Conflict
from mtx_gitops.core.paths import get_all
from mtx_gitops.core.protect import hold_back

DOC = "apps/Deployment//web"


def deployment(replicas: int | None, image: str = "web:1") -> dict[str, Any]:
    spec: dict[str, Any] = {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": spec}


def conflict(upstream: int, local: int = 5, base: int = 1) -> Conflict:
    return Conflict("spec.replicas", base, upstream, local, "local", DOC)


def test_record_opens_updates_keeps_and_closes() -> None:
    opened = record([], [conflict(4)], agrees={})
    assert [e.upstream for e in opened.entries] == [4] and opened.opened and not opened.updated
    again = record(opened.entries, [conflict(6, base=4)], agrees={})
    assert [(e.base, e.upstream) for e in again.entries] == [(4, 6)] and again.updated == again.entries
    kept = record(again.entries, [], agrees={(DOC, "spec.replicas"): False})
    assert kept.entries == again.entries and not kept.changed
    closed = record(again.entries, [], agrees={(DOC, "spec.replicas"): True})
    assert closed.entries == [] and closed.closed == again.entries
    unresolved = Conflict("spec.replicas", 1, 4, 5, "unresolved", DOC)
    assert not record([], [unresolved], agrees={}).changed


def test_an_entry_taken_upstream_is_not_closed_by_agreement() -> None:
    entry = Entry(DOC, "spec.replicas", 1, 4, 5, "upstream")
    assert record([entry], [], agrees={entry.key: True}).entries == [entry]


def test_covers_means_the_field_or_inside_it() -> None:
    assert covers("spec.replicas", "spec.replicas")
    assert covers("spec.template", "spec.template.spec.containers[name=web].image")
    assert not covers("spec.replicas", "spec.replicasX")
    assert not covers("spec.template.spec", "spec.templates")


def test_hold_back_keeps_the_local_value_and_turns_conflicts_into_held_back_changes() -> None:
    base, upstream, local = [deployment(1)], [deployment(4, "web:2")], [deployment(5)]
    merged = merge_documents(base, upstream, local, policy="upstream")
    documents, conflicts, held = hold_back(local, merged.documents, merged.conflicts, ["spec.replicas"])
    assert documents[0]["spec"]["replicas"] == 5
    assert get_all(documents[0], "spec.template.spec.containers[name=web].image") == ["web:2"]
    assert conflicts == [] and [(h.path, h.upstream, h.local) for h in held] == [("spec.replicas", 4, 5)]
    assert merged.documents[0]["spec"]["replicas"] == 4  # the merge result is not changed in place


def test_a_protected_field_the_region_lacks_stays_absent() -> None:
    base, upstream, local = [deployment(None)], [deployment(3)], [deployment(None)]
    merged = merge_documents(base, upstream, local, policy="local")
    documents, _conflicts, held = hold_back(local, merged.documents, merged.conflicts, ["spec.replicas"])
    assert "replicas" not in documents[0]["spec"] and [(h.upstream, h.local) for h in held] == [(3, None)]
    assert values_at(documents, DOC, "spec.replicas") == []
    assert values_at(documents, "apps/Deployment//other", "spec.replicas") is None


@given(st.integers(0, 9), st.integers(0, 9), st.integers(0, 9), st.sampled_from(["local", "upstream"]))
def test_a_protected_path_always_ends_as_local_has_it(base: int, upstream: int, local: int, policy: str) -> None:
    mine = [deployment(local)]
    merged = merge_documents([deployment(base)], [deployment(upstream, "web:2")], mine, policy=policy)  # type: ignore[arg-type]
    documents, conflicts, _held = hold_back(mine, merged.documents, merged.conflicts, ["spec.replicas"])
    assert documents[0]["spec"]["replicas"] == local and not conflicts
    unprotected, same_conflicts, none = hold_back(mine, merged.documents, merged.conflicts, [])
    assert unprotected is merged.documents and same_conflicts == merged.conflicts and none == []


def test_record_gives_an_entry_a_protected_path_held_back_the_sides_as_they_are_now() -> None:
    entry = Entry(DOC, "spec.replicas", 4, 6, 3, "local")
    now = Entry(DOC, "spec.replicas", 6, 8, 3, "local")
    change = record([entry], [], agrees={entry.key: False}, held={entry.key: now})
    assert change.entries == [now] and change.updated == [now] and not change.opened and not change.closed
    assert not record([entry], [], agrees={}, held={entry.key: entry}).changed
    met = record([entry], [conflict(9, local=3, base=6)], agrees={}, held={entry.key: now})
    assert [(e.upstream, e.base) for e in met.entries] == [(9, 6)]  # a met conflict wins
    agreed = record([entry], [], agrees={entry.key: True}, held={entry.key: now})
    assert agreed.entries == [] and agreed.closed == [entry]
