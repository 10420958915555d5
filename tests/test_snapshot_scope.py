"""A snapshot reads only the spaces a command reaches, and answers exactly as if it had read them all."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import pytest

from mtx_gitops.adapters import gittree
from mtx_gitops.adapters.gitrepo import Git
from mtx_gitops.core.layout import role_of
from mtx_gitops.core.model import UnitRef
from mtx_gitops.errors import MtxError
from mtx_gitops.store import Repo, Snapshot
from mtx_gitops.store import tree as store_tree
from tests.conftest import Mtx
from tests.test_stages_1_to_3 import build_stage_3

SPACES = ["traderx-base", "traderx-prod-eu", "traderx-prod-us", "traderx-prod-asia"]
ODD = ["Bad_Dir", "only-links", "missing", "traderx"]


@pytest.fixture
def odd_repo(mtx: Mtx) -> Mtx:
    """Stage 3, plus what a merged pull request may add: symlinks, executables, odd directories."""
    build_stage_3(mtx)
    root = mtx.root
    files = {
        "spaces/Bad_Dir/unit.yaml": "kind: ConfigMap\n",
        "spaces/only-links/.mtx/links/x.yaml": "upstream: {space: traderx-base, unit: trade-service}\n",
        "spaces/traderx-base/README.md": "notes\n",
        "spaces/traderx-prod-us/run.sh": "#!/bin/sh\n",
        "spaces/notes.txt": "top\n",
    }
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    os.chmod(root / "spaces/traderx-prod-us/run.sh", 0o755)
    os.symlink("../../base/reference-data.yaml", root / "spaces/traderx-prod-eu/evil.yaml")
    mtx.git("add", "-A")
    mtx.git("commit", "-q", "-m", "odd entries")
    return mtx


def _outcome(ask: Callable[[], Any]) -> Any:
    try:
        return ("ok", ask())
    except MtxError as exc:
        return (type(exc).__name__, str(exc))


def _questions(files: Sequence[str]) -> Iterator[tuple[str, Callable[[Snapshot], Any]]]:
    for name in [*SPACES, *ODD]:
        yield f"has_space {name}", lambda s, n=name: s.has_space(n)
        yield f"space {name}", lambda s, n=name: _outcome(lambda: s.space(n))
        yield f"unit_names {name}", lambda s, n=name: s.unit_names(n)
        yield f"refs {name}", lambda s, n=name: s.refs([n])
        yield f"symlinks {name}", lambda s, n=name: _outcome(lambda: s.refuse_symlinks(n))
        for unit in ("trade-service", "reference-data", "evil", "unit", "x"):
            ref = UnitRef(name, unit)
            yield f"require {ref}", lambda s, r=ref: _outcome(lambda: s.require(r))
            yield f"link {ref}", lambda s, r=ref: s.link(r)
            yield f"unit {ref}", lambda s, r=ref: _outcome(lambda: _unit_state(s, r))
    for pattern in ("*", "traderx-prod-*", "nothing-*", "[a-t]*", "traderx-base", "missing"):
        yield f"match {pattern}", lambda s, p=pattern: _outcome(lambda: s.match_spaces(p))
    for path in [*files, "mtx.yaml", "spaces/missing/x.yaml", "base/trade-service.yaml", "spaces"]:
        yield f"blob {path}", lambda s, p=path: s.blob(p)
    yield "space_names", lambda s: s.space_names()
    yield "targets", lambda s: s.targets()
    yield "downstream", lambda s: s.downstream_of(UnitRef("traderx-base", "trade-service"))


def _unit_state(snap: Snapshot, ref: UnitRef) -> Any:
    unit = snap.unit(ref)
    return (unit.blob, unit.documents, unit.link, unit.upstream_blob, unit.upgrade_needed, unit.upstream_deleted)


def test_a_lazy_snapshot_answers_as_a_whole_one(odd_repo: Mtx) -> None:
    repo = Repo(odd_repo.root)
    whole = repo.snapshot()
    files = sorted(whole.files)  # lists the whole tree first
    assert "spaces/traderx-prod-eu/evil.yaml" in whole.symlinks
    assert whole.entries["spaces/traderx-prod-us/run.sh"].mode == "100755"
    for question, ask in _questions(files):
        assert ask(repo.snapshot()) == ask(whole), question


def test_spaces_units_and_links_follow_the_path_roles(odd_repo: Mtx) -> None:
    snap = Repo(odd_repo.root).snapshot()
    roles = [role_of(path) for path in snap.files]
    layout: dict[str, list[str]] = {}
    for role in roles:
        if role.role == "space" and role.space:
            layout.setdefault(role.space, [])
        elif role.role == "unit" and role.ref:
            layout.setdefault(role.ref.space, []).append(role.ref.unit)
    assert {name: snap.unit_names(name) for name in snap.space_names()} == {
        name: sorted(units) for name, units in sorted(layout.items())
    }
    assert set(snap.links) == {r.ref for r in roles if r.role == "link" and r.ref and snap.has_unit(r.ref)}


def _record_listings(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    calls: list[list[str]] = []

    def recorded(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(git: Any, commit: str, paths: Sequence[str], **options: Any) -> Any:
            calls.append(list(paths))
            return original(git, commit, paths, **options)

        return wrapper

    monkeypatch.setattr(store_tree, "list_tree", recorded(gittree.list_tree))
    monkeypatch.setattr(store_tree, "list_files_by_dir", recorded(gittree.list_files_by_dir))
    return calls


def test_rendering_one_space_lists_only_that_space(odd_repo: Mtx, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _record_listings(monkeypatch)
    rendered = odd_repo("render", "--space", "traderx-prod-us").out
    assert "trade-service" in rendered
    assert calls == [["mtx.yaml", "spaces/traderx-prod-us/"]]


def test_a_linked_unit_lists_its_space_and_its_upstream_space(odd_repo: Mtx, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _record_listings(monkeypatch)
    unit = odd_repo.json("unit", "get", "trade-service", "--space", "traderx-prod-asia")
    assert unit["upstream"] == {"space": "traderx-base", "unit": "trade-service"}
    listed = {path for call in calls for path in call}
    assert listed == {"mtx.yaml", "spaces/traderx-prod-asia/", "spaces/traderx-base/"}


def test_a_query_over_every_space_lists_the_tree_once(odd_repo: Mtx, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _record_listings(monkeypatch)
    units = odd_repo.json("unit", "list", "--space", "*", "--where", "spec.replicas > 0", "--no-data")
    assert len(units) == 8
    assert calls == [["mtx.yaml", "spaces"]]


def test_one_unit_edit_lists_only_its_space(odd_repo: Mtx, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _record_listings(monkeypatch)
    odd_repo("unit", "update", "reference-data", "--space", "traderx-prod-us", "--patch", '{"spec":{"replicas":3}}')
    assert all(call == ["mtx.yaml", "spaces/traderx-prod-us/"] for call in calls) and calls


def test_rendering_every_space_reads_its_units_in_one_batch(mtx: Mtx, monkeypatch: pytest.MonkeyPatch) -> None:
    build_stage_3(mtx)
    batches: list[list[str]] = []
    original = Git.read_blobs

    def recorded(git: Git, blobs: Iterable[str]) -> dict[str, bytes]:
        batches.append(list(blobs))
        return original(git, batches[-1])

    monkeypatch.setattr(Git, "read_blobs", recorded)
    for shard in (mtx.root / ".git/mtx").glob("parse-cache-*"):
        shard.unlink()  # cold: every unit is read and parsed
    out = mtx.root / "rendered"
    mtx("render", "--space", "*", "--out", str(out))
    assert len(list(out.glob("*/*.yaml"))) == 8
    assert len(batches) == 3, batches  # mtx.yaml, the spaces' metadata, then the units of all four spaces
