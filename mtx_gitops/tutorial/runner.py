"""Running the tutorial's `mtx` commands: print each command line, run it, return its JSON result.

The tutorial sits below the CLI, so it never imports it. The CLI hands the runner an `Execute`
function that feeds an argv to `mtx_gitops.cli.main.main` in this same process: the line printed is
exactly the line the real command-line parser runs, with `--repo DIR -o json` added (said once, at
the start, instead of on every line). JSON is what the drawings read.

Why in-process and not `python -m mtx_gitops` per command (measured on the 2-core box, loaded): a new
interpreter plus mtx's imports costs ~0.6 s a command, in-process a read costs ~0.03 s; `mtx tutorial`
runs ~100 commands (60 s as processes), and in-process all seven stages set up and deployed take
~9 s. Commands run with the tutorial repo as the working directory, so paths print as a user types
them (`base/trade-service.yaml`).
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from mtx_gitops.core.conflictview import describe
from mtx_gitops.errors import EXIT_INTERNAL, MtxError


@dataclass(frozen=True)
class Outcome:
    """What one mtx invocation did: exit code, stdout, stderr."""

    code: int
    out: str
    err: str


Execute = Callable[[Sequence[str], bytes], Outcome]


class StepFailedError(MtxError):
    """A tutorial command failed; the tutorial stops with that command's exit code."""

    def __init__(self, line: str, outcome: Outcome) -> None:
        reason = (outcome.err.strip() or outcome.out.strip() or "no output").removeprefix("error: ")
        super().__init__(f"`{line}` failed (exit {outcome.code}): {' '.join(reason.split())}")
        self.exit_code = outcome.code if outcome.code > 0 else EXIT_INTERNAL


class Runner:
    """Runs `mtx` commands against one config repo and prints each one as it goes."""

    def __init__(self, root: Path, *, execute: Execute, console: Console) -> None:
        self.root = root.resolve()
        self.execute = execute
        self.console = console

    def announce(self) -> None:
        """Say where the commands run and what every one of them gets added."""
        self.console.print(
            f"[dim]$ cd {self.root}    # each mtx command below also gets --repo {self.root} -o json[/]",
            highlight=False,
            soft_wrap=True,
        )

    def mtx(self, *args: str, stdin: str | None = None) -> Any:
        """Print `$ mtx ARGS`, run it, print a one-line summary, and return its JSON output."""
        line = command_line(args)
        heredoc = f" <<'EOF'\n{stdin}EOF" if stdin is not None else ""
        self.console.print(f"[bold cyan]$[/] {escape(line + heredoc)}", highlight=False, soft_wrap=True)
        result = self._run(args, line, stdin)
        for summary in summarize(result):
            self.console.print(f"  {summary}", highlight=False, soft_wrap=True)
        return result

    def read(self, *args: str) -> Any:
        """Run a read-only command whose JSON a drawing needs; not printed, as it changes nothing."""
        return self._run(args, command_line(args), None)

    def _run(self, args: Sequence[str], line: str, stdin: str | None) -> Any:
        with working_directory(self.root):
            outcome = self.execute([*args, "--repo", str(self.root), "-o", "json"], (stdin or "").encode())
        if outcome.code != 0:
            raise StepFailedError(line, outcome)
        return json.loads(outcome.out) if outcome.out.strip() else None


def command_line(args: Sequence[str]) -> str:
    """`mtx ARGS` as a shell line; WHERE text with single quotes goes in double quotes, like the guide."""
    return " ".join(["mtx", *(_quote(arg) for arg in args)])


def _quote(arg: str) -> str:
    if "'" in arg and not any(ch in arg for ch in '"$`\\!'):
        return f'"{arg}"'
    return shlex.quote(arg)


@contextmanager
def working_directory(path: Path) -> Iterator[None]:
    """Run the block in `path` (paths in the printed commands are relative to the repo)."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def summarize(result: Any) -> list[str]:
    """Short rich lines describing a command's JSON result (a write, a list, or nothing)."""
    if (
        isinstance(result, list)
        and result
        and all(isinstance(r, dict) and "space" in r and ("written" in r or "actions" in r) for r in result)
    ):
        return [_delivered(r) for r in result]
    if isinstance(result, list):
        names = [f"{row['space']}/{row['unit']}" for row in result if isinstance(row, dict) and "unit" in row]
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        return [f"→ {len(names)} unit(s){': ' + shown if names else ''}"] if names or not result else []
    if not isinstance(result, dict) or "units" not in result or "commit" not in result:
        return []
    changed = [f"{u['space']}/{u['unit']}" for u in result["units"] if u.get("changed")]
    branch = str(result.get("branch") or "")
    if result["commit"] and branch.startswith("mtx/changeset/"):
        head = f"[yellow]◆[/] staged in changeset {branch.removeprefix('mtx/changeset/')}"
    elif result["commit"]:
        head = f"[green]✓[/] commit [bold]{result['commit'][:12]}[/] on {branch}"
    else:
        head = "[dim]· nothing to change[/]"
    lines = [head + (f": {', '.join(changed)}" if changed else "")]
    for unit in result["units"]:
        for c in unit.get("conflicts") or []:
            named = f"{unit['space']}/{unit['unit']}"
            lines.append(f"  [red]conflict[/] {escape(describe(c, unit=named))}")
    return lines


def _delivered(report: dict[str, Any]) -> str:
    """One `mtx apply` result: files a directory target received, or what a cluster apply did."""
    if "written" in report:
        return f"[green]✓[/] {report['space']}: wrote {len(report['written'])} file(s)"
    counts = ", ".join(f"{n} {name}" for name, n in (report.get("summary") or {}).items() if n)
    return f"[green]✓[/] {report['space']}: applied {str(report.get('commit') or '')[:12]} ({counts or 'nothing'})"
