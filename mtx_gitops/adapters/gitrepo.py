"""The git adapter: the only module that runs git.

Reads go through `git ls-tree` and one `git cat-file --batch` process. Writes never touch the
user's index: a commit is built by `git fast-import` from the parent commit plus the changed
files, and the branch is moved with `git update-ref` compare-and-swap. The checkout is brought
up to date afterwards (adapters/gitcheckout.py), touching only the changed paths.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mtx_gitops.errors import GitError, LockedError, NotFoundError, RefMovedError

ZERO = "0" * 40
GIT_ENV = {"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}


def blob_id(data: bytes) -> str:
    """The git blob id of `data` (what `git hash-object` prints), computed in-process."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class TreeEntry:
    """One file in a commit's tree."""

    mode: str
    blob: str
    path: str


class Git:
    """A git repository driven through the git CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._git_dir: Path | None = None

    def run(
        self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None, check: bool = True
    ) -> bytes:
        """Run one git command in the repository and return its stdout."""
        full_env = {**os.environ, **GIT_ENV, **(env or {})}
        try:
            done = subprocess.run(
                ["git", *args], cwd=self.root, input=input, capture_output=True, env=full_env, check=False
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc}") from None
        if check and done.returncode != 0:
            command = next((a for a in args if not a.startswith("-")), "")
            raise GitError(f"git {command}: {_first_line(done.stderr) or f'exit {done.returncode}'}")
        return done.stdout

    @property
    def git_dir(self) -> Path:
        """The repository's .git directory (absolute)."""
        if self._git_dir is None:
            out = self.run("rev-parse", "--absolute-git-dir").decode().strip()
            self._git_dir = Path(out)
        return self._git_dir

    def rev_parse(self, rev: str) -> str | None:
        """The commit a revision names, or None when it does not exist."""
        out = self.run("rev-parse", "--verify", "-q", f"{rev}^{{commit}}", check=False).decode().strip()
        return out or None

    def resolve(self, rev: str) -> str:
        """The commit a revision names; NotFoundError when it does not exist."""
        sha = self.rev_parse(rev)
        if sha is None:
            raise NotFoundError(f"unknown revision {rev!r}")
        return sha

    def current_branch(self) -> str | None:
        """The checked-out branch name, or None on a detached HEAD."""
        out = self.run("symbolic-ref", "-q", "--short", "HEAD", check=False).decode().strip()
        return out or None

    def read_blobs(self, blobs: Iterable[str]) -> dict[str, bytes]:
        """The contents of many blobs, read through one `git cat-file --batch` process."""
        wanted = list(dict.fromkeys(blobs))
        if not wanted:
            return {}
        out = self.run("cat-file", "--batch", input="".join(f"{b}\n" for b in wanted).encode())
        result: dict[str, bytes] = {}
        pos = 0
        for blob in wanted:
            end = out.index(b"\n", pos)
            header = out[pos:end].decode().split(" ")
            pos = end + 1
            if len(header) < 3 or header[1] == "missing":
                raise NotFoundError(f"git object {blob} is missing from the repository")
            size = int(header[2])
            result[blob] = out[pos : pos + size]
            pos += size + 1
        return result

    def read_blob(self, blob: str) -> bytes:
        """The contents of one blob."""
        return self.read_blobs([blob])[blob]

    def blob_exists(self, blob: str) -> bool:
        """True when the object database holds `blob`."""
        done = subprocess.run(["git", "cat-file", "-e", blob], cwd=self.root, capture_output=True, check=False)
        return done.returncode == 0

    def commit_files(
        self, *, parent: str | None, changes: Mapping[str, bytes | None], message: str, identity: Identity
    ) -> str:
        """Write a commit of `parent` plus `changes` (None deletes) and return its id; moves no branch."""
        ref = f"refs/mtx/txn/{os.urandom(16).hex()}"
        chunks: list[bytes] = []
        msg = message.encode()
        chunks.append(f"commit {ref}\nmark :1\n".encode())
        chunks.append(f"author {identity.author}\ncommitter {identity.committer}\n".encode())
        chunks.append(f"data {len(msg)}\n".encode() + msg + b"\n")
        if parent:
            chunks.append(f"from {parent}\n".encode())
        for path, data in sorted(changes.items()):
            if data is None:
                chunks.append(b"D " + _quoted(path) + b"\n")
            else:
                chunks.append(b"M 100644 inline " + _quoted(path) + f"\ndata {len(data)}\n".encode() + data + b"\n")
        # Print the commit's id, then forget the ref: fast-import writes refs only when it ends, so
        # this one never exists on disk and the commit stays unreachable until the branch moves to it.
        chunks.append(f"\nget-mark :1\nreset {ref}\n\ndone\n".encode())
        out = self.run("fast-import", "--quiet", "--done", "--date-format=raw", input=b"".join(chunks))
        sha = out.decode().strip()
        if not re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", sha):
            raise GitError(f"git fast-import printed no commit id ({sha[:80]!r})")
        return sha

    def drop_stale_transaction_refs(self) -> None:
        """Delete temporary refs that a killed older mtx left behind (call only while holding the write lock)."""
        refs = self.run("for-each-ref", "--format=%(refname)", "refs/mtx/txn/").decode().split()
        if refs:
            self.run("update-ref", "--stdin", input="".join(f"delete {r}\n" for r in refs).encode())

    def move_ref(self, ref: str, *, new: str, old: str | None, reason: str) -> None:
        """Move `ref` from `old` to `new` atomically (compare-and-swap); RefMovedError if it moved."""
        done = subprocess.run(
            ["git", "update-ref", "-m", reason, ref, new, old or ZERO],
            cwd=self.root,
            capture_output=True,
            env={**os.environ, **GIT_ENV},
            check=False,
        )
        if done.returncode != 0:
            err = _first_line(done.stderr)
            if "lock" in err and "exists" in err:
                raise LockedError(f"{ref} is locked by another git process: {err}")
            raise RefMovedError(f"{ref} moved while mtx was writing ({err})")

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """True when `ancestor` is reachable from `descendant` (or is the same commit)."""
        code = subprocess.run(
            ["git", "merge-base", "--is-ancestor", ancestor, descendant],
            cwd=self.root,
            capture_output=True,
            env={**os.environ, **GIT_ENV},
            check=False,
        ).returncode
        return code == 0

    def merge_base(self, one: str, other: str) -> str | None:
        """The best common ancestor of two commits, or None when they share no history."""
        return self.run("merge-base", one, other, check=False).decode().strip() or None

    def changed_files(self, old: str, new: str, *paths: str) -> list[str]:
        """Paths whose content differs between two commits (renames count as delete + add)."""
        out = self.run("diff", "--name-only", "-z", "--no-renames", old, new, "--", *paths)
        return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]

    def delete_ref(self, ref: str, *, old: str) -> None:
        """Delete `ref` if it still points at `old` (compare-and-swap); RefMovedError otherwise."""
        done = subprocess.run(
            ["git", "update-ref", "-d", ref, old],
            cwd=self.root,
            capture_output=True,
            env={**os.environ, **GIT_ENV},
            check=False,
        )
        if done.returncode != 0:
            raise RefMovedError(f"{ref} moved while mtx was deleting it ({_first_line(done.stderr)})")


