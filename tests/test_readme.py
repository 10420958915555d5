"""The README's console examples are the real output of their commands today."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tests.conftest import run

README = Path(__file__).resolve().parents[1] / "README.md"
COMMIT = re.compile(r"\b[0-9a-f]{12}\b")


def _merge_policy_example() -> list[tuple[list[str], str]]:
    """(command, expected output) pairs of the README's merge-policy console block."""
    text = README.read_text(encoding="utf-8")
    block = text.split("**Merge policy.**", 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    steps: list[tuple[list[str], str]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((shlex.split(line[2:]), ""))
        else:
            command, output = steps[-1]
            steps[-1] = (command, output + line + "\n")
    return steps


def test_the_merge_policy_example_is_real_output(tmp_path: Path) -> None:
    root = tmp_path / "microtraderx"
    assert run("tutorial", "setup", "3", "--repo", str(root)).code == 0
    steps = _merge_policy_example()
    assert len(steps) == 3

    for command, expected in steps:
        assert command[0] == "mtx"
        result = run(*command[1:], "--repo", str(root))
        assert COMMIT.sub("<id>", result.out + result.err) == COMMIT.sub("<id>", expected), command
