"""What every command shares: error handling, output formats, exit codes."""

from __future__ import annotations

import contextlib
import functools
import os
import pathlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec, TypeVar

import typer

from cjmkit.diagnostics import EXIT_OK, EXIT_USAGE
from cjmkit.errors import CjmError, UsageError
from cjmkit.locales import LOCALES
from cjmkit.reporters import REPORTERS
from cjmkit.terminal import visible_lines

if TYPE_CHECKING:
    from cjmkit.project import Keep, Project

#: The status of a process ended by SIGPIPE (128 + 13), as the shell reports it.
EXIT_CLOSED_PIPE = 141

P = ParamSpec("P")
R = TypeVar("R")


class State:
    debug = False


#: ``--format`` choices, fed by the reporter registry.
if TYPE_CHECKING:
    from enum import StrEnum as OutputFormat
else:
    OutputFormat = REPORTERS.choices("OutputFormat")


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """``cjm: error: ...`` on standard error; the message may quote a file name or map text.

    Its own line breaks stay (a list of choices); everything else unsafe is shown escaped."""
    say(f"cjm: error: {message}", err=True)
    return typer.Exit(code)


def say(message: str, *, err: bool = False) -> None:
    """Print a line that may hold a file name or map text: its own line breaks stay, every
    other control, bidi or zero-width character is shown escaped (see ``cjmkit.terminal``)."""
    typer.echo(visible_lines(message), err=err)


def output_closed() -> typer.Exit:
    """A reader that closed the pipe early (``cjm lint | head -1``): stop quietly, exit 141.

    141 is what the shell reports for git, grep and cat, which SIGPIPE ends here: a script with
    ``set -o pipefail`` sees the output was cut, and an invalid map never passes as exit 0.
    What is still buffered goes to /dev/null, so Python's flush at exit cannot complain.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # not a real file (CliRunner): nothing to do
            os.dup2(devnull, stream.fileno())
    os.close(devnull)
    return typer.Exit(EXIT_CLOSED_PIPE)


def guarded(command: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into a one-line message and their exit code (2 unless the error says
    otherwise); never a traceback unless --debug."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except BrokenPipeError:
            raise output_closed() from None
        except CjmError as error:
            raise fail(str(error), error.exit_code) from None
        except Exception as error:  # a bug: say so briefly, keep the traceback for --debug
            if State.debug:
                raise
            raise fail(
                f"internal error ({type(error).__name__}: {error}); run `cjm --debug ...` for details"
            ) from None

    return wrapper


ONLY_MAPS_HELP = "Skip named files that are not cjmkit files, as in folders (for pre-commit hooks)."

#: The options every command over maps shares.
Paths = Annotated[
    list[pathlib.Path] | None,
    typer.Argument(
        help="Map files or folders (default: the workspace around the current folder).",
        exists=True,
        show_default=False,
        metavar="PATHS",
    ),
]
Format = Annotated[OutputFormat, typer.Option("--format", "-f", help=REPORTERS.help("Output format:"))]
OnlyMaps = Annotated[bool, typer.Option("--only-maps", help=ONLY_MAPS_HELP)]
Jobs = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        help="Load files on this many processes (default: one per core).",
        show_default=False,
    ),
]


def locale_option(what: str, default: str) -> Any:
    """The ``--locale`` option of a command that writes ``what`` (``the pages``); ``default`` says
    which language it takes without the option. Check the value with :func:`checked_locale`."""
    return typer.Option(
        "--locale", help=f"Language of {what}: {', '.join(LOCALES)} (default: {default}).", show_default=False
    )


def checked_locale(locale: str | None) -> str | None:
    """The ``--locale`` given, or a usage error naming the languages there are."""
    if locale is not None and locale not in LOCALES:
        raise UsageError(f"unknown locale {locale!r}: use one of {', '.join(LOCALES)}")
    return locale


def load_maps(
    paths: list[pathlib.Path] | None,
    *,
    only_maps: bool,
    whole_workspaces: bool = False,
    jobs: int | None = None,
    keep: Keep | None = None,
) -> Project:
    """The project to check; with ``only_maps`` and no map among the paths, a quiet exit 0."""
    # Imported here: the models take a third of a second to build, and `cjm --help` needs none.
    from cjmkit import pipeline
    from cjmkit.project import Keep, NothingToCheck, default_paths

    targets = list(paths) if paths else default_paths(pathlib.Path.cwd())
    try:
        return pipeline.load(
            targets,
            whole_workspaces=whole_workspaces,
            only_maps=only_maps,
            jobs=jobs,
            keep=keep or Keep.MODELS,
        )
    except NothingToCheck:
        if only_maps:
            raise typer.Exit(EXIT_OK) from None
        raise


def examples(*lines: str) -> str:
    """A help epilog listing example invocations."""
    # "\b" keeps click from re-wrapping the lines into one paragraph.
    return "Examples:\n\n\b\n" + "\n".join(f"  {line}" for line in lines)
