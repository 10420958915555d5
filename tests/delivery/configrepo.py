"""A real mtx config repo in a temp dir, written with plain git (independent of the ops layer)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from mtx_gitops import yaml as mtx_yaml

_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "PATH": "/usr/bin:/bin:/usr/local/bin",
}


class ConfigRepo:
    """spaces/<space>/<unit>.yaml plus mtx.yaml targets, committed on branch main."""

    def __init__(self, root: Path, *, targets: dict[str, dict[str, Any]]) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "--initial-branch=main")
        self.write("mtx.yaml", {"targets": targets})

    def git(self, *args: str) -> str:
        done = subprocess.run(["git", *args], cwd=self.root, env=_ENV, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def write(self, path: str, *docs: Any) -> None:
        file = self.root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(mtx_yaml.dump_documents(list(docs)), encoding="utf-8")

    def space(self, name: str, *, target: str | None = None, namespace: str | None = None) -> None:
        meta: dict[str, Any] = {"labels": {}}
        if target:
            meta["target"] = target
        if namespace:
            meta["namespace"] = namespace
        self.write(f"spaces/{name}/.mtx/space.yaml", meta)

    def unit(self, space: str, unit: str, *docs: dict[str, Any]) -> None:
        self.write(f"spaces/{space}/{unit}.yaml", *docs)

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")
