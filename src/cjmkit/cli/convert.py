"""`cjm convert`: journeys in other formats to cjm journey files and back; a workbook's edits into a map."""

from __future__ import annotations

import pathlib
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cjmkit.cli.common import examples, guarded, say
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK, Diagnostic
from cjmkit.errors import UsageError
from cjmkit.interop import FILE_FORMATS, OUTPUT_FORMATS, STDOUT
from cjmkit.terminal import visible_lines

if TYPE_CHECKING:
    from enum import StrEnum as FileFormatChoice
    from enum import StrEnum as OutputChoice

    from cjmkit.interop.importing import Imported
else:
    import enum

    FileFormatChoice = FILE_FORMATS.choices("FileFormatChoice")
    OutputChoice = enum.StrEnum("OutputChoice", {name: name for name in OUTPUT_FORMATS})

EPILOG = examples(
    "cjm convert docs/user-journey.mmd -o maps/onboarding.yaml   # import a Mermaid journey",
    "cjm convert maps/onboarding.yaml -o docs/journey.mmd        # export it back to Mermaid",
    "cjm convert maps/onboarding.yaml -o build/onboarding.csv    # stage x touchpoint table",
    "cjm convert maps/onboarding.yaml --to json -o -             # JSON to standard output",
    "cjm convert docs/user-journey.mmd -o maps/onboarding.yaml --force  # replace the existing map",
    "cjm convert notes/journey.md -o maps/checkout.yaml          # import Markdown tables or lists",
    "cjm convert client.xlsx --into maps/onboarding.yaml --dry-run  # show the client's edits",
    "cjm convert client.xlsx --into maps/onboarding.yaml         # bring them into the map",
)


def _print(diagnostics: list[Diagnostic], source: str) -> None:
    from cjmkit.reporters.text import write_diagnostic
    from cjmkit.terminal import console as terminal_console

    console = terminal_console(stderr=True)
    for diagnostic in diagnostics:
        write_diagnostic(console, diagnostic, source, severity=True)


def _report_import(imported: Imported) -> None:
    """What an import mapped and what it could not, on standard error."""
    say(f"mapped {imported.mapped_summary()}", err=True)
    if imported.dropped:
        say(f"not mapped ({len(imported.dropped)}; listed on top of the journey file too):", err=True)
        for dropped in imported.dropped:
            say(f"  {dropped}", err=True)


@guarded
def convert(
    source: Annotated[
        pathlib.Path,
        typer.Argument(
            help="The file to convert: a cjm journey file (.yaml), a Mermaid journey (.mmd), or a journey to"
            " import (.md, .json, .yaml, .csv, .xlsx).",
            exists=True,
            dir_okay=False,
            show_default=False,
            metavar="IN",
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="The file to write (its folder is created), or - for standard output.",
            show_default=False,
            metavar="OUT",
        ),
    ] = None,
    to: Annotated[
        OutputChoice | None,
        typer.Option(
            "--to",
            "-t",
            help="Output format (default: from the OUT extension): yaml (a cjm journey file), mermaid,"
            " json or csv.",
            show_default=False,
        ),
    ] = None,
    source_format: Annotated[
        FileFormatChoice | None,
        typer.Option(
            "--from",
            help=FILE_FORMATS.help("Input format (default: from the IN extension):"),
            show_default=False,
        ),
    ] = None,
    into: Annotated[
        pathlib.Path | None,
        typer.Option(
            "--into",
            help="Bring the edits made in IN, an Excel workbook of `cjm render --to xlsx`, back into this"
            " journey file, in place (comments and untouched lines stay as they are).",
            exists=True,
            dir_okay=False,
            show_default=False,
            metavar="MAP",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --into: print the changes, write nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace OUT when it exists (otherwise exit 1, nothing written); with --into, take the"
            " workbook's side even when the map changed since the workbook was written.",
        ),
    ] = False,
) -> None:
    """Convert journeys between cjm journey files and other formats; bring a workbook's edits back.

    Formats come from the extensions (or --from/--to): .yaml/.yml (cjm journey file), .mmd
    (Mermaid journey), .json, .csv, .md, .xlsx. A journey file converts to Mermaid, JSON and CSV;
    Mermaid, Markdown, JSON, YAML stage lists, CSV and Excel files import to a journey file, with
    a report of what was mapped and what was not. An existing OUT is replaced only with --force.
    With --into, the workbook's edits go into an existing map in place and the changes are
    printed. Exit 0 on success (warnings on standard error), 1 when the input cannot be converted
    or brought back, or OUT cannot or may not be written (nothing is written), 2 on usage errors.
    """
    from cjmkit.interop import convert as run_conversion
    from cjmkit.interop import source_format as detect_source
    from cjmkit.interop import target_format as detect_target

    if into is not None:
        if output is not None:
            raise UsageError(
                "give either -o OUT (a new journey file) or --into MAP (an existing one), not both"
            )
        if (source_format.value if source_format else detect_source(source, None)) != "xlsx":
            raise UsageError(
                "--into brings back the edits of an Excel workbook (.xlsx) written by `cjm render --to xlsx`"
            )
        _merge(source, into, dry_run=dry_run, force=force)
    if output is None:
        raise UsageError("give -o OUT, the file to write (or - for standard output), or --into MAP")
    if dry_run:
        raise UsageError("--dry-run goes with --into")
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
    if conversion.imported is not None and conversion.text is not None:
        _report_import(conversion.imported)
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


def _merge(book: pathlib.Path, into: pathlib.Path, *, dry_run: bool, force: bool) -> None:
    """`--into`: plan, print and (unless a dry run) write the workbook's edits; always exits."""
    from cjmkit.editing.locking import editing
    from cjmkit.editing.spreadsheet import plan_merge
    from cjmkit.interop import read_input
    from cjmkit.output import WriteError

    raw = read_input(book)
    try:
        with editing([] if dry_run else [into]):
            plan = plan_merge(raw, str(book), into, force=force)
            if plan.warnings:
                _print(plan.warnings, "")
            for sheet in plan.unread:
                say(f"not read: the sheet {sheet!r}, which is none of the workbook's layout", err=True)
            if plan.problems:
                for problem in plan.problems:
                    _print([problem], plan.sources.get(problem.file, ""))
                count = len(plan.problems)
                say(f"{count} problem{'' if count == 1 else 's'}; nothing written", err=True)
                raise typer.Exit(EXIT_FINDINGS)
            for change in plan.changes:
                say(f"  {change}")
            changes = f"{len(plan.changes)} change{'' if len(plan.changes) == 1 else 's'}"
            if plan.update is None:
                say(f"no changes: {book} holds what {into} holds")
            elif dry_run:
                say(f"would update {into}: {changes} (dry run: nothing written)")
            else:
                plan.write()
                say(f"updated {into}: {changes}")
    except WriteError as error:
        say(f"cjm: error: {error}", err=True)
        raise typer.Exit(EXIT_FINDINGS) from None
    raise typer.Exit(EXIT_OK)
