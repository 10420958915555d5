"""The pre-commit hooks run the test command's checks from the project's virtual environment."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mtx_gitops import yaml

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".pre-commit-config.yaml"


def hooks() -> dict[str, dict[str, Any]]:
    config = yaml.load_one(CONFIG.read_text(encoding="utf-8"), source=str(CONFIG))
    return {hook["id"]: hook | {"repo": repo["repo"]} for repo in config["repos"] for hook in repo["hooks"]}


def test_ruff_ruff_format_mypy_and_import_linter_are_local_hooks_that_need_no_network() -> None:
    found = hooks()
    assert list(found) == ["ruff", "ruff-format", "mypy", "import-linter"]
    for hook in found.values():
        assert (hook["repo"], hook["language"]) == ("local", "system")
        assert hook["entry"].startswith(".venv/bin/")
    assert found["ruff"]["entry"].split()[1] == "check"
    assert found["ruff-format"]["entry"].split()[1] == "format"
    assert found["mypy"]["pass_filenames"] is False  # the whole package, as pyproject.toml says
    assert found["import-linter"]["pass_filenames"] is False


def test_every_hook_runs_a_tool_the_dev_install_provides() -> None:
    for hook in hooks().values():
        tool = hook["entry"].split()[0].removeprefix(".venv/bin/")
        if not (Path(sys.executable).parent / tool).is_file():
            pytest.skip(f"{tool} is not installed beside {sys.executable} (pip install -e '.[dev]')")


def test_pre_commit_accepts_the_config() -> None:
    beside = Path(sys.executable).parent / "pre-commit"
    command = str(beside) if beside.is_file() else shutil.which("pre-commit")
    if command is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[dev]')")
    done = subprocess.run([command, "validate-config", str(CONFIG)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
