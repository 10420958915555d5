"""A command group that builds a sub-command only when it runs.

Typer turns every function signature into a click command up front (~1-2 ms each, ~60 ms for all of
mtx); `mtx --help` and every run only need the one that is invoked. The group lists each command
with its one-line help, known without building it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
import typer.main
from typer.core import TyperGroup

Factory = Callable[[], Any]


def _short(text: str | None, width: int = 56) -> str:
    line = (text or "").strip().split("\n", 1)[0].strip()
    return line if len(line) <= width else line[: width - 3].rstrip() + "..."


class LazyGroup(TyperGroup):
    """A TyperGroup whose commands are built from factories on first use."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, tuple[str, Factory]] = {}

    def add_lazy_group(self, name: str, sub_app: typer.Typer) -> None:
        """Register a sub-app (`mtx unit …`) under `name`."""

        def build() -> Any:
            command = typer.main.get_command(sub_app)
            command.name = name
            return command

        self.lazy[name] = (_short(sub_app.info.help), build)

    def add_lazy_commands(self, holder: typer.Typer) -> None:
        """Register every command of `holder` (`mtx init`, `mtx log`, …) as a top-level command."""
        for info in holder.registered_commands:
            assert info.callback is not None and info.name is not None
            self.lazy[info.name] = (_short(info.help or info.callback.__doc__), _from_info(info))

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.lazy)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        entry = self.lazy.get(cmd_name)
        if entry is None:
            return None
        if cmd_name not in self.commands:
            self.commands[cmd_name] = entry[1]()
        return self.commands[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, short) for name, (short, _build) in self.lazy.items()]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _from_info(info: Any) -> Factory:
    return lambda: typer.main.get_command_from_info(info, pretty_exceptions_short=False, rich_markup_mode=None)
