"""Every conformance test needs the kyaml vectors: skip (or, in CI, fail) with the reason when missing."""

from __future__ import annotations

import pytest

from tests.conformance.vectors import require_vectors


@pytest.fixture(autouse=True)
def _kyaml_vectors() -> None:
    require_vectors()
