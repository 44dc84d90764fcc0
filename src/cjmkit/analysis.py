"""Analysis: run the enabled rules over a project, rank weak stages and growth points.

Weakness score of a stage (higher is weaker), the sum of:

- negative emotion: minus the lowest emotion of the stage or its touchpoints (0..2);
- emotion dip: 1 when the emotion fell by 2 or more from the previous stage;
- drop-off: 2 x (threshold - conversion) / threshold when the conversion
  (advanced / entered) is under `thresholds.min_stage_conversion` (0..2);
- KPI gaps: for each KPI that misses its target, its gap relative to the target
  (each at most 1; together at most 2);
- open issues: 0.5 per objection without response and barrier without
  recommendation (at most 2);
- no data: 0.5 when the stage states no evidence or only an assumption.

Revenue at stake of a stage (the growth points), with `economics.average_order_value`:

    (entered - advanced) x downstream conversion x average order value

where the downstream conversion is the product of advanced / entered over the
stages after it up to the journey's last `purchase` stage (1 for that stage
itself). It assumes that a customer kept at the stage would go on at the
conversion rates observed downstream and buy one average order. Stages after the
purchase are left out (what they lose is repeat business, which one average
order does not measure), and so are journeys without a `purchase` stage. It
ignores margins and repeat purchases: it ranks stages, it does not forecast
revenue. Growth points are ranked by revenue at stake within each currency.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cjmkit import codes
from cjmkit.diagnostics import Diagnostic, Severity, format_path
from cjmkit.loading.document import Document
from cjmkit.loading.validation import did_you_mean
from cjmkit.metrics import conversion, kpi_gap, lowest_emotion
from cjmkit.models import Journey, Thresholds
from cjmkit.rules import RULES, Rule, Scope, find_rule
from cjmkit.workspace import Project

_SUPPRESS = re.compile(r"#\s*cjm:\s*ignore(?:\[([^\]]*)\])?")


@dataclass(frozen=True)
class StageHealth:
    journey: str
    stage: str
    name: str
    file: str
    line: int
    column: int
    score: float
    signals: list[str]
    conversion: float | None
    emotion: int | None


@dataclass(frozen=True)
class GrowthPoint:
    journey: str
    stage: str
    name: str
    entered: int
    advanced: int
    lost: int
    downstream_conversion: float
    revenue_at_stake: float
    currency: str


@dataclass(frozen=True)
class ChannelSummary:
    channel: str
    name: str
    kind: str | None
    touchpoints: list[str]
    stages: list[str]
    average_emotion: float | None


@dataclass
class Analysis:
    findings: list[Diagnostic] = field(default_factory=list)
    stages: list[StageHealth] = field(default_factory=list)
    growth_points: list[GrowthPoint] = field(default_factory=list)
    channels: list[ChannelSummary] = field(default_factory=list)


def selected_rules(select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """Rules enabled by ``--select`` (all when empty) minus ``--ignore``."""
    rules = sorted(RULES.values(), key=lambda r: r.code)
    if select:
        rules = [r for r in rules if any(r.matches(s) for s in select)]
    return [r for r in rules if not any(r.matches(s) for s in ignore)]


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    return [s for s in selectors if not any(r.matches(s) for r in RULES.values())]


def selector_hint(selector: str) -> str:
    names = [r.slug for r in RULES.values()] + [r.code for r in RULES.values()]
    return did_you_mean(selector, names)


def scopes(project: Project) -> list[Scope]:
    """One scope per workspace, one per standalone journey."""
    grouped: dict[Any, Scope] = {}
    for document in project.journeys:
        workspace = project.workspace_for(document)
        key = workspace.path if workspace else document.path
        grouped.setdefault(key, Scope(workspace)).journey_documents.append(document)
    for document in project.workspaces:
        grouped.setdefault(document.path, Scope(document))
    return [grouped[key] for key in sorted(grouped)]


def suppressed(document: Document, line: int, rule: Rule) -> bool:
    """`# cjm: ignore[slug, ...]` on the finding's line, or alone on the line above it."""
    lines = document.lines
    candidates = [lines[line - 1]] if 0 < line <= len(lines) else []
    if 1 < line <= len(lines) + 1 and lines[line - 2].lstrip().startswith("#"):
        candidates.append(lines[line - 2])
    for text in candidates:
        match = _SUPPRESS.search(text)
        if match:
            listed = [s.strip() for s in (match.group(1) or "").split(",") if s.strip()]
            if not listed or any(rule.matches(s) for s in listed):
                return True
    return False


