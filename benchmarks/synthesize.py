"""Grow an mtx-built repo to thousands of spaces by writing exactly the commits mtx writes.

Building 3,000 spaces with mtx command lines would take over an hour of this machine, most of it
re-reading a growing repo. Instead the first SEED spaces are built with mtx (`generate.py`), and
space N (N >= SEED) replays the commits of seed space N mod SEED — same region, same replica count
— with the space's name put in its paths, contents and commit messages: its `space create`, its
`unit create --upstream-space base`, and its `set-replicas` and `set-env-var` commits, whose SITE
value is the space's own name, so every space's units are distinct content; a link's merge-base
commit becomes the space's own `space create` commit, as mtx records it. `check` then builds two of
the synthesized spaces with mtx itself in a scratch copy and compares every file byte for byte
(that one commit id aside), so the big repo is what mtx would have written.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.manifests import BASE_SPACE, override_of, region_of, space_name
from benchmarks.mtxcmd import GIT_IDENTITY, bench_env, run_mtx

SEED = 30  # a multiple of the 6 regions and the 3 replica counts: seed N mod 30 matches space N


@dataclass(frozen=True)
class Change:
    """One commit of a seed space: its sha, message and the files it writes (path -> bytes, None deletes)."""

    sha: str
    message: str
    files: dict[str, bytes | None]


def _git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    done = subprocess.run(["git", *args], cwd=repo, input=data, capture_output=True, env=bench_env(), check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {done.stderr.decode().strip()}")
    return done.stdout


def seed_changes(repo: Path, space: str) -> tuple[str, list[Change]]:
    """The parent of the first commit that made `space`, and those commits, oldest first."""
    shas = _git(repo, "log", "--reverse", "--format=%H", "--", f"spaces/{space}/").decode().split()
    changes = []
    for sha in shas:
        message = _git(repo, "show", "-s", "--format=%B", sha).decode()
        listing = _git(repo, "diff-tree", "-r", "--no-commit-id", "--name-status", "-z", sha).decode().split("\0")
        files: dict[str, bytes | None] = {}
        for status, path in zip(listing[0::2], listing[1::2], strict=False):
            files[path] = None if status == "D" else _git(repo, "show", f"{sha}:{path}")
        changes.append(Change(sha, message, files))
    parent = _git(repo, "rev-parse", f"{shas[0]}^").decode().strip()
    return parent, changes


class _FastImport:
    """A `git fast-import` process on the main branch that tells the sha of each commit it made."""

    def __init__(self, repo: Path) -> None:
        self.process = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done", "--cat-blob-fd=1"],
            cwd=repo,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=bench_env(),
        )
        self.marks = 0
        name, email = GIT_IDENTITY["GIT_COMMITTER_NAME"], GIT_IDENTITY["GIT_COMMITTER_EMAIL"]
        self.who = f"{name} <{email}> {int(time.time())} +0000"

    def commit(self, message: bytes, files: dict[str, bytes | None], *, parent: str | None) -> str:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.marks += 1
        out = [b"commit refs/heads/main\nmark :%d\n" % self.marks]
        out.append(f"author {self.who}\ncommitter {self.who}\n".encode())
        out.append(b"data %d\n%s\n" % (len(message), message))
        if parent is not None:
            out.append(f"from {parent}\n".encode())
        for path, data in files.items():
            if data is None:
                out.append(f'D "{path}"\n'.encode())
            else:
                out.append(f'M 100644 inline "{path}"\n'.encode() + b"data %d\n%s\n" % (len(data), data))
        out.append(b"get-mark :%d\n" % self.marks)
        self.process.stdin.write(b"".join(out))
        self.process.stdin.flush()
        return self.process.stdout.readline().decode().strip()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"done\n")
        self.process.stdin.close()
        if self.process.wait() != 0:
            raise RuntimeError("git fast-import failed")


def replay(fast: _FastImport, seed: tuple[str, list[Change]], index: int, *, tip: str, first: bool) -> str:
    """Commit space `index` as its seed's commits, renamed; returns the new tip.

    Commit ids the seed's files name (a link's merge-base commit is the space's own `space create`)
    become the replayed commits' ids.
    """
    parent, changes = seed
    old, space = space_name(index % SEED), space_name(index)
    names = {old.encode(): space.encode(), parent.encode(): tip.encode()}
    for change in changes:
        files: dict[str, bytes | None] = {}
        for path, content in change.files.items():
            target = path.replace(f"spaces/{old}/", f"spaces/{space}/", 1)
            files[target] = None if content is None else _renamed(content, names)
        message = _renamed(change.message.encode(), names)
        sha = fast.commit(message, files, parent=tip if first else None)
        first = False
        names[change.sha.encode()] = sha.encode()
        tip = sha
    return tip


def _renamed(text: bytes, names: dict[bytes, bytes]) -> bytes:
    for old, new in names.items():
        text = text.replace(old, new)
    return text


def grow(repo: Path, *, spaces: int, log: bool = True) -> None:
    """Add spaces SEED..spaces-1 to `repo` (which holds the seed spaces), then check out HEAD."""
    started = time.monotonic()
    seeds = {seed: seed_changes(repo, space_name(seed)) for seed in range(SEED)}
    tip = _git(repo, "rev-parse", "HEAD").decode().strip()
    fast = _FastImport(repo)
    for index in range(SEED, spaces):
        tip = replay(fast, seeds[index % SEED], index, tip=tip, first=index == SEED)
        if log and (index + 1) % 250 == 0:
            print(f"  {index + 1}/{spaces} spaces ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    fast.close()
    _git(repo, "read-tree", "-u", "--reset", "HEAD")


def check(repo: Path, *, spaces: int, scratch: Path) -> list[str]:
    """Build two synthesized spaces with mtx in a copy of the seed and compare their files: the differences."""
    indexes = sorted({SEED + (spaces - SEED) // 2, spaces - 1})
    if scratch.exists():
        shutil.rmtree(scratch)
    _git(repo.parent, "clone", "--quiet", "--no-local", str(repo), str(scratch))
    seed_tip = _git(repo, "rev-list", "--reverse", "HEAD").decode().split()[_seed_commit_count(repo) - 1]
    _git(scratch, "reset", "--quiet", "--hard", seed_tip)
    problems = []
    for index in indexes:
        space = space_name(index)
        run_mtx(
            ["space", "create", space, "--label", f"region={region_of(index)}", "--label", "env=prod"], repo=scratch
        )
        run_mtx(["unit", "create", "--space", space, "--upstream-space", BASE_SPACE], repo=scratch)
        for command in override_of(index).mtx_commands(space):
            run_mtx(command, repo=scratch)
        made = _files(scratch, space)
        synthesized = _files(repo, space)
        if made != synthesized:
            differing = sorted(p for p in made.keys() | synthesized.keys() if made.get(p) != synthesized.get(p))
            problems.append(f"{space}: {len(differing)} files differ from what mtx writes, e.g. {differing[:3]}")
    shutil.rmtree(scratch)
    return problems


def _seed_commit_count(repo: Path) -> int:
    """Commits up to and including the last seed space's (the seed is the repo's first part)."""
    last_seed = _git(repo, "log", "-1", "--format=%H", "--", f"spaces/{space_name(SEED - 1)}/").decode().strip()
    return int(_git(repo, "rev-list", "--count", last_seed).decode().strip())


def _files(repo: Path, space: str) -> dict[str, bytes]:
    """The space's files, with the id of its own `space create` commit (links name it) made neutral."""
    created = _git(repo, "log", "--reverse", "--format=%H", "--", f"spaces/{space}/").decode().split()[0]
    listing = _git(repo, "ls-tree", "-r", "-z", "--full-tree", "HEAD", f"spaces/{space}/").decode().split("\0")
    found = {}
    for entry in filter(None, listing):
        meta, path = entry.split("\t", 1)
        found[path] = _git(repo, "cat-file", "blob", meta.split()[2]).replace(created.encode(), b"<space-create>")
    return found
