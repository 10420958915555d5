"""A parse cache keyed by git blob id, kept under .git/mtx in 256 shards.

Blob ids are content addresses, so an entry can never be stale: an entry is the parse of exactly
that content (by one named parser), whoever wrote it. Entries are sharded by the first two hex
digits of the blob id, and each shard holds every value as its own `marshal` string, so a command
reading one space loads a few small shards and decodes only the values it asks for, while a query
over every unit still reads 256 files in one pass.

A shard is rewritten atomically (temporary file, then rename): a reader sees the old or the new
file, never half of one. Two processes saving the same shard at once can lose each other's new
entries (only ever a re-parse later), never corrupt one: a shard that changed on disk since it was
read is merged before it is written. A cache that cannot be written (read-only repo) costs only speed.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

PREFIX = "parse-cache-v2-"
_OLD_FILES = ("parse-cache-v1.marshal",)
_MAX_PER_SHARD = 512  # ~130,000 entries in all; a full shard keeps the entries in use and its newest half
_MAX_DECODED = 100_000  # values kept decoded in memory
_BLOB = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_MISSING = object()
_SHARDS = frozenset(f"{n:02x}" for n in range(256))

Stamp = tuple[int, int, int] | None  # inode, size, mtime of a shard file as read


class ParseCache:
    """(parser, blob id) -> parsed value, persisted with `marshal` (plain data only)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._shards: dict[str, dict[str, bytes]] = {}
        self._stamps: dict[str, Stamp] = {}
        self._values: dict[str, Any] = {}
        self._writable = True

    def _path(self, shard: str) -> Path:
        return self.directory / f"{PREFIX}{shard}.marshal"

    def _shard(self, shard: str) -> dict[str, bytes]:
        if shard not in self._shards:
            self._shards[shard], self._stamps[shard] = _read(self._path(shard))
        return self._shards[shard]

    def documents(
        self,
        wanted: Mapping[str, str],
        *,
        kind: str,
        read: Callable[[Iterable[str]], dict[str, bytes]],
        parse: Callable[[bytes, str], Any],
    ) -> dict[str, Any]:
        """Parsed values for `wanted` (blob id -> source name), parsing only unseen blobs.

        `kind` names the parser: the same blob parsed by two parsers is two entries. The returned
        values are shared with the cache: callers must not mutate them.
        """
        found: dict[str, Any] = {}
        missing = []
        if len(self._values) > _MAX_DECODED:  # a long-lived process (the worker) keeps only recent values
            self._values.clear()
        values = self._values
        for blob in wanted:
            key = f"{kind}:{blob}"
            value = values.get(key, _MISSING)
            if value is _MISSING and blob[:2] in _SHARDS:
                raw = (self._shards.get(blob[:2]) or self._shard(blob[:2])).get(key)
                if raw is not None:
                    with contextlib.suppress(ValueError, EOFError, TypeError):
                        value = values[key] = marshal.loads(raw)
            if value is _MISSING:
                missing.append(blob)
            else:
                found[blob] = value
        if missing:
            texts = read(missing)
            dirty: set[str] = set()
            for blob in missing:
                key = f"{kind}:{blob}"
                found[blob] = values[key] = parse(texts[blob], wanted[blob])
                if _BLOB.fullmatch(blob):  # only a content address may name an entry
                    with contextlib.suppress(ValueError):  # not plain data: parsed again next time
                        self._shard(blob[:2])[key] = marshal.dumps(found[blob])
                        dirty.add(blob[:2])
            self._save(dirty, keep={f"{kind}:{blob}" for blob in wanted})
        return {blob: found[blob] for blob in wanted}

    def _save(self, shards: set[str], *, keep: set[str]) -> None:
        if not self._writable:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            for old in _OLD_FILES:
                (self.directory / old).unlink(missing_ok=True)
            for shard in sorted(shards):
                self._write(shard, keep)
        except OSError:
            self._writable = False

    def _write(self, shard: str, keep: set[str]) -> None:
        path = self._path(shard)
        data = self._shards[shard]
        if _stamp(path) != self._stamps[shard]:  # another process wrote it since we read it
            theirs, _ = _read(path)
            data = self._shards[shard] = {**theirs, **data}
        if len(data) > _MAX_PER_SHARD:
            newest = set(list(data)[-_MAX_PER_SHARD // 2 :])
            data = self._shards[shard] = {key: raw for key, raw in data.items() if key in keep or key in newest}
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            tmp.write_bytes(marshal.dumps(data))
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        self._stamps[shard] = _stamp(path)


def _stamp(path: Path) -> Stamp:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _read(path: Path) -> tuple[dict[str, bytes], Stamp]:
    """A shard's entries, and the stamp of the file they came from; empty when missing or unreadable."""
    try:
        with path.open("rb") as handle:
            st = os.fstat(handle.fileno())
            loaded = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}, _stamp(path)
    if not isinstance(loaded, dict):
        return {}, (st.st_ino, st.st_size, st.st_mtime_ns)
    return loaded, (st.st_ino, st.st_size, st.st_mtime_ns)
