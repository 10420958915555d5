"""The sharded parse cache: content-addressed entries that are never wrong, whoever wrote them."""

from __future__ import annotations

import hashlib
import marshal
import multiprocessing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mtx_gitops.adapters import parsecache
from mtx_gitops.adapters.parsecache import ParseCache


def blob(n: int, prefix: str = "") -> str:
    """A made-up blob id (40 hex digits), optionally starting with `prefix`."""
    digest = hashlib.sha1(str(n).encode()).hexdigest()
    return (prefix + digest)[:40]


class Source:
    """Blob contents and a parser that counts its calls; the parse of a blob depends on it alone."""

    def __init__(self) -> None:
        self.parsed: list[str] = []

    def read(self, blobs: Iterable[str]) -> dict[str, bytes]:
        return {b: b.encode() for b in blobs}

    def parse(self, data: bytes, source: str) -> Any:
        self.parsed.append(data.decode())
        return {"blob": data.decode(), "items": [1, 2.5, None, True]}

    def documents(self, cache: ParseCache, blobs: Iterable[str], kind: str = "units") -> dict[str, Any]:
        return cache.documents({b: f"file-{b}" for b in blobs}, kind=kind, read=self.read, parse=self.parse)


def shard_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob(f"{parsecache.PREFIX}*"))


def test_a_blob_is_parsed_once_then_read_back_from_its_shard(tmp_path: Path) -> None:
    first, again = Source(), Source()
    blobs = [blob(1, "ab"), blob(2, "ab"), blob(3, "cd")]
    values = first.documents(ParseCache(tmp_path), blobs)
    assert first.parsed == blobs
    assert again.documents(ParseCache(tmp_path), blobs) == values
    assert again.parsed == []
    assert shard_files(tmp_path) == [f"{parsecache.PREFIX}ab.marshal", f"{parsecache.PREFIX}cd.marshal"]


def test_each_parser_has_its_own_entry_for_the_same_blob(tmp_path: Path) -> None:
    source = Source()
    one = blob(1)
    source.documents(ParseCache(tmp_path), [one], kind="units")
    source.documents(ParseCache(tmp_path), [one], kind="yaml")
    assert source.parsed == [one, one]


def test_a_corrupt_shard_only_costs_a_parse_and_is_rewritten(tmp_path: Path) -> None:
    one = blob(1, "ef")
    (tmp_path / f"{parsecache.PREFIX}ef.marshal").write_bytes(b"\x00garbage")
    source = Source()
    assert source.documents(ParseCache(tmp_path), [one])[one]["blob"] == one
    assert source.parsed == [one]
    again = Source()
    again.documents(ParseCache(tmp_path), [one])
    assert again.parsed == []


def test_names_that_are_not_blob_ids_are_parsed_but_never_stored(tmp_path: Path) -> None:
    source = Source()
    cache = ParseCache(tmp_path)
    source.documents(cache, ["HEAD:spaces/a/x.yaml", "ab/../.."])
    assert shard_files(tmp_path) == []


def test_an_unwritable_cache_still_parses(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    source = Source()
    cache = ParseCache(tmp_path / "file" / "mtx")
    assert source.documents(cache, [blob(1)])[blob(1)]["blob"] == blob(1)
    assert source.documents(cache, [blob(2)])[blob(2)]["blob"] == blob(2)


def test_two_writers_of_one_shard_keep_each_others_entries(tmp_path: Path) -> None:
    one, two = blob(1, "aa"), blob(2, "aa")
    first, second = ParseCache(tmp_path), ParseCache(tmp_path)
    Source().documents(first, [blob(3, "aa")])
    Source().documents(second, [blob(3, "aa")])  # both have read the shard
    Source().documents(first, [one])
    Source().documents(second, [two])  # the shard changed on disk since `second` read it: merged
    reader = Source()
    reader.documents(ParseCache(tmp_path), [one, two])
    assert reader.parsed == []


def test_a_full_shard_keeps_the_entries_in_use_and_its_newest(tmp_path: Path) -> None:
    limit = parsecache._MAX_PER_SHARD
    many = [blob(n, "00") for n in range(limit + 40)]
    Source().documents(ParseCache(tmp_path), many)  # all wanted at once: all kept
    newest = blob(-1, "00")
    Source().documents(ParseCache(tmp_path), [newest])
    stored = marshal.loads((tmp_path / f"{parsecache.PREFIX}00.marshal").read_bytes())
    assert len(stored) <= limit and f"units:{newest}" in stored and f"units:{many[-1]}" in stored


def test_the_single_file_cache_of_older_versions_is_removed(tmp_path: Path) -> None:
    old = tmp_path / "parse-cache-v1.marshal"
    old.write_bytes(marshal.dumps({}))
    Source().documents(ParseCache(tmp_path), [blob(1)])
    assert not old.exists()


def _writer(directory: str, seed: int) -> None:
    source = Source()
    for round_ in range(30):
        blobs = [blob(seed * 1000 + round_ * 10 + n, "7") for n in range(10)]
        values = source.documents(ParseCache(Path(directory)), blobs)
        assert all(values[b]["blob"] == b for b in blobs)


def test_concurrent_writers_never_leave_a_wrong_or_broken_entry(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_writer, args=(str(tmp_path), seed)) for seed in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    entries = 0
    for path in tmp_path.glob(f"{parsecache.PREFIX}*.marshal"):
        for key, raw in marshal.loads(path.read_bytes()).items():
            kind, _, name = key.partition(":")
            assert kind == "units" and marshal.loads(raw)["blob"] == name and name.startswith(path.stem[-2:])
            entries += 1
    assert entries > 0
    assert not list(tmp_path.glob("*.tmp"))
