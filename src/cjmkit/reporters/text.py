"""Human output: ``FILE:LINE:COLUMN: CODE message`` with a source excerpt, like a compiler."""

from __future__ import annotations

import itertools
from typing import TextIO

from rich.console import Console
from rich.text import Text

from cjmkit.diagnostics import Diagnostic, Severity, plural
from cjmkit.reporters.base import Run
from cjmkit.terminal import console as terminal_console
from cjmkit.terminal import same_width, visible

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}
_EXCERPT_WIDTH = 100


def excerpt(source: str, line: int, column: int) -> list[tuple[str, str]]:
    """The source line and a caret under ``column``, as (gutter, text) pairs.

    Only LF (or CR LF) ends a line, as both YAML and Mermaid count them for real files;
    control characters are shown as U+FFFD so they neither reach the terminal nor shift the caret.
    """
    lines = [text.removesuffix("\r") for text in source.split("\n")]
    if not 1 <= line <= len(lines):
        return []
    text = same_width(lines[line - 1])
    caret = max(column - 1, 0)
    if len(text) > _EXCERPT_WIDTH:
        start = max(0, min(caret - _EXCERPT_WIDTH // 2, len(text) - _EXCERPT_WIDTH))
        text = text[start : start + _EXCERPT_WIDTH]
        caret -= start
    return [(str(line), text), ("", " " * caret + "^")]


def report_text(run: Run, out: TextIO) -> None:
    console = terminal_console(out)
    if run.analysis is not None:
        report_lint_text(run, console)
        return
    for diagnostic in run.diagnostics:
        write_diagnostic(console, diagnostic, run.sources.get(diagnostic.file, ""))
    errors = [d for d in run.diagnostics if d.severity is Severity.ERROR]
    if errors:
        files = len({d.file for d in errors})
        console.print(
            Text(
                f"Found {plural(len(errors), 'error')} in {plural(files, 'file')} "
                f"({plural(run.files, 'file')} checked).",
                style="bold",
            )
        )
    else:
        console.print(Text(f"All {plural(run.files, 'file')} valid.", style="bold green"))


def write_diagnostic(
    console: Console, diagnostic: Diagnostic, source: str, *, severity: bool = False
) -> None:
    """``FILE:LINE:COLUMN: [severity] CODE message`` and the source line with a caret, like a compiler."""
    head = Text()
    head.append(f"{visible(diagnostic.file)}:{diagnostic.line}:{diagnostic.column}:", style="bold")
    head.append(" ")
    if severity:
        head.append(f"{diagnostic.severity.value} ", style=_STYLE[diagnostic.severity])
    head.append(diagnostic.code, style=_STYLE[diagnostic.severity])
    head.append(f" {visible(diagnostic.message)}")
    console.print(head)
    rows = excerpt(source, diagnostic.line, diagnostic.column)
    width = max((len(gutter) for gutter, _ in rows), default=0)
    for gutter, text in rows:
        row = Text(f"{gutter:>{width}} | ", style="blue")
        row.append(text, style="bold red" if not gutter else "")
        console.print(row)


def report_lint_text(run: Run, console: Console) -> None:
    """Findings grouped by file, then where to act, then one summary line."""
    analysis = run.analysis
    assert analysis is not None
    current = None
    for diagnostic in run.diagnostics:
        if diagnostic.file != current:
            if current is not None:
                console.print()
            current = diagnostic.file
            console.print(Text(visible(diagnostic.file), style="bold underline"))
        row = Text(f"  {diagnostic.line}:{diagnostic.column}".ljust(10))
        row.append(f"{diagnostic.severity.value:<8}", style=_STYLE[diagnostic.severity])
        row.append(f" {visible(diagnostic.message)}  ")
        row.append(f"{diagnostic.name} ({diagnostic.code})", style="dim")
        console.print(row)
    if run.diagnostics:
        console.print()
    if analysis.stages:
        console.print(Text("Weakest stages", style="bold"))
        for rank, health in enumerate(analysis.stages[:5], 1):
            signals = "; ".join(health.signals)
            line = f"  {rank}. {health.journey} / {health.name}  score {health.score:.2f}: {signals}"
            console.print(visible(line))
        console.print()
    if analysis.growth_points:
        console.print(Text("Growth points (revenue at stake)", style="bold"))
        for _, points in itertools.groupby(analysis.growth_points, key=lambda p: p.currency):
            for rank, point in enumerate(list(points)[:5], 1):
                money = f"{point.revenue_at_stake:,.0f} {point.currency}"
                console.print(
                    visible(
                        f"  {rank}. {point.journey} / {point.name}  {money}"
                        f" ({point.lost:,} customers lost x {point.downstream_conversion:.1%} downstream)"
                    )
                )
        console.print()
    counts = {severity: 0 for severity in Severity}
    for diagnostic in run.diagnostics:
        counts[diagnostic.severity] += 1
    parts = [plural(counts[s], s.value) for s in Severity]
    style = "bold red" if counts[Severity.ERROR] else "bold yellow" if run.diagnostics else "bold green"
    console.print(Text(f"{', '.join(parts)} in {plural(run.files, 'file')}.", style=style))
