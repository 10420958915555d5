"""`mtx validate` for CI, and the validation findings `mtx plan` lists first."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_3

DATA = Path(__file__).parent / "data"
PULL = "spec.template.spec.containers[name=trade-service].imagePullPolicy"


def invalid_regions(m: Mtx) -> None:
    """Stage 3, then an invalid pull policy committed to two regions with the same content, unchecked."""
    build_stage_3(m)
    for region in ("eu", "us"):
        m("unit", "update", "trade-service", "--space", f"traderx-prod-{region}", "--patch", '{"spec":{"replicas":2}}')
    for region in ("eu", "us"):
        m(
            "run", "set-string-path", "--path", PULL, "--value", "Sometimes", "--unit", "trade-service",
            "--space", f"traderx-prod-{region}", "--no-validate",
        )  # fmt: skip


def test_a_valid_repo_passes_with_exit_0(mtx: Mtx) -> None:
    build_stage_3(mtx)
    result = mtx("validate")
    assert result.out.splitlines()[-1] == "✓ 8 unit(s) against Kubernetes 1.33: every document valid"
    data = mtx.json("validate", "--space", "traderx-prod-*")
    assert data["valid"] is True and data["units"] == 6 and data["findings"] == []
    assert data["kubernetesVersion"] == "1.33" and data["commit"] == mtx.head()


def test_invalid_units_fail_with_exit_1_one_line_each(mtx: Mtx) -> None:
    invalid_regions(mtx)
    result = mtx("validate", ok=False)
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines == [
        "✗ traderx-prod-eu/trade-service: apps/v1 Deployment trade-service: "
        f"{PULL}: expected one of Always, IfNotPresent, Never, got 'Sometimes'",
        "✗ traderx-prod-us/trade-service: apps/v1 Deployment trade-service: "
        f"{PULL}: expected one of Always, IfNotPresent, Never, got 'Sometimes'",
        "✗ 2 invalid document(s) in 8 unit(s) against Kubernetes 1.33",
    ]  # the two units hold the same content: checked once, both named
    data = mtx("validate", "-o", "json", ok=False).json
    assert data["valid"] is False and data["invalid_documents"] == 2
    assert [f["document"]["source"] for f in data["findings"]] == [
        "traderx-prod-eu/trade-service",
        "traderx-prod-us/trade-service",
    ]
    assert data["findings"][0]["path"] == PULL
    assert mtx("validate", "--space", "traderx-prod-asia").code == 0


def test_validate_reads_a_branch_and_the_repo_kubernetes_version(mtx: Mtx) -> None:
    invalid_regions(mtx)
    mtx.git("branch", "before", "HEAD~2")
    assert mtx("validate", "--branch", "before").code == 0
    config = mtx.root / "mtx.yaml"
    config.write_text(config.read_text() + 'kubernetesVersion: "1.20"\n')
    mtx.git("commit", "-qam", "old cluster")
    result = mtx("validate", ok=False)
    assert result.code == 2
    assert "no schema for Kubernetes 1.20 in kubernetes-validate" in result.err


def test_unknown_custom_resources_are_warnings_not_failures(mtx: Mtx, tmp_path: Path) -> None:
    mtx("space", "create", "shop")
    widget = tmp_path / "w.yaml"
    widget.write_text("apiVersion: shop.example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 30\n")
    mtx("unit", "create", "w1", str(widget), "--space", "shop")
    result = mtx("validate")
    assert "! shop/w1: shop.example.com/v1 Widget w1: no CRD for shop.example.com/v1 Widget" in result.out
    (mtx.root / "schemas").mkdir()
    (mtx.root / "schemas" / "widgets.yaml").write_text((DATA / "widgets-crd.yaml").read_text())
    mtx.git("add", "schemas")
    mtx.git("commit", "-qm", "the widget CRD")
    result = mtx("validate", ok=False)
    assert result.code == 1 and "spec.size: expected a number <= 10, got 30" in result.out


def test_plan_lists_the_validation_findings_of_the_head_first(mtx: Mtx) -> None:
    invalid_regions(mtx)
    plan = mtx.json("plan", "--base", "HEAD~2", "--format", "json")
    assert list(plan)[:5] == ["base", "head", "base_commit", "head_commit", "merge_base"]
    assert list(plan)[5] == "validation"
    assert plan["validation"]["invalid_documents"] == 2 and plan["summary"]["invalid_documents"] == 2
    markdown = mtx("plan", "--base", "HEAD~2").out
    first_space = markdown.index("<details>")
    assert markdown.index("2 invalid document(s)") < first_space
    assert "`traderx-prod-eu/trade-service`" in markdown[:first_space]
    clean = mtx("plan", "--base", "HEAD~3", "--head", "HEAD~2").out
    assert "every changed unit is valid (Kubernetes 1.33)" in clean
