"""Hostile file names committed to the repo (a merged pull request can add any name git allows).

mtx builds commits with `git fast-import`, whose stream is line-oriented: a path carrying a newline
or starting with a double quote must be quoted, or it injects commands (`D mtx.yaml`, `deleteall`)
into the commit. A write that carries such names along (deleting a space, applying a changeset)
must either refuse cleanly or touch exactly the files it means to, never anything else.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import Mtx
from tests.reliability.repostate import git

SPACE = "traderx-prod-us"

NAMES = [
    pytest.param(b"evil\nD mtx.yaml", id="newline-delete"),
    pytest.param(b"evil\ndeleteall", id="newline-deleteall"),
    pytest.param(b"caf\xe9.yaml", id="not-utf8"),
    pytest.param(b'"quoted.yaml', id="leading-quote"),
    pytest.param(b"tab\there.yaml", id="tab"),
]


def _commit_named(m: Mtx, name: bytes) -> None:
    folder = bytes(m.root / "spaces" / SPACE)
    with open(folder + b"/" + name, "wb") as handle:
        handle.write(b"not a unit\n")
    subprocess.run(["git", "add", "-A"], cwd=m.root, check=True, capture_output=True)
    subprocess.run(["git", "commit", "-q", "-m", "odd name"], cwd=m.root, check=True, capture_output=True)


@pytest.mark.parametrize("name", NAMES)
def test_deleting_a_space_touches_only_that_space(repo: Mtx, name: bytes) -> None:
    _commit_named(repo, name)
    before = git(repo.root, "rev-parse", "HEAD").strip()
    result = repo("space", "delete", SPACE, "--force", ok=False)
    assert result.code in (0, 1, 2) and "Traceback" not in result.err and "internal error" not in result.err
    if result.code:
        assert result.err.count("\n") == 1
        assert git(repo.root, "rev-parse", "HEAD").strip() == before
        return
    changed = subprocess.run(
        ["git", "diff", "--name-only", "-z", before, "HEAD"], cwd=repo.root, capture_output=True, check=True
    ).stdout.split(b"\0")
    assert all(path.startswith(f"spaces/{SPACE}/".encode()) for path in changed if path), changed
    assert git(repo.root, "cat-file", "-t", "HEAD:mtx.yaml").strip() == "blob"
