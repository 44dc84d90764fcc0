"""The typer application and the console-script entry point."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cjmkit import __version__
from cjmkit.cli import (
    compare,
    convert,
    diff,
    fmt,
    init,
    lint,
    metrics,
    render,
    rules,
    schema,
    serve,
    validate,
)
from cjmkit.cli.common import State, output_closed

app = typer.Typer(
    name="cjm",
    help="Customer Journey Maps as YAML in git: validate, analyse and render them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cjm (cjmkit) {__version__}")
        raise typer.Exit()


@app.callback()
def cli(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show Python tracebacks of internal errors.")
    ] = False,
) -> None:
    """Customer Journey Maps as YAML in git: validate, analyse and render them."""
    State.debug = debug


app.command(name="init", epilog=init.EPILOG)(init.init)
app.command(name="validate", epilog=validate.EPILOG)(validate.validate)
app.command(name="lint", epilog=lint.EPILOG)(lint.lint)
app.command(name="rules", epilog=rules.EPILOG)(rules.rules)
app.command(name="render", epilog=render.EPILOG)(render.render)
app.command(name="diff", epilog=diff.EPILOG)(diff.diff)
app.command(name="compare", epilog=compare.EPILOG)(compare.compare)
app.command(name="serve", epilog=serve.EPILOG)(serve.serve)
app.command(name="convert", epilog=convert.EPILOG)(convert.convert)
app.command(name="fmt", epilog=fmt.EPILOG)(fmt.fmt)
app.add_typer(metrics.app, name="metrics")
app.command(name="schema", epilog=schema.EPILOG)(schema.schema)


def main() -> None:
    """The console script. Output still buffered at exit is flushed here, where a reader that
    closed the pipe early ends the run quietly (see ``output_closed``), not in Python's
    "Exception ignored ... BrokenPipeError" at shutdown."""
    try:
        try:
            app(prog_name="cjm")
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        code = output_closed().exit_code
        sys.exit(code)
