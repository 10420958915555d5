"""Fixtures of the reliability battery: config repos built with mtx once per worker, copied per test.

`build_fleet` makes the large one the crash trials interrupt: a base space of the 20 benchmark
services, linked copies of it, and one `mtx run set-image --space base` so that an upgrade of all
spaces has work to do on every unit.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.manifests import SERVICES, unit_yaml
from tests.conftest import GIT_ENV, Mtx, run
from tests.reliability.repostate import CANARY


def mtx_ok(*args: str) -> None:
    result = run(*args)
    assert result.code == 0, f"mtx {' '.join(args)}: {result.err}"


def build_fleet(root: Path, *, spaces: int) -> Path:
    """`root`: a base space of 20 units, `spaces` linked copies, and a pending base change."""
    repo = ("--repo", str(root))
    mtx_ok("init", str(root))
    mtx_ok("space", "create", "base", *repo)
    with tempfile.TemporaryDirectory() as scratch:
        for index, name in enumerate(SERVICES):
            manifest = Path(scratch) / f"{name}.yaml"
            manifest.write_text(unit_yaml(index))
            mtx_ok("unit", "create", name, str(manifest), "--space", "base", *repo)
    for index in range(spaces):
        space = f"region-{index:03d}"
        mtx_ok("space", "create", space, *repo)
        mtx_ok("unit", "create", "--space", space, "--upstream-space", "base", *repo)
    mtx_ok("run", "set-image", "--image", ":v2", "--space", "base", *repo)
    return root


def build_template(root: Path) -> Path:
    """traderx-base (reference-data, trade-service) and traderx-prod-us/-eu linked to it."""
    assert run("init", str(root), "--example", "traderx").code == 0
    m = Mtx(root)
    m("space", "create", "traderx-base")
    for unit in ("reference-data", "trade-service"):
        m("unit", "create", unit, str(root / f"base/{unit}.yaml"), "--space", "traderx-base")
    for region in ("us", "eu"):
        m("space", "create", f"traderx-prod-{region}", "--label", f"region={region}")
        m("unit", "create", "--space", f"traderx-prod-{region}", "--upstream-space", "traderx-base")
    m("unit", "update", "trade-service", "--space", "traderx-prod-eu", "--patch", '{"spec":{"replicas":5}}')
    return root


@contextlib.contextmanager
def git_identity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The test git identity and a private HOME, for fixtures wider than one test."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in GIT_ENV.items():
            patch.setenv(key, value)
        patch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        yield


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template repo (never changed: tests work on copies)."""
    with git_identity(tmp_path_factory):
        return build_template(tmp_path_factory.mktemp("template") / "config")


@pytest.fixture
def repo(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Mtx:
    """A fresh copy of the template repo, with a secret in the environment that must never be echoed."""
    monkeypatch.setenv("MTX_TEST_SECRET", CANARY)
    root = tmp_path / "config"
    shutil.copytree(template, root, symlinks=True)
    return Mtx(root)
