"""Human output: ``FILE:LINE:COLUMN: CODE message`` with a source excerpt, like a compiler."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TextIO, TypeVar

from rich.console import Console
from rich.text import Text

from cjmkit.diagnostics import Diagnostic, Severity, plural
from cjmkit.reporters.base import Run

if TYPE_CHECKING:
    from cjmkit.analysis import AnalysisResult, ChannelSummary, SegmentGrowth
from cjmkit.terminal import console as terminal_console
from cjmkit.terminal import same_width, visible

T = TypeVar("T")

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}
_EXCERPT_WIDTH = 100


class SourceLines:
    """Where each line of one source starts, found once: every excerpt of a file then costs
    one slice, not a split of the whole file (20,000 diagnostics in one file took 25 s)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.starts = [0, *(match.end() for match in _LINE_END.finditer(source))]

    def __len__(self) -> int:
        return len(self.starts)

    def line(self, number: int) -> str:
        """Line ``number`` (1-based) without its line end."""
        start = self.starts[number - 1]
        end = self.starts[number] - 1 if number < len(self.starts) else len(self.source)
        return self.source[start:end].removesuffix("\r")


_LINE_END = re.compile("\n")
_last: list[SourceLines] = []


def source_lines(source: str) -> SourceLines:
    """The lines of ``source``; the last one asked for is kept, so the callers that pass the same
    text for each diagnostic of a file (fmt, metrics, convert, render) share one index."""
    if _last and _last[0].source is source:
        return _last[0]
    lines = SourceLines(source)
    _last[:] = [lines]
    return lines


