"""The thin Typer layer: parse options, call one use case, print its result."""
