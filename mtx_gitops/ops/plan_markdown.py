"""The plan as a pull-request comment: a one-line summary, then one collapsible `<details>` per space.

Kept compact on purpose: a field table per space, values shortened, at most `MAX_FIELDS` rows per
unit; above `MAX_SPACES` spaces, spaces that changed identically share one block, so a 300-space
upgrade stays far below GitHub's comment size limit.
"""

from __future__ import annotations

import json
import re
from typing import Any

from mtx_gitops.core.fielddiff import short_value

MAX_FIELDS = 20
MAX_SPACES = 50  # above this many spaces, spaces that changed identically share one block
MAX_NAMES = 10
MAX_CHARS = 60_000


def plan_markdown(data: dict[str, Any]) -> str:
    """Markdown for `plan`'s JSON data."""
    s = data["summary"]
    lines = [
        f"### mtx plan: `{data['head']}` against `{data['base']}`",
        "",
        f"**{s['spaces']} space(s)** · {s['units_added']} unit(s) added · {s['units_changed']} changed · "
        f"{s['units_removed']} removed · {s['fields_changed']} field(s) · "
        f"{s['upgrades_pending']} upgrade(s) pending · {s['conflicts']} conflict(s)",
        "",
        *(_validation(data["validation"]) if "validation" in data else []),
    ]
    spaces = data["spaces"]
    if not spaces:
        lines.append("No spaces change.")
    groups = _same_change(spaces) if len(spaces) > MAX_SPACES else [[space] for space in spaces]
    for group in groups:
        block = _space(group[0]) if len(group) == 1 else _group(group)
        if sum(len(line) + 1 for line in lines) + sum(len(line) + 1 for line in block) > MAX_CHARS:
            lines.append(f"_… and more spaces: see `mtx plan --base {data['base']} --format json`._")
            break
        lines += block
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _validation(found: dict[str, Any]) -> list[str]:
    """The findings first: one line per invalid document (at most MAX_NAMES), then the warnings."""
    version = found["kubernetesVersion"]
    errors = [f for f in found["findings"] if f["severity"] == "error"]
    warnings = [f for f in found["findings"] if f["severity"] == "warning"]
    if not errors:
        lines = [f"✅ every changed unit is valid (Kubernetes {version})"]
    else:
        lines = [f"❌ **{found['invalid_documents']} invalid document(s)** (Kubernetes {version}):", ""]
        grouped: dict[str, list[str]] = {}
        for f in errors:
            doc = f["document"]
            key = f"`{doc['source']}` {doc['kind']} `{doc['name']}`"
            grouped.setdefault(key, []).append(
                f"`{_cell(f['path'])}`: {_cell(f['message'])}" if f["path"] else _cell(f["message"])
            )
        for key, messages in list(grouped.items())[:MAX_NAMES]:
            lines.append(f"- {key}: {'; '.join(messages)}")
        if len(grouped) > MAX_NAMES:
            lines.append(f"- _… and {len(grouped) - MAX_NAMES} more: see `mtx validate`_")
    for f in warnings[:MAX_NAMES]:
        lines.append(f"- ⚠️ `{f['document']['source']}`: {_cell(f['message'])}")
    return [*lines, ""]


def _same_change(spaces: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Spaces grouped by identical changes (a 300-space upgrade is one change made 300 times)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for space in spaces:
        change = {k: v for k, v in space.items() if k not in ("space", "target")}
        groups.setdefault(json.dumps(change, sort_keys=True, default=str), []).append(space)
    return list(groups.values())


def _group(spaces: list[dict[str, Any]]) -> list[str]:
    """One block for spaces that all changed the same way: their names, then the change once."""
    targets = sorted({s["target"] for s in spaces if s["target"]})
    shown = ", ".join(f"<code>{t}</code>" for t in targets[:MAX_NAMES]) + (" …" if len(targets) > MAX_NAMES else "")
    names = ", ".join(f"`{s['space']}`" for s in spaces)
    summary = (
        f"<b>{len(spaces)} spaces</b> with the same change{' → ' + shown if shown else ''}: {_counts(spaces[0])} each"
    )
    return [f"<details><summary>{summary}</summary>", "", f"Spaces: {names}", *_body(spaces[0]), "", "</details>", ""]


def _space(space: dict[str, Any]) -> list[str]:
    target = f" → <code>{space['target']}</code>" if space["target"] else ""
    status = "" if space["status"] == "changed" else f" ({space['status']})"
    summary = f"<b>{space['space']}</b>{target}{status}: {_counts(space)}"
    return [f"<details><summary>{summary}</summary>", *_body(space), "", "</details>", ""]


def _counts(space: dict[str, Any]) -> str:
    counts = [f"{len(space[key])} {key}" for key in ("added", "changed", "removed") if space[key]]
    if space["upgrades_pending"]:
        counts.append(f"{len(space['upgrades_pending'])} upgrade(s) pending")
    if space["conflicts"]:
        counts.append(f"⚠️ {len(space['conflicts'])} conflict(s)")
    if space["metadata"]:
        counts.append("metadata")
    return ", ".join(counts) or "no change"


def _body(space: dict[str, Any]) -> list[str]:
    """Units added and removed, the field table, metadata, pending upgrades and conflicts."""
    lines = [""]
    lines += [f"- ➕ `{unit}` added" for unit in space["added"]]
    lines += [f"- ➖ `{unit}` removed" for unit in space["removed"]]
    rows = []
    for unit in space["changed"]:
        fields = unit["fields"]
        if not fields:
            note = "merge base advanced" if unit["link_changed"] else "formatting only"
            lines.append(f"- `{unit['unit']}`: {note}")
        for change in fields[:MAX_FIELDS]:
            rows.append(
                f"| `{unit['unit']}` | {_object(change['document'])} | `{_cell(change['path'])}` | "
                f"{_value(change['old'])} | {_value(change['new'])} |"
            )
        if len(fields) > MAX_FIELDS:
            rows.append(f"| `{unit['unit']}` | | _{len(fields) - MAX_FIELDS} more field(s)_ | | |")
    if rows:
        lines += ["", "| unit | object | field | old | new |", "|---|---|---|---|---|", *rows]
    if space["metadata"]:
        before, after = space["metadata"]["before"] or {}, space["metadata"]["after"] or {}
        for key in ("labels", "target", "namespace"):
            if before.get(key) != after.get(key):
                lines.append(f"- space {key}: {_value(before.get(key))} → {_value(after.get(key))}")
    if space["upgrades_pending"]:
        pending = ", ".join(f"`{u['unit']}` (from {u['upstream']})" for u in space["upgrades_pending"])
        lines += ["", f"Upgrades pending: {pending}"]
    for conflict in space["conflicts"]:
        lines.append(
            f"- ⚠️ conflict in `{conflict.get('unit')}` at `{_cell(str(conflict.get('path')))}`: "
            f"upstream {_value(conflict.get('upstream'))}, local {_value(conflict.get('local'))}, "
            f"kept {conflict.get('resolution')} ({str(conflict.get('commit'))[:12]})"
        )
    return lines


def _object(identity: str) -> str:
    """`apps/Deployment//trade-service` as `Deployment/trade-service`."""
    parts = identity.split("/")
    return f"{parts[1]}/{parts[3]}" if len(parts) >= 4 else identity


def _value(value: Any) -> str:
    return "_absent_" if value is None else f"`{_cell(short_value(value))}`"


def _cell(text: str) -> str:
    """Text safe inside a table cell and inline code."""
    return text.replace("|", "\\|").replace("`", "'").replace("\n", " ")
