"""A fresh clone, with nothing beside it, runs the test command green: what it cannot run skips with
the reason and the variable to set, and CI's variables turn those skips into failures.

`.ci/fresh-clone` does the same with `git clone` and the README's install in CI; this test copies the
checkout's tracked files (so it also sees uncommitted work) and runs the gated tests in it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GATED = ("tests/conformance", "tests/delivery/test_cli_kube.py")
VARIABLES = ("MTX_CONFORMANCE_DIR", "MTX_REQUIRE_CONFORMANCE", "MTX_REQUIRE_KUBE", "MTX_KUBE_PREBUILT", "MTX_KUBE_BIN")


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The checkout's files (tracked, or new and not ignored) in an empty directory: no `../shared`,
    no kube binaries."""
    target = tmp_path_factory.mktemp("fresh") / "mtx"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    for name in listed.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _pytest(clone: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in VARIABLES and not key.startswith("PYTEST")}
    clean["MTX_KUBE_CACHE"] = str(clone.parent / "kube-cache")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", *GATED],
        cwd=clone,
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=600,
    )


def test_a_fresh_clone_skips_what_it_cannot_run_and_says_why(clone: Path) -> None:
    done = _pytest(clone)

    assert done.returncode == 0, done.stdout[-3000:]
    assert "failed" not in done.stdout and "error" not in done.stdout
    reasons = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert any("kyaml merge3 vectors not found" in line and "set MTX_CONFORMANCE_DIR" in line for line in reasons)
    assert any("run tests/k8s/build-kube.sh" in line and "MTX_REQUIRE_KUBE=1" in line for line in reasons)


def test_ci_variables_make_the_skips_fail(clone: Path) -> None:
    done = _pytest(clone, MTX_REQUIRE_CONFORMANCE="1")

    assert done.returncode != 0
    assert "kyaml merge3 vectors not found" in done.stdout


def test_ci_sets_both_variables_and_runs_the_fresh_clone_check() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")

    assert "MTX_REQUIRE_KUBE=1" in ci and "MTX_REQUIRE_CONFORMANCE=1" in ci
    assert ".ci/fresh-clone" in ci
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "MTX_REQUIRE_KUBE=1" in readme and "MTX_REQUIRE_CONFORMANCE=1" in readme
