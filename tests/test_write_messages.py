"""What a write prints says what it did: its units, or, when it changed none, what the commit is."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Mtx, run

COMMITTED = re.compile(r"^✓ committed [0-9a-f]{12} on main: (.*)$", re.MULTILINE)


def _said(out: str) -> str:
    found = COMMITTED.search(out)
    assert found, out
    return found.group(1)


def test_commits_that_change_no_unit_say_what_they_did(tmp_path: Path) -> None:
    init = run("init", str(tmp_path / "config"), "--example", "traderx")
    mtx = Mtx(tmp_path / "config")

    assert _said(init.out) == "config repo initialised"
    assert _said(mtx("space", "create", "traderx").out) == "space traderx created"
    assert _said(mtx("target", "create", "edge", "--kind", "directory", "--path", "out").out) == "target edge created"
    assert _said(mtx("space", "update", "traderx", "--target", "edge").out) == "space traderx updated"
    assert _said(mtx("unit", "create", "u", str(mtx.root / "base/reference-data.yaml"), "--space", "traderx").out) == (
        "1 unit(s) changed"
    )
    dry = mtx("space", "create", "traderx-dev", "--dry-run").out
    assert dry.startswith("dry run: would commit on main: space traderx-dev created; nothing written\n")
    assert "0 unit(s)" not in init.out + dry