class _Config:
    """The `analysis:` section of a workspace, checked against the registry."""

    def __init__(self, scope: Scope) -> None:
        workspace = scope.workspace
        settings = workspace.analysis if workspace else None
        self.ignore = list(settings.ignore) if settings else []
        self.severity = dict(settings.severity) if settings else {}
        self.problems: list[Diagnostic] = []
        document = scope.workspace_document
        if document is None:
            return
        for index, name in enumerate(self.ignore):
            if not any(r.matches(name) for r in RULES.values()):
                document.error_at(
                    ("analysis", "ignore", index),
                    codes.INVALID_VALUE,
                    f"unknown rule {name!r}{selector_hint(name)}",
                )
        for name in self.severity:
            if find_rule(name) is None:
                document.error_at(
                    ("analysis", "severity", name),
                    codes.INVALID_VALUE,
                    f"unknown rule {name!r}{selector_hint(name)}",
                    key=True,
                )

    def enabled(self, rule: Rule) -> bool:
        return not any(rule.matches(name) for name in self.ignore)

    def severity_of(self, rule: Rule) -> Severity:
        for name in (rule.slug, rule.code):
            if name in self.severity:
                return Severity(self.severity[name])
        return rule.severity


def run_rules(scope: Scope, rules: Sequence[Rule]) -> list[Diagnostic]:
    config = _Config(scope)
    findings = []
    for rule in rules:
        if not config.enabled(rule):
            continue
        severity = config.severity_of(rule)
        for hit in rule.check(scope):
            if not hit.document.requested:
                continue
            line, column = hit.document.source_map.value(hit.path)
            if suppressed(hit.document, line, rule):
                continue
            findings.append(
                Diagnostic(
                    file=hit.document.display,
                    line=line,
                    column=column,
                    code=rule.code,
                    name=rule.slug,
                    message=hit.message,
                    path=format_path(hit.path),
                    severity=severity,
                    journey=hit.journey,
                    stage=hit.stage,
                    subject=hit.subject,
                )
            )
    return findings


def stage_health(document: Document, journey: Journey, thresholds: Thresholds) -> list[StageHealth]:
    health = []
    previous_emotion: int | None = None
    for index, stage in enumerate(journey.stages):
        signals: list[str] = []
        score = 0.0
        lowest = lowest_emotion(stage)
        if lowest is not None and lowest < 0:
            score += -lowest
            signals.append(f"emotion {lowest}")
        if (
            stage.emotion is not None
            and previous_emotion is not None
            and previous_emotion - stage.emotion >= 2
        ):
            score += 1
            signals.append(f"emotion dip {previous_emotion} -> {stage.emotion}")
        if stage.emotion is not None:
            previous_emotion = stage.emotion
        rate = conversion(stage)
        threshold = thresholds.min_stage_conversion
        if rate is not None and threshold > 0 and rate < threshold:
            score += 2 * (threshold - rate) / threshold
            signals.append(f"conversion {rate:.1%}")
        gaps = [(kpi, kpi_gap(kpi)) for kpi in stage.kpis]
        missed = [(kpi, gap) for kpi, gap in gaps if gap > 0]
        if missed:
            score += min(2.0, sum(gap for _, gap in missed))
            signals += [f"KPI {kpi.id} misses target" for kpi, _ in missed]
        open_issues = sum(1 for o in stage.objections if not o.response) + sum(
            1 for b in stage.barriers if not b.recommendation
        )
        if open_issues:
            score += min(2.0, 0.5 * open_issues)
            signals.append(f"{open_issues} unanswered objection(s)/barrier(s)")
        if stage.evidence is None or stage.evidence.level == "assumption":
            score += 0.5
            signals.append("no data")
        line, column = document.source_map.value(("stages", index))
        health.append(
            StageHealth(
                journey.id,
                stage.id,
                stage.name,
                document.display,
                line,
                column,
                round(score, 3),
                signals,
                None if rate is None else round(rate, 4),
                stage.emotion,
            )
        )
    return health