def excerpt(source: str | SourceLines, line: int, column: int) -> list[tuple[str, str]]:
    """The source line and a caret under ``column``, as (gutter, text) pairs.

    Only LF (or CR LF) ends a line, as both YAML and Mermaid count them for real files;
    control characters are shown as U+FFFD so they neither reach the terminal nor shift the caret.
    """
    lines = source if isinstance(source, SourceLines) else source_lines(source)
    if not 1 <= line <= len(lines):
        return []
    text = lines.line(line)
    caret = max(column - 1, 0)
    if len(text) > _EXCERPT_WIDTH:  # cut before escaping: one long line may carry every diagnostic
        start = max(0, min(caret - _EXCERPT_WIDTH // 2, len(text) - _EXCERPT_WIDTH))
        text = text[start : start + _EXCERPT_WIDTH]
        caret -= start
    return [(str(line), same_width(text)), ("", " " * caret + "^")]


def emit(console: Console, text: Text) -> None:
    """One line per diagnostic: to a pipe or a file (no colour, so no styles) written as it is;
    rich's rendering costs about 0.1 ms a line, most of a 100,000-diagnostic report."""
    if console.color_system is None:
        console.file.write(text.plain + "\n")
    else:
        console.print(text)


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
    console: Console, diagnostic: Diagnostic, source: str | SourceLines, *, severity: bool = False
) -> None:
    """``FILE:LINE:COLUMN: [severity] CODE message`` and the source line with a caret, like a compiler."""
    head = Text()
    head.append(f"{visible(diagnostic.file)}:{diagnostic.line}:{diagnostic.column}:", style="bold")
    head.append(" ")
    if severity:
        head.append(f"{diagnostic.severity.value} ", style=_STYLE[diagnostic.severity])
    head.append(diagnostic.code, style=_STYLE[diagnostic.severity])
    head.append(f" {visible(diagnostic.message)}")
    rows = excerpt(source, diagnostic.line, diagnostic.column)
    width = max((len(gutter) for gutter, _ in rows), default=0)
    for gutter, text in rows:  # one print per diagnostic: rich's per-call cost dominates big reports
        head.append(f"\n{gutter:>{width}} | ", style="blue")
        head.append(text, style="bold red" if not gutter else "")
    emit(console, head)


def report_lint_text(run: Run, console: Console) -> None:
    """Findings grouped by file, then where to act, then one summary line (the findings
    alone with ``--quiet``)."""
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
        emit(console, row)
    if run.quiet:
        return
    if run.diagnostics:
        console.print()
    for section in (weakest_section, growth_section, segment_section, channel_section):
        lines = section(analysis)
        if lines:
            console.print(Text(lines[0], style="bold"))
            for line in lines[1:]:
                console.print(visible(line), highlight=False)
            console.print()
    console.print(summary(run))


def weakest_section(analysis: AnalysisResult) -> list[str]:
    lines = []
    for rank, health in enumerate(analysis.stages[:5], 1):
        lines.append(f"  {rank}. {health.journey} / {health.name}  score {health.explanation}")
        lines.append(f"     {'; '.join(health.signals)}")
    for journey in analysis.unranked:
        lines.append(f"  {journey.journey}: not ranked: {journey.reason}")
    return ["Weakest stages", *lines] if lines else []


def money(value: float, currency: str) -> str:
    return f"{value:,.0f} {currency}"


def by_currency(
    items: Sequence[T], currency: Callable[[T], str | None]
) -> Iterator[tuple[list[str], list[T]]]:
    """The top five of each currency's ranking, each headed by its currency when several are
    ranked (sums in different currencies are not compared)."""
    groups = [(key, list(group)[:5]) for key, group in itertools.groupby(items, key=currency) if key]
    for key, group in groups:
        yield ([f"  in {key}:"] if len(groups) > 1 else []), group


def growth_section(analysis: AnalysisResult) -> list[str]:
    lines = []
    for head, points in by_currency(analysis.growth_points, lambda p: p.currency):
        lines += head
        for rank, point in enumerate(points, 1):
            worth = [f"+{money(point.revenue, point.currency)}"]
            if point.profit is not None:
                worth.append(f"profit +{point.profit:,.0f}")
            if point.lifetime_revenue is not None:
                worth.append(f"lifetime +{point.lifetime_revenue:,.0f}")
            lines.append(f"  {rank}. {point.journey} / {point.name}  {', '.join(worth)}")
            source = "" if point.target_source == "stage" else f" ({point.phase} target)"
            lines.append(
                f"     conversion {point.actual:.1%} -> {point.target:.1%}{source}: "
                f"+{point.customers_gained:,.1f} customers at {point.downstream_conversion:.1%} downstream"
            )
            appeal = [f"{kind} ({', '.join(items)})" for kind, items in point.motivations.items() if items]
            if appeal:
                lines.append(f"     appeal to: {'; '.join(appeal)}")
    missing = [stage for stage in analysis.unvalued if stage.reason == "no-target"]
    if missing:
        names = ", ".join(f"{s.journey} / {s.name}" for s in missing[:3]) + (
            ", ..." if len(missing) > 3 else ""
        )
        lines.append(
            f"  {plural(len(missing), 'stage')} before the purchase {'has' if len(missing) == 1 else 'have'} "
            f"no target conversion ({names}): set `funnel.target` on the stage, or a target per phase "
            "in cjm.yaml under `analysis: {conversion_targets: {consideration: 0.25}}`"
        )
    blind = [stage for stage in analysis.unvalued if stage.reason == "no-downstream-data"]
    if blind:
        lines.append(
            f"  {plural(len(blind), 'stage')} under target not valued: a later stage up to the purchase "
            "has no funnel figures"
        )
    return ["Growth points (revenue if each stage reached its target conversion)", *lines] if lines else []


def segment_section(analysis: AnalysisResult) -> list[str]:
    lines = []
    for head, segments in by_currency(analysis.segments, lambda s: s.currency):
        lines += head
        lines += [segment_line(rank, segment) for rank, segment in enumerate(segments, 1)]
    return ["Segments by revenue at stake", *lines] if len(analysis.segments) > 1 else []


def segment_line(rank: int, segment: SegmentGrowth) -> str:
    kind = " (B2B stakeholder)" if segment.kind == "b2b-stakeholder" else ""
    worth = money(segment.revenue, segment.currency)
    if segment.profit is not None:
        worth += f", profit {segment.profit:,.0f}"
    return (
        f"  {rank}. {segment.name}{kind}  {worth} "
        f"({plural(segment.growth_points, 'growth point')}, {plural(len(segment.journeys), 'journey')})"
    )


def channel_section(analysis: AnalysisResult) -> list[str]:
    lines = []
    for head, channels in by_currency(analysis.channels, lambda c: c.currency):
        lines += head
        lines += [channel_line(rank, channel) for rank, channel in enumerate(channels, 1)]
    return ["Channels by revenue at stake at their stages", *lines] if lines else []


def channel_line(rank: int, channel: ChannelSummary) -> str:
    worth = ", ".join(money(v, k) for k, v in (channel.revenue_at_stake or {}).items())
    negative = f", {channel.negative_touchpoints} negative" if channel.negative_touchpoints else ""
    return f"  {rank}. {channel.name}  {worth} ({plural(len(channel.touchpoints), 'touchpoint')}{negative})"


def summary(run: Run) -> Text:
    """Counts per severity, the blocking ones (at ``--fail-on`` or worse) first, and the rules
    behind them."""
    counts = {severity: 0 for severity in Severity}
    blocking_rules: dict[str, int] = {}
    fail_on = run.fail_on or Severity.ERROR
    for diagnostic in run.diagnostics:
        counts[diagnostic.severity] += 1
        if diagnostic.severity.rank >= fail_on.rank:
            blocking_rules[diagnostic.name] = blocking_rules.get(diagnostic.name, 0) + 1
    blocking = [s for s in Severity if s.rank >= fail_on.rank]
    rest = [s for s in Severity if s.rank < fail_on.rank]
    files = plural(run.files, "file")
    if not run.diagnostics:
        return Text(f"No findings in {files}.", style="bold green")
    if not blocking_rules:
        parts = ", ".join(plural(counts[s], s.value) for s in rest if counts[s])
        return Text(f"Nothing blocking; {parts} in {files}.", style="bold yellow")
    rules = ", ".join(
        f"{name} {count}" for name, count in sorted(blocking_rules.items(), key=lambda i: (-i[1], i[0]))
    )
    head = " and ".join(plural(counts[s], s.value) for s in blocking if counts[s])
    tail = ", ".join(plural(counts[s], s.value) for s in rest if counts[s])
    text = f"Blocking: {head} ({rules})" + (f"; also {tail}" if tail else "") + f" in {files}."
    return Text(text, style="bold red")
