"""The analysis step: run the enabled rules over each scope, then rank where to act.

The ranking itself (weakness score, growth points, channels) is in ``ranking``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cjmkit.analysis.ranking import (
    ChannelSummary,
    GrowthPoint,
    StageHealth,
    channel_summaries,
    growth_points,
    journey_channels,
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
    points and channels, each list sorted for reports."""

    findings: list[Diagnostic] = field(default_factory=list)
    stages: list[StageHealth] = field(default_factory=list)
    growth_points: list[GrowthPoint] = field(default_factory=list)
    channels: list[ChannelSummary] = field(default_factory=list)
    #: Each requested journey's channels, counted over that journey alone.
    journey_channels: dict[str, list[ChannelSummary]] = field(default_factory=dict)

    def for_journey(self, file: str, journey: str) -> JourneyAnalysis:
        """The part of the result about one journey file, from indexes built once (not a scan
        of every list per journey)."""
        if self._by_file is None or self._by_journey is None:
            self._by_file, self._by_journey = {}, {}
            for finding in self.findings:
                self._by_file.setdefault(finding.file, []).append(finding)
            for health in self.stages:
                self._part(health.journey).stages.append(health)
            for point in self.growth_points:
                self._part(point.journey).growth_points.append(point)
            for journey_id, summaries in self.journey_channels.items():
                self._part(journey_id).channels.extend(summaries)
        part = self._by_journey.get(journey) or JourneyAnalysis()
        return JourneyAnalysis(self._by_file.get(file, []), part.stages, part.growth_points, part.channels)

    def _part(self, journey: str) -> JourneyAnalysis:
        assert self._by_journey is not None
        return self._by_journey.setdefault(journey, JourneyAnalysis())

    _by_file: dict[str, list[Diagnostic]] | None = field(default=None, repr=False, compare=False)
    _by_journey: dict[str, JourneyAnalysis] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class JourneyAnalysis:
    """Findings of one journey file, its weak stages, growth points and the channels it uses."""

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


def analyse(project: Project, rules: Sequence[Rule]) -> AnalysisResult:
    """Findings (validation errors of the loaded files + rule findings), rankings, channels."""
    result = AnalysisResult()
    for scope in scopes(project):
        documents = [scope.workspace_document, *scope.journey_documents]
        if not any(document and document.requested for document in documents):
            continue  # a workspace loaded only as context of another one
        result.findings += run_rules(scope, rules)
        shared = {channel.id: channel for channel in scope.workspace.channels} if scope.workspace else {}
        for document, journey in scope.journeys():
            if document.requested:
                result.stages += stage_health(document, journey, scope.option(MIN_STAGE_CONVERSION))
                result.growth_points += growth_points(journey)
                channels = shared | {channel.id: channel for channel in journey.channels}
                result.journey_channels.setdefault(journey.id, []).extend(journey_channels(journey, channels))
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


__all__ = ["AnalysisResult", "JourneyAnalysis", "analyse", "selected_rules", "unknown_selectors"]
