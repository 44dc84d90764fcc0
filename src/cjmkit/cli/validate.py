"""`cjm validate`: check map files against the format, every error at FILE:LINE:COLUMN."""

from __future__ import annotations

import sys

import typer

from cjmkit.cli.common import Format, Jobs, OnlyMaps, Paths, examples, guarded, load_maps
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK
from cjmkit.reporters import REPORTERS, Run

EPILOG = examples(
    "cjm validate                      # the workspace around the current folder",
    "cjm validate examples/            # every map under a folder",
    "cjm validate maps/doors.yaml --format json",
    "cjm validate --format github      # annotations in GitHub Actions",
)


@guarded
def validate(
    paths: Paths = None,
    output_format: Format = "text",  # type: ignore[assignment]
    only_maps: OnlyMaps = False,
    jobs: Jobs = None,
) -> None:
    """Validate journey and workspace files; exit 1 if any is invalid."""
    from cjmkit.project import Keep

    project = load_maps(paths, only_maps=only_maps, jobs=jobs, keep=Keep.FINDINGS)
    diagnostics = project.diagnostics
    run = Run(
        files=len(project.documents),
        diagnostics=diagnostics,
        sources={d.display: d.text for d in project.documents},
    )
    REPORTERS[output_format.value](run, sys.stdout)
    raise typer.Exit(EXIT_FINDINGS if diagnostics else EXIT_OK)
