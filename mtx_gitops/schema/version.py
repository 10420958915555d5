"""Which Kubernetes version a repo's documents are checked against, and where its schemas are.

`kubernetesVersion: "1.33"` in `mtx.yaml` names a Kubernetes minor; without it mtx uses
`DEFAULT_VERSION`, a fixed version (not "the newest the package ships"), so that installing a newer
`kubernetes-validate` never changes what a repo's validation or merge means. The schemas come from
the PyPI package `kubernetes-validate`, one directory per minor (`kubernetes-json-schema/v1.33.0-local`
and its `-strict` twin). The package is located without being imported (importing it costs ~100 ms
of jsonschema and PyYAML that mtx does not use).
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from mtx_gitops.errors import UserError

DEFAULT_VERSION = "1.33"
PACKAGE = "kubernetes_validate"
CONFIG_KEY = "kubernetesVersion"

_VERSION = re.compile(r"v?(1\.\d{1,3})(?:\.\d+)?")
_SCHEMA_DIR = re.compile(r"v(1\.\d+)\.0-local")
_PACKAGE_VERSION = re.compile(r"""__version__\s*=\s*['"]([^'"]+)['"]""")


@cache
def package_dir() -> Path:
    """The installed `kubernetes_validate` package directory (found, not imported)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise UserError("the Kubernetes schemas are missing: pip install kubernetes-validate")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def package_version() -> str:
    """The version of the installed `kubernetes-validate` ("1.37.0"): part of every schema cache key."""
    try:
        found = _PACKAGE_VERSION.search((package_dir() / "version.py").read_text(encoding="utf-8"))
    except OSError:
        found = None
    return found.group(1) if found else "unknown"


@cache
def shipped_versions() -> tuple[str, ...]:
    """The Kubernetes minors the installed package has schemas for, oldest first ("1.25", ...)."""
    root = package_dir() / "kubernetes-json-schema"
    try:
        names = [entry.name for entry in root.iterdir()]
    except OSError:
        names = []
    found = {m.group(1) for name in names if (m := _SCHEMA_DIR.fullmatch(name))}
    return tuple(sorted(found, key=lambda v: tuple(int(part) for part in v.split("."))))


def schema_dir(version: str, *, strict: bool) -> Path:
    """The directory of JSON schemas for `version` (a checked minor, "1.33"); `strict` refuses unknown fields."""
    return package_dir() / "kubernetes-json-schema" / f"v{version}.0-local{'-strict' if strict else ''}"


def normalize(value: Any, *, source: str = f"mtx.yaml {CONFIG_KEY}") -> str:
    """`value` as a Kubernetes minor ("1.33"): accepts "1.33", "v1.33" and "1.33.4"; UserError otherwise."""
    if isinstance(value, float):  # `1.30` unquoted is the float 1.3
        raise UserError(f'{source}: {value!r} is a number; write the version as a string, e.g. "1.33"')
    match = _VERSION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise UserError(f'{source}: {value!r} is not a Kubernetes version like "1.33"')
    return match.group(1)


def check(version: object, *, source: str = f"mtx.yaml {CONFIG_KEY}") -> str:
    """`version` normalized, refused in one line when the installed package has no schema for it."""
    minor = normalize(version, source=source)
    shipped = shipped_versions()
    if minor not in shipped:
        have = f"{shipped[0]}–{shipped[-1]}" if shipped else "none"
        raise UserError(
            f"{source}: no schema for Kubernetes {minor} in kubernetes-validate {package_version()} (it ships {have})"
        )
    return minor


def configured(config: Mapping[str, Any]) -> str:
    """The checked Kubernetes version a parsed `mtx.yaml` names (`DEFAULT_VERSION` when it names none)."""
    value = config.get(CONFIG_KEY)
    return check(DEFAULT_VERSION if value is None else value)
