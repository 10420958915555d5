"""The plan as a pull-request comment: summary, then findings and conflicts, then the spaces.

What a reviewer must see is never left out: every validation finding and every conflict comes first,
each on its own line, and every space is named. Spaces that changed the same way share one
collapsible block (a 300-space upgrade is one change made 300 times). When the comment would pass
`MAX_CHARS` (GitHub refuses comments above 65,536 characters), only unit detail is shortened, in
steps (fewer field rows per unit, then no field rows, then no unit lines), and a note says exactly
what was left out and how to see all of it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from mtx_gitops.core.conflictview import describe
from mtx_gitops.core.fielddiff import short_value

MAX_CHARS = 60_000
MAX_NAMES = 10


@dataclass(frozen=True)
class Detail:
    """How much unit detail a space block shows: field rows per unit (None: all), and unit lines."""

    rows: int | None = None
    units: bool = True


# Tried in order until the comment fits: everything, then less and less unit detail.
DETAILS = (Detail(), Detail(20), Detail(5), Detail(0), Detail(0, units=False))


def plan_markdown(data: dict[str, Any], *, limit: int = MAX_CHARS) -> str:
    """Markdown for `plan`'s JSON data, at most `limit` characters when unit detail can make it so."""
    spaces = data["spaces"]
    first = [*_header(data), *_conflicts(spaces)]
    groups = _same_change(spaces)
    text = ""
    for detail in DETAILS:
        blocks = [line for group in groups for line in _block(group, detail)]
        text = _join([*first, *_shortened(data, detail), *blocks])
        if len(text) <= limit:
            break
    return text


def _join(lines: list[str]) -> str:
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n") + "\n"


def _header(data: dict[str, Any]) -> list[str]:
    s = data["summary"]
    lines = [
        f"### mtx plan: `{data['head']}` against `{data['base']}`",
        "",
        f"**{s['spaces']} space(s)** · {s['units_added']} unit(s) added · {s['units_changed']} changed · "
        f"{s['units_removed']} removed · {s['fields_changed']} field(s) · "
        f"{s['upgrades_pending']} upgrade(s) pending · {s['conflicts']} conflict(s)",
        "",
        *(_validation(data["validation"]) if "validation" in data else []),
        *_ledger(data.get("conflict_ledger") or {}),
    ]
    if not data["spaces"]:
        lines.append("No spaces change.")
    return lines


