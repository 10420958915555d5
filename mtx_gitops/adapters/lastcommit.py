"""Which commit last touched each path: a table per commit, cached under .git/mtx and updated incrementally.

`last[p]` is exactly what `git log -1 --format=%H <commit> -- p` prints, merges included. git's default
history simplification follows one line per path: a commit that changed the path (against its only
parent, or against every parent of a merge) is the answer; a merge that kept one parent's version
follows the first such parent. The walk below applies that rule to every path at once, children
before parents (`rev-list --topo-order`), with each commit's diff against each parent from one
`git diff-tree --stdin` process. Paths that were deleted map to the commit that deleted them.

A table is keyed by its commit, whose history never changes, so it is never stale. A new commit's
table starts from the cached table of an ancestor on its first-parent line and walks only the commits
in between; when that is not possible (a side branch reaches behind the ancestor), the whole history
is walked. Shallow and grafted repositories are walked without the cache (their history can change).
"""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Mapping
from pathlib import Path

from mtx_gitops.adapters.gitrepo import Git

KEEP = 4  # tables kept (the newest); each is a few hundred KiB for 10,000 paths
NEAR = 16
REACH = 1000  # how far back on the first-parent line a cached ancestor is looked for


def table(git: Git, commit: str, *, build: bool = True) -> dict[str, str] | None:
    """path -> the last commit at or before `commit` that touched it, or None when not cached and not `build`.

    Without `build`, only a cached table or one updated from a cached ancestor is returned.
    """
    folder = git.git_dir / "mtx" / "last-commit"
    cacheable = not any((git.git_dir / name).exists() for name in ("shallow", "info/grafts"))
    if not cacheable:
        return walk(git, commit) if build else None
    cached = _load(folder / commit)
    if cached is not None:
        return cached
    result = None
    base = _cached_ancestor(git, folder, commit)
    if base is not None:
        base_table = _load(folder / base)
        if base_table is not None:
            result = walk(git, commit, base=base, base_table=base_table)
    if result is None:
        if not build:
            return None
        result = walk(git, commit)
    if result is not None:
        _save(folder, commit, result)
    return result


def _cached_ancestor(git: Git, folder: Path, commit: str) -> str | None:
    try:
        names = set(os.listdir(folder))
    except OSError:
        return None
    if not names:
        return None
    for reach in (NEAR, REACH):  # the last write's table is usually a commit or two back
        out = git.run("rev-list", "--first-parent", f"--max-count={reach}", commit, "--", check=False)
        found = next((c for c in out.decode().split() if c in names), None)
        if found is not None:
            return found
    return None


def walk(
    git: Git, commit: str, *, base: str | None = None, base_table: Mapping[str, str] | None = None
) -> dict[str, str] | None:
    """The table of `commit`; from `base`'s table when given (None if the walk reaches behind `base`)."""
    revs = [commit, f"^{base}"] if base else [commit]
    listed = git.run("rev-list", "--topo-order", "--parents", *revs, "--").decode()
    graph = [line.split() for line in listed.splitlines()]
    if not graph:
        return dict(base_table or {})
    edges = [f"{c} {p}" for c, *parents in graph for p in parents] + [c for c, *parents in graph if not parents]
    out = git.run(
        "diff-tree",
        "--stdin",
        "--always",
        "--root",
        "-r",
        "--no-renames",
        "--name-only",
        "-z",
        "--format=%x01%H",
        input="".join(f"{e}\n" for e in edges).encode(),
    )
    diffs = _diffs(out, edges)
    if diffs is None:
        return None
    result: dict[str, str] = {}
    flows: dict[str, _Flow] = {graph[0][0]: _Flow(True, set())}
    for c, *parents in graph:
        flow = flows.pop(c, None)
        if flow is not None:
            _step(c, parents, [diffs[f"{c} {p}"] for p in parents] or [diffs[c]], flow, flows, result)
    if set(flows) - {base}:
        return None  # a side branch reached behind `base`: its table is not known here
    if base is not None and base in flows:
        return _finish(flows[base], base_table or {}, result)
    return result


