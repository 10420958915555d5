"""`mtx apply`, `mtx status` and `mtx render` end to end: stage 1 from the guide, through the CLI."""

from __future__ import annotations

import time
from typing import Any

import pytest

from mtx_gitops.cli.main import commands
from tests.conftest import Mtx

pytestmark = [
    pytest.mark.kube,
    pytest.mark.xdist_group("kube"),
    pytest.mark.skipif(
        not {"apply", "status"} <= {command.name for command in commands.registered_commands},
        reason="mtx_gitops.cli.delivery is not registered in cli/main.py yet",
    ),
]


def stage1(mtx: Mtx, kubeconfig: str, space: str) -> None:
    mtx("target", "create", "kube", "--kind", "kubernetes", "--kubeconfig", kubeconfig)
    mtx("space", "create", space, "--target", "kube")
    mtx("unit", "create", "reference-data", str(mtx.root / "base/reference-data.yaml"), "--space", space)


def test_stage1_apply_then_status_shows_running(mtx: Mtx, kubeconfig: str, space_name: Any) -> None:
    traderx = space_name("traderx")
    stage1(mtx, kubeconfig, traderx)

    (applied,) = mtx.json("apply", "--space", traderx)
    assert applied["summary"]["create"] == 2

    deadline = time.monotonic() + 45
    while True:
        rows = {row["kind"]: row for row in mtx.json("status", "--space", traderx)}
        if rows["Deployment"]["health"] == "Healthy" or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert {k: (r["sync"], r["health"], r["ready"]) for k, r in rows.items()} == {
        "Deployment": ("Synced", "Healthy", "1/1"), "Service": ("Synced", "Healthy", "1/1")}  # fmt: skip
    assert rows["Deployment"]["git_revision"] == rows["Deployment"]["live_revision"] == mtx.head()
    assert "Running ✓" in mtx("status", "--space", traderx).out  # the table, as the guide draws it


def test_rejected_apply_exits_1_naming_the_object(mtx: Mtx, kubeconfig: str, space_name: Any) -> None:
    traderx = space_name("traderx")
    stage1(mtx, kubeconfig, traderx)
    mtx("unit", "update", "reference-data", "--space", traderx, "--patch", '{"spec":{"replicas":-1}}')

    result = mtx("apply", "--space", traderx, ok=False)

    assert result.code == 1
    assert f"apps/Deployment {traderx}/reference-data: " in result.err
    assert result.err.count("\n") == 1


def test_render_prints_what_apply_would_send(mtx: Mtx, kubeconfig: str, space_name: Any) -> None:
    traderx = space_name("traderx")
    stage1(mtx, kubeconfig, traderx)

    objects = mtx.json("render", "--space", traderx)

    assert [o["kind"] for o in objects] == ["Deployment", "Service"]
    assert {o["metadata"]["annotations"]["mtx.dev/commit"] for o in objects} == {mtx.head()}
