"""`cjm fmt`: put map files in canonical key order and indentation, keeping every comment."""

from __future__ import annotations

import pathlib
import sys
from typing import Annotated

import typer

from cjmkit.cli.common import OnlyMaps, Paths, examples, guarded, say
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK, plural
from cjmkit.terminal import visible_lines

EPILOG = examples(
    "cjm fmt                           # the workspace around the current folder",
    "cjm fmt --check                   # in CI: exit 1 if a file needs formatting",
    "cjm fmt maps/doors.yaml --diff    # show the changes, write nothing",
)


@guarded
def fmt(
    paths: Paths = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 listing the files that would change.")
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print a unified diff of the changes; write nothing.")
    ] = False,
    only_maps: OnlyMaps = False,
) -> None:
    """Reorder keys canonically and fix indentation; comments, quotes and texts stay as written."""
    from cjmkit.editing.fmt import format_file
    from cjmkit.editing.locking import editing
    from cjmkit.output import WriteError
    from cjmkit.project import NothingToCheck, default_paths, discover
    from cjmkit.reporters.text import write_diagnostic
    from cjmkit.terminal import console as terminal_console

    targets = list(paths) if paths else default_paths(pathlib.Path.cwd())
    files = discover(targets, only_maps=only_maps)
    if not files:
        if only_maps:
            raise typer.Exit(EXIT_OK)
        shown = ", ".join(str(p) for p in targets)
        raise NothingToCheck(f"no cjmkit files (cjm.yaml or YAML with `cjm:`) found in {shown}")
    writing = not (check or diff)
    # Read, format and write under the lock, so a concurrent `cjm metrics import` or `cjm fmt`
    # waits instead of one of them overwriting the other's change.
    with editing(files if writing else []):
        results = [format_file(path, str(path)) for path in files]

        console = terminal_console(sys.stdout)
        for result in results:
            for diagnostic in result.diagnostics:
                write_diagnostic(console, diagnostic, result.original)
            if result.note:
                say(f"{result.display}: {result.note}", err=not result.refused)
        changed = [result for result in results if result.changed]
        failed = [result for result in results if result.failed]
        not_written = 0

        if not writing:
            for result in changed:
                if diff:
                    sys.stdout.write(visible_lines(result.diff()))
                else:
                    say(f"would reformat {result.display}")
            summary = [
                f"{plural(len(changed), 'file')} would be reformatted",
                f"{plural(len(results) - len(changed) - len(failed), 'file')} already formatted",
            ]
        else:
            reformatted = 0
            for result in changed:
                try:
                    result.write()
                except WriteError as error:
                    not_written += 1
                    say(f"cjm: error: {error}", err=True)
                    continue
                reformatted += 1
                say(f"reformatted {result.display}")
            summary = [
                f"reformatted {plural(reformatted, 'file')}",
                f"{plural(len(results) - len(changed) - len(failed), 'file')} left unchanged",
            ]
    if failed or not_written:
        summary.append(f"{plural(len(failed) + not_written, 'file')} not formatted")
    sys.stdout.flush()
    say(", ".join(summary), err=diff)
    failing = failed or not_written or ((check or diff) and changed)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)
