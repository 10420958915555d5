"""What a dry run would commit, for people: content diffs first, then one line per upstream link.

An upgrade of 35 units rewrites 35 link files whose only change is a blob id; as hunks they buried
the content changes under 35 near-identical diffs. A link change reads as one line instead:
`link traderx-prod-eu/trade-service: merge base 7986fc0f76ac → 1a2b3c4d5e6f (upstream traderx-base/trade-service)`.
"""

from __future__ import annotations

import difflib

from mtx_gitops import yaml
from mtx_gitops.core.layout import role_of
from mtx_gitops.core.model import Link
from mtx_gitops.errors import MtxError
from mtx_gitops.store.snapshot import Snapshot


def dry_run_diff(snapshot: Snapshot, files: dict[str, bytes | None]) -> str:
    """Unified diffs of every changed file but link files, then a summary line per changed link."""
    chunks: list[str] = []
    links: list[str] = []
    for path, data in sorted(files.items()):
        old = snapshot.read_text(path) if snapshot.blob(path) else ""
        new = data.decode("utf-8", "replace") if data is not None else ""
        line = _link_line(path, old, new) if role_of(path).role == "link" else None
        if line is not None:
            links.append(line + "\n")
            continue
        chunks.extend(
            difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}")
        )
    return "".join(chunks + links)


def _link_line(path: str, old: str, new: str) -> str | None:
    """One line for a link file's change (None when a side does not read as a link: diff it instead)."""
    ref = role_of(path).ref
    try:
        before, after = (
            Link.from_data(yaml.load_one(text, source=path), source=path) if text else None for text in (old, new)
        )
    except MtxError:
        return None
    if after is None:
        return f"link {ref}: removed"
    if before is None:
        return f"link {ref}: upstream {after.upstream}, merge base {after.base_blob[:12]} (new)"
    if before.upstream != after.upstream:
        return f"link {ref}: upstream {before.upstream} → {after.upstream}, merge base {after.base_blob[:12]}"
    if before.base_blob == after.base_blob:
        return f"link {ref}: merge base {after.base_blob[:12]}, now recorded at commit {str(after.base_commit)[:12]}"
    return f"link {ref}: merge base {before.base_blob[:12]} → {after.base_blob[:12]} (upstream {after.upstream})"
