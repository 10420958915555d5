"""`mtx tutorial`, `mtx tutorial setup N`, `mtx tutorial deploy N`: the MicroTraderX stages (SPEC §7).

The tutorial runs real mtx commands; this module gives it `execute_in_process`, which runs one
command line through `main` in this process (the tutorial package may not import the CLI).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from mtx_gitops.cli.context import get_globals

if TYPE_CHECKING:
    from rich.console import Console

    from mtx_gitops.tutorial.course import Pause
    from mtx_gitops.tutorial.runner import Outcome
    from mtx_gitops.tutorial.stages import Stage as StageInfo

app = typer.Typer(
    help="The seven MicroTraderX stages of the guide, as real mtx commands, drawn.",
    invoke_without_command=True,
    rich_markup_mode=None,
    add_completion=False,
)

Stage = Annotated[int, typer.Argument(help="Stage number, 1 to 7.", min=1, max=7)]
NoPause = Annotated[
    bool, typer.Option("--no-pause", help="Do not wait for Enter between stages (never waits off a terminal).")
]
Kubeconfig = Annotated[
    str | None,
    typer.Option(help="Deploy to the cluster of this kubeconfig (never $KUBECONFIG; default: no cluster)."),
]
DEFAULT_DIR = "microtraderx"


def execute_in_process(argv: Sequence[str], stdin: bytes) -> Outcome:
    """Run `mtx ARGV` in this process with `stdin`, capturing its exit code and output."""
    from mtx_gitops.cli.main import main
    from mtx_gitops.tutorial.runner import Outcome

    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr = out, err
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        main(list(argv))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
    return Outcome(code, out.getvalue(), err.getvalue())


def _console() -> Console:
    from rich.console import Console

    # Pipes and logs get 100 columns (rich's default of 80 squeezes three regions side by side).
    piped = not sys.stdout.isatty() and "COLUMNS" not in os.environ
    return Console(highlight=False, width=100 if piped else None)


def _pause(console: Console, *, no_pause: bool) -> Pause:
    """Wait for Enter before each next stage on a terminal; go straight on anywhere else."""
    from mtx_gitops.tutorial.course import no_pause as straight_on

    if no_pause or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return straight_on

    def ask(next_stage: StageInfo) -> bool:
        try:
            answer = console.input(
                f"[bold]⏎ Enter[/] for stage {next_stage.number}: {next_stage.title}  ([bold]q[/] stops) "
            )
        except EOFError:
            return False
        return answer.strip().lower() not in ("q", "quit")

    return ask


def _repo(ctx: typer.Context, default: str) -> Path:
    return Path(get_globals(ctx).repo or os.environ.get("MTX_REPO") or default)


@app.callback()
def tutorial(ctx: typer.Context, kubeconfig: Kubeconfig = None, no_pause: NoPause = False) -> None:
    """Run all seven stages (set up, then deploy) in a fresh temp dir, or in --repo DIR."""
    if ctx.invoked_subcommand is not None:
        return
    from mtx_gitops.tutorial.course import run_course

    named = get_globals(ctx).repo or os.environ.get("MTX_REPO")
    root = Path(named) if named else Path(tempfile.mkdtemp(prefix="mtx-tutorial-"))
    console = _console()
    run_course(
        root,
        execute=execute_in_process,
        console=console,
        kubeconfig=kubeconfig,
        pause=_pause(console, no_pause=no_pause),
    )


@app.command("setup")
def setup(ctx: typer.Context, stage: Stage, no_pause: NoPause = False) -> None:
    """Bring the config repo (--repo, default ./microtraderx) to the end of stage N, drawing each stage."""
    from mtx_gitops.tutorial.course import setup as do_setup

    console = _console()
    do_setup(
        _repo(ctx, DEFAULT_DIR),
        stage,
        execute=execute_in_process,
        console=console,
        pause=_pause(console, no_pause=no_pause),
    )


@app.command("deploy")
def deploy(ctx: typer.Context, stage: Stage, kubeconfig: Kubeconfig = None) -> None:
    """Deliver the spaces stage N deploys and draw what landed (rendered manifests, or pods Running ✓)."""
    from mtx_gitops.tutorial.deploy import deploy as do_deploy

    do_deploy(_repo(ctx, DEFAULT_DIR), stage, execute=execute_in_process, console=_console(), kubeconfig=kubeconfig)
