"""`cjm convert`: Mermaid `journey` diagrams to cjm journey files and back; journey files to JSON and CSV."""

from __future__ import annotations

import pathlib
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cjmkit.cli.common import examples, guarded, say
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK, Diagnostic
from cjmkit.errors import UsageError
from cjmkit.interop import FILE_FORMATS, STDOUT
from cjmkit.terminal import visible_lines

if TYPE_CHECKING:
    from enum import StrEnum as FileFormatChoice
else:
    FileFormatChoice = FILE_FORMATS.choices("FileFormatChoice")

EPILOG = examples(
    "cjm convert docs/user-journey.mmd -o maps/onboarding.yaml   # import a Mermaid journey",
    "cjm convert maps/onboarding.yaml -o docs/journey.mmd        # export it back to Mermaid",
    "cjm convert maps/onboarding.yaml -o build/onboarding.csv    # stage x touchpoint table",
    "cjm convert maps/onboarding.yaml --to json -o -             # JSON to standard output",
    "cjm convert docs/user-journey.mmd -o maps/onboarding.yaml --force  # replace the existing map",
)


def _print(diagnostics: list[Diagnostic], source: str) -> None:
    from cjmkit.reporters.text import write_diagnostic
    from cjmkit.terminal import console as terminal_console

    console = terminal_console(stderr=True)
    for diagnostic in diagnostics:
        write_diagnostic(console, diagnostic, source, severity=True)


@guarded
def convert(
    source: Annotated[
        pathlib.Path,
        typer.Argument(
            help="The file to convert: a Mermaid journey (.mmd) or a cjm journey file (.yaml).",
            exists=True,
            dir_okay=False,
            show_default=False,
            metavar="IN",
        ),
    ],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            help="The file to write (its folder is created), or - for standard output.",
            show_default=False,
            metavar="OUT",
        ),
    ],
    to: Annotated[
        FileFormatChoice | None,
        typer.Option(
            "--to",
            "-t",
            help=FILE_FORMATS.help("Output format (default: from the OUT extension):"),
            show_default=False,
        ),
    ] = None,
    source_format: Annotated[
        FileFormatChoice | None,
        typer.Option("--from", help="Input format (default: from the IN extension).", show_default=False),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace OUT when it exists (otherwise exit 1, nothing written).")
    ] = False,
) -> None:
    """Convert Mermaid journey diagrams to journey files and back, and journey files to JSON or CSV.

    Formats come from the extensions: .mmd (Mermaid journey), .yaml/.yml (cjm journey file),
    .json, .csv. An existing OUT is replaced only with --force. Exit 0 on success (warnings on
    standard error), 1 when the input cannot be converted or OUT cannot or may not be written
    (it exists without --force, is read-only or not a regular file: nothing is written),
    2 on usage errors.
    """
    from cjmkit.interop import convert as run_conversion
    from cjmkit.interop import source_format as detect_source
    from cjmkit.interop import target_format as detect_target

    target = None if output == STDOUT else pathlib.Path(output)
    if target is not None and target.is_dir():
        raise UsageError(f"{output} is a folder; give the file to write")
    if target is not None and target.resolve() == source.resolve():
        raise UsageError(f"{output} is the input file; write the conversion elsewhere")
    if target is not None:
        from cjmkit.output import WriteError, check_writable

        try:
            if not force and (target.exists() or target.is_symlink()):
                raise WriteError(f"{output} exists; run again with --force to replace it")
            check_writable(target)
        except WriteError as error:
            say(f"cjm: error: {error}; nothing written", err=True)
            raise typer.Exit(EXIT_FINDINGS) from None
    reading = detect_source(source, source_format.value if source_format else None)
    writing = detect_target(output, to.value if to else None, reading)
    conversion = run_conversion(source, reading, writing, str(source))
    if conversion.text is None and conversion.files:
        from cjmkit.reporters import REPORTERS, Run

        # A journey file that does not validate: the same report as `cjm validate`.
        run = Run(files=conversion.files, diagnostics=conversion.diagnostics, sources=conversion.sources)
        REPORTERS["text"](run, sys.stderr)
    elif conversion.diagnostics:
        _print(conversion.diagnostics, next(iter(conversion.sources.values()), ""))
    if conversion.text is None:
        say(f"cjm: cannot convert {source}; nothing written", err=True)
        raise typer.Exit(EXIT_FINDINGS)
    if target is None:
        # The converted document is data: written as it is into a pipe or file, made safe only
        # where a person reads it in a terminal.
        sys.stdout.write(visible_lines(conversion.text) if sys.stdout.isatty() else conversion.text)
        sys.stdout.flush()
    else:
        from cjmkit.output import WriteError, write_atomic

        try:
            write_atomic(target, conversion.text, overwrite=force)
        except WriteError as error:
            say(f"cjm: error: {error}", err=True)
            raise typer.Exit(EXIT_FINDINGS) from None
        say(f"wrote {target}")
    if conversion.warnings:
        count = len(conversion.warnings)
        say(f"converted with {count} warning{'' if count == 1 else 's'}", err=True)
    raise typer.Exit(EXIT_OK)
