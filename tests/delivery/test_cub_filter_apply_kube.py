"""`mtx unit apply --filter S/F`: a stored filter picks the units applied, on the real API server."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Mtx
from tests.delivery.test_unit_apply_kube import ref, two_units

pytestmark = [pytest.mark.kube, pytest.mark.xdist_group("kube")]
__all__ = ["two_units"]  # the fixture, used by name


def test_unit_apply_with_a_stored_filter_applies_only_what_it_selects(mtx: Mtx, cluster: Any, two_units: str) -> None:
    space = two_units
    mtx("filter", "create", "config-only", "Unit", "--space", space, "--where", "Kind = 'ConfigMap'")

    (applied,) = mtx.json("unit", "apply", "--space", space, "--filter", f"{space}/config-only")

    assert [a["object"] for a in applied["actions"] if a["action"] != "namespace"] == [f"ConfigMap {space}/cfg"]
    assert cluster.get(ref("Deployment", "web", space)) is None
