"""Fuzzing WHERE and patches through the whole CLI (in-process): exit 0, 1 or 2 — never an internal
error or a traceback; a refusal is one line and changes nothing; a patch that is accepted leaves a
unit that mtx can read back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.conftest import Mtx
from tests.reliability.repostate import git

GOOD_ATTRS = [
    "Slug",
    "Space.Slug",
    "Labels.app",
    "Space.Labels.region",
    "UpstreamUnit.Slug",
    "UpstreamSpace.Slug",
    "UpgradeNeeded",
    "Kind",
    "HeadRevisionNum",
    "spec.replicas",
    "metadata.name",
    "spec.template.spec.containers[name=trade-service].image",
    "spec.template.spec.containers[*].env[name=X].value",
]
ATTRS = [*GOOD_ATTRS, "Data", "spec", "spec.replicas.x", "a[", "[*]", "x]"]
OPERATORS = ["=", "!=", "<", ">", "<=", ">=", "LIKE", "ILIKE", "~"]
TOKENS = [
    "AND",
    "OR",
    "NOT",
    "(",
    ")",
    *OPERATORS,
    "IN",
    "CONTAINS",
    ",",
    "true",
    "false",
    "null",
    "'%eu%'",
    "'it''s'",
    "'",
    "3",
    "-1",
    "2.5",
    "1e999",
    "''",
    "'[('",
    "\\",
]
VALUES = [
    "3",
    "-1",
    "2.5",
    "true",
    "false",
    "'trade-service'",
    "'%prod%'",
    "'it''s'",
    "'^traderx-.*$'",
    "'['",
    "'ghcr.io/finos/traderx/trade-service:latest'",
    "1e999",
    "''",
]
COMPARISON = st.one_of(
    st.builds("{} {} {}".format, st.sampled_from(GOOD_ATTRS), st.sampled_from(OPERATORS), st.sampled_from(VALUES)),
    st.builds(
        "{} IN ({})".format,
        st.sampled_from(GOOD_ATTRS),
        st.lists(st.sampled_from(VALUES), min_size=1, max_size=3).map(", ".join),
    ),
    st.builds("Data CONTAINS {}".format, st.sampled_from(VALUES)),
)
GRAMMAR = st.recursive(
    COMPARISON,
    lambda inner: st.one_of(
        st.builds("{} {} {}".format, inner, st.sampled_from(["AND", "OR", "and", "Or"]), inner),
        st.builds("NOT {}".format, inner),
        st.builds("({})".format, inner),
    ),
    max_leaves=6,
)
WHERE_TEXT = st.one_of(
    GRAMMAR,
    st.lists(st.sampled_from(ATTRS + TOKENS), min_size=1, max_size=12).map(" ".join),
    st.text(max_size=40),
)
KEYS = [
    "spec",
    "replicas",
    "template",
    "metadata",
    "name",
    "labels",
    "containers",
    "image",
    "env",
    "value",
    "ports",
    "containerPort",
    "protocol",
    "kind",
    "apiVersion",
    "$patch",
    "$retainKeys",
    "$setElementOrder/containers",
    "$deleteFromPrimitiveList/args",
    "selector",
    "matchLabels",
]
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["delete", "replace", "merge", "trade-service", "TCP", "Deployment"]),
)
JSON_VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), inner, max_size=4),
    ),
    max_leaves=12,
)
POINTERS = st.sampled_from(
    [
        "/spec/replicas",
        "/metadata/name",
        "/spec/template/spec/containers/0/image",
        "/spec/template/spec/containers/-",
        "/metadata",
        "/kind",
        "",
        "/",
        "/spec/x~1y",
        "/spec/template/spec/containers/99",
        "spec",
        "/~2",
    ]
)
JSON_PATCH = st.lists(
    st.fixed_dictionaries(
        {"op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "evil"]), "path": POINTERS},
        optional={"value": JSON_VALUES, "from": POINTERS},
    ),
    max_size=3,
)
PATCHES = st.one_of(
    st.tuples(st.sampled_from(["strategic", "merge"]), JSON_VALUES.map(json.dumps)),
    st.tuples(st.just("json"), JSON_PATCH.map(json.dumps)),
    st.tuples(st.sampled_from(["strategic", "merge", "json"]), st.text(max_size=30)),
)
LENIENT = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def _fresh(template: Path, tmp_path: Path) -> Mtx:
    root = tmp_path / "config"
    if not root.exists():
        shutil.copytree(template, root, symlinks=True)
    return Mtx(root)


def _check_outcome(code: int, err: str) -> None:
    event(f"exit {code}")
    assert code in (0, 1, 2), f"exit {code}: {err[:500]}"
    assert "Traceback" not in err and "internal error" not in err, err[:800]
    if code:
        assert err.count("\n") == 1, f"not one line: {err[:800]!r}"


@LENIENT
@given(where=WHERE_TEXT)
def test_fuzzed_where_never_crashes(template: Path, tmp_path: Path, where: str) -> None:
    m = _fresh(template, tmp_path)
    head = m.head()
    result = m("unit", "list", "--space", "*", "--where", where, "--no-data", "-o", "json", ok=False)
    _check_outcome(result.code, result.err)
    if result.code == 0:
        assert isinstance(json.loads(result.out), list)
    assert m.head() == head


@settings(LENIENT, max_examples=100)
@given(patch=PATCHES)
def test_fuzzed_patches_never_crash_or_corrupt(template: Path, tmp_path: Path, patch: tuple[str, str]) -> None:
    m = _fresh(template, tmp_path)
    kind, text = patch
    before = (m.head(), git(m.root, "status", "--porcelain"))
    result = m(
        "unit", "update", "trade-service", "--space", "traderx-prod-eu", "--type", kind, "--patch", text, ok=False
    )
    _check_outcome(result.code, result.err)
    if result.code:
        assert (m.head(), git(m.root, "status", "--porcelain")) == before
        return
    unit: Any = m.json("unit", "get", "trade-service", "--space", "traderx-prod-eu")
    assert all(isinstance(doc, dict) and doc.get("kind") and doc.get("apiVersion") for doc in unit["documents"])
    assert git(m.root, "status", "--porcelain") == ""