def growth_points(journey: Journey) -> list[GrowthPoint]:
    economics = journey.economics
    if economics is None:
        return []
    funnel_stages = [i for i, s in enumerate(journey.stages) if s.funnel and s.funnel.entered > 0]
    if not funnel_stages:
        return []
    purchases = [i for i in funnel_stages if journey.stages[i].phase == "purchase"]
    if not purchases:
        return []
    end = purchases[-1]
    points = []
    for index in (i for i in funnel_stages if i <= end):
        stage = journey.stages[index]
        assert stage.funnel is not None
        downstream = 1.0
        for later in funnel_stages:
            if index < later <= end:
                downstream *= conversion(journey.stages[later]) or 0.0
        lost = stage.funnel.entered - stage.funnel.advanced
        revenue = lost * downstream * economics.average_order_value
        if revenue > 0:
            points.append(
                GrowthPoint(
                    journey.id,
                    stage.id,
                    stage.name,
                    stage.funnel.entered,
                    stage.funnel.advanced,
                    lost,
                    round(downstream, 6),
                    round(revenue, 2),
                    economics.currency,
                )
            )
    return points


def channel_summaries(scope: Scope) -> list[ChannelSummary]:
    summaries = []
    journeys = [(d, j) for d, j in scope.journeys() if d.requested]
    for _, _, channel in scope.channels():
        touchpoints, stages, emotions = [], [], []
        for _, journey in journeys:
            for stage in journey.stages:
                for touchpoint in stage.touchpoints:
                    if touchpoint.channel != channel.id:
                        continue
                    touchpoints.append(f"{journey.id}/{touchpoint.id}")
                    if f"{journey.id}/{stage.id}" not in stages:
                        stages.append(f"{journey.id}/{stage.id}")
                    emotion = touchpoint.emotion if touchpoint.emotion is not None else stage.emotion
                    if emotion is not None:
                        emotions.append(emotion)
        average = round(sum(emotions) / len(emotions), 2) if emotions else None
        summaries.append(ChannelSummary(channel.id, channel.name, channel.kind, touchpoints, stages, average))
    return summaries


def analyse(project: Project, rules: Sequence[Rule]) -> Analysis:
    """Findings (validation errors of the loaded files + rule findings), rankings, channels."""
    result = Analysis()
    for scope in scopes(project):
        documents = [scope.workspace_document, *scope.journey_documents]
        if not any(document and document.requested for document in documents):
            continue  # a workspace loaded only as context of another one
        result.findings += run_rules(scope, rules)
        for document, journey in scope.journeys():
            if document.requested:
                result.stages += stage_health(document, journey, scope.thresholds)
                result.growth_points += growth_points(journey)
        result.channels += channel_summaries(scope)
    validation = [
        d
        for document in project.documents
        if document.requested or document.kind == "workspace"
        for d in document.diagnostics
    ]
    result.findings = sorted(validation + result.findings, key=lambda d: d.sort_key)
    result.stages = sorted((s for s in result.stages if s.score > 0), key=lambda s: -s.score)
    result.growth_points.sort(key=lambda g: (g.currency, -g.revenue_at_stake))
    result.channels.sort(key=lambda c: (-len(c.touchpoints), c.channel))
    return result


__all__ = ["Analysis", "analyse", "selected_rules", "unknown_selectors"]
