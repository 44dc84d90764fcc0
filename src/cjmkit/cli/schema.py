"""`cjm schema`: write or check the JSON Schema files generated from the models."""

from __future__ import annotations

import pathlib
from typing import Annotated

import typer

from cjmkit.cli.common import examples, guarded
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK
from cjmkit.terminal import visible

EPILOG = examples(
    "cjm schema                  # write schemas/journey.schema.json and workspace.schema.json",
    "cjm schema --check          # exit 1 if the committed schemas are stale (CI)",
)


@guarded
def schema(
    out: Annotated[
        pathlib.Path, typer.Option("--out", "-o", help="Folder of the schema files.", file_okay=False)
    ] = pathlib.Path("schemas"),
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the files are missing or stale.")
    ] = False,
) -> None:
    """Write JSON Schema (draft 2020-12) for journey and workspace files."""
    from cjmkit.schema import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(out)
        for path in stale:
            typer.echo(visible(f"{path}: out of date; run `cjm schema --out {out}`"))
        if not stale:
            typer.echo(visible(f"Schemas in {out} are up to date."))
        raise typer.Exit(EXIT_FINDINGS if stale else EXIT_OK)
    for path in write_schemas(out):
        typer.echo(visible(f"wrote {path}"))
