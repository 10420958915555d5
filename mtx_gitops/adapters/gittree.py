"""Listing a commit's tree fast: one `git ls-tree -z` and one regular-expression pass over its output.

Rows are plain tuples (the store lists 10,000+ files at a time); single directories can be listed
(`recursive=False`) to find spaces without reading them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mtx_gitops.adapters.gitrepo import Git

# mode SP type SP object-id TAB path NUL; with -z a path is never quoted and may hold tabs or newlines.
_RECORD = re.compile(r"([0-7]+) ([a-z]+) ([0-9a-f]+)\t([^\0]*)\0")
# The same, with the path also split at its first directory below `under` (empty when it has none).
_SPLIT = r"([0-7]+) ([a-z]+) ([0-9a-f]+)\t((?:%s/([^/\0]+)/)?[^\0]*)\0"

REGULAR_MODES = frozenset({"100644", "100755"})

Row = tuple[str, str, str, str]  # mode, type ("blob", "tree", "commit"), object id, path from the top
SplitRow = tuple[str, str, str, str, str]  # a Row, then the directory below `under` holding the path (or "")


def list_tree(git: Git, commit: str, paths: Sequence[str], *, recursive: bool) -> list[Row]:
    """Entries under `paths` of `commit`: with `recursive`, every file below them; else their children.

    Paths are literal (ls-tree takes no wildcards); a directory path ends with '/'.
    """
    rows: list[Row] = _RECORD.findall(_ls_tree(git, commit, paths, recursive=recursive))
    return rows


def list_files_by_dir(git: Git, commit: str, paths: Sequence[str], *, under: str) -> list[SplitRow]:
    """Every file below `paths` of `commit`, each with the name of its directory right below `under`.

    For `under="spaces"`, `spaces/a/x.yaml` comes with "a" and `spaces/.gitkeep` or `mtx.yaml` with "".
    Rows come in git's tree order, so the files of one directory are adjacent.
    """
    pattern = re.compile(_SPLIT % re.escape(under))
    rows: list[SplitRow] = pattern.findall(_ls_tree(git, commit, paths, recursive=True))
    return rows


def _ls_tree(git: Git, commit: str, paths: Sequence[str], *, recursive: bool) -> str:
    args = ["ls-tree", "-z", "--full-tree", *(["-r"] if recursive else []), commit, "--", *paths]
    return git.run(*args).decode("utf-8", "surrogateescape")
