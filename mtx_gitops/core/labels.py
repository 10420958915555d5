"""Kubernetes label and annotation syntax: qualified keys and label values, as the API server checks them.

A key is `[prefix/]name`: the optional prefix a DNS-1123 subdomain of at most 253 characters, the
name at most 63 alphanumerics, '-', '_' and '.', beginning and ending alphanumeric. A label value is
empty or such a name; an annotation value may be any string.
"""

from __future__ import annotations

import re

from mtx_gitops.errors import UserError

_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
MAX_NAME = 63
MAX_PREFIX = 253


def key_problem(key: object) -> str | None:
    """Why `key` is not a valid qualified label or annotation key, or None when it is."""
    if not isinstance(key, str) or not key:
        return "the key is empty"
    if key.count("/") > 1:
        return "a key has at most one '/'"
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > MAX_PREFIX or _SUBDOMAIN.fullmatch(prefix) is None):
        return "the prefix must be a DNS subdomain (lower-case, at most 253 characters)"
    if len(name) > MAX_NAME or _NAME.fullmatch(name) is None:
        return (
            "the name must be at most 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit"
        )
    return None


def value_problem(value: object) -> str | None:
    """Why `value` is not a valid label value, or None when it is."""
    if not isinstance(value, str):
        return "a label value must be a string"
    if value and (len(value) > MAX_NAME or _NAME.fullmatch(value) is None):
        return (
            "a label value must be empty or at most 63 letters, digits, '-', '_' or '.', "
            "beginning and ending with a letter or digit"
        )
    return None


def check_label(key: str, value: str) -> None:
    """Raise UserError naming the fault unless `key=value` is a valid Kubernetes label."""
    problem = key_problem(key)
    if problem is not None:
        raise UserError(f"invalid label key {key!r}: {problem}")
    problem = value_problem(value)
    if problem is not None:
        raise UserError(f"invalid label value {value!r} for {key}: {problem}")


def check_annotation(key: str, value: str) -> None:
    """Raise UserError naming the fault unless `key` is a valid annotation key and `value` a string."""
    problem = key_problem(key)
    if problem is not None:
        raise UserError(f"invalid annotation key {key!r}: {problem}")
    if not isinstance(value, str):
        raise UserError(f"invalid annotation value for {key}: must be a string")
