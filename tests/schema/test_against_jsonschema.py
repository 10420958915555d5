"""The walk agrees with `jsonschema` (the reference implementation) on the official strict schemas.

Every mutation of the valid objects of real kinds — each scalar given a value of another type, an
unknown field added to each object, each field removed — is judged by both; the rules jsonschema
cannot know (the API server's one-of groups, enums and quantities, `api_rules`) are left out of
the comparison. `jsonschema` is a development dependency (check-jsonschema brings it).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mtx_gitops.schema import version as versions
from mtx_gitops.schema.validate import Validator

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

DATA = Path(__file__).parent / "data"
DOCS = list(yaml.safe_load_all((DATA / "workloads.yaml").read_text()))
API_RULES = ("expected at most one", "expected one ", "must not be set", "expected a quantity")
VALIDATOR = Validator(versions.DEFAULT_VERSION)


def _reference(doc: dict[str, Any]) -> Any:
    root = versions.schema_dir(versions.DEFAULT_VERSION, strict=True)
    group, _, ver = doc["apiVersion"].rpartition("/")
    name = f"{doc['kind'].lower()}-{group.split('.')[0] + '-' if group else ''}{ver}.json"
    schema = json.loads((root / name).read_text())
    defs = json.loads((root / "_definitions.json").read_text())
    resources = referencing.Registry().with_resource(
        "https://kubernetes.io/api/_definitions.json", referencing.Resource.from_contents(defs)
    )
    return jsonschema.Draft202012Validator(schema, registry=referencing.Resource.from_contents(schema) @ resources)


def _mutations(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str, Any]]:
    """(path, how, value): every scalar retyped, an unknown field in every object, every field dropped."""
    if isinstance(node, dict):
        yield (*path, "zzUnknown"), "set", 1
        for key, value in node.items():
            yield (*path, key), "drop", None
            yield from _mutations(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _mutations(value, (*path, index))
    elif isinstance(node, bool):
        yield path, "set", "yes"
    elif isinstance(node, int | float):
        yield path, "set", "many"
    elif isinstance(node, str):
        yield path, "set", 7
        yield path, "set", True


def _apply(doc: dict[str, Any], path: tuple[Any, ...], how: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(doc)
    parent: Any = changed
    for step in path[:-1]:
        parent = parent[step]
    if how == "drop":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return changed


@pytest.mark.parametrize("doc", DOCS, ids=[d["kind"] for d in DOCS])
def test_every_mutation_gets_the_same_verdict_from_both(doc: dict[str, Any]) -> None:
    reference = _reference(doc)
    compared = 0
    differing = []
    for path, how, value in _mutations(doc):
        if path[:1] in (("apiVersion",), ("kind",)):
            continue  # they choose the schema; the reference would check another kind's enum
        mutated = _apply(doc, path, how, value)
        ours = [f for f in VALIDATOR.check(mutated, source="u", index=1) if not f.message.startswith(API_RULES)]
        theirs = list(reference.iter_errors(mutated))
        compared += 1
        if bool(ours) != bool(theirs):
            differing.append((path, how, value, [str(f) for f in ours], [e.message for e in theirs][:2]))
    assert compared > 20
    assert differing == []
