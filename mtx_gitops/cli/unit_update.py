"""`mtx unit update` in mtx's and cub's spellings, and `mtx unit push-upgrade`.

    unit update U --space S --patch '{json}'            the seed's form (also --patch-file F)
    unit update U --space S --patch --from-stdin        cub's: --patch a flag, the patch from stdin …
    unit update U --space S --patch --filename F        … or from a file
    unit update --space GLOB --where EXPR --patch …     every matching unit, one commit
    unit update U --space S FILE|-                      new manifests; the upstream link stays
    unit update [U] --space GLOB --upgrade [--patch]    push upstream changes (cub's --patch is a no-op here)
    unit update U --space S --merge-unit S2/U2          lateral promotion (cub: --merge-source S2/U2)
    unit update U --space S --restore N|-N|COMMIT       back to revision N (-N: N revisions back)
    unit update U --space S --label k=v [--label k-]    the unit's own labels (k- removes k)

`--patch` takes a value only when the next word is JSON (starts with `{` or `[`); otherwise it is cub's
flag (`cli/cubargs.py` rewrites it before parsing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from mtx_gitops.cli.context import emit_write, get_globals
from mtx_gitops.errors import UserError

if TYPE_CHECKING:
    from mtx_gitops.store import Repo

Name = Annotated[str | None, typer.Argument(help="Unit slug (optional with --upgrade or --where).")]
SpaceGlob = Annotated[str, typer.Option("--space", "-s", help="Space slug or glob ('*' for all).")]
Labels = Annotated[list[str] | None, typer.Option("--label", help="Unit label k=v, or k- to remove (repeatable).")]


def register(unit_app: typer.Typer) -> None:
    """Add `update` and `push-upgrade` to `mtx unit`."""
    unit_app.command("update")(update)
    unit_app.command("push-upgrade")(push_upgrade)


def update(
    ctx: typer.Context,
    name: Name = None,
    file: Annotated[str | None, typer.Argument(help="New manifests for the unit (FILE, or - for stdin).")] = None,
    space: SpaceGlob = "",
    patch: Annotated[str | None, typer.Option("--patch", help="Patch as JSON; without a value, cub's flag.")] = None,
    patch_flag: Annotated[bool, typer.Option("--patch-flag", hidden=True)] = False,
    from_stdin: Annotated[bool, typer.Option("--from-stdin", help="Read the patch from stdin (cub).")] = False,
    filename: Annotated[str | None, typer.Option("--filename", help="Read the patch from a file (cub).")] = None,
    patch_file: Annotated[str | None, typer.Option("--patch-file", help="Patch from a file (- for stdin).")] = None,
    type_: Annotated[str, typer.Option("--type", help="strategic, merge or json.")] = "strategic",
    label: Labels = None,
    change_desc: Annotated[str | None, typer.Option("--change-desc", help="Commit message (cub).")] = None,
    upgrade: Annotated[bool, typer.Option("--upgrade", help="Merge upstream changes into the units.")] = False,
    where: Annotated[str | None, typer.Option("--where", help="WHERE expression selecting units.")] = None,
    on_conflict: Annotated[str, typer.Option(help="local (default), upstream or fail.")] = "local",
    merge_unit: Annotated[str | None, typer.Option(help="Lateral merge: carry SPACE/UNIT's change here.")] = None,
    merge_source: Annotated[
        str | None, typer.Option("--merge-source", help="cub's name for --merge-unit: SPACE/UNIT.")
    ] = None,
    merge_base: Annotated[
        str | None, typer.Option(help="Source revision the change starts from (a revision number or commit).")
    ] = None,
    merge_end: Annotated[
        str | None, typer.Option(help="Source revision the change ends at (a revision number or commit).")
    ] = None,
    restore: Annotated[
        str | None, typer.Option("--restore", help="Back to revision N, -N revisions back, or a commit.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="--merge-unit: change protected paths too (`mtx unit protect`).")
    ] = False,
) -> None:
    """Edit units by patch or new data, push upstream upgrades, or merge another unit's change laterally."""
    from mtx_gitops.core.model import POLICIES, UnitRef

    g = get_globals(ctx)
    if not space:
        raise UserError("missing --space")
    if on_conflict not in POLICIES:
        raise UserError(f"invalid --on-conflict {on_conflict!r}: expected local, upstream or fail")
    if type_ not in ("strategic", "merge", "json"):
        raise UserError(f"invalid --type {type_!r}: expected strategic, merge or json")
    sources = [s for s in (patch is not None, patch_file is not None, from_stdin, filename is not None) if s]
    if len(sources) > 1:
        raise UserError("give one of --patch JSON, --patch-file, --from-stdin or --filename")
    patching = bool(sources) or bool(label) or (patch_flag and not upgrade)
    if merge_unit is not None and merge_source is not None:
        raise UserError("give one of --merge-unit and --merge-source (they are the same)")
    merge_unit = merge_unit if merge_unit is not None else merge_source
    modes = [patching, upgrade, merge_unit is not None, file is not None, restore is not None]
    if sum(modes) != 1:
        raise UserError(
            "give one of --patch (or --label), --upgrade, --merge-source, --restore or a FILE of new manifests"
        )
    if force and merge_unit is None:
        raise UserError("--force goes with --merge-unit (an upgrade never changes protected paths)")
    if patch_flag and not (sources or label or upgrade):
        raise UserError("--patch needs the patch: a JSON value, --from-stdin or --filename")
    repo = g.open_repo()
    opts = g.write_options(repo)
    if change_desc and not opts["message"]:
        opts["message"] = change_desc
    if upgrade:
        from mtx_gitops.cli.tables import stderr_progress
        from mtx_gitops.ops.upgrade import upgrade_units

        progress = stderr_progress("merging") if g.output == "table" else None
        policy = on_conflict
        emit_write(ctx, upgrade_units(repo, space, unit=name, where=where, policy=policy, progress=progress, **opts))  # type: ignore[arg-type]
        return
    if patching and name is None:
        _patch(
            ctx,
            repo,
            opts,
            space=space,
            where=where,
            name=None,
            type_=type_,
            labels=label or [],
            text=_text(patch, patch_file, from_stdin, filename),
        )
        return
    if name is None:
        raise UserError("give the unit to update")
    if where is not None:
        raise UserError("--where selects units only without a unit name")
    ref = UnitRef(space, name)
    if restore is not None:
        from mtx_gitops.ops.history import restore_revision

        emit_write(ctx, restore_revision(repo, ref, restore, **opts))
        return
    if merge_unit is not None:
        from mtx_gitops.ops.lateral import merge_from

        emit_write(
            ctx,
            merge_from(
                repo,
                ref,
                merge_unit,
                merge_base=merge_base,
                merge_end=merge_end,
                policy=on_conflict,  # type: ignore[arg-type]
                force=force,
                **opts,
            ),
        )
        return
    if file is not None:
        from mtx_gitops.ops.inputs import read_input
        from mtx_gitops.ops.unit_update import replace_data

        data = read_input(file, repo_root=repo.root, what="manifest file")
        emit_write(ctx, replace_data(repo, ref, data, source=file, **opts))
        return
    _patch(
        ctx,
        repo,
        opts,
        space=space,
        where=None,
        name=name,
        type_=type_,
        labels=label or [],
        text=_text(patch, patch_file, from_stdin, filename),
    )


