"""The type table a command merges, patches and queries with: official kinds plus CRDs, memoised.

Loading costs a marshal read of the derived table (~15 ms) the first time a command asks, and
nothing for commands that never merge, patch or compare typed values (`mtx --help`, `mtx log`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from mtx_gitops.core.kube_types import TypeTable
from mtx_gitops.schema.openapi import CrdKey, combined, crd_table, official_table

DEFAULT_VERSION = "1.33"


@lru_cache(maxsize=4)
def official(version: str = DEFAULT_VERSION) -> TypeTable:
    """The built-in kinds of Kubernetes `version`."""
    return combined([official_table(version)])


def with_crds(crds: Mapping[CrdKey, Any], version: str = DEFAULT_VERSION) -> TypeTable:
    """The built-in kinds of `version` and the custom resources of `crds` ({(group, version, kind): schema})."""
    if not crds:
        return official(version)
    return _with_crds(tuple(sorted(crds.items(), key=lambda item: item[0])), version)


def _with_crds(crds: tuple[tuple[CrdKey, Any], ...], version: str) -> TypeTable:
    return combined([official_table(version), crd_table(dict(crds))])
