"""Playing the stages: `setup N` brings a config repo to stage N; `run_course` plays all seven.

A fresh directory starts with `mtx init --example traderx`; a repo at stage N-1 plays just stage N;
stages only go forward. `run_course` is `./setup-structure N && ./deploy N` for N = 1…7, with a
`Pause` between stages (the CLI asks for Enter on a terminal; elsewhere nothing waits).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from mtx_gitops.errors import RefusedError
from mtx_gitops.tutorial.deploy import deploy
from mtx_gitops.tutorial.pictures import overview, picture
from mtx_gitops.tutorial.progress import check_stage, reached, record
from mtx_gitops.tutorial.runner import Execute, Runner
from mtx_gitops.tutorial.stages import STAGES, Stage, stage
from mtx_gitops.tutorial.state import State

# Called before each stage after the first with that stage; False stops the course there.
Pause = Callable[[Stage], bool]


def no_pause(_next: Stage) -> bool:
    """Go straight on (pipes, logs, tests and `--no-pause`)."""
    return True


def setup(
    root: Path,
    number: int,
    *,
    execute: Execute,
    console: Console,
    pause: Pause = no_pause,
    announce: bool = True,
) -> Runner:
    """Bring the repo at `root` (created if needed) to the end of stage `number`, drawing each stage."""
    check_stage(number)
    root.mkdir(parents=True, exist_ok=True)
    run = Runner(root, execute=execute, console=console)
    if announce:
        run.announce()
    at = reached(run.root)
    if at is None:
        run.mtx("init", ".", "--example", "traderx")
        at = 0
    if at > number:
        raise RefusedError(
            f"{run.root} is at stage {at} already, past stage {number}: stages only go forward; give a fresh --repo DIR"
        )
    if at == number:
        console.print(f"{run.root} is at stage {number} already: nothing to do", soft_wrap=True)
        console.print(overview(State.read(run)))
    state = None
    for n in range(at + 1, number + 1):
        if n > at + 1 and not pause(stage(n)):
            break
        state = play(run, stage(n), before=state)
    return run


def play(run: Runner, chosen: Stage, *, before: State | None = None) -> State:
    """Run one stage's commands, record it as reached, draw what it did; returns the state after it."""
    run.console.rule(f"[bold]Stage {chosen.number}: {chosen.title}[/]")
    before = before or State.read(run)
    results = chosen.commands(run)
    after = State.read(run)
    record(run.root, chosen.number)
    run.console.print(picture(chosen, before, after, results))
    return after


def run_course(
    root: Path,
    *,
    execute: Execute,
    console: Console,
    kubeconfig: str | None = None,
    pause: Pause = no_pause,
) -> float:
    """Set up and deploy every stage in the repo at `root`; returns the seconds it took."""
    started = time.monotonic()
    for chosen in STAGES:
        if chosen.number > 1 and not pause(chosen):
            console.print(
                f"Stopped before stage {chosen.number}. To go on: `./setup-structure {chosen.number} --repo {root}`"
                f" then `./deploy {chosen.number} --repo {root}"
                + (f" --kubeconfig {kubeconfig}`." if kubeconfig else "`."),
                soft_wrap=True,
            )
            return time.monotonic() - started
        first = chosen.number == 1
        setup(root, chosen.number, execute=execute, console=console, announce=first)
        deploy(root, chosen.number, execute=execute, console=console, kubeconfig=kubeconfig, announce=False)
    took = time.monotonic() - started
    console.rule(f"[bold green]All {len(STAGES)} stages done in {took:.1f} s[/]")
    console.print(
        f"The config repo is {root.resolve()}: try `git -C {root} log --oneline` or `mtx log --repo {root}`.",
        soft_wrap=True,
    )
    return took
