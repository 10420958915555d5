"""The space the command tests run in: cub's test Deployment, a Deployment plus Service, and a
placeholder-filled unit; and readers of what a command left in it."""

from __future__ import annotations

from typing import Any

import pytest

from mtx_gitops import yaml
from tests.conftest import Mtx
from tests.functions.cub_fixtures import DEPLOYMENT, PLACEHOLDERS, SERVICE

SPACE = "apps"


@pytest.fixture
def apps(mtx: Mtx) -> Mtx:
    """A space with the cub test Deployment (`mydep`), a Deployment plus Service (`web`) and a
    placeholder-filled unit (`draft`)."""
    mtx("space", "create", SPACE)
    for unit, text in (("mydep", DEPLOYMENT), ("web", DEPLOYMENT + "---\n" + SERVICE), ("draft", PLACEHOLDERS)):
        path = mtx.root.parent / f"{unit}.yaml"
        path.write_text(text)
        mtx("unit", "create", unit, str(path), "--space", SPACE)
    return mtx


def documents(m: Mtx, unit: str) -> list[dict[str, Any]]:
    return yaml.load_documents((m.root / f"spaces/{SPACE}/{unit}.yaml").read_text(), source=unit)


def nginx(m: Mtx, unit: str = "mydep") -> dict[str, Any]:
    spec = documents(m, unit)[0]["spec"]["template"]["spec"]
    return next(c for c in spec["containers"] if c["name"] == "nginx")
