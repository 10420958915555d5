"""What a newcomer reads first: `mtx` with no arguments, `--help`, `--version`, a sub-command's help."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from tests.conftest import run, run_process

GLOBAL_OPTIONS = ("--repo", "--branch", "--message", "--dry-run", "--output", "--changeset")


@pytest.mark.parametrize("args", [(), ("unit",), ("run",), ("space",), ("changeset",)])
def test_a_missing_command_prints_the_formatted_help_as_kubectl_does(args: tuple[str, ...]) -> None:
    result = run(*args)

    assert result.code == 0  # kubectl prints its help and exits 0; git exits 1; mtx does as kubectl
    assert result.out == run(*args, "--help").out
    assert result.out.startswith(f"Usage: mtx {' '.join(args)}".rstrip() + " [OPTIONS] COMMAND")
    assert "\nCommands:\n" in result.out
    assert result.err == ""


def test_the_command_list_is_not_cut() -> None:
    out = run("--help").out
    commands = out.split("\nCommands:\n", 1)[1]

    assert "..." not in commands and "…" not in commands
    assert "who, when, which operation, units, changeset, source, conflicts." in " ".join(commands.split())
    assert "..." not in run("unit", "--help").out.split("\nCommands:\n", 1)[1]


def test_version() -> None:
    result = run_process("--version")

    assert (result.code, result.out) == (0, f"mtx {version('mtx-gitops')}\n")


@pytest.mark.parametrize("args", [("unit", "list"), ("unit",), ("run", "set-image"), ("log",), ("plan",)])
def test_sub_command_help_shows_the_global_options(args: tuple[str, ...]) -> None:
    out = run(*args, "--help").out
    section = out.split("Global options (anywhere on the command line):\n", 1)[1]

    assert all(option in section for option in GLOBAL_OPTIONS)
    assert "--version" not in section


def test_global_options_are_not_repeated_in_the_root_help() -> None:
    assert "Global options" not in run("--help").out
