"""`cjm compare`: what a future (to-be) map changes against its current (as-is) map."""

from __future__ import annotations

import json
import pathlib
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cjmkit.cli.common import checked_locale, examples, guarded, load_maps, locale_option
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK
from cjmkit.errors import CjmError, UsageError

if TYPE_CHECKING:
    from cjmkit.loading.document import Document
    from cjmkit.project import Project

EPILOG = examples(
    "cjm compare maps/doors.yaml maps/doors-future.yaml   # the current map, then the future one",
    "cjm compare maps/doors-future.yaml                   # its `baseline` is found in the workspace",
    "cjm compare maps/doors-future.yaml --format md       # tables to paste into a proposal",
    "cjm compare maps/doors-future.yaml --format json     # for tools: a stable shape (README)",
    "cjm compare maps/doors-future.yaml --format html > compare.html   # a page for the client",
)
#: The report formats; `html` is the deliverable (`cjm render` of a future map shows the same).
FORMATS = ("text", "md", "json", "html")


class CompareError(CjmError):
    """The maps cannot be compared (exit 1): a future map without its baseline, invalid maps."""

    exit_code = EXIT_FINDINGS


def _journey(project: Project, path: pathlib.Path) -> Document:
    resolved = path.resolve()
    for document in project.journeys:
        if document.path == resolved:
            return document
    raise UsageError(f"{path} is not a journey map")


def _baseline(project: Project, future: Document) -> Document:
    journey = future.journey
    assert journey is not None
    if journey.baseline is None:
        raise CompareError(
            f"{future.display}: the future map names no `baseline`; give the current map too: "
            "cjm compare CURRENT FUTURE"
        )
    workspace = project.workspace_for(future)
    for document in project.journeys:
        same = document.journey is not None and document.journey.id == journey.baseline
        if same and project.workspace_for(document) is workspace and document is not future:
            return document
    raise CompareError(
        f"{future.display}: baseline {journey.baseline!r} is not a journey of its workspace; "
        "give the current map too: cjm compare CURRENT FUTURE"
    )


@guarded
def compare(
    paths: Annotated[
        list[pathlib.Path],
        typer.Argument(
            help="CURRENT FUTURE: the current map and the future map; or FUTURE alone (its `baseline` "
            "is found in its workspace).",
            show_default=False,
            metavar="[CURRENT] FUTURE",
        ),
    ],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")
    ] = "text",
    locale: Annotated[
        str | None,
        locale_option("the text and Markdown reports", "the future map's, else en; JSON is always English"),
    ] = None,
) -> None:
    """Show what a future map changes against the current one: emotions, conversion, barriers, revenue."""
    from cjmkit.compare import compare as compare_maps
    from cjmkit.compare.report import markdown, text_lines, to_json
    from cjmkit.i18n import translator

    if output_format not in FORMATS:
        raise UsageError(f"unknown format {output_format!r}: use one of {', '.join(FORMATS)}")
    checked_locale(locale)
    if len(paths) not in (1, 2):
        raise UsageError("give CURRENT FUTURE, or FUTURE alone")
    project = load_maps(paths, only_maps=False, whole_workspaces=True)
    documents = [_journey(project, path) for path in paths]
    invalid = [d for d in project.documents if d.diagnostics and (d in documents or d.kind == "workspace")]
    if invalid:
        for document in invalid:
            for diagnostic in document.diagnostics[:10]:
                location = f"{diagnostic.file}:{diagnostic.line}:{diagnostic.column}"
                print(f"{location}: {diagnostic.code} {diagnostic.message}", file=sys.stderr)
        raise CompareError("the maps are not valid: fix them first (`cjm validate`)")
    future = documents[-1]
    current = documents[0] if len(documents) == 2 else _baseline(project, future)
    assert current.journey is not None and future.journey is not None
    if current.journey.future:
        raise UsageError(f"{current.display} is a future map: the first map must be the current one")
    if not future.journey.future:
        raise UsageError(f"{future.display} is not a future map: the last map must have `state: future`")
    comparison = compare_maps(current.journey, future.journey)
    t = translator(locale or project.locale_of(future))
    if output_format == "json":
        json.dump(to_json(comparison), sys.stdout, ensure_ascii=False, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    elif output_format == "md":
        sys.stdout.write(markdown(comparison, t))
    elif output_format == "html":
        from cjmkit.renderers.pipeline import render_comparison

        sys.stdout.write(render_comparison(comparison, t.code))
    else:
        from cjmkit.terminal import visible

        for line in text_lines(comparison, t):
            print(visible(line))
    raise typer.Exit(EXIT_OK)
