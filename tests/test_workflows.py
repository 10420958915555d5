"""The repo's GitHub workflows and its action: schema-valid, zizmor-clean, and shaped as the
pull-request → deploy flow.

ci runs the README's test command; plan comments `mtx plan` on pull requests with least privilege;
deploy applies each production region from main, one region at a time, behind `production`. Both go
through the composite action at the root (`action.yml`), as another config repo's workflows would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
ACTION = ROOT / "action.yml"
NAMES = ("ci", "plan", "deploy")
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")
LOCAL = "./"  # this repo's own action, at the commit being run


def workflow(name: str) -> dict[str, Any]:
    raw: dict[Any, Any] = yaml.safe_load((WORKFLOWS / f"{name}.yml").read_text())
    # YAML 1.1 reads the bare key `on` as true.
    return {("on" if key is True else str(key)): value for key, value in raw.items()}


def steps(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in data["jobs"].values() for step in job["steps"]]


def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text())
    return data


def action_step(name: str) -> dict[str, Any]:
    [step] = [step for step in action()["runs"]["steps"] if step.get("name") == name]
    return step


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return found


@pytest.mark.parametrize("name", NAMES)
def test_workflow_matches_the_github_workflow_schema(name: str) -> None:
    done = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOWS / f"{name}.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_matches_the_github_action_schema() -> None:
    done = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(ACTION)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_of_medium_severity_or_higher() -> None:
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--format", "json", "--min-severity", "medium", str(WORKFLOWS), str(ACTION)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize("name", [*NAMES, "action"])
def test_actions_are_pinned_and_run_steps_take_no_expressions(name: str) -> None:
    found = action()["runs"]["steps"] if name == "action" else steps(workflow(name))
    for step in found:
        if "uses" in step:
            assert PINNED.match(step["uses"]) or step["uses"] == LOCAL, step["uses"]
        assert "${{" not in step.get("run", ""), step.get("name")
        assert "uses" not in step or step.get("with", {}).get("persist-credentials") in (False, None)


def test_ci_runs_the_readme_test_command_on_push_and_pull_request() -> None:
    ci = workflow("ci")
    assert set(ci["on"]) == {"push", "pull_request"}
    command = steps(ci)[-1]["run"]
    assert command == "pip install -e '.[dev]' && scripts/test"
    assert command in (ROOT / "README.md").read_text()


def test_plan_comments_once_per_pull_request_with_least_privilege_through_the_action() -> None:
    plan = workflow("plan")
    assert list(plan["on"]) == ["pull_request"] and plan["permissions"] == {}
    [job] = plan["jobs"].values()
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    checkout, used = job["steps"]
    assert checkout["with"]["fetch-depth"] == 0
    assert used["uses"] == LOCAL and used["with"]["mode"] == "plan" and used["with"]["base"] == "origin/main"
    assert used["with"]["comment"] == "${{ github.event.pull_request.head.repo.full_name == github.repository }}"
    script = action_step("Plan")["run"] + action_step("Post or update the plan comment")["run"]
    assert 'mtx plan --base "$base" --format markdown' in script
    assert "<!-- mtx-plan -->" in script and "--method PATCH" in script


def test_deploy_applies_each_region_from_main_one_at_a_time_in_production_through_the_action() -> None:
    deploy = workflow("deploy")
    assert deploy["on"] == {"push": {"branches": ["main"]}} and deploy["permissions"] == {}
    [job] = deploy["jobs"].values()
    assert job["strategy"]["matrix"]["region"] == ["us", "eu", "asia"]
    assert {i["region"]: i["kubeconfig-variable"] for i in job["strategy"]["matrix"]["include"]} == {
        region: f"KUBECONFIG_PROD_{region.upper()}" for region in ("us", "eu", "asia")
    }
    assert job["concurrency"]["group"] == "deploy-${{ matrix.region }}"
    assert job["environment"] == "production" and job["permissions"] == {"contents": "read"}
    apply = job["steps"][-1]
    assert apply["uses"] == LOCAL and apply["with"]["mode"] == "apply"
    assert apply["with"]["space"] == "traderx-prod-${{ matrix.region }}"
    assert "secrets.KUBECONFIG_PROD_" in apply["with"]["kubeconfig"]
    assert 'mtx "${args[@]}"' in action_step("Apply")["run"] and "--prune" in action_step("Apply")["run"]


def test_the_action_has_a_plan_and_an_apply_mode_and_installs_its_own_mtx() -> None:
    data = action()
    assert data["runs"]["using"] == "composite"
    assert {"mode", "base", "comment", "space", "kubeconfig", "kubeconfig-variable", "prune"} <= set(data["inputs"])
    assert data["inputs"]["mode"]["required"] is True
    assert action_step("Plan")["if"] == "inputs.mode == 'plan'"
    assert action_step("Apply")["if"] == "inputs.mode == 'apply'"
    assert action_step("Install mtx")["env"] == {"ACTION_PATH": "${{ github.action_path }}"}


def test_this_repo_is_a_live_microtraderx_config_at_stage_7() -> None:
    config = yaml.safe_load((ROOT / "mtx.yaml").read_text())
    for region in ("us", "eu", "asia"):
        target = config["targets"][f"prod-{region}"]
        assert target == {"kind": "kubernetes", "kubeconfig": f"${{KUBECONFIG_PROD_{region.upper()}}}"}
        unit = (ROOT / "spaces" / f"traderx-prod-{region}" / "trade-service.yaml").read_text()
        assert 'name: CIRCUIT_BREAKER\n          value: "true"' in unit
