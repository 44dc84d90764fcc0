"""`cjm init`: scaffold a starter workspace (cjm.yaml, one journey per segment, schemas)."""

from __future__ import annotations

import pathlib
import shlex
from typing import Annotated

import typer

from cjmkit.cli.common import examples, guarded, say
from cjmkit.diagnostics import EXIT_FINDINGS
from cjmkit.scaffold import Language, Template

EPILOG = examples(
    "cjm init                                # B2C starter workspace in the current folder",
    "cjm init maps/ --template b2b           # buying committee: COO, champion, IT",
    "cjm init maps/ --template email --locale ru",
    "cjm init maps/ --force                  # overwrite the starter files that exist",
)


@guarded
def init(
    directory: Annotated[
        pathlib.Path,
        typer.Argument(
            help="Folder of the new workspace; created if missing.",
            file_okay=False,
            metavar="DIR",
        ),
    ] = pathlib.Path("."),
    template: Annotated[
        Template,
        typer.Option(
            "--template",
            help="b2c: consumer segment; b2b: stakeholder segments; email: lifecycle messaging.",
        ),
    ] = Template.B2C,
    locale: Annotated[
        Language, typer.Option("--locale", help="Language of the starter maps (and their `locale`).")
    ] = Language.EN,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite starter files that already exist.")
    ] = False,
) -> None:
    """Create a starter workspace that validates, lints without errors and renders at once.

    Writes nothing and exits 1 when any of its files exists, unless --force.
    """
    from cjmkit.output import WriteError
    from cjmkit.scaffold import FilesExist, scaffold

    try:
        written = scaffold(directory, template.value, locale.value, force=force)
    except WriteError as error:
        say(f"cjm: error: {error}", err=True)
        raise typer.Exit(EXIT_FINDINGS) from None
    except FilesExist as conflict:
        say("cjm: error: these files already exist; nothing was written:", err=True)
        for path in conflict.paths:
            say(f"  {path}", err=True)
        say("Choose an empty folder, or run again with --force to overwrite them.", err=True)
        raise typer.Exit(EXIT_FINDINGS) from None
    for path in written:
        say(f"wrote {path}")
    where = "" if directory == pathlib.Path(".") else f" {shlex.quote(str(directory))}"
    steps = [
        (f"cjm validate{where}", "check the files against the format"),
        (f"cjm lint{where}", "gaps and weak stages; the warnings mark placeholders to replace"),
        (f"cjm render{where}", "HTML and Markdown into build/cjm/"),
    ]
    width = max(len(command) for command, _ in steps)
    say("\nNext steps:")
    for command, why in steps:
        say(f"  {command.ljust(width)}  # {why}")
    say("Then replace the placeholder text and numbers with your client's facts.")
