"""The analysis step: run the enabled rules over each scope, then rank where to act.

The weakness score and channels are in ``ranking``, growth points and segments in ``growth``.
Everything about a journey is keyed by its file, not its id: two standalone maps may
share an id, and each must see only its own stages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cjmkit.analysis.growth import (
    GrowthPoint,
    SegmentGrowth,
    UnrankedStage,
    journey_growth,
    segment_growth,
)
from cjmkit.analysis.ranking import (
    ChannelSummary,
    StageHealth,
    UnrankedJourney,
    channel_order,
    channel_summaries,
    journey_channels,
    rankable,
    stage_health,
)
from cjmkit.analysis.rules import RULES, Rule, Scope
from cjmkit.analysis.rules.weak import MIN_STAGE_CONVERSION
from cjmkit.analysis.settings import RuleSettings
from cjmkit.diagnostics import Diagnostic, format_path
from cjmkit.loading.document import Document
from cjmkit.project import Project

_SUPPRESS = re.compile(r"#\s*cjm:\s*ignore(?:\[([^\]]*)\])?")


@dataclass
class AnalysisResult:
    """What the analysis found: findings (validation errors included), weak stages, growth
    points, segments and channels, each list sorted for reports."""

    findings: list[Diagnostic] = field(default_factory=list)
    stages: list[StageHealth] = field(default_factory=list)
    #: Journeys whose stages all score the same, left out of ``stages``.
    unranked: list[UnrankedJourney] = field(default_factory=list)
    growth_points: list[GrowthPoint] = field(default_factory=list)
    #: Stages before the purchase that could not be valued (no target, no downstream figures).
    unvalued: list[UnrankedStage] = field(default_factory=list)
    segments: list[SegmentGrowth] = field(default_factory=list)
    channels: list[ChannelSummary] = field(default_factory=list)
    #: Each requested journey file's channels, counted over that journey alone.
    journey_channels: dict[str, list[ChannelSummary]] = field(default_factory=dict)

    def for_journey(self, file: str) -> JourneyAnalysis:
        """The part of the result about one journey file, from indexes built once (not a scan
        of every list per journey)."""
        if self._by_file is None:
            self._by_file = {}
            for finding in self.findings:
                self._part(finding.file).findings.append(finding)
            for health in self.stages:
                self._part(health.file).stages.append(health)
            for point in self.growth_points:
                self._part(point.file).growth_points.append(point)
            for stage in self.unvalued:
                self._part(stage.file).unvalued.append(stage)
            for key, summaries in self.journey_channels.items():
                self._part(key).channels.extend(summaries)
            for journey in self.unranked:
                self._part(journey.file).unranked.append(journey)
        return self._by_file.get(file) or JourneyAnalysis()

    def _part(self, file: str) -> JourneyAnalysis:
        assert self._by_file is not None
        return self._by_file.setdefault(file, JourneyAnalysis())

    _by_file: dict[str, JourneyAnalysis] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class JourneyAnalysis:
    """Findings of one journey file, its weak stages, growth points and the channels it uses."""

    findings: list[Diagnostic] = field(default_factory=list)
    stages: list[StageHealth] = field(default_factory=list)
    growth_points: list[GrowthPoint] = field(default_factory=list)
    unvalued: list[UnrankedStage] = field(default_factory=list)
    channels: list[ChannelSummary] = field(default_factory=list)
    #: The journey, when its stages all score the same (at most one: one journey per file).
    unranked: list[UnrankedJourney] = field(default_factory=list)


def selected_rules(select: Sequence[str], ignore: Sequence[str]) -> list[Rule]:
    """Rules enabled by ``--select`` (all when empty) minus ``--ignore``."""
    rules = sorted(RULES.values(), key=lambda r: r.code)
    if select:
        rules = [r for r in rules if any(r.matches(s) for s in select)]
    return [r for r in rules if not any(r.matches(s) for s in ignore)]


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    return [s for s in selectors if not any(r.matches(s) for r in RULES.values())]


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


def run_rules(scope: Scope, rules: Sequence[Rule]) -> list[Diagnostic]:
    config = RuleSettings.of(scope.workspace)
    findings = []
    for rule in rules:
        if not config.enabled(rule):
            continue
        for hit in rule.check(scope):
            if not hit.document.requested:
                continue
            line, column = hit.document.source_map.value(hit.path)
            if suppressed(hit.document, line, rule):
                continue
            severity = config.override(rule) or hit.severity or rule.severity
            findings.append(
                Diagnostic(
                    file=hit.document.display,
                    line=line,
                    column=column,
                    code=rule.code,
                    name=rule.slug,
                    message=hit.message.render(),
                    path=format_path(hit.path),
                    severity=severity,
                    journey=hit.journey,
                    stage=hit.stage,
                    subject=hit.subject,
                    template=hit.message,
                    advice=hit.advice,
                )
            )
    return findings


def analyse(project: Project, rules: Sequence[Rule]) -> AnalysisResult:
    """Findings (validation errors of the loaded files + rule findings), rankings, channels."""
    result = AnalysisResult()
    for scope in scopes(project):
        documents = [scope.workspace_document, *scope.journey_documents]
        if not any(document and document.requested for document in documents):
            continue  # a workspace loaded only as context of another one
        result.findings += run_rules(scope, rules)
        workspace = scope.workspace
        shared = {channel.id: channel for channel in workspace.channels} if workspace else {}
        threshold, tolerance = scope.option(MIN_STAGE_CONVERSION), scope.kpi_tolerance
        targets = scope.conversion_targets
        points: list[GrowthPoint] = []
        for document, journey in scope.journeys():
            if not document.requested:
                continue
            health = stage_health(document, journey, threshold, tolerance)
            unranked = rankable(health)
            if unranked is None:
                result.stages += health
            else:
                result.unranked.append(unranked)
            growth = journey_growth(journey, document.display, targets)
            points += growth.points
            result.unvalued += growth.unranked
        index = {(point.file, point.stage): point for point in points}
        for document, journey in scope.journeys():
            if document.requested:
                channels = shared | {channel.id: channel for channel in journey.channels}
                result.journey_channels[document.display] = journey_channels(
                    document, journey, channels, index
                )
        result.channels += channel_summaries(scope, index)
        segments = {s.id: (s.name, s.kind) for s in workspace.segments} if workspace else {}
        result.segments += segment_growth(points, segments)
        result.growth_points += points
    validation = [
        d
        for document in project.documents
        if document.requested or document.kind == "workspace"
        for d in document.diagnostics
    ]
    result.findings = sorted(validation + result.findings, key=lambda d: d.sort_key)
    result.stages = sorted((s for s in result.stages if s.score > 0), key=lambda s: -s.score)
    result.growth_points.sort(key=lambda g: (g.currency, -g.revenue, g.file, g.stage))
    result.segments.sort(key=lambda s: (s.currency, -s.revenue, s.name))
    result.channels.sort(key=channel_order)
    return result


__all__ = ["AnalysisResult", "JourneyAnalysis", "analyse", "selected_rules", "unknown_selectors"]
