"""Reading history: commits with their author, date, message and changed blobs, in one `git log` pass.

`mtx log`, `unit history`, `unit explain` and `plan` all read history through `read_log`, so even
10,000 commits cost one git process and one linear parse, never a process per commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mtx_gitops.adapters import lastcommit
from mtx_gitops.adapters.gitrepo import Git

FEW_PATHS = 8  # up to this many paths are looked up one by one when no table is cached
_FULL_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")

# One record per commit: \x1e, then fields split by \x1f, the message closed by \x1d; any `--raw`
# lines follow it. Commit messages do not hold these control characters in practice.
_FORMAT = "%x1e%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1d"


@dataclass(frozen=True)
class LogRecord:
    """One commit as `git log` reports it; `blobs` maps changed paths to their new blob (None: deleted)."""

    commit: str
    author: str
    email: str
    date: str
    message: str
    blobs: Mapping[str, str | None]


def read_log(
    git: Git,
    revs: Sequence[str],
    *,
    paths: Sequence[str] = (),
    with_blobs: bool = False,
    first_parent: bool = False,
    max_count: int | None = None,
) -> list[LogRecord]:
    """The commits reachable from `revs` (ranges such as `a..b` welcome), newest first.

    `first_parent` follows only the branch's own line, a merge standing for everything it brought
    (its blobs are then taken against its first parent).
    """
    args = ["log", f"--format={_FORMAT}", "--no-renames"]
    if first_parent:
        args += ["--first-parent", "--diff-merges=first-parent"]
    if with_blobs:
        args += ["--raw", "--no-abbrev"]
    if max_count is not None:
        args.append(f"--max-count={max_count}")
    args += [*revs, "--", *paths]
    return [_record(chunk) for chunk in git.run(*args).split(b"\x1e")[1:]]


def _record(chunk: bytes) -> LogRecord:
    head, _, raw = chunk.partition(b"\x1d")
    commit, author, email, date, message = head.decode("utf-8", "replace").split("\x1f", 4)
    blobs: dict[str, str | None] = {}
    for line in raw.decode("utf-8", "surrogateescape").splitlines():
        if line.startswith(":"):
            meta, _, path = line.partition("\t")
            fields = meta.split(" ")
            # `:old-mode new-mode old-blob new-blob status`: a deletion's new blob is all zeros.
            blobs[path] = None if fields[4].startswith("D") else fields[3]
    return LogRecord(commit, author, email, date, message.strip(), blobs)


def pathspecs(paths: Iterable[str], *, most: int = 20) -> list[str]:
    """Pathspecs covering `paths`: their directories, or their top directories when there are many.

    git matches every pathspec against every changed path of every commit: 300 space directories
    make a history walk ~3x slower than the one `spaces` directory filtered afterwards.
    """
    dirs = sorted({"/".join(p.split("/")[:2]) for p in paths})
    return dirs if len(dirs) <= most else sorted({p.split("/", 1)[0] for p in dirs})


def last_commits(git: Git, rev: str, paths: Iterable[str]) -> dict[str, str]:
    """For each path, the newest commit at or before `rev` that touched it (`git log -1 rev -- path`).

    Many paths are answered from the per-commit table of adapters/lastcommit.py (built if needed);
    a few, when no table is at hand, by one `git rev-list -1` each (cheaper than building the table).
    """
    wanted = sorted(set(paths))
    if not wanted:
        return {}
    commit = rev if _FULL_ID.fullmatch(rev) else git.resolve(rev)
    known = lastcommit.table(git, commit, build=len(wanted) > FEW_PATHS)
    if known is not None:
        return {p: known[p] for p in wanted if p in known}
    found: dict[str, str] = {}
    for path in wanted:
        out = git.run("--literal-pathspecs", "rev-list", "-1", commit, "--", path).decode().strip()
        if out:
            found[path] = out
    return found


def log_records(
    git: Git,
    rev: str,
    *,
    fmt: str,
    paths: Sequence[str] = (),
    max_count: int | None = None,
    name_only: bool = False,
) -> bytes:
    """Raw `git log` output for `rev` in one pass (records separated as `fmt` decides)."""
    args = ["log", f"--format={fmt}", "-z"]
    if name_only:
        args.append("--name-only")
    if max_count is not None:
        args.append(f"--max-count={max_count}")
    args.append(rev)
    if paths:
        args += ["--", *paths]
    return git.run(*args)
