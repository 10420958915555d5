"""The action's own shell steps, run as a GitHub runner runs them (bash -eo pipefail), on a real repo:
plan writes the one comment's markdown, apply delivers a space, the kubeconfig never outlives the step."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import GIT_ENV, Mtx

ROOT = Path(__file__).resolve().parents[1]


def _step(name: str) -> str:
    data = yaml.safe_load((ROOT / "action.yml").read_text())
    [run] = [step["run"] for step in data["runs"]["steps"] if step.get("name") == name]
    return str(run)


def _runner(tmp_path: Path, script: str, *, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run one step's script with the runner's files and an `mtx` on PATH that is this checkout's."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    shim = bin_dir / "mtx"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m mtx_gitops "$@"\n')
    shim.chmod(0o755)
    runner = tmp_path / "runner"
    runner.mkdir(exist_ok=True)
    files = {name: runner / name.lower() for name in ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT")}
    (runner / "temp").mkdir(exist_ok=True)
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            **GIT_ENV,
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "RUNNER_TEMP": str(runner / "temp"),
            **{key: str(path) for key, path in files.items()},
            **env,
        },
        check=False,
    )


def _config(mtx: Mtx) -> None:
    mtx("target", "create", "edge", "--kind", "directory", "--path", "out/edge")
    mtx("space", "create", "traderx", "--target", "edge")
    mtx("unit", "create", "reference-data", str(mtx.root / "base/reference-data.yaml"), "--space", "traderx")


def test_plan_mode_writes_the_comment_against_the_pull_requests_base(mtx: Mtx, tmp_path: Path) -> None:
    _config(mtx)
    mtx.git("update-ref", "refs/remotes/origin/main", "HEAD")
    mtx("run", "set-replicas", "--space", "traderx", "--replicas", "4")

    done = _runner(tmp_path, _step("Plan"), cwd=mtx.root, BASE="", GITHUB_BASE_REF="main")

    assert done.returncode == 0, done.stderr
    comment = (tmp_path / "runner/temp/mtx-plan.md").read_text()
    assert comment.startswith("<!-- mtx-plan -->\n### mtx plan: `HEAD` against `origin/main`")
    assert "<b>traderx</b> → <code>edge</code>: 1 changed" in comment
    assert (tmp_path / "runner/github_step_summary").read_text() == comment
    assert (tmp_path / "runner/github_output").read_text() == f"file={tmp_path / 'runner/temp/mtx-plan.md'}\n"


def test_apply_mode_delivers_the_space_and_removes_the_kubeconfig(mtx: Mtx, tmp_path: Path) -> None:
    _config(mtx)
    env = {"SPACE": "trader*", "KUBECONFIG_DATA": "apiVersion: v1\nkind: Config\n", "PRUNE": "true"}

    done = _runner(tmp_path, _step("Apply"), cwd=mtx.root, KUBECONFIG_VARIABLE="KUBECONFIG_PROD_EDGE", **env)

    assert done.returncode == 0, done.stderr
    assert list((mtx.root / "out/edge").rglob("*.yaml"))
    assert list((tmp_path / "runner/temp").iterdir()) == []


def test_the_inputs_are_checked_before_anything_runs(tmp_path: Path) -> None:
    check = _step("Check the inputs")

    bad_mode = _runner(tmp_path, check, cwd=tmp_path, MODE="deploy", SPACE="", KUBECONFIG_VARIABLE="KUBECONFIG")
    no_space = _runner(tmp_path, check, cwd=tmp_path, MODE="apply", SPACE="", KUBECONFIG_VARIABLE="KUBECONFIG")
    bad_name = _runner(tmp_path, check, cwd=tmp_path, MODE="apply", SPACE="s", KUBECONFIG_VARIABLE="A=B; rm")

    assert bad_mode.returncode == no_space.returncode == bad_name.returncode == 1
    assert "mode must be plan or apply, not 'deploy'" in bad_mode.stdout
    assert "mode apply needs a space" in no_space.stdout and "must be a variable name" in bad_name.stdout
    ok = _runner(tmp_path, check, cwd=tmp_path, MODE="plan", SPACE="", KUBECONFIG_VARIABLE="KUBECONFIG")
    assert ok.returncode == 0
