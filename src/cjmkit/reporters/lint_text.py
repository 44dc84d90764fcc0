"""`cjm lint` for people: findings by file, then where to act, then the summary, in the
language of the maps (``--locale``, else the maps' own, else English).

Every sentence is a msgid of the catalogues (``cli.po``); numbers, shares and money are
formatted by Babel, so a Russian workspace reads ``+189 538 ₽``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from rich.console import Console
from rich.text import Text

from cjmkit.diagnostics import Severity
from cjmkit.i18n import N_, Argument, Join, Message, Percent, Term, Translator, msg, nmsg, translator
from cjmkit.reporters.base import Run
from cjmkit.reporters.text import _STYLE, emit
from cjmkit.terminal import visible

if TYPE_CHECKING:
    from cjmkit.analysis import AnalysisResult, ChannelSummary, GrowthPoint, SegmentGrowth

T = TypeVar("T")

SEVERITIES = {Severity.ERROR: N_("error"), Severity.WARNING: N_("warning"), Severity.INFO: N_("info")}
PHASES = {
    "awareness": N_("awareness"), "consideration": N_("consideration"), "purchase": N_("purchase"),
    "onboarding": N_("onboarding"), "usage": N_("usage"), "retention": N_("retention"),
    "advocacy": N_("advocacy"),
}  # fmt: skip
MOTIVATIONS = {"rational": N_("rational"), "emotional": N_("emotional")}


def count(severity: Severity, number: int) -> Message:
    """ "2 errors", "1 warning", "3 notes": a count of findings of one severity."""
    if severity is Severity.ERROR:
        return nmsg("{count} error", "{count} errors", "count", count=number)
    if severity is Severity.WARNING:
        return nmsg("{count} warning", "{count} warnings", "count", count=number)
    return nmsg("{count} note", "{count} notes", "count", count=number)


def files(number: int) -> Message:
    return nmsg("{count} file", "{count} files", "count", count=number)


def report_lint_text(run: Run, console: Console) -> None:
    """Findings grouped by file, then where to act, then one summary line (the findings
    alone with ``--quiet``)."""
    analysis = run.analysis
    assert analysis is not None
    t = translator(run.locale)
    current = None
    for diagnostic in run.diagnostics:
        if diagnostic.file != current:
            if current is not None:
                console.print()
            current = diagnostic.file
            console.print(Text(visible(diagnostic.file), style="bold underline"))
        row = Text(f"  {diagnostic.line}:{diagnostic.column}".ljust(10))
        row.append(f"{t.gettext(SEVERITIES[diagnostic.severity]):<8}", style=_STYLE[diagnostic.severity])
        row.append(f" {visible(diagnostic.text(t))}  ")
        row.append(f"{diagnostic.name} ({diagnostic.code})", style="dim")
        emit(console, row)
    if run.quiet:
        return
    if run.diagnostics:
        console.print()
    for section in (weakest_section, growth_section, segment_section, channel_section):
        lines = section(analysis, t)
        if lines:
            console.print(Text(lines[0], style="bold"))
            for line in lines[1:]:
                console.print(visible(line), highlight=False)
            console.print()
    console.print(summary(run, t))


def weakest_section(analysis: AnalysisResult, t: Translator) -> list[str]:
    from cjmkit.analysis.ranking import explain

    lines = []
    for rank, health in enumerate(analysis.stages[:5], 1):
        score = msg("score {explanation}", explanation=explain(health.score, health.reasons, t)).render(t)
        lines.append(f"  {rank}. {health.journey} / {health.name}  {score}")
        lines.append(f"     {'; '.join(reason.message.render(t) for reason in health.reasons)}")
    for journey in analysis.unranked:
        lines.append(
            msg(
                "{journey}: not ranked: {reason}", journey=journey.journey, reason=journey.message.render(t)
            ).render(t)
        )
        lines[-1] = "  " + lines[-1]
    return [t.gettext(N_("Weakest stages")), *lines] if lines else []


def by_currency(
    items: Sequence[T], currency: Callable[[T], str | None], t: Translator
) -> Iterator[tuple[list[str], list[T]]]:
    """The top five of each currency's ranking, each headed by its currency when several are
    ranked (sums in different currencies are not compared)."""
    groups = [(key, list(group)[:5]) for key, group in itertools.groupby(items, key=currency) if key]
    for key, group in groups:
        head = msg("in {currency}:", currency=key).render(t)
        yield (["  " + head] if len(groups) > 1 else []), group


def growth_lines(rank: int, point: GrowthPoint, t: Translator) -> list[str]:
    worth = ["+" + t.money(point.revenue, point.currency)]
    if point.profit is not None:
        worth.append(msg("profit {amount}", amount="+" + t.money(point.profit, point.currency)).render(t))
    if point.lifetime_revenue is not None:
        lifetime = "+" + t.money(point.lifetime_revenue, point.currency)
        worth.append(msg("lifetime {amount}", amount=lifetime).render(t))
    values: dict[str, Argument] = {
        "actual": Percent(point.actual),
        "target": Percent(point.target),
        "gained": "+" + t.number(point.customers_gained, 1),
        "downstream": Percent(point.downstream_conversion),
    }
    # The plural form of a fractional count: 3.8 customers, "3,8 клиента" (the "few" form).
    gained = point.customers_gained
    values["forms"] = int(gained) if gained == int(gained) else 2
    if point.target_source == "phase" and point.phase:
        conversion = nmsg(
            "conversion {actual} -> {target} ({phase} target): {gained} customer at {downstream} downstream",
            "conversion {actual} -> {target} ({phase} target): {gained} customers at {downstream} downstream",
            "forms",
            phase=Term(PHASES[point.phase]),
            **values,
        )
    else:
        conversion = nmsg(
            "conversion {actual} -> {target}: {gained} customer at {downstream} downstream",
            "conversion {actual} -> {target}: {gained} customers at {downstream} downstream",
            "forms",
            **values,
        )
    lines = [f"  {rank}. {point.journey} / {point.name}  {', '.join(worth)}", f"     {conversion.render(t)}"]
    appeal = [
        f"{t.gettext(MOTIVATIONS[kind])} ({', '.join(items)})"
        for kind, items in point.motivations.items()
        if items and kind in MOTIVATIONS
    ]
    if appeal:
        lines.append("     " + msg("appeal to: {motivations}", motivations="; ".join(appeal)).render(t))
    return lines


def growth_section(analysis: AnalysisResult, t: Translator) -> list[str]:
    lines = []
    for head, points in by_currency(analysis.growth_points, lambda p: p.currency, t):
        lines += head
        for rank, point in enumerate(points, 1):
            lines += growth_lines(rank, point, t)
    missing = [stage for stage in analysis.unvalued if stage.reason == "no-target"]
    if missing:
        names = Join(
            tuple(f"{s.journey} / {s.name}" for s in missing[:3]) + (("...",) if len(missing) > 3 else ())
        )
        lines.append(
            "  "
            + nmsg(
                "{count} stage before the purchase has no target conversion ({names}): set `funnel.target` "
                "on the stage, or a target per phase in cjm.yaml under "
                "`analysis: {{conversion_targets: {{consideration: 0.25}}}}`",
                "{count} stages before the purchase have no target conversion ({names}): set `funnel.target` "
                "on the stage, or a target per phase in cjm.yaml under "
                "`analysis: {{conversion_targets: {{consideration: 0.25}}}}`",
                "count",
                count=len(missing),
                names=names,
            ).render(t)
        )
    blind = [stage for stage in analysis.unvalued if stage.reason == "no-downstream-data"]
    if blind:
        lines.append(
            "  "
            + nmsg(
                "{count} stage under target not valued: a later stage up to the purchase has no "
                "funnel figures",
                "{count} stages under target not valued: a later stage up to the purchase has no "
                "funnel figures",
                "count",
                count=len(blind),
            ).render(t)
        )
    heading = t.gettext(N_("Growth points (revenue if each stage reached its target conversion)"))
    return [heading, *lines] if lines else []


def segment_section(analysis: AnalysisResult, t: Translator) -> list[str]:
    lines = []
    for head, segments in by_currency(analysis.segments, lambda s: s.currency, t):
        lines += head
        lines += [segment_line(rank, segment, t) for rank, segment in enumerate(segments, 1)]
    return [t.gettext(N_("Segments by revenue at stake")), *lines] if len(analysis.segments) > 1 else []


def segment_line(rank: int, segment: SegmentGrowth, t: Translator) -> str:
    name = segment.name
    if segment.kind == "b2b-stakeholder":
        name = msg("{name} (B2B stakeholder)", name=segment.name).render(t)
    worth = t.money(segment.revenue, segment.currency)
    if segment.profit is not None:
        worth += ", " + msg("profit {amount}", amount=t.money(segment.profit, segment.currency)).render(t)
    points = nmsg("{count} growth point", "{count} growth points", "count", count=segment.growth_points)
    journeys = nmsg("{count} journey", "{count} journeys", "count", count=len(segment.journeys))
    return f"  {rank}. {name}  {worth} ({points.render(t)}, {journeys.render(t)})"


def channel_section(analysis: AnalysisResult, t: Translator) -> list[str]:
    lines = []
    for head, channels in by_currency(analysis.channels, lambda c: c.currency, t):
        lines += head
        lines += [channel_line(rank, channel, t) for rank, channel in enumerate(channels, 1)]
    return [t.gettext(N_("Channels by revenue at stake at their stages")), *lines] if lines else []


def channel_line(rank: int, channel: ChannelSummary, t: Translator) -> str:
    worth = ", ".join(
        t.money(value, currency) for currency, value in (channel.revenue_at_stake or {}).items()
    )
    parts = [
        nmsg("{count} touchpoint", "{count} touchpoints", "count", count=len(channel.touchpoints)).render(t)
    ]
    if channel.negative_touchpoints:
        parts.append(msg("{count} negative", count=channel.negative_touchpoints).render(t))
    return f"  {rank}. {channel.name}  {worth} ({', '.join(parts)})"


def summary(run: Run, t: Translator) -> Text:
    """Counts per severity, the blocking ones (at ``--fail-on`` or worse) first, and the rules
    behind them."""
    counts = {severity: 0 for severity in Severity}
    blocking_rules: dict[str, int] = {}
    fail_on = run.fail_on or Severity.ERROR
    for diagnostic in run.diagnostics:
        counts[diagnostic.severity] += 1
        if diagnostic.severity.rank >= fail_on.rank:
            blocking_rules[diagnostic.name] = blocking_rules.get(diagnostic.name, 0) + 1
    blocking = [s for s in Severity if s.rank >= fail_on.rank and counts[s]]
    rest = [s for s in Severity if s.rank < fail_on.rank and counts[s]]
    checked = files(run.files)
    if not run.diagnostics:
        return Text(msg("No findings in {files}.", files=checked.render(t)).render(t), style="bold green")
    tail = ", ".join(count(s, counts[s]).render(t) for s in rest)
    if not blocking_rules:
        text = msg("Nothing blocking; {findings} in {files}.", findings=tail, files=checked.render(t))
        return Text(text.render(t), style="bold yellow")
    rules = ", ".join(
        f"{name} {number}" for name, number in sorted(blocking_rules.items(), key=lambda i: (-i[1], i[0]))
    )
    head = t.gettext(N_(" and ")).join(count(s, counts[s]).render(t) for s in blocking)
    if tail:
        text = msg(
            "Blocking: {blocking} ({rules}); also {rest} in {files}.",
            blocking=head, rules=rules, rest=tail, files=checked.render(t),
        )  # fmt: skip
    else:
        text = msg(
            "Blocking: {blocking} ({rules}) in {files}.", blocking=head, rules=rules, files=checked.render(t)
        )
    return Text(text.render(t), style="bold red")