def _text(patch: str | None, patch_file: str | None, from_stdin: bool, filename: str | None) -> tuple[str, str] | None:
    """The patch text and where it came from (None: no patch, only labels)."""
    from mtx_gitops.ops.inputs import read_text_input

    if patch is not None:
        return patch, "--patch"
    if patch_file is not None:
        return read_text_input(patch_file, what="patch file"), f"--patch-file {patch_file}"
    if from_stdin:
        return read_text_input("-", what="patch (stdin)"), "--from-stdin"
    if filename is not None:
        return read_text_input(filename, what="patch file"), f"--filename {filename}"
    return None


def _patch(
    ctx: typer.Context,
    repo: Repo,
    opts: dict[str, Any],
    *,
    space: str,
    where: str | None,
    name: str | None,
    type_: str,
    labels: list[str],
    text: tuple[str, str] | None,
) -> None:
    from mtx_gitops.core.model import UnitRef
    from mtx_gitops.ops.edit import one
    from mtx_gitops.ops.query import select_units
    from mtx_gitops.ops.unit_update import UnitPatch, parse_label_changes, patch_units

    patch = UnitPatch(
        text=text[0] if text else None,
        patch_type=type_,  # type: ignore[arg-type]
        source=text[1] if text else "--label",
        labels=parse_label_changes(labels),
    )
    if name is not None:
        ref = UnitRef(space, name)
        result = patch_units(repo, select=one(ref), patch=patch, subject=f"Update unit {ref}", **opts)
    else:
        subject = f"Update units of {space}" + (f" where {where}" if where else "")
        result = patch_units(
            repo, select=lambda snap: select_units(snap, space, where=where), patch=patch, subject=subject, **opts
        )
    emit_write(ctx, result)


def push_upgrade(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The upstream unit whose downstream units to upgrade.")],
    space: Annotated[str, typer.Option("--space", "-s", help="Space of that unit.")] = "",
    on_conflict: Annotated[str, typer.Option(help="local (default), upstream or fail.")] = "local",
) -> None:
    """Upgrade every unit (in any space) whose upstream is SPACE/NAME, as one commit (cub's push-upgrade)."""
    from mtx_gitops.core.model import POLICIES, UnitRef
    from mtx_gitops.ops.upgrade import upgrade_units

    g = get_globals(ctx)
    if not space:
        raise UserError("missing --space")
    if on_conflict not in POLICIES:
        raise UserError(f"invalid --on-conflict {on_conflict!r}: expected local, upstream or fail")
    repo = g.open_repo()
    ref = UnitRef(space, name)
    result = upgrade_units(repo, "*", downstream_of=ref, policy=on_conflict, **g.write_options(repo))  # type: ignore[arg-type]
    emit_write(ctx, result)
