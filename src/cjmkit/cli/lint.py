"""`cjm lint`: find gaps and weak stages, and rank where to act."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cjmkit.cli.common import (
    Format,
    Jobs,
    OnlyMaps,
    Paths,
    checked_locale,
    examples,
    guarded,
    load_maps,
    locale_option,
)
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK, Severity
from cjmkit.errors import UsageError
from cjmkit.reporters import REPORTERS, Run

if TYPE_CHECKING:
    pass

EPILOG = examples(
    "cjm lint                                  # the workspace around the current folder",
    "cjm lint examples/ --fail-on warning      # exit 1 on any warning too",
    "cjm lint maps/ --select CJM2 --ignore emotion-dip",
    "cjm lint --format sarif > cjm.sarif       # for GitHub code scanning",
    "cjm lint --quiet                          # findings only, as a pre-commit hook shows them",
)


def split(values: list[str] | None) -> list[str]:
    """Options may repeat and hold comma-separated lists."""
    return [item.strip() for value in values or [] for item in value.split(",") if item.strip()]


@guarded
def lint(
    paths: Paths = None,
    output_format: Format = "text",  # type: ignore[assignment]
    only_maps: OnlyMaps = False,
    jobs: Jobs = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select", help="Only these rules (slug, code or code prefix such as CJM2).", show_default=False
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="Skip these rules (slug, code or code prefix).", show_default=False),
    ] = None,
    fail_on: Annotated[
        Severity, typer.Option("--fail-on", help="Exit 1 when a finding has this severity or a worse one.")
    ] = Severity.ERROR,
    locale: Annotated[str | None, locale_option("the text report", "the maps' own `locale`, else en")] = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Only the findings: no ranking, no summary (for pre-commit hooks)."
        ),
    ] = False,
) -> None:
    """Find gaps and weak stages in journey maps and rank where to act."""
    from cjmkit.analysis import analyse, selected_rules, selector_hint, unknown_selectors

    checked_locale(locale)
    chosen, skipped = split(select), split(ignore)
    for selector in unknown_selectors(chosen + skipped):
        raise UsageError(f"unknown rule {selector!r}{selector_hint(selector)}; see `cjm rules`")
    project = load_maps(paths, only_maps=only_maps, whole_workspaces=True, jobs=jobs)
    analysis = analyse(project, selected_rules(chosen, skipped))
    run = Run(
        files=sum(1 for d in project.documents if d.requested),
        diagnostics=analysis.findings,
        sources={d.display: d.text for d in project.documents},
        analysis=analysis,
        fail_on=fail_on,
        quiet=quiet,
        locale=locale or project.shared_locale(),
    )
    REPORTERS[output_format.value](run, sys.stdout)
    failing = any(d.severity.rank >= fail_on.rank for d in analysis.findings)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_OK)
