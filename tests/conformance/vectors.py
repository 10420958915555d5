"""Where the kyaml merge3 vectors are, and what to do when they are not there.

The 72 vectors live outside this repository (`MTX_CONFORMANCE_DIR`, default `../shared/conformance/
kyaml-merge3` beside the checkout). Without them the conformance tests skip with this reason, unless
`MTX_REQUIRE_CONFORMANCE=1` (CI), where they fail instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _vectors_dir() -> Path:
    override = os.environ.get("MTX_CONFORMANCE_DIR")
    if override:
        return Path(override).resolve()
    return (ROOT.parent / "shared" / "conformance" / "kyaml-merge3").resolve()


VECTORS = _vectors_dir()
REQUIRED = os.environ.get("MTX_REQUIRE_CONFORMANCE") == "1"
PRESENT = (VECTORS / "README.md").is_file()
MISSING = (
    f"kyaml merge3 vectors not found at {VECTORS}: set MTX_CONFORMANCE_DIR to their directory "
    "(CI sets MTX_REQUIRE_CONFORMANCE=1 so they never skip)"
)


def cases() -> list[Any]:
    """The vector files as pytest parameters; without the vectors, one parameter that skips (or fails)."""
    if PRESENT:
        return [pytest.param(path, id=path.stem) for path in sorted(VECTORS.glob("*.yaml"))]
    return [pytest.param(VECTORS / "missing.yaml", id="vectors-missing")]


def require_vectors() -> None:
    """Skip the calling test when the vectors are missing; fail it when CI requires them."""
    if PRESENT:
        return
    if REQUIRED:
        pytest.fail(MISSING)
    pytest.skip(MISSING)
