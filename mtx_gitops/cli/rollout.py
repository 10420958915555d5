"""`mtx rollout`, `mtx rollout status [ID]` and `mtx rollout resume [ID]`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from mtx_gitops.cli.context import emit, get_globals

if TYPE_CHECKING:
    from mtx_gitops.store import Repo, Snapshot
    from mtx_gitops.transaction import WriteResult

app = typer.Typer(
    help="Roll one upstream change out wave by wave (region by region), each wave gated on health.",
    invoke_without_command=True,
    rich_markup_mode=None,
    add_completion=False,
)
RolloutId = Annotated[str | None, typer.Argument(help="Rollout id (default: the latest).")]


@app.callback()
def rollout(
    ctx: typer.Context,
    space: Annotated[str, typer.Option("--space", "-s", help="Spaces to roll out to (slug or glob).")] = "",
    wave: Annotated[
        list[str] | None,
        typer.Option("--wave", help="A wave: WHERE over units (\"Space.Labels.region = 'eu'\") or '*' (the rest)."),
    ] = None,
    soak: Annotated[str, typer.Option("--soak", help="How long a wave must stay Healthy before the next.")] = "10m",
    timeout: Annotated[str, typer.Option("--timeout", help="How long a wave may take to be Healthy.")] = "10m",
    no_apply: Annotated[bool, typer.Option("--no-apply", help="Only commit and watch: a worker delivers.")] = False,
    no_gate: Annotated[bool, typer.Option("--no-gate", help="Do not read health; waves wait the soak time.")] = False,
) -> None:
    """Upgrade the spaces wave by wave: one commit per wave (Mtx-Rollout, Mtx-Wave n/total), applied
    (unless --no-apply), then Healthy for --soak before the next; exit 1 naming the objects of a failed
    wave. --dry-run shows the waves and their units."""
    if ctx.invoked_subcommand is not None:
        return
    from mtx_gitops.core.gate import parse_duration
    from mtx_gitops.delivery.rollout import RolloutOptions, start_rollout
    from mtx_gitops.errors import UserError

    if not space:
        raise UserError("missing --space (the spaces to roll out to, e.g. 'traderx-prod-*')")
    g = get_globals(ctx)
    repo = g.open_repo()
    options = RolloutOptions(
        space=space,
        waves=wave or [],
        soak=parse_duration(soak, option="--soak"),
        timeout=parse_duration(timeout, option="--timeout"),
        apply=not no_apply,
        gate=not no_gate,
        dry_run=g.dry_run,
    )
    result = start_rollout(repo, options, WaveSteps(repo, branch=g.branch), branch=g.branch, log=_progress(ctx))
    emit(ctx, result.as_json(), table=lambda: _print(result.as_json()))


@app.command("status")
def status(ctx: typer.Context, rollout_id: RolloutId = None) -> None:
    """A rollout's waves, their spaces and how far each got (read from git: works on any clone)."""
    from mtx_gitops.delivery.rollout import read_rollout

    g = get_globals(ctx)
    state = read_rollout(g.open_repo().snapshot(g.branch or "HEAD"), rollout_id).as_json()
    emit(ctx, state, table=lambda: _print(state))


@app.command("resume")
def resume(ctx: typer.Context, rollout_id: RolloutId = None) -> None:
    """Go on from the first wave that has not passed (a failed wave is applied and gated again)."""
    from mtx_gitops.delivery.rollout import resume_rollout

    g = get_globals(ctx)
    repo = g.open_repo()
    result = resume_rollout(repo, rollout_id, WaveSteps(repo, branch=g.branch), branch=g.branch, log=_progress(ctx))
    emit(ctx, result.as_json(), table=lambda: _print(result.as_json()))


class WaveSteps:
    """The use cases a rollout runs: select spaces by WHERE, list pending upgrades, upgrade spaces."""

    def __init__(self, repo: Repo, *, branch: str | None) -> None:
        self.repo, self.branch = repo, branch

    def spaces(self, snapshot: Snapshot, space_glob: str, selector: str) -> list[str]:
        from mtx_gitops.ops.query import select_units

        return sorted({ref.space for ref in select_units(snapshot, space_glob, where=selector)})

    def pending(self, snapshot: Snapshot, spaces: Sequence[str]) -> list[str]:
        units = snapshot.units(snapshot.refs(list(spaces)))
        return [str(unit.ref) for unit in units if unit.link and unit.upgrade_needed]

    def upgrade(
        self,
        spaces: Sequence[str],
        *,
        message: str,
        trailers: Sequence[tuple[str, str]],
        also: Callable[[Snapshot], dict[str, bytes | None]],
    ) -> WriteResult:
        from mtx_gitops.ops.upgrade import upgrade_units

        where = "Space.Slug IN (" + ", ".join(f"'{space}'" for space in spaces) + ")"
        return upgrade_units(self.repo, "*", where=where, branch=self.branch, message=message, trailers=trailers,
                             also=also)  # fmt: skip


def _progress(ctx: typer.Context) -> Callable[[str], None]:
    quiet = get_globals(ctx).output != "table"
    return (lambda _line: None) if quiet else (lambda line: typer.echo(line, err=True))


def _print(state: dict[str, Any]) -> None:
    typer.echo(f"rollout {state['id']}: {state['status']} ({state['space']}, soak {state['soak']:g}s, "
               f"timeout {state['timeout']:g}s{'' if state['gate'] else ', no gate'})")  # fmt: skip
    total = len(state["waves"])
    for n, wave in enumerate(state["waves"], start=1):
        commit = f" {wave['commit'][:12]}" if wave.get("commit") else ""
        typer.echo(f"  wave {n}/{total} {wave['status']:<8}{commit} {wave['selector']}: {', '.join(wave['spaces'])}")
        for unit in wave.get("units", []):
            typer.echo(f"    upgrade {unit}")
        if wave.get("message"):
            typer.echo(f"    {wave['message']}")
    if state.get("left_out"):
        typer.echo(f"  in no wave (left alone): {', '.join(state['left_out'])}")
    if state.get("dry_run"):
        typer.echo("dry run: nothing committed or applied")