def _ledger(ledger: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The open conflicts of the ledger in the spaces the branch touches: new ones, then those still open."""
    lines: list[str] = []
    for key, title in (("new", "new open conflict(s) in the ledger"), ("open", "conflict(s) still open")):
        entries = ledger.get(key) or []
        if not entries:
            continue
        lines += [f"#### 📒 {len(entries)} {title}", ""]
        for c in entries:
            line = describe({**c, "path": f"`{c.get('path')}`"}, unit=f"`{c['space']}/{c['unit']}`")
            lines.append(f"- {_cell(line, code=False)}")
        lines.append("")
    if lines:
        lines += ["Close one with `mtx conflicts resolve U --space S --path P --take upstream|local`.", ""]
    return lines


def _conflicts(spaces: list[dict[str, Any]]) -> list[str]:
    """Every conflict the branch's commits recorded, one line each, with the commit that recorded it."""
    conflicts = [c for space in spaces for c in space["conflicts"]]
    if not conflicts:
        return []
    lines = ["", f"#### ⚠️ {len(conflicts)} conflict(s)", ""]
    for c in conflicts:
        line = describe({**c, "path": f"`{c.get('path')}`"}, unit=f"`{c.get('unit')}`")
        lines.append(f"- {_cell(line, code=False)} ({str(c.get('commit'))[:12]})")
    return [*lines, ""]


def _shortened(data: dict[str, Any], detail: Detail) -> list[str]:
    """The note that says what a shortened comment left out, and the command that shows all of it."""
    if detail == DETAILS[0]:
        return []
    firsts = [group[0] for group in _same_change(data["spaces"])]
    shown = detail.rows if detail.units and detail.rows is not None else 0
    rows = sum(max(0, len(unit["fields"]) - shown) for space in firsts for unit in space["changed"])
    if not detail.units:
        units = sum(len(space[key]) for space in firsts for key in ("added", "changed", "removed"))
        left = f"the unit lines ({units}) and field rows ({rows}) of every space"
    elif detail.rows == 0:
        left = f"every field row ({rows}; each unit says how many fields it changed)"
    else:
        left = f"field rows past {detail.rows} per unit ({rows})"
    full = f"mtx plan --base {data['base']} --head {data['head']}"
    return [f"_Shortened to fit a comment: {left} left out. All of it: `{full}` (add `--format json` for data)._", ""]


def _validation(found: dict[str, Any]) -> list[str]:
    """The findings first, all of them: one line per invalid document, then the warnings."""
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
        for key, messages in grouped.items():
            lines.append(f"- {key}: {'; '.join(messages)}")
    for f in warnings:
        lines.append(f"- ⚠️ `{f['document']['source']}`: {_cell(f['message'])}")
    return [*lines, ""]


def _same_change(spaces: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Spaces grouped by identical changes, in order of their first space (conflicts are listed apart)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for space in spaces:
        change = {k: v for k, v in space.items() if k not in ("space", "target", "conflicts")}
        groups.setdefault(json.dumps(change, sort_keys=True, default=str), []).append(space)
    return list(groups.values())


def _block(group: list[dict[str, Any]], detail: Detail) -> list[str]:
    """One collapsible block: one space, or the spaces that changed the same way and their names."""
    first = group[0]
    conflicts = sum(len(space["conflicts"]) for space in group)
    flagged = f", ⚠️ {conflicts} conflict(s)" if conflicts else ""
    counts = _counts(first)
    if len(group) == 1:
        target = f" → <code>{first['target']}</code>" if first["target"] else ""
        status = "" if first["status"] == "changed" else f" ({first['status']})"
        summary, names = f"<b>{first['space']}</b>{target}{status}: {counts}{flagged}", []
    else:
        targets = sorted({s["target"] for s in group if s["target"]})
        shown = ", ".join(f"<code>{t}</code>" for t in targets[:MAX_NAMES])
        shown += f" and {len(targets) - MAX_NAMES} more" if len(targets) > MAX_NAMES else ""
        arrow = f" → {shown}" if shown else ""
        summary = f"<b>{len(group)} spaces</b> with the same change{arrow}: {counts} each{flagged}"
        names = ["", "Spaces: " + ", ".join(f"`{s['space']}`" for s in group)]
    return [f"<details><summary>{summary}</summary>", *names, *_body(first, detail), "", "</details>", ""]


def _counts(space: dict[str, Any]) -> str:
    counts = [f"{len(space[key])} {key}" for key in ("added", "changed", "removed") if space[key]]
    if space["upgrades_pending"]:
        counts.append(f"{len(space['upgrades_pending'])} upgrade(s) pending")
    if space["metadata"]:
        counts.append("metadata")
    return ", ".join(counts) or "no change"


def _body(space: dict[str, Any], detail: Detail) -> list[str]:
    """Units added and removed, the field table, metadata and pending upgrades."""
    lines = [""]
    if detail.units:
        lines += [f"- ➕ `{unit}` added" for unit in space["added"]]
        lines += [f"- ➖ `{unit}` removed" for unit in space["removed"]]
        lines += _fields(space["changed"], detail)
    if space["metadata"]:
        before, after = space["metadata"]["before"] or {}, space["metadata"]["after"] or {}
        for key in ("labels", "target", "namespace"):
            if before.get(key) != after.get(key):
                lines.append(f"- space {key}: {_value(before.get(key))} → {_value(after.get(key))}")
    if space["upgrades_pending"] and detail.units:
        pending = ", ".join(f"`{u['unit']}` (from {u['upstream']})" for u in space["upgrades_pending"])
        lines += ["", f"Upgrades pending: {pending}"]
    return lines


def _fields(changed: list[dict[str, Any]], detail: Detail) -> list[str]:
    lines, rows = [], []
    for unit in changed:
        fields = unit["fields"]
        if not fields:
            note = "merge base advanced" if unit["link_changed"] else "formatting only"
            lines.append(f"- `{unit['unit']}`: {note}")
        elif detail.rows == 0:
            lines.append(f"- `{unit['unit']}`: {len(fields)} field(s)")
        for change in fields[: detail.rows]:
            rows.append(
                f"| `{unit['unit']}` | {_object(change['document'])} | `{_cell(change['path'])}` | "
                f"{_value(change['old'])} | {_value(change['new'])} |"
            )
        if detail.rows and len(fields) > detail.rows:
            rows.append(f"| `{unit['unit']}` | | _{len(fields) - detail.rows} more field(s)_ | | |")
    if rows:
        lines += ["", "| unit | object | field | old | new |", "|---|---|---|---|---|", *rows]
    return lines


def _object(identity: str) -> str:
    """`apps/Deployment//trade-service` as `Deployment/trade-service`."""
    parts = identity.split("/")
    return f"{parts[1]}/{parts[3]}" if len(parts) >= 4 else identity


def _value(value: Any) -> str:
    return "_absent_" if value is None else f"`{_cell(short_value(value))}`"


def _cell(text: str, *, code: bool = True) -> str:
    """Text safe inside a table cell (and, with `code`, inside inline code)."""
    text = text.replace("|", "\\|").replace("\n", " ")
    return text.replace("`", "'") if code else text