class _Flow:
    """The paths whose answer lies at or below a commit: all but `paths` (`everything`), or exactly `paths`."""

    __slots__ = ("everything", "paths")

    def __init__(self, everything: bool, paths: set[str]) -> None:
        self.everything = everything
        self.paths = paths

    def join(self, other: _Flow) -> _Flow:
        if self.everything and other.everything:
            return _Flow(True, self.paths & other.paths)
        if self.everything or other.everything:
            whole, part = (self, other) if self.everything else (other, self)
            whole.paths -= part.paths
            return whole
        self.paths |= other.paths
        return self


def _step(
    commit: str,
    parents: list[str],
    diffs: list[list[str]],
    flow: _Flow,
    flows: dict[str, _Flow],
    result: dict[str, str],
) -> None:
    """Settle the paths `commit` changed against every parent; send the others to their parent."""
    first = diffs[0]
    if flow.everything:
        moving = [p for p in first if p not in flow.paths]
        flow.paths.update(first)
        rest = flow  # everything not changed against the first parent follows it
    else:
        changed = set(first)
        moving = [p for p in flow.paths if p in changed]
        rest = _Flow(False, flow.paths - changed)
    if parents and (rest.everything or rest.paths):
        _send(flows, parents[0], rest)
    if len(diffs) == 1:
        result.update(dict.fromkeys(moving, commit))
        return
    others = [set(d) for d in diffs[1:]]
    sideways: dict[int, set[str]] = {}
    for path in moving:
        same = next((k for k, changed in enumerate(others, 1) if path not in changed), None)
        if same is None:
            result[path] = commit
        else:
            sideways.setdefault(same, set()).add(path)
    for k, paths in sideways.items():
        _send(flows, parents[k], _Flow(False, paths))


def _send(flows: dict[str, _Flow], parent: str, flow: _Flow) -> None:
    have = flows.get(parent)
    flows[parent] = flow if have is None else have.join(flow)


def _finish(flow: _Flow, base_table: Mapping[str, str], result: dict[str, str]) -> dict[str, str]:
    """The paths that reached the cached ancestor take its answers."""
    if flow.everything:  # all but the paths settled (or sent sideways) above it
        table = dict(base_table)
        for path in flow.paths:
            table.pop(path, None)
        table.update(result)
        return table
    result.update({p: base_table[p] for p in flow.paths if p in base_table})
    return result


def _diffs(out: bytes, edges: list[str]) -> dict[str, list[str]] | None:
    """Split diff-tree's output into one name list per input line (`--always`: one header each)."""
    found: dict[str, list[str]] = {}
    heads = iter(edges)
    edge = next(heads, None)
    header = _header(edge)
    names: list[str] | None = None
    for token in out.split(b"\0"):
        if token == header and edge is not None:
            names = found[edge] = []
            edge = next(heads, None)
            header = _header(edge)
        elif token and names is not None:
            if not names and token.startswith(b"\n"):
                token = token[1:]
            names.append(token.decode("utf-8", "surrogateescape"))
        elif token:
            return None
    return found if edge is None else None


def _header(edge: str | None) -> bytes | None:
    return b"\x01" + edge.split(" ", 1)[0].encode() if edge is not None else None


def _load(path: Path) -> dict[str, str] | None:
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return loaded if isinstance(loaded, dict) else None


def _save(folder: Path, commit: str, result: dict[str, str]) -> None:
    """Write the table atomically and keep only the newest few (a cache that cannot be written only costs speed)."""
    target = folder / commit
    tmp = folder / f".{commit}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps(result))
        os.replace(tmp, target)
        tables = sorted(
            (p for p in folder.iterdir() if not p.name.startswith(".")),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        for old in tables[KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            tmp.unlink()
