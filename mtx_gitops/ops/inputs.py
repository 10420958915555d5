"""Reading user input files (unit manifests, patches) safely."""

from __future__ import annotations

import sys
from pathlib import Path

from mtx_gitops.errors import UserError

MAX_INPUT = 3 * 1024 * 1024


def read_input(name: str, *, repo_root: Path | None = None, what: str = "file") -> bytes:
    """The bytes of FILE (or stdin for '-'), refusing symlinks that leave the repository."""
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT + 1)
    else:
        path = Path(name)
        if not path.exists():
            raise UserError(f"{what} {name!r} does not exist")
        if not path.is_file():
            raise UserError(f"{what} {name!r} is not a regular file")
        if repo_root is not None:
            root = repo_root.resolve()
            target = path.resolve()
            if path.absolute().is_relative_to(root) and not target.is_relative_to(root):
                raise UserError(f"{what} {name!r} is a symlink pointing outside the repository ({target})")
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_INPUT + 1)
        except OSError as exc:
            raise UserError(f"cannot read {what} {name!r}: {exc.strerror}") from None
    if len(data) > MAX_INPUT:
        raise UserError(f"{what} {name!r} is larger than 3 MiB (the Kubernetes API request limit)")
    return data


def read_text_input(name: str, *, what: str = "file") -> str:
    """The text of FILE (or stdin), which must be valid UTF-8."""
    data = read_input(name, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{what} {name!r} is not valid UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
