"""An inter-process lock on a file (flock): one mtx writer per repository at a time."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from mtx_gitops.errors import GitError, LockedError


@contextlib.contextmanager
def exclusive(path: Path, *, timeout: float = 60.0, what: str = "this repository") -> Iterator[None]:
    """Hold an exclusive lock on `path` for the block; LockedError after `timeout` seconds."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise GitError(f"cannot create lock file {path}: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"another mtx process is writing to {what} (waited {timeout:.0f} s for {path})"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        yield
    finally:
        os.close(fd)