@dataclass(frozen=True)
class Identity:
    """Author and committer lines for fast-import (`Name <email> epoch tz`)."""

    author: str
    committer: str


def identity_of(git: Git) -> Identity:
    """Who is committing: git's own idents, falling back to `mtx <mtx@localhost>`."""

    def ident(var: str) -> str:
        out = git.run("var", var, check=False).decode().strip()
        if out:
            return out
        import time

        return f"mtx <mtx@localhost> {int(time.time())} +0000"

    return Identity(ident("GIT_AUTHOR_IDENT"), ident("GIT_COMMITTER_IDENT"))


def init_repo(path: Path, *, branch: str = "main") -> Git:
    """Create a new git repository at `path` with `branch` as its initial branch."""
    path.mkdir(parents=True, exist_ok=True)
    git = Git(path)
    git.run("init", "-q", f"--initial-branch={branch}")
    return git


def find_root(start: Path, marker: str) -> Path | None:
    """The nearest directory at or above `start` that holds `marker`."""
    for candidate in (start, *start.parents):
        if (candidate / marker).is_file():
            return candidate
    return None


_PLAIN_PATH = re.compile(r"[A-Za-z0-9._/+@-]+")


def _quoted(path: str) -> bytes:
    """`path` as git fast-import reads it: C-style quoted unless plain (a newline must never end a command)."""
    if _PLAIN_PATH.fullmatch(path):
        return path.encode()
    out = bytearray(b'"')
    for byte in path.encode("utf-8", "surrogateescape"):
        if byte in (0x22, 0x5C):
            out += b"\\" + bytes([byte])
        elif 0x20 <= byte < 0x7F:
            out.append(byte)
        else:
            out += f"\\{byte:03o}".encode()
    return bytes(out + b'"')


def _first_line(stderr: bytes) -> str:
    lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    for line in lines:
        if line.startswith(("fatal:", "error:")):
            return line.split(":", 1)[1].strip()
    return lines[0] if lines else ""
