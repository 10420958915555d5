"""What every benchmark case needs: the generated repos, a scratch area, and how to run mtx."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from benchmarks.manifests import space_name
from benchmarks.mtxcmd import bench_env, mtx_executable

PARSE_CACHE_GLOB = "parse-cache*"


@dataclass
class Context:
    """Paths and settings shared by the cases of one benchmark run."""

    spaces: int
    generated: Path  # holds mtx/ (the config repo) and kustomize/ (base + overlays)
    scratch: Path  # copies that benchmarks may change; emptied at the start of a run
    repeats: int = 5
    kustomize_sample: int | None = None  # overlays rendered by the kustomize loop (None: all)
    upgraded: tuple[Path, str, str] | None = None  # the upgraded copy, the commits before and after

    @property
    def repo(self) -> Path:
        return self.generated / "mtx"

    @property
    def kustomize(self) -> Path:
        return self.generated / "kustomize"

    @property
    def units(self) -> int:
        return self.spaces * 20

    def mtx(self, *args: str, repo: Path | None = None) -> list[str]:
        """An mtx command line against `repo` (default: the generated repo)."""
        return [*mtx_executable(), *args, "--repo", str(repo or self.repo)]

    def first_space(self) -> str:
        return space_name(0)

    def copy_repo(self, name: str, source: Path | None = None) -> Path:
        """A fresh copy of the generated repo (or of `source`) under the scratch area."""
        target = self.scratch / name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source or self.repo, target, symlinks=True)
        return target


def drop_parse_cache(repo: Path) -> None:
    """Forget every parsed unit, so the next command parses YAML from scratch."""
    for path in (repo / ".git" / "mtx").glob(PARSE_CACHE_GLOB):
        path.unlink()


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=True, text=True, env=bench_env()).stdout


def has_command(*words: str) -> bool:
    """True when this mtx knows the sub-command (some land later than others)."""
    done = subprocess.run([*mtx_executable(), *words, "--help"], capture_output=True, env=bench_env(), check=False)
    return done.returncode == 0
