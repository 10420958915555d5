"""The validation gate: every write checks the unit files it changes and refuses invalid documents."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_3

DATA = Path(__file__).parent / "data"
FIVE = '{"spec":{"replicas":"five"}}'


def state(m: Mtx) -> tuple[str, bytes, dict[str, str]]:
    """Branch tip, the index file's bytes, and every working-tree file's content hash."""
    files = {
        str(path.relative_to(m.root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(m.root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(m.root).parts
    }
    return m.head(), (m.root / ".git" / "index").read_bytes(), files


def test_a_wrong_type_is_refused_in_one_line_and_nothing_changes(mtx: Mtx) -> None:
    build_stage_3(mtx)
    before = state(mtx)
    result = mtx("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--patch", FIVE, ok=False)
    assert result.code == 2
    assert result.err == (
        "error: traderx-prod-eu/trade-service: apps/v1 Deployment trade-service: "
        'spec.replicas: expected integer, got string "five" '
        "(1 invalid document, nothing written; --no-validate commits it anyway)\n"
    )
    assert state(mtx) == before


def test_one_line_per_invalid_document_and_json_findings(mtx: Mtx) -> None:
    build_stage_3(mtx)
    before = state(mtx)
    path = "spec.template.spec.containers[name=trade-service].imagePullPolicy"
    result = mtx(
        "run", "set-string-path", "--path", path, "--value", "Sometimes", "--unit", "trade-service",
        "--space", "traderx-prod-*", "-o", "json", ok=False,
    )  # fmt: skip
    assert result.code == 2
    lines = result.err.splitlines()
    assert len(lines) == 3 and all(line.startswith("error: traderx-prod-") for line in lines)
    assert "imagePullPolicy: expected one of Always, IfNotPresent, Never, got 'Sometimes'" in lines[0]
    assert lines[-1].endswith("(3 invalid documents, nothing written; --no-validate commits them anyway)")
    findings = result.json["findings"]
    assert len(findings) == 3
    assert findings[0]["document"]["kind"] == "Deployment"
    assert findings[0]["path"] == "spec.template.spec.containers[name=trade-service].imagePullPolicy"
    assert state(mtx) == before


def test_no_validate_commits_and_the_commit_says_so(mtx: Mtx) -> None:
    build_stage_3(mtx)
    mtx("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--patch", FIVE, "--no-validate")
    message = mtx.git("log", "-1", "--format=%B")
    assert "Mtx-No-Validate: true" in message
    assert "replicas: five" in (mtx.root / "spaces/traderx-prod-eu/trade-service.yaml").read_text()
    mtx("unit", "update", "trade-service", "--space", "traderx-prod-us", "--patch", '{"spec":{"replicas":4}}')
    assert "Mtx-No-Validate" not in mtx.git("log", "-1", "--format=%B")


def test_a_dry_run_of_an_invalid_write_is_refused_too(mtx: Mtx) -> None:
    build_stage_3(mtx)
    result = mtx(
        "unit", "update", "trade-service", "--space", "traderx-prod-eu", "--patch", FIVE, "--dry-run", ok=False
    )
    assert result.code == 2 and "spec.replicas: expected integer" in result.err


def test_an_invalid_file_cannot_become_a_unit(mtx: Mtx, tmp_path: Path) -> None:
    mtx("space", "create", "apps")
    bad = tmp_path / "web.yaml"
    bad.write_text((DATA / "workloads.yaml").read_text().replace("replicas: 2", "replicas: two"))
    before = state(mtx)
    result = mtx("unit", "create", "web", str(bad), "--space", "apps", ok=False)
    assert result.code == 2
    assert result.err.startswith("error: apps/web: apps/v1 Deployment web: spec.replicas: expected integer")
    assert state(mtx) == before


def test_custom_resources_are_checked_against_the_repo_crds(mtx: Mtx, tmp_path: Path) -> None:
    mtx("space", "create", "shop")
    widget = tmp_path / "w.yaml"
    widget.write_text("apiVersion: shop.example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 30\n")
    unknown = mtx("unit", "create", "w1", str(widget), "--space", "shop", "-o", "json")
    assert unknown.json["notes"] == [
        "warning: shop/w1: shop.example.com/v1 Widget w1: "
        "no CRD for shop.example.com/v1 Widget in the repo: not validated"
    ]
    mtx("unit", "create", "widgets-crd", str(DATA / "widgets-crd.yaml"), "--space", "shop")
    result = mtx("unit", "update", "w1", "--space", "shop", "--patch", '{"spec":{"color":"pink"}}', ok=False)
    assert result.code == 2
    assert "spec.size: expected a number <= 10, got 30; spec.color: expected one of" in result.err
    mtx("unit", "update", "w1", "--space", "shop", "--patch", '{"spec":{"size":3,"color":"red"}}')


def test_a_crd_and_its_resource_in_one_unit_are_checked_together(mtx: Mtx, tmp_path: Path) -> None:
    mtx("space", "create", "shop")
    both = tmp_path / "both.yaml"
    widget = "apiVersion: shop.example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: {size}\n"
    both.write_text((DATA / "widgets-crd.yaml").read_text() + "---\n" + widget.format(size='"big"'))
    result = mtx("unit", "create", "bundle", str(both), "--space", "shop", ok=False)
    assert result.code == 2 and 'spec.size: expected integer, got string "big"' in result.err
    both.write_text((DATA / "widgets-crd.yaml").read_text() + "---\n" + widget.format(size=4))
    assert mtx("unit", "create", "bundle", str(both), "--space", "shop", "-o", "json").json["notes"] == []


def test_an_upgrade_is_checked_and_every_region_named(mtx: Mtx) -> None:
    build_stage_3(mtx)
    bad = '{"spec":{"template":{"spec":{"containers":[{"name":"trade-service","imagePullPolicy":"Sometimes"}]}}}}'
    mtx("unit", "update", "trade-service", "--space", "traderx-base", "--patch", bad, "--no-validate")
    before = state(mtx)
    result = mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*", ok=False)
    assert result.code == 2
    assert [line.split(":")[1] for line in result.err.splitlines()] == [
        " traderx-prod-asia/trade-service",
        " traderx-prod-eu/trade-service",
        " traderx-prod-us/trade-service",
    ]
    assert state(mtx) == before
    mtx("unit", "update", "--upgrade", "--space", "traderx-prod-*", "--no-validate")
    assert "Mtx-No-Validate: true" in mtx.git("log", "-1", "--format=%B")
