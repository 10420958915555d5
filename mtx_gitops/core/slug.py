"""Slugs: space, unit and target names are DNS-1123 labels, checked before any file is touched."""

from __future__ import annotations

import functools
import re

from mtx_gitops.errors import InvalidSlugError

_SLUG = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
MAX_LEN = 63


@functools.lru_cache(maxsize=8192)  # the same space and unit names recur in every tree listing
def is_slug(name: str) -> bool:
    """True when `name` is a DNS-1123 label of at most 63 characters."""
    return len(name) <= MAX_LEN and _SLUG.fullmatch(name) is not None


_BAD_REF = re.compile(r"(^[-/.])|(/[.])|(\.\.)|([\x00-\x20\x7f~^:?*\[\\])|(@\{)|(//)|([/.]$)|(\.lock(/|$))")


def check_branch(name: str) -> str:
    """Return `name` if git accepts it as a branch name (`git check-ref-format --branch` rules)."""
    if not name or name == "@" or _BAD_REF.search(name):
        raise InvalidSlugError(f"invalid branch name {name!r}")
    return name


def check_slug(name: str, *, what: str = "name") -> str:
    """Return `name` if it is a valid slug, else raise InvalidSlugError naming it."""
    if not isinstance(name, str) or not is_slug(name):
        shown = repr(name) if name else "an empty name"
        raise InvalidSlugError(
            f"invalid {what} {shown}: must be a DNS-1123 label "
            "(lower-case letters, digits and '-', starting and ending alphanumeric, at most 63 characters)"
        )
    return name
