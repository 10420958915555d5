"""Shared fixtures: real git repositories in temp dirs, and mtx run in-process or as a process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from mtx_gitops.cli.main import main

# Property tests judge results, never speed: the machines that run them are shared and loaded.
settings.register_profile("mtx", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("mtx")

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada Ops",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Ops",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def git_identity(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    home = tmp_path_factory.getbasetemp() / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("MTX_REPO", raising=False)


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


class _Stdin(io.StringIO):
    def __init__(self, data: bytes) -> None:
        super().__init__(data.decode("utf-8", "replace"))
        self.buffer = io.BytesIO(data)


def run(*args: str, stdin: bytes = b"") -> Result:
    """Run mtx in-process and capture its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr, sys.stdin = out, err, _Stdin(stdin)  # type: ignore[assignment]
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
    return Result(code, out.getvalue(), err.getvalue())


def run_process(*args: str, cwd: Path | None = None, stdin: bytes = b"") -> Result:
    """Run mtx as a separate process (as users and CI do)."""
    done = subprocess.run(
        [sys.executable, "-m", "mtx_gitops", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env={**os.environ, **GIT_ENV},
        check=False,
    )
    return Result(done.returncode, done.stdout.decode(), done.stderr.decode())


class Mtx:
    """mtx bound to one config repo: `m("unit", "list", ...)` adds --repo."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, *args: str, stdin: bytes = b"", ok: bool = True) -> Result:
        result = run(*args, "--repo", str(self.root), stdin=stdin)
        if ok:
            assert result.code == 0, f"mtx {' '.join(args)} failed ({result.code}): {result.err}{result.out}"
        return result

    def json(self, *args: str) -> Any:
        return self(*args, "-o", "json").json

    def git(self, *args: str) -> str:
        return subprocess.run(["git", *args], cwd=self.root, capture_output=True, check=True, text=True).stdout

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def commits(self) -> int:
        return int(self.git("rev-list", "--count", "HEAD").strip())

    def fingerprint(self) -> tuple[str, str, str]:
        """Branch tip, index and working tree state: what a failed command must leave untouched."""
        return (
            self.git("rev-parse", "HEAD"),
            self.git("ls-files", "-s"),
            self.git("status", "--porcelain", "--untracked-files=all"),
        )


@pytest.fixture
def mtx(tmp_path: Path) -> Mtx:
    """A fresh config repo seeded with the TraderX manifests in base/."""
    root = tmp_path / "config"
    result = run("init", str(root), "--example", "traderx")
    assert result.code == 0, result.err
    return Mtx(root)
