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


def _short(text: str | None) -> str:
    """The first paragraph of a help text, whole (the help formatter wraps it; nothing is cut)."""
    return " ".join((text or "").strip().split("\n\n", 1)[0].split())


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

    def add_lazy_factory(self, name: str, short: str, build: Factory) -> None:
        """Register a command (or group) that `build` makes as click does, without a Typer app."""
        self.lazy[name] = (short, build)

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
            self.commands[cmd_name] = with_global_options(entry[1]())
        return self.commands[cmd_name]

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, short) for name, (short, _build) in self.lazy.items()]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _from_info(info: Any) -> Factory:
    return lambda: typer.main.get_command_from_info(info, pretty_exceptions_short=False, rich_markup_mode=None)


def with_global_options(command: Any) -> Any:
    """Make the help of `command` (and of its sub-commands) end with the root's global options, and
    list its sub-commands with their whole first paragraph."""
    own_epilog = command.format_epilog

    def format_epilog(ctx: Any, formatter: Any) -> None:
        root = ctx.find_root()
        params = [param for param in root.command.get_params(root) if param.name not in ("help", "version")]
        rows = [record for param in params if (record := param.get_help_record(root))]
        with formatter.section("Global options (anywhere on the command line)"):
            formatter.write_dl(rows)
        own_epilog(ctx, formatter)

    command.format_epilog = format_epilog
    for sub in getattr(command, "commands", {}).values():
        sub.short_help = sub.short_help or _short(sub.help)  # click would cut it at ~45 characters
        with_global_options(sub)
    return command
