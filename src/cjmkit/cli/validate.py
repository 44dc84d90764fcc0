"""`cjm validate`: check map files against the format, every error at FILE:LINE:COLUMN."""

from __future__ import annotations

import pathlib
import sys
from typing import Annotated

import typer

from cjmkit.cli.common import OutputFormat, examples, guarded
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK
from cjmkit.reporters import REPORTERS, Run
from cjmkit.workspace import default_paths, load_project

EPILOG = examples(
    "cjm validate                      # the workspace around the current folder",
    "cjm validate examples/            # every map under a folder",
    "cjm validate maps/doors.yaml --format json",
    "cjm validate --format github      # annotations in GitHub Actions",
)


@guarded
def validate(
    paths: Annotated[
        list[pathlib.Path] | None,
        typer.Argument(
            help="Map files or folders (default: the workspace around the current folder).",
            exists=True,
            show_default=False,
            metavar="[PATHS]...",
        ),
    ] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.text,  # type: ignore[attr-defined]
) -> None:
    """Validate journey and workspace files; exit 1 if any is invalid."""
    targets = list(paths) if paths else default_paths(pathlib.Path.cwd())
    project = load_project(targets)
    diagnostics = project.diagnostics
    run = Run(
        files=len(project.documents),
        diagnostics=diagnostics,
        sources={d.display: d.text for d in project.documents},
    )
    REPORTERS[output_format.value](run, sys.stdout)
    raise typer.Exit(EXIT_FINDINGS if diagnostics else EXIT_OK)
