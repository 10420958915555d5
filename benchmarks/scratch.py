"""Scratch repositories too big to build command by command, written with `git fast-import`.

Both start as a real `mtx init` repo; fast-import then adds what the benchmark needs on top:
10,000 commits carrying mtx trailers (for `mtx log`), or one commit with 20,000 unit files (for
the cost of a one-unit edit in a big tree). The checkout is brought up to date afterwards.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from benchmarks.manifests import SERVICES, unit_yaml
from benchmarks.mtxcmd import bench_env, run_mtx

IDENT = "Bench Ops <bench@example.com>"
SPACE_META = b"labels:\n  env: prod\n"


def _git(repo: Path, *args: str, data: bytes | None = None) -> None:
    subprocess.run(["git", *args], cwd=repo, input=data, check=True, capture_output=True, env=bench_env())


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def _fast_import(repo: Path, stream: bytes) -> None:
    _git(repo, "fast-import", "--quiet", "--done", data=stream + b"done\n")
    _git(repo, "reset", "-q", "--hard", "refs/heads/main")


def log_repo(repo: Path, *, commits: int = 10_000, spaces: int = 20) -> Path:
    """An mtx repo whose history holds `commits` mtx-style commits, each editing one unit."""
    run_mtx(["init", str(repo)], in_process=True)
    chunks: list[bytes] = []
    start = 1_700_000_000
    for i in range(commits):
        space, unit = f"space-{i % spaces:02d}", SERVICES[(i // spaces) % len(SERVICES)]
        message = (f"Run set-env-var on {space}\n\nMtx-Operation: run.set-env-var\nMtx-Unit: {space}/{unit}\n").encode()
        chunks.append(b"commit refs/heads/main\n")
        chunks.append(f"author {IDENT} {start + i} +0000\ncommitter {IDENT} {start + i} +0000\n".encode())
        chunks.append(_data(message))
        if i == 0:
            chunks.append(b"from refs/heads/main^0\n")
        if i < spaces:
            chunks.append(f"M 100644 inline spaces/{space}/.mtx/space.yaml\n".encode() + _data(SPACE_META))
        body = unit_yaml(SERVICES.index(unit)).replace("value: info", f"value: build-{i}").encode()
        chunks.append(f"M 100644 inline spaces/{space}/{unit}.yaml\n".encode() + _data(body))
    _fast_import(repo, b"".join(chunks))
    return repo


def wide_repo(repo: Path, *, files: int = 20_000, units_per_space: int = 49) -> Path:
    """An mtx repo with `files` tracked files: spaces of `units_per_space` units plus their metadata."""
    run_mtx(["init", str(repo)], in_process=True)
    chunks = [
        b"commit refs/heads/main\n",
        f"author {IDENT} 1700000000 +0000\ncommitter {IDENT} 1700000000 +0000\n".encode(),
        _data(b"Add many spaces\n"),
        b"from refs/heads/main^0\n",
    ]
    written = 0
    space_index = 0
    while written < files:
        space = f"team-{space_index:04d}"
        chunks.append(f"M 100644 inline spaces/{space}/.mtx/space.yaml\n".encode() + _data(SPACE_META))
        written += 1
        for u in range(min(units_per_space, files - written)):
            body = unit_yaml(u % len(SERVICES)).replace(
                f"name: {SERVICES[u % len(SERVICES)]}\n", f"name: svc-{u:02d}\n", 1
            )
            chunks.append(f"M 100644 inline spaces/{space}/svc-{u:02d}.yaml\n".encode() + _data(body.encode()))
            written += 1
        space_index += 1
    _fast_import(repo, b"".join(chunks))
    return repo


def tracked_files(repo: Path) -> int:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=repo, capture_output=True, check=True).stdout
    return out.count(b"\0")
