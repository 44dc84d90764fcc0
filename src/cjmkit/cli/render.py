"""`cjm render`: client deliverables (HTML, Markdown, PDF), diagrams and data exports."""

from __future__ import annotations

import pathlib
import re
import sys
from typing import Annotated

import typer

from cjmkit.cli.common import Jobs, Paths, checked_locale, examples, guarded, load_maps, locale_option, say
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK
from cjmkit.errors import UsageError
from cjmkit.renderers import formats_help

EPILOG = examples(
    "cjm render                                  # HTML + Markdown of the workspace into build/cjm/",
    "cjm render examples/front-doors --to html,pdf --out deliverables/",
    "cjm render maps/ --to svg,csv --brand-color '#0b6e4f' --logo logo.svg",
    "cjm render --templates my-templates/        # your own journey.html.j2 / journey.md.j2",
    "cjm render --audience team                  # rule codes and file:line, for review",
)
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
TO_HELP = formats_help()
#: The format's audiences (models.workspace.AUDIENCES), restated so `cjm --help` builds no model.
AUDIENCES = ("client", "team")
AUDIENCE_HELP = (
    "Who the deliverable is for: client (findings as recommendations by stage; no rule codes, "
    "file positions, owner or `internal` fields) or team (everything, for review); "
    "default: render.audience of cjm.yaml, else client."
)

CSV_DIALECTS = ("excel-ru", "excel", "rfc4180")
CSV_DIALECT_HELP = (
    "CSV for: excel-ru (`;`, decimal commas, BOM), excel (`,`, points, BOM) or rfc4180 (`,`, "
    "points, no BOM); default: excel-ru for a Russian map, excel otherwise."
)


@guarded
def render(
    paths: Paths = None,
    to: Annotated[
        str,
        typer.Option("--to", "-t", help=TO_HELP),
    ] = "html,md",
    out: Annotated[pathlib.Path, typer.Option("--out", "-o", help="Output folder.")] = pathlib.Path(
        "build/cjm"
    ),
    templates: Annotated[
        pathlib.Path | None,
        typer.Option(
            "--templates",
            help="Folder of templates overriding the built-in ones (sandboxed).",
            exists=True,
            file_okay=False,
            show_default=False,
        ),
    ] = None,
    brand_color: Annotated[
        str | None,
        typer.Option(
            "--brand-color", help="Brand colour `#rrggbb` (overrides cjm.yaml).", show_default=False
        ),
    ] = None,
    logo: Annotated[
        pathlib.Path | None,
        typer.Option(
            "--logo",
            help="Logo image embedded in the HTML (overrides cjm.yaml).",
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    locale: Annotated[
        str | None,
        locale_option("the deliverable", "the map's"),
    ] = None,
    csv_dialect: Annotated[
        str | None,
        typer.Option("--csv-dialect", help=CSV_DIALECT_HELP, show_default=False),
    ] = None,
    audience: Annotated[
        str | None,
        typer.Option("--audience", help=AUDIENCE_HELP, show_default=False),
    ] = None,
    jobs: Jobs = None,
) -> None:
    """Render journey maps to client deliverables, diagrams and data exports."""
    from rich.progress import Progress

    from cjmkit.analysis import analyse, selected_rules
    from cjmkit.loading.document import Document
    from cjmkit.renderers import check_prerequisites, formats_named
    from cjmkit.renderers.context import Brand
    from cjmkit.renderers.pipeline import check_output_folder, logo_data_uri, render_project
    from cjmkit.reporters.text import write_diagnostic
    from cjmkit.terminal import console as terminal_console
    from cjmkit.terminal import visible

    formats = list(dict.fromkeys(f.strip().lower() for f in to.split(",") if f.strip()))
    check_prerequisites(formats_named(formats))  # fail before the maps are loaded, not after
    if brand_color is not None and not _COLOR.fullmatch(brand_color):
        raise UsageError(f"--brand-color {brand_color!r}: write it as #rrggbb, e.g. #1f4e79")
    checked_locale(locale)
    if csv_dialect is not None and csv_dialect not in CSV_DIALECTS:
        raise UsageError(f"--csv-dialect {csv_dialect!r}: choose {', '.join(CSV_DIALECTS)}")
    if audience is not None and audience not in AUDIENCES:
        raise UsageError(f"--audience {audience!r}: choose {' or '.join(AUDIENCES)}")
    check_output_folder(out)
    logo_uri = logo_data_uri(logo) if logo else None

    def make_brand(workspace: Document | None) -> Brand:
        settings = workspace.workspace.render if workspace and workspace.workspace else None
        color = brand_color or (settings.brand_color if settings else None) or Brand.color
        uri = logo_uri
        if uri is None and settings and settings.logo and workspace:
            # A logo named in a map's repository must be a file of that repository.
            uri = logo_data_uri(workspace.path.parent / settings.logo, inside=workspace.path.parent)
        return Brand(color=color, logo=uri, name=settings.company if settings else None)

    brands: dict[pathlib.Path | None, Brand] = {}

    def brand_for(workspace: Document | None) -> Brand:
        # Once per workspace: otherwise its logo (up to 2 MiB) is read and encoded again for every map.
        key = workspace.path if workspace else None
        if key not in brands:
            brands[key] = make_brand(workspace)
        return brands[key]

    project = load_maps(paths, only_maps=False, whole_workspaces=True, jobs=jobs)
    analysis = analyse(project, selected_rules([], []))
    err = terminal_console(stderr=True)
    journeys = [d for d in project.journeys if d.requested]
    from cjmkit.renderers.data import csv_dialect as dialect_of_run

    with (
        dialect_of_run(csv_dialect),
        Progress(console=err, transient=True, disable=len(journeys) < 2 or not err.is_terminal) as bar,
    ):
        task = bar.add_task("Rendering", total=len(journeys))
        result = render_project(
            project, analysis, formats, out, brand_for, templates, locale,
            progress=lambda _: bar.advance(task), audience=audience,
        )  # fmt: skip
    for path in result.written:
        say(f"wrote {path}")
    documents = {d.display: d for d in project.documents}
    for file, why in result.failed:
        err.print(visible(f"cjm: cannot render {file}: {why}; run `cjm validate {file}`"), markup=False)
        document = documents[file]
        for diagnostic in document.diagnostics[:10]:
            write_diagnostic(err, diagnostic, document.text)
    for file, why in result.not_drawn:
        err.print(
            visible(f"cjm: cannot render {file}: {why}; its other formats were not written"), markup=False
        )
    if not result.written and not result.failed and not result.not_drawn:
        say("nothing to render", err=True)
    sys.stdout.flush()
    raise typer.Exit(EXIT_FINDINGS if result.failed or result.not_drawn else EXIT_OK)
