"""Many mtx processes writing at once: no lost update, one commit each, a clean repository."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import GIT_ENV, Mtx

WRITERS = 20


def _spawn(m: Mtx, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "mtx_gitops", *args, "--repo", str(m.root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **GIT_ENV},
    )


def test_twenty_writers_on_distinct_units_lose_nothing(mtx: Mtx) -> None:
    mtx("space", "create", "load")
    for i in range(WRITERS):
        mtx("unit", "create", f"u{i}", str(mtx.root / "base/reference-data.yaml"), "--space", "load")
    start = mtx.commits()
    procs = [
        _spawn(mtx, "unit", "update", f"u{i}", "--space", "load", "--patch", f'{{"spec":{{"replicas":{i + 2}}}}}')
        for i in range(WRITERS)
    ]
    results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else b"") for p in procs]
    assert all(code == 0 for code, _ in results), results
    assert mtx.commits() == start + WRITERS
    units = {u["unit"]: u for u in mtx.json("unit", "list", "--space", "load")}
    assert all(units[f"u{i}"]["data"]["spec"]["replicas"] == i + 2 for i in range(WRITERS))
    assert subprocess.run(["git", "fsck", "--strict"], cwd=mtx.root, capture_output=True).returncode == 0
    assert mtx.git("status", "--porcelain") == ""


def test_two_writers_on_the_same_unit_never_overwrite_silently(mtx: Mtx) -> None:
    mtx("space", "create", "load")
    mtx("unit", "create", "u", str(mtx.root / "base/trade-service.yaml"), "--space", "load")
    start = mtx.commits()
    procs = [
        _spawn(mtx, "unit", "update", "u", "--space", "load", "--patch", patch)
        for patch in (
            '{"spec":{"replicas":7}}',
            '{"spec":{"template":{"spec":{"containers":[{"name":"trade-service","image":"x/y:2"}]}}}}',
        )
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert mtx.commits() == start + 2
    data = mtx.json("unit", "get", "u", "--space", "load")["data"]
    # Both edits survive: the second writer re-read the unit after the first landed.
    assert data["spec"]["replicas"] == 7
    assert data["spec"]["template"]["spec"]["containers"][0]["image"] == "x/y:2"
