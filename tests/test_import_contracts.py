"""The import contracts cover every module, new ones too: a stray import of an outside library breaks them.

Each probe adds one import to a copy of the package and runs `lint-imports` over the copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(tmp_path: Path, module: str, line: str) -> str:
    """`lint-imports` over a copy of the package whose `module` (a path in it) also has `line`."""
    shutil.copytree(ROOT / "mtx_gitops", tmp_path / "mtx_gitops", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    probed = tmp_path / "mtx_gitops" / module
    probed.write_text(probed.read_text(encoding="utf-8") + f"\n{line}  # probe\n", encoding="utf-8")
    beside = Path(sys.executable).parent / "lint-imports"
    command = str(beside) if beside.is_file() else shutil.which("lint-imports")
    if command is None:
        pytest.skip("lint-imports is not installed (pip install -e '.[dev]')")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([command, "--no-cache"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert done.returncode != 0, f"lint-imports kept every contract with `{line}` in {module}:\n{done.stdout}"
    return done.stdout


def test_yaml_imported_by_the_transaction_breaks_the_yaml_contract(tmp_path: Path) -> None:
    out = lint_imports(tmp_path, "transaction.py", "import yaml")
    assert "only the yaml package imports YAML libraries BROKEN" in out
    assert "mtx_gitops.transaction -> yaml" in out


def test_kubernetes_imported_by_an_ops_module_breaks_the_cluster_contract(tmp_path: Path) -> None:
    out = lint_imports(tmp_path, "ops/upgrade.py", "import kubernetes")
    assert "only the cluster adapter imports kubernetes BROKEN" in out
    assert "mtx_gitops.ops.upgrade -> kubernetes" in out


def test_typer_imported_by_the_tutorial_breaks_the_cli_contract(tmp_path: Path) -> None:
    out = lint_imports(tmp_path, "tutorial/runner.py", "import typer")
    assert "only cli imports typer; only cli and tutorial import rich BROKEN" in out
    assert "mtx_gitops.tutorial.runner -> typer" in out


def test_the_cel_library_imported_by_an_ops_module_breaks_the_cel_contract(tmp_path: Path) -> None:
    out = lint_imports(tmp_path, "ops/function_calls.py", "import cel")
    assert "only the CEL adapter imports the CEL library BROKEN" in out
    assert "mtx_gitops.ops.function_calls -> cel" in out
