"""The `cjm` command line: thin typer commands over the library."""

from cjmkit.cli.app import app, main

__all__ = ["app", "main"]
