"""`cjm metrics import`: set KPI actuals and funnel volumes of maps from an analytics CSV."""

from __future__ import annotations

import pathlib
import sys
from typing import Annotated

import typer

from cjmkit.cli.common import Paths, examples, guarded, load_maps, say
from cjmkit.diagnostics import EXIT_FINDINGS, EXIT_OK, plural

EPILOG = examples(
    "cjm metrics import metrics.csv                # maps of the workspace around the current folder",
    "cjm metrics import export.csv maps/ --dry-run # report the changes, write nothing",
    "cjm metrics import metrics.csv examples/front-doors",
)

app = typer.Typer(
    name="metrics",
    help="Update measured values of maps (KPI actuals, funnels) from analytics exports.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def metrics() -> None:
    """Update measured values of maps (KPI actuals, funnels) from analytics exports."""


@guarded
def import_csv(
    csv_file: Annotated[
        pathlib.Path,
        typer.Argument(
            help="CSV with the columns journey, stage, field (kpi:<id> or funnel.entered/advanced), value.",
            exists=True,
            dir_okay=False,
            show_default=False,
            metavar="CSV",
        ),
    ],
    paths: Paths = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report the changes; write nothing.")] = False,
) -> None:
    """Set KPI `actual` and funnel `entered`/`advanced` from a CSV; the rest of each file stays as is."""
    from cjmkit.editing.locking import editing
    from cjmkit.editing.metrics import plan_import, read_metrics
    from cjmkit.output import WriteError
    from cjmkit.project import Keep, default_paths, discover
    from cjmkit.reporters.text import write_diagnostic
    from cjmkit.terminal import console as terminal_console

    metrics_csv = read_metrics(csv_file, str(csv_file))
    targets = list(paths) if paths else default_paths(pathlib.Path.cwd())
    # The maps are read, edited and written under the lock, so a concurrent `cjm fmt` or
    # import waits instead of one of them overwriting the other's values.
    with editing([] if dry_run else discover(targets, only_maps=False)):
        # Rows that read well are checked against the maps too, so one run reports every problem.
        try:
            plan = plan_import(metrics_csv, load_maps(paths, only_maps=False, keep=Keep.ALL))
        except WriteError as error:
            say(f"cjm: error: {error}; nothing written", err=True)
            raise typer.Exit(EXIT_FINDINGS) from None
        if plan.problems:
            console = terminal_console(sys.stdout)
            for problem in plan.problems:
                write_diagnostic(console, problem, plan.sources.get(problem.file, ""))
            say(f"{plural(len(plan.problems), 'problem')}; nothing written.")
            raise typer.Exit(EXIT_FINDINGS)
        files = len(plan.updates)
        summary = f"{plural(len(plan.edits), 'value')} in {plural(files, 'file')}"
        if dry_run:
            summary = f"would update {summary} (dry run: nothing written)"
        else:
            try:
                plan.write()
            except WriteError as error:
                say(f"cjm: error: {error}", err=True)
                raise typer.Exit(EXIT_FINDINGS) from None
            summary = f"updated {summary}"
    for edit in plan.edits:
        say(str(edit))
    if plan.unchanged:
        summary += f"; {plural(plan.unchanged, 'value')} already up to date"
    say(summary)
    raise typer.Exit(EXIT_OK)


app.command(name="import", epilog=EPILOG)(import_csv)
