"""`cjm diff`: what changed between two versions of journey maps, for reviewers."""

from __future__ import annotations

import pathlib
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cjmkit.cli.common import checked_locale, examples, guarded, locale_option
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK
from cjmkit.errors import UsageError
from cjmkit.semdiff import DIFF_FORMATS

EPILOG = examples(
    "cjm diff old/journey.yaml new/journey.yaml     # two versions of a map",
    "cjm diff maps-v1/ maps-v2/                     # two folders: journeys paired by id",
    "cjm diff --rev main                            # the workspace here against the main branch",
    "cjm diff --rev HEAD~1 maps/ --format md        # a pull-request comment",
    "cjm diff --rev origin/main --exit-code         # exit 1 when anything changed",
    "cjm diff --rev main --locale en                # in English, whatever the maps' language",
)


if TYPE_CHECKING:
    from enum import StrEnum as DiffFormat
else:
    DiffFormat = DIFF_FORMATS.choices("DiffFormat")


@guarded
def diff(
    paths: Annotated[
        list[pathlib.Path] | None,
        typer.Argument(
            help="OLD NEW: two map files or two folders. With --rev: the files or folders to compare "
            "(default: the workspace around the current folder).",
            show_default=False,
            metavar="[OLD NEW | PATHS...]",
        ),
    ] = None,
    rev: Annotated[
        str | None,
        typer.Option(
            "--rev",
            help="Compare the working tree with this git revision (commit, branch or tag).",
            metavar="REV",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help=DIFF_FORMATS.help("Output format:"))
    ] = "text",  # type: ignore[assignment]
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when there are differences, like `git diff`.")
    ] = False,
    workspace: Annotated[
        pathlib.Path | None,
        typer.Option(
            "--workspace",
            help="Folder with the cjm.yaml to read OLD in, when OLD is a copy saved outside its "
            "workspace (default: NEW's workspace).",
            show_default=False,
        ),
    ] = None,
    locale: Annotated[
        str | None,
        locale_option(
            "the text and Markdown reports",
            "the language the compared maps share, else en; JSON is always English",
        ),
    ] = None,
) -> None:
    """Show what changed between two versions of journey maps: stages, touchpoints, KPIs, findings."""
    from cjmkit.semdiff.compare import diff_paths, diff_revision

    checked_locale(locale)
    given = list(paths or [])
    if rev is not None:
        if not rev.strip():
            raise UsageError("--rev needs a git revision, e.g. HEAD or main")
        comparison = diff_revision(rev, given)
    elif len(given) == 2:
        comparison = diff_paths(given[0], given[1], workspace)
    else:
        raise UsageError("give OLD and NEW (two files or two folders), or --rev REV [PATHS]...")
    if locale is not None:
        comparison.locale = locale
    DIFF_FORMATS[output_format.value](comparison, sys.stdout)
    if comparison.errors:
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_FINDINGS if exit_code and comparison.differences else EXIT_OK)
