"""Bad input: exit code per SPEC, one clear line, no traceback, repository byte-identical."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_1

BOMB = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""
GOOD = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n"

MANIFESTS = {
    "malformed": (b"apiVersion: v1\nkind: [unclosed\n", 2),
    "duplicate-keys": (b"apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: x\n", 2),
    "alias-bomb": (BOMB, 2),
    "python-tag": (b"apiVersion: v1\nkind: !!python/object/apply:os.system ['true']\nmetadata:\n  name: x\n", 2),
    "no-apiversion": (b"kind: ConfigMap\nmetadata:\n  name: x\n", 2),
    "no-kind": (b"apiVersion: v1\nmetadata:\n  name: x\n", 2),
    "no-name": (b"apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n", 2),
    "top-level-list": (b"- apiVersion: v1\n  kind: ConfigMap\n", 2),
    "binary-junk": (b"\x00\xff\xfe\x89PNG\r\n\x1a\n", 2),
    "empty": (b"", 2),
    "scalar": (b"just a string\n", 2),
}


@pytest.mark.parametrize("case", sorted(MANIFESTS))
def test_bad_manifests_are_refused_with_one_line(mtx: Mtx, tmp_path: Path, case: str) -> None:
    data, code = MANIFESTS[case]
    mtx("space", "create", "traderx")
    bad = tmp_path / f"{case}.yaml"
    bad.write_bytes(data)
    before = mtx.fingerprint()
    result = mtx("unit", "create", "u", str(bad), "--space", "traderx", ok=False)
    assert result.code == code, result.err
    assert result.err.count("\n") == 1 and result.err.startswith("error: "), result.err
    assert "Traceback" not in result.err
    assert mtx.fingerprint() == before


@pytest.mark.parametrize("name", ["..", "a/b", "Upper", "", "x" * 64, "-lead", "trail-", "a_b", "../../etc"])
def test_invalid_slugs_are_rejected_before_any_file_is_touched(mtx: Mtx, tmp_path: Path, name: str) -> None:
    (tmp_path / "ok.yaml").write_bytes(GOOD)
    before = mtx.fingerprint()
    for args in (
        ("space", "create", name),
        ("unit", "create", name or "", str(tmp_path / "ok.yaml"), "--space", "traderx"),
    ):
        result = mtx(*args, ok=False)
        assert result.code == 2, (args, result.err)
        assert result.err.count("\n") == 1
    assert mtx.fingerprint() == before


def test_unknown_things_are_refused(mtx: Mtx, tmp_path: Path) -> None:
    build_stage_1(mtx)
    before = mtx.fingerprint()
    cases = [
        ("unit", "get", "nope", "--space", "traderx"),
        ("unit", "get", "reference-data", "--space", "nope"),
        ("unit", "update", "nope", "--space", "traderx", "--patch", "{}"),
        ("unit", "create", "x", str(tmp_path / "missing.yaml"), "--space", "traderx"),
        ("unit", "copy", "reference-data", "--from", "traderx", "--to", "nope"),
        ("space", "create", "traderx"),
        ("unit", "create", "reference-data", str(mtx.root / "base/reference-data.yaml"), "--space", "traderx"),
        ("space", "create", "x", "--target", "nope"),
    ]
    for args in cases:
        result = mtx(*args, ok=False)
        assert result.code in (1, 2), (args, result.err)
        assert result.err.count("\n") == 1 and "Traceback" not in result.err, (args, result.err)
    assert mtx.fingerprint() == before


@pytest.mark.parametrize(
    "patch", ['{"spec": ', "[1, 2]", '"just a string"', '{"metadata": null}', '{"apiVersion": null}']
)
def test_invalid_patches_exit_2(mtx: Mtx, patch: str) -> None:
    build_stage_1(mtx)
    before = mtx.fingerprint()
    result = mtx("unit", "update", "reference-data", "--space", "traderx", "--patch", patch, ok=False)
    assert result.code == 2, result.err
    assert result.err.count("\n") == 1
    assert mtx.fingerprint() == before


@pytest.mark.parametrize(
    ("ops", "names"),
    [
        ('[{"op":"replace","path":"/nope/x","value":1}]', "operation 1 (replace /nope/x): /nope does not exist"),
        (
            '[{"op":"replace","path":"/spec/replicas","value":2},{"op":"test","path":"/spec","value":1}]',
            "operation 2 (test /spec): the value at /spec is not the tested value",
        ),
        (
            '[{"op":"move","from":"/spec/gone","path":"/spec/x"}]',
            "operation 1 (move /spec/x): from: /spec/gone does not exist",
        ),
    ],
)
def test_a_failed_json_patch_names_the_operation_not_the_document(mtx: Mtx, ops: str, names: str) -> None:
    build_stage_1(mtx)
    before = mtx.fingerprint()
    result = mtx("unit", "update", "reference-data", "--space", "traderx", "--type", "json", "--patch", ops, ok=False)
    assert result.code == 2 and result.out == ""
    assert result.err == f"error: json patch failed on Deployment/reference-data: {names}\n"
    assert mtx.fingerprint() == before


def test_dirty_checkout_in_the_way_is_refused(mtx: Mtx) -> None:
    build_stage_1(mtx)
    path = mtx.root / "spaces/traderx/reference-data.yaml"
    path.write_text(path.read_text() + "# my local edit\n")
    before = mtx.fingerprint()
    result = mtx(
        "unit", "update", "reference-data", "--space", "traderx", "--patch", '{"spec":{"replicas":2}}', ok=False
    )
    assert result.code == 1 and "uncommitted changes" in result.err
    assert mtx.fingerprint() == before
    assert path.read_text().endswith("# my local edit\n")


def test_stale_index_lock_is_refused_cleanly(mtx: Mtx) -> None:
    build_stage_1(mtx)
    (mtx.root / ".git/index.lock").write_text("")
    head = mtx.head()
    result = mtx(
        "unit", "update", "reference-data", "--space", "traderx", "--patch", '{"spec":{"replicas":2}}', ok=False
    )
    assert result.code == 1 and "index.lock" in result.err
    assert mtx.head() == head


def test_symlink_manifest_pointing_outside_the_repo_is_refused(mtx: Mtx, tmp_path: Path) -> None:
    mtx("space", "create", "traderx")
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(GOOD)
    link = mtx.root / "base/evil.yaml"
    link.symlink_to(outside)
    result = mtx("unit", "create", "evil", str(link), "--space", "traderx", ok=False)
    assert result.code == 2 and "outside the repository" in result.err


def test_usage_errors_exit_2_with_one_line(mtx: Mtx) -> None:
    for args in (("unit", "frobnicate"), ("unit", "list", "--bogus"), ("-o", "xml", "space", "list")):
        result = mtx(*args, ok=False)
        assert result.code == 2, (args, result.err)
        assert result.err.count("\n") == 1, result.err


def test_a_unit_named_explicitly_that_is_in_no_selected_space_is_not_found(mtx: Mtx) -> None:
    build_stage_1(mtx)
    before = mtx.fingerprint()
    cases = {
        ("unit", "update", "nope", "--upgrade", "--space", "trader*"): "in any space matching 'trader*'",
        ("run", "set-replicas", "--replicas", "3", "--space", "traderx", "--unit", "nope"): "in space 'traderx'",
        ("run", "set-image", "--image", ":v9", "--space", "*", "--unit", "nope"): "in any space matching '*'",
    }
    for args, where in cases.items():
        result = mtx(*args, ok=False)
        assert result.code == 1, (args, result.err)
        assert result.err == f"error: unit 'nope' does not exist {where}\n", result.err
    assert mtx.fingerprint() == before


def test_globs_and_where_that_match_nothing_change_nothing_and_succeed(mtx: Mtx) -> None:
    build_stage_1(mtx)
    before = mtx.fingerprint()
    for args in (
        ("run", "set-replicas", "--replicas", "3", "--space", "nothing-*"),
        ("run", "set-replicas", "--replicas", "3", "--space", "*", "--where", "spec.replicas > 99"),
        (
            "run",
            "set-replicas",
            "--replicas",
            "3",
            "--space",
            "*",
            "--unit",
            "reference-data",
            "--where",
            "spec.replicas > 99",
        ),
    ):
        assert mtx.json(*args)["commit"] is None
    assert mtx.fingerprint() == before


def test_a_tab_in_yaml_is_named_as_a_tab(mtx: Mtx, tmp_path: Path) -> None:
    mtx("space", "create", "traderx")
    bad = tmp_path / "tabbed.yaml"
    bad.write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n")

    result = mtx("unit", "create", "u", str(bad), "--space", "traderx", ok=False)

    assert result.code == 2
    assert result.err == (
        f"error: {bad} line 4 column 1: a tab character, which YAML does not allow here (indent with spaces)\n"
    )
