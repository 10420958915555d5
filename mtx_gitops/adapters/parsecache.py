"""A parse cache keyed by git blob id, kept under .git/mtx.

Blob ids are content addresses, so an entry can never be stale: the cache only ever grows by
the blobs it has not seen, and is rewritten atomically (write to a temporary file, rename).
Loading 6,000 parsed units from it takes a fraction of re-parsing their YAML.
"""

from __future__ import annotations

import contextlib
import marshal
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

_MAX_SPARE = 20000


class ParseCache:
    """blob id -> parsed value, persisted with `marshal` (plain data only)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            try:
                loaded = marshal.loads(self.path.read_bytes())
                self._data = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError, EOFError, TypeError):
                self._data = {}
        return self._data

    def __contains__(self, blob: object) -> bool:
        return blob in self._load()

    def documents(
        self,
        wanted: Mapping[str, str],
        *,
        read: Callable[[Iterable[str]], dict[str, bytes]],
        parse: Callable[[bytes, str], Any],
    ) -> dict[str, Any]:
        """Parsed values for `wanted` (blob id -> source name), parsing only unseen blobs.

        The returned values are shared with the cache: callers must not mutate them.
        """
        data = self._load()
        missing = [blob for blob in wanted if blob not in data]
        if missing:
            texts = read(missing)
            for blob in missing:
                data[blob] = parse(texts[blob], wanted[blob])
            self._save(data, keep=wanted)
        return {blob: data[blob] for blob in wanted}

    def _save(self, data: dict[str, Any], *, keep: Mapping[str, str]) -> None:
        if len(data) > len(keep) + _MAX_SPARE:
            data = {blob: data[blob] for blob in keep}
            self._data = data
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(marshal.dumps(data))
            os.replace(tmp, self.path)
        except (OSError, ValueError):
            # A cache that cannot be written (read-only repo, disk full) only costs speed.
            with contextlib.suppress(OSError):
                tmp.unlink()
