"""One typed view of a journey for every renderer: resolved references, analysis, labels.

Templates receive a JourneyView (the workspace index a list of them) and never look
anything up themselves. Views are frozen and hold plain values only, never the pydantic
models: what a template may show is exactly what the view declares, and a template
cannot reach into the map. Text stays raw here; escaping is the job of each output
format (Jinja autoescape for HTML, filters for Markdown and DOT).
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import pathlib
import re
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from cjmkit.analysis import AnalysisResult, ChannelSummary, GrowthPoint, StageHealth, UnrankedStage
from cjmkit.analysis.flow import journey_flow
from cjmkit.analysis.growth import target_of
from cjmkit.analysis.measures import conversion, kpi_misses_target, volumes
from cjmkit.compare.engine import Comparison, Element, Resolution
from cjmkit.diagnostics import Diagnostic, Severity
from cjmkit.errors import UsageError
from cjmkit.i18n import Name, msg
from cjmkit.loading.document import Document
from cjmkit.loading.yaml_source import Position, Positions
from cjmkit.models import KPI, Channel, Journey, Motivations, Persona, Segment, Stage
from cjmkit.models.base import PHASE_ORDER
from cjmkit.renderers.i18n import LABELS, Locale

#: The emotion scale -2..+2 as an orange-blue diverging palette (Okabe-Ito vermilion and blue
#: hues): each colour is a mark on white at >= 3:1 contrast (WCAG non-text contrast) and still
#: carries black text at >= 4.5:1 (the Graphviz nodes); neighbouring levels stay apart under
#: simulated deuteranopia, protanopia and tritanopia (tests/test_a11y.py). Colour is never the
#: only cue: wherever a colour shows an emotion, its signed value is shown too.
EMOTION_COLORS = {-2: "#cc6000", -1: "#c07854", 0: "#868686", 1: "#309cd8", 2: "#486cfc"}
#: No emotion stated: a pale fill, always drawn with "?" (diagram) or a hatched chip (HTML).
NO_EMOTION_COLOR = "#e0e0e0"
#: Evidence levels from the same palette; always shown with their text label and a dot shape.
EVIDENCE_COLORS = {"data": "#486cfc", "partial": "#309cd8", "assumption": "#cc6000", None: "#868686"}


@dataclass(frozen=True)
class Palette:
    """The colours a deliverable may use for emotions and evidence, for legends and averages."""

    emotions: tuple[tuple[int, str], ...] = tuple(sorted(EMOTION_COLORS.items()))
    evidence: tuple[tuple[str, str], ...] = tuple(
        (key or "none", color) for key, color in EVIDENCE_COLORS.items()
    )
    none: str = NO_EMOTION_COLOR

    def nearest(self, value: float) -> str:
        """The colour of the emotion level nearest to an average (ties round away from zero)."""
        level = max(-2, min(2, int(abs(value) + 0.5) * (1 if value >= 0 else -1)))
        return EMOTION_COLORS[level]


PALETTE = Palette()


@dataclass(frozen=True)
class Brand:
    """Colour, logo (a data: URI) and name shown on the deliverable."""

    color: str = "#1f4e79"
    logo: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class MotivationsView:
    rational: tuple[str, ...]
    emotional: tuple[str, ...]


@dataclass(frozen=True)
class PersonaView:
    id: str | None
    name: str
    segment: str | None
    description: str | None
    goals: tuple[str, ...]
    needs: tuple[str, ...]
    pains: tuple[str, ...]
    jtbd: str | None
    motivations: MotivationsView | None


@dataclass(frozen=True)
class SegmentView:
    id: str
    name: str
    description: str | None
    size: int | None
    kind: str | None


@dataclass(frozen=True)
class ChannelView:
    id: str
    name: str
    kind: str | None
    description: str | None


@dataclass(frozen=True)
class TouchpointView:
    id: str
    name: str
    channel: str
    channel_name: str
    emotion: int | None
    color: str
    description: str | None
    content: str | None
    trigger: str | None
    actors: tuple[str, ...]
    next: tuple[str, ...]
    flagged: bool
    #: Where the touchpoint stands in its file (1-based); shown only in live mode (LiveView).
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class KpiView:
    id: str
    name: str
    target: float
    actual: float | None
    target_text: str
    actual_text: str
    unit: str | None
    direction: str
    source: str | None
    measured: bool
    met: bool | None
    #: Bar lengths as shares of the longer of target and actual (0..1), for the target-vs-actual bars.
    actual_bar: float
    target_bar: float
    #: Where the KPI stands in its file (1-based); shown only in live mode (LiveView).
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class FunnelView:
    entered: int
    advanced: int
    entered_text: str
    advanced_text: str
    conversion_text: str
    drop_off_text: str
    #: Share of the journey's largest `entered`, for the funnel bar (0..1).
    width: float
    conversion: float | None


@dataclass(frozen=True)
class ObjectionView:
    id: str
    text: str
    answer: str | None
    #: Where the objection or barrier stands in its file (1-based); shown only in live mode.
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class StageView:
    index: int
    id: str
    name: str
    phase: str | None
    phase_label: str
    customer_goal: str | None
    actions: tuple[str, ...]
    thoughts: tuple[str, ...]
    expectations: tuple[str, ...]
    emotion: int | None
    emotion_color: str
    motivations: MotivationsView | None
    strategy: str | None
    touchpoints: tuple[TouchpointView, ...]
    objections: tuple[ObjectionView, ...]
    barriers: tuple[ObjectionView, ...]
    opportunities: tuple[str, ...]
    kpis: tuple[KpiView, ...]
    funnel: FunnelView | None
    #: The stage's target conversion, formatted: its `funnel.target`, else the workspace's
    #: `analysis.conversion_targets` for its phase; empty without one. A future map's funnel may
    #: hold the target alone.
    funnel_target_text: str
    evidence_level: str | None
    evidence_label: str
    evidence_color: str
    evidence_sources: tuple[str, ...]
    flagged: bool
    health: StageHealth | None
    #: Where the stage stands in its file (1-based); shown only in live mode (LiveView).
    line: int = 0
    column: int = 0
    #: The target conversion as a number (see ``funnel_target_text``), for the spreadsheet.
    target_conversion: float | None = None


@dataclass(frozen=True)
class CurvePoint:
    x: float
    y: float
    emotion: int
    color: str
    label: str


def _level(height: float, emotion: int) -> float:
    return round(height / 2 - emotion * (height / 2 - 14) / 2, 1)


@dataclass(frozen=True)
class EmotionCurve:
    """An SVG polyline across the stage columns; y grows downwards, +2 at the top."""

    width: float
    height: float
    column: float
    points: tuple[CurvePoint, ...]
    #: Touchpoints with their own emotion, spread across their stage's column in touchpoint order.
    touchpoints: tuple[CurvePoint, ...] = ()

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def touchpoint_path(self) -> str:
        """SVG path data through the touchpoint points (empty when fewer than two)."""
        if len(self.touchpoints) < 2:
            return ""
        return "M" + " L".join(f"{p.x:.1f},{p.y:.1f}" for p in self.touchpoints)

    def level(self, emotion: int) -> float:
        return _level(self.height, emotion)


@dataclass(frozen=True)
class FlowView:
    """The touchpoint flow for the diagram: touchpoint ids in the customer's order, and edges."""

    touchpoints: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ResolutionView:
    """A barrier or objection of the baseline and what the future map does about it."""

    kind: str
    id: str
    stage: str
    stage_name: str
    text: str
    #: Names of the future touchpoints that resolve it (empty: still open).
    by: tuple[str, ...]
    #: The report's sentence: resolved by ..., still there, or gone without a resolving touchpoint.
    status: str


@dataclass(frozen=True)
class CompareStageView:
    id: str
    name: str
    emotion_current: int | None
    emotion_future: int | None
    emotion_text: str
    conversion_text: str


@dataclass(frozen=True)
class ContributionView:
    name: str
    conversion_text: str
    revenue_text: str


@dataclass(frozen=True)
class ElementView:
    kind: str
    kind_label: str
    id: str
    name: str


@dataclass(frozen=True)
class ComparisonView:
    """`cjm compare` in the map's language: every number already formatted (compare.report)."""

    heading: str
    current_title: str
    future_title: str
    #: Column headings of the report's tables: stages, barriers, revenue.
    stage_columns: tuple[str, ...]
    barrier_columns: tuple[str, ...]
    revenue_columns: tuple[str, ...]
    stages: tuple[CompareStageView, ...]
    resolved: tuple[ResolutionView, ...]
    unresolved: tuple[ResolutionView, ...]
    resolved_text: str
    unresolved_text: str
    added_heading: str
    removed_heading: str
    added: tuple[ElementView, ...]
    removed: tuple[ElementView, ...]
    #: Revenue today, projected and the signed change ("" each when it cannot be computed).
    revenue_current_text: str
    revenue_future_text: str
    revenue_delta_text: str
    revenue_delta: float | None
    contributions: tuple[ContributionView, ...]
    #: The report's Markdown tables (escaped), for the Markdown deliverable.
    markdown: str


@dataclass(frozen=True)
class FutureView:
    """What a future map changes against its baseline (the current map of its workspace)."""

    baseline: str
    baseline_title: str
    #: The baseline's emotions at the future map's stage columns (stages matched by id).
    curve: tuple[CurvePoint, ...]
    path: str
    #: Touchpoint id -> the accessible title of its ✓ badge (what it resolves).
    badges: Mapping[str, str]
    comparison: ComparisonView


@dataclass(frozen=True)
class JourneyView:
    id: str
    title: str
    description: str | None
    owner: str | None
    updated: datetime.date | None
    updated_text: str
    #: The segment id the map names, shown as is when the workspace does not define it.
    segment_id: str | None
    segment: SegmentView | None
    persona: PersonaView | None
    currency: str | None
    average_order_text: str
    file: str
    #: Output file stem, unique across the maps rendered together.
    output_name: str
    locale: Locale
    labels: Mapping[str, str]
    brand: Brand
    stages: tuple[StageView, ...]
    channels: tuple[ChannelView, ...]
    flow: FlowView
    findings: tuple[Diagnostic, ...]
    findings_by_severity: Mapping[str, tuple[Diagnostic, ...]]
    weakest: tuple[StageHealth, ...]
    growth_points: tuple[GrowthPoint, ...]
    #: Stages before the purchase with funnel figures but no growth point: reason `no-target`
    #: (no target conversion set) or `no-downstream-data`.
    unvalued: tuple[UnrankedStage, ...]
    #: How many stages score the same when none can be ranked (a map with no figures), else 0.
    tied_stages: int
    channel_summaries: tuple[ChannelSummary, ...]
    curve: EmotionCurve
    #: The map, persona, segment and channels as JSON values, dumped once for the JSON export.
    export: Mapping[str, Any]
    #: Emotion and evidence colours for legends and averages.
    palette: Palette = PALETTE
    #: `client` or `team` (see AUDIENCES); set by audience_view.
    audience: str = "team"
    #: The findings as recommendations by stage, in the map's language (set by audience_view).
    recommendations: tuple[StageRecommendations, ...] = ()
    #: A future map compared with its baseline; None for current maps or without a baseline.
    future: FutureView | None = None
    #: Live mode (`cjm serve`): source links and findings on the cards; None in deliverables.
    live: LiveView | None = None


def in_language(health: StageHealth, locale: Locale) -> StageHealth:
    """A weak stage with its reasons and explanation in the map's language."""
    from cjmkit.analysis.ranking import explain

    translator = locale.translator
    return dataclasses.replace(
        health,
        signals=[reason.message.render(translator) for reason in health.reasons],
        explanation=explain(health.score, health.reasons, translator),
    )


def format_value(value: float | None, kpi: KPI, locale: Locale, currency: str | None) -> str:
    if value is None:
        return locale.labels["not_measured"]
    return locale.translator.quantity(value, kpi.unit, currency)


def kpi_view(kpi: KPI, locale: Locale, currency: str | None, where: Position = (0, 0)) -> KpiView:
    top = max(abs(kpi.target), abs(kpi.actual or 0.0)) or 1.0
    return KpiView(
        id=kpi.id,
        name=kpi.name,
        target=kpi.target,
        actual=kpi.actual,
        target_text=format_value(kpi.target, kpi, locale, currency),
        actual_text=format_value(kpi.actual, kpi, locale, currency),
        unit=kpi.unit,
        direction=kpi.direction,
        source=kpi.source,
        measured=kpi.actual is not None,
        met=None if kpi.actual is None else not kpi_misses_target(kpi),
        actual_bar=round(abs(kpi.actual or 0.0) / top, 4),
        target_bar=round(abs(kpi.target) / top, 4),
        line=where[0],
        column=where[1],
    )


def emotion_color(emotion: int | None) -> str:
    return EMOTION_COLORS.get(emotion, NO_EMOTION_COLOR) if emotion is not None else NO_EMOTION_COLOR


def motivations_view(motivations: Motivations | None) -> MotivationsView | None:
    if motivations is None:
        return None
    return MotivationsView(tuple(motivations.rational), tuple(motivations.emotional))


def persona_view(persona: Persona) -> PersonaView:
    return PersonaView(
        id=persona.id,
        name=persona.name,
        segment=persona.segment,
        description=persona.description,
        goals=tuple(persona.goals),
        needs=tuple(persona.needs),
        pains=tuple(persona.pains),
        jtbd=persona.jtbd,
        motivations=motivations_view(persona.motivations),
    )


def segment_view(segment: Segment) -> SegmentView:
    return SegmentView(segment.id, segment.name, segment.description, segment.size, segment.kind)


def channel_view(channel: Channel) -> ChannelView:
    return ChannelView(channel.id, channel.name, channel.kind, channel.description)


def stage_view(
    index: int, stage: Stage, channels: Mapping[str, Channel], locale: Locale, currency: str | None,
    widest: int, health: StageHealth | None, positions: Positions | None = None,
    phase_targets: Mapping[str, float] | None = None,
) -> StageView:  # fmt: skip
    """The view of stage number ``index``; with ``positions`` (the file's source map) each card
    knows where it stands in the file; ``phase_targets`` are the workspace's target conversions."""
    found = target_of(stage, phase_targets or {})
    target = found[0] if found else None

    def at(*path: str | int) -> Position:
        return positions.value(("stages", index, *path)) if positions is not None else (0, 0)

    flagged = any(not o.response for o in stage.objections) or any(
        not b.recommendation for b in stage.barriers
    )
    touchpoints = tuple(
        TouchpointView(
            id=tp.id, name=tp.name, channel=tp.channel,
            channel_name=channels[tp.channel].name if tp.channel in channels else tp.channel,
            emotion=tp.emotion, color=emotion_color(tp.emotion if tp.emotion is not None else stage.emotion),
            description=tp.description, content=tp.content, trigger=tp.trigger,
            actors=tuple(tp.actors), next=tuple(tp.next),
            flagged=flagged, line=at("touchpoints", number)[0], column=at("touchpoints", number)[1],
        )
        for number, tp in enumerate(stage.touchpoints)
    )  # fmt: skip
    funnel = None
    counted = volumes(stage)
    if counted is not None:
        rate = conversion(stage)
        entered, advanced = counted
        funnel = FunnelView(
            entered=entered,
            advanced=advanced,
            entered_text=locale.number(entered, 0),
            advanced_text=locale.number(advanced, 0),
            conversion_text=locale.percent(rate),
            drop_off_text=locale.percent(None if rate is None else 1 - rate),
            width=round(entered / widest, 4) if widest else 0.0,
            conversion=rate,
        )
    level = stage.evidence.level if stage.evidence else None
    return StageView(
        index=index,
        id=stage.id,
        name=stage.name,
        phase=stage.phase,
        phase_label=locale.phases.get(stage.phase, "") if stage.phase else "",
        customer_goal=stage.customer_goal,
        actions=tuple(stage.actions),
        thoughts=tuple(stage.thoughts),
        expectations=tuple(stage.expectations),
        emotion=stage.emotion,
        emotion_color=emotion_color(stage.emotion),
        motivations=motivations_view(stage.motivations),
        strategy=stage.strategy,
        touchpoints=touchpoints,
        objections=tuple(
            ObjectionView(o.id, o.text, o.response, *at("objections", number))
            for number, o in enumerate(stage.objections)
        ),
        barriers=tuple(
            ObjectionView(b.id, b.text, b.recommendation, *at("barriers", number))
            for number, b in enumerate(stage.barriers)
        ),
        opportunities=tuple(stage.opportunities),
        kpis=tuple(
            kpi_view(kpi, locale, currency, at("kpis", number)) for number, kpi in enumerate(stage.kpis)
        ),
        funnel=funnel,
        funnel_target_text="" if target is None else locale.percent(target),
        target_conversion=target,
        evidence_level=level,
        evidence_label=locale.labels[f"evidence_{level or 'none'}"],
        evidence_color=EVIDENCE_COLORS[level],
        evidence_sources=tuple(stage.evidence.sources) if stage.evidence else (),
        flagged=flagged,
        health=health,
        line=at()[0],
        column=at()[1],
    )


def signed_label(name: str, emotion: int) -> str:
    """`Name: +1` (or `: 0`, `: -2`), the accessible title of a point on the curve."""
    return f"{name}: {emotion:+d}" if emotion else f"{name}: 0"


def touchpoint_points(stage: StageView, column: float, height: float) -> tuple[CurvePoint, ...]:
    """Points for the stage's touchpoints with an emotion, evenly spread inside its column.

    The outer eighth of the column on each side stays empty so that points of neighbouring
    stages never touch; a single touchpoint sits in the middle of the column.
    """
    felt = [tp for tp in stage.touchpoints if tp.emotion is not None]
    if not felt:
        return ()
    left, inner = column * stage.index + column / 8, column * 3 / 4
    step = inner / len(felt)
    return tuple(
        CurvePoint(
            x=round(left + step * (i + 0.5), 1),
            y=_level(height, tp.emotion),
            emotion=tp.emotion,
            color=emotion_color(tp.emotion),
            label=signed_label(tp.name, tp.emotion),
        )
        for i, tp in enumerate(felt)
        if tp.emotion is not None
    )


def emotion_curve(stages: Sequence[StageView], column: float = 220.0, height: float = 120.0) -> EmotionCurve:
    points = tuple(
        CurvePoint(
            x=round(column * stage.index + column / 2, 1),
            y=_level(height, stage.emotion),
            emotion=stage.emotion,
            color=stage.emotion_color,
            label=signed_label(stage.name, stage.emotion),
        )
        for stage in stages
        if stage.emotion is not None
    )
    touchpoints = tuple(point for stage in stages for point in touchpoint_points(stage, column, height))
    return EmotionCurve(
        width=column * len(stages), height=height, column=column, points=points, touchpoints=touchpoints
    )


def comparison_view(comparison: Comparison, locale: Locale) -> ComparisonView:
    """The comparison with its texts in the map's language, made by compare.report's helpers."""
    from cjmkit.compare import report

    t = locale.translator
    names = {tp.id: tp.name for stage in comparison.future.stages for tp in stage.touchpoints}

    def resolution(entry: Resolution) -> ResolutionView:
        return ResolutionView(
            kind=entry.kind, id=entry.id, stage=entry.stage, stage_name=entry.stage_name, text=entry.text,
            by=tuple(names.get(by, by) for by in entry.by), status=report.resolution_text(entry, t),
        )  # fmt: skip

    def element(entry: Element) -> ElementView:
        return ElementView(entry.kind, t.gettext(report.KINDS[entry.kind]), entry.id, entry.name)

    revenue = comparison.revenue
    currency = revenue.currency if revenue else ""
    resolved_text, unresolved_text = report.counts(comparison, t)
    heading = msg(
        report.HEADING, future=Name(comparison.future.title), current=Name(comparison.current.title)
    )
    return ComparisonView(
        heading=heading.render(t),
        current_title=comparison.current.title,
        future_title=comparison.future.title,
        stage_columns=tuple(t.gettext(c) for c in report.COLUMNS_STAGES),
        barrier_columns=tuple(t.gettext(c) for c in report.COLUMNS_BARRIERS),
        revenue_columns=tuple(t.gettext(c) for c in report.COLUMNS_REVENUE),
        stages=tuple(
            CompareStageView(
                id=s.stage,
                name=s.name,
                emotion_current=None if s.emotion.current is None else int(s.emotion.current),
                emotion_future=None if s.emotion.future is None else int(s.emotion.future),
                emotion_text=report.emotion_text(s.emotion, t),
                conversion_text=f"{report.rate_text(s.conversion.current, t)} → "
                f"{report.rate_text(s.conversion.future, t)}",
            )
            for s in comparison.stages
        ),
        resolved=tuple(resolution(entry) for entry in comparison.resolved),
        unresolved=tuple(resolution(entry) for entry in comparison.unresolved),
        resolved_text=resolved_text,
        unresolved_text=unresolved_text,
        added_heading=t.gettext(report.ADDED),
        removed_heading=t.gettext(report.REMOVED),
        added=tuple(element(e) for e in comparison.added),
        removed=tuple(element(e) for e in comparison.removed),
        revenue_current_text=t.money(revenue.current, revenue.currency) if revenue else "",
        revenue_future_text=t.money(revenue.future, revenue.currency) if revenue else "",
        revenue_delta_text=report.signed_money(revenue.delta, revenue.currency, t) if revenue else "",
        revenue_delta=revenue.delta if revenue else None,
        contributions=tuple(
            ContributionView(
                name=c.name,
                conversion_text=f"{report.rate_text(c.current, t)} → {t.percent(c.future)}",
                revenue_text=report.signed_money(c.revenue, currency, t),
            )
            for c in (revenue.contributions if revenue else [])
        ),
        markdown=report.markdown_tables(comparison, t),
    )


def future_view(
    future: Journey, baseline: Journey, stages: Sequence[StageView], curve: EmotionCurve, locale: Locale
) -> FutureView:
    """The future map against ``baseline``: its curve under the future one (a point only where a
    stage of the future map has the baseline's stage of the same id and an emotion there), the
    touchpoints that resolve the baseline's barriers and objections, and the comparison."""
    from cjmkit.compare import compare

    comparison = compare(baseline, future)
    before = {stage.id: stage for stage in baseline.stages}
    points = []
    for stage in stages:
        old = before.get(stage.id)
        if old is None or old.emotion is None:
            continue
        points.append(
            CurvePoint(
                x=round(curve.column * stage.index + curve.column / 2, 1),
                y=_level(curve.height, old.emotion),
                emotion=old.emotion,
                color=emotion_color(old.emotion),
                label=signed_label(old.name, old.emotion),
            )
        )
    texts: dict[str, list[str]] = {}
    for entry in comparison.resolved:
        for touchpoint in entry.by:
            texts.setdefault(touchpoint, []).append(entry.text)
    label = locale.labels["resolves"]
    return FutureView(
        baseline=baseline.id,
        baseline_title=baseline.title,
        curve=tuple(points),
        path=" ".join(f"{p.x:.1f},{p.y:.1f}" for p in points),
        badges=MappingProxyType({tp: f"{label}: {'; '.join(found)}" for tp, found in texts.items()}),
        comparison=comparison_view(comparison, locale),
    )


def flow_view(journey: Journey) -> FlowView:
    flow = journey_flow(journey)
    return FlowView(
        touchpoints=tuple(node.touchpoint.id for node in flow.nodes),
        edges=tuple((source, target) for source, targets in flow.edges.items() for target in targets),
    )


def json_values(
    journey: Journey, persona: Persona | None, segment: Segment | None, channels: Sequence[Channel]
) -> dict[str, Any]:
    return {
        # The persona union (id or inline object) makes pydantic warn needlessly on dump.
        "journey": journey.model_dump(mode="json", exclude_none=True, warnings=False),
        "persona": persona.model_dump(mode="json", exclude_none=True) if persona else None,
        "segment": segment.model_dump(mode="json", exclude_none=True) if segment else None,
        "channels": [c.model_dump(mode="json", exclude_none=True) for c in channels],
    }


def journey_view(
    document: Document, workspace: Document | None, analysis: AnalysisResult, brand: Brand,
    locale_override: str | None = None, output_name: str = "", baseline: Journey | None = None,
) -> JourneyView:  # fmt: skip
    """The view of one valid journey; ``output_name`` defaults to the journey id. A future map
    with its ``baseline`` (the current map its `baseline` names) is compared with it."""
    journey = document.journey
    assert journey is not None
    space = workspace.workspace if workspace else None
    locale = Locale(locale_override or journey.locale or (space.locale if space else None))
    channels = {c.id: c for c in (space.channels if space else [])}
    channels.update({c.id: c for c in journey.channels})
    persona: Persona | None = journey.persona if isinstance(journey.persona, Persona) else None
    if isinstance(journey.persona, str) and space:
        persona = next((p for p in space.personas if p.id == journey.persona), None)
    segment = next((s for s in space.segments if s.id == journey.segment), None) if space else None
    # From indexes built once per analysis: filtering every list here made a workspace quadratic.
    found = analysis.for_journey(document.display)
    health = {h.stage: h for h in found.stages}
    currency = journey.economics.currency if journey.economics else None
    widest = max((counted[0] for s in journey.stages if (counted := volumes(s))), default=0)
    stages = tuple(
        stage_view(
            i,
            stage,
            channels,
            locale,
            currency,
            widest,
            health.get(stage.id),
            document.source_map,
            {str(k): v for k, v in space.analysis.conversion_targets.items()}
            if space and space.analysis
            else None,
        )
        for i, stage in enumerate(journey.stages)
    )
    used: dict[str, Channel] = {}
    for stage in journey.stages:
        for touchpoint in stage.touchpoints:
            channel = channels.get(touchpoint.channel)
            if channel is not None:
                used.setdefault(channel.id, channel)
    findings = tuple(found.findings)
    curve = emotion_curve(stages)
    future = future_view(journey, baseline, stages, curve, locale) if journey.future and baseline else None
    return JourneyView(
        id=journey.id,
        title=journey.title,
        description=journey.description,
        owner=journey.owner,
        updated=journey.updated,
        updated_text=locale.date(journey.updated),
        segment_id=journey.segment,
        segment=segment_view(segment) if segment else None,
        persona=persona_view(persona) if persona else None,
        currency=currency,
        average_order_text=(
            locale.money(journey.economics.average_order_value, journey.economics.currency)
            if journey.economics else ""
        ),
        file=document.display,
        output_name=output_name or journey.id,
        locale=locale,
        labels=locale.labels,
        brand=brand,
        stages=stages,
        channels=tuple(channel_view(c) for c in used.values()),
        flow=flow_view(journey),
        findings=findings,
        findings_by_severity=MappingProxyType(
            {s.value: tuple(f for f in findings if f.severity is s) for s in Severity}
        ),
        weakest=tuple(in_language(health, locale) for health in found.stages),
        growth_points=tuple(found.growth_points),
        unvalued=tuple(found.unvalued),
        tied_stages=found.unranked[0].stages if found.unranked else 0,
        channel_summaries=tuple(found.channels),
        curve=curve,
        export=MappingProxyType(json_values(journey, persona, segment, list(used.values()))),
        future=future,
    )  # fmt: skip


#: Who a deliverable is for (models.workspace.AUDIENCES). `client`: findings as recommendations
#: in plain words by stage, no rule codes, file positions, owner or internal fields; `team`:
#: everything, for review.
#: `cjm render` makes client deliverables; the team reviews with `cjm lint` and `cjm diff`.
DEFAULT_AUDIENCE = "client"


@dataclass(frozen=True)
class FindingView:
    """One analysis finding in the map's language: what to do (``advice``) and what was found."""

    severity: str
    advice: str
    message: str


@dataclass(frozen=True)
class StageRecommendations:
    """The recommendations of one stage (``stage`` None: the journey as a whole), worst first."""

    stage: str | None
    name: str
    #: The worst severity among the findings: `error`, `warning` or `info`.
    severity: str
    findings: tuple[FindingView, ...]

    @property
    def recommendations(self) -> tuple[str, ...]:
        return tuple(finding.advice for finding in self.findings)


def finding_view(finding: Diagnostic, locale: Locale) -> FindingView:
    """The finding rendered in the map's language; its advice falls back to the message."""
    translator = locale.translator
    message = finding.template.render(translator) if finding.template else finding.message
    advice = finding.advice.render(translator) if finding.advice else message
    return FindingView(severity=finding.severity.value, advice=advice, message=message)


def stage_recommendations(
    findings: Sequence[Diagnostic], stages: Sequence[StageView], locale: Locale, whole_journey: str
) -> tuple[StageRecommendations, ...]:
    """Findings grouped by stage in the map's order, the journey-wide ones first (named
    ``whole_journey``); inside a group the worst come first and a repeated advice is shown once."""
    names = {stage.id: stage.name for stage in stages}
    order: list[str | None] = [None, *names]
    groups: dict[str | None, list[FindingView]] = {}
    for finding in findings:
        key = finding.stage if finding.stage in names else None
        view = finding_view(finding, locale)
        group = groups.setdefault(key, [])
        if all(view.advice != seen.advice for seen in group):
            group.append(view)
    rank = {severity.value: severity.rank for severity in Severity}
    result = []
    for key in order:
        if key not in groups:
            continue
        items = sorted(groups[key], key=lambda item: -rank[item.severity])  # stable: map order kept
        result.append(
            StageRecommendations(
                stage=key,
                name=whole_journey if key is None else names[key],
                severity=items[0].severity,
                findings=tuple(items),
            )
        )
    return tuple(result)


def _client_export(export: Mapping[str, Any], journey: Journey, show_owner: bool) -> dict[str, Any]:
    """The JSON values without the owner (unless shown) and each stage's internal fields."""
    data = dict(export)
    values = dict(data["journey"])
    if not show_owner:
        values.pop("owner", None)
    stages = []
    for stage, model in zip(values.get("stages", []), journey.stages, strict=False):
        stages.append({k: v for k, v in stage.items() if k != "internal" and k not in model.internal})
    values["stages"] = stages
    data["journey"] = values
    return data


def _client_stage(stage: StageView, hidden: Sequence[str]) -> StageView:
    """The stage without the fields its map marks `internal`."""
    empty: dict[str, Any] = {"strategy": None, "customer_goal": None, "motivations": None}
    return dataclasses.replace(stage, **{name: empty.get(name, ()) for name in hidden})


def audience_view(
    view: JourneyView, document: Document, audience: str = DEFAULT_AUDIENCE, show_owner: bool = False
) -> JourneyView:
    """The view for ``audience``: the findings grouped as recommendations by stage for both;
    for `client` also without the owner (unless ``show_owner``) and the stages' internal fields."""
    journey = document.journey
    assert journey is not None
    whole = view.locale.translator.gettext(LABELS["whole_journey"])
    recommendations = stage_recommendations(view.findings, view.stages, view.locale, whole)
    if audience != "client":
        return dataclasses.replace(view, audience=audience, recommendations=recommendations)
    stages = tuple(
        _client_stage(stage, model.internal) if model.internal else stage
        for stage, model in zip(view.stages, journey.stages, strict=True)
    )
    return dataclasses.replace(
        view,
        audience=audience,
        recommendations=recommendations,
        owner=view.owner if show_owner else None,
        stages=stages,
        export=MappingProxyType(_client_export(view.export, journey, show_owner)),
    )


#: The editor link of live mode (`cjm serve`): Visual Studio Code at the element's line and column.
DEFAULT_EDITOR = "vscode://file/{path}:{line}:{column}"
#: URL schemes an editor link may use: editors' own, files and web pages, never script.
EDITOR_SCHEMES = frozenset({"vscode", "cursor", "idea", "subl", "file", "http", "https"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
#: A slash written before ``{path}`` (the path brings its own), unless it ends a ``scheme://``.
_SLASH_PATH = re.compile(r"(?<!:/)/\{path\}")


def check_editor(template: str) -> str:
    """``template`` if it makes safe editor links, else a UsageError (exit 2) saying why.

    The scheme is the template's literal start, so no substituted value can choose it."""
    found = _SCHEME.match(template)
    if found is None or found.group(1).lower() not in EDITOR_SCHEMES:
        schemes = ", ".join(f"{scheme}:" for scheme in sorted(EDITOR_SCHEMES))
        raise UsageError(
            f"editor link {template!r}: start it with one of the schemes {schemes} "
            f"(for example {DEFAULT_EDITOR})"
        )
    if "{path}" not in template:
        raise UsageError(f"editor link {template!r}: put {{path}} where the file's path goes")
    return template


def editor_href(template: str, path: pathlib.Path, line: int, column: int) -> str:
    """The link that opens ``path`` at ``line``:``column`` (1-based) from a checked ``template``.

    ``{path}`` is the absolute path with forward slashes, percent-encoded (spaces, quotes, ``#``,
    ``?``, ``%``, non-ASCII), always starting with ``/`` (``/C:/maps/...`` on Windows); a ``/``
    written just before ``{path}`` is not doubled (unless it ends ``scheme://``), so
    ``vscode://file/{path}``, ``file://{path}`` and ``file:///{path}`` all name the file.
    Only ``{path}``, ``{line}`` and ``{column}`` are replaced."""
    posix = path.absolute().as_posix()
    encoded = urllib.parse.quote(posix if posix.startswith("/") else "/" + posix, safe="/")
    href = _SLASH_PATH.sub("{path}", template)
    return href.replace("{path}", encoded).replace("{line}", str(line)).replace("{column}", str(column))


@dataclass(frozen=True)
class BadgeView:
    """The findings on one card in live mode: the worst severity, how many, and their messages."""

    severity: str
    count: int
    #: The messages in the map's language, for the badge's accessible label.
    messages: tuple[str, ...]


@dataclass(frozen=True)
class LiveView:
    """Live mode of the HTML deliverable (`cjm serve`): every card links to where it stands in
    its file and shows the findings that concern it.

    ``links`` is keyed by the card's position, ``"<line>:<column>"``; ``badges`` by the card:
    ``stage:<stage id>``, ``touchpoint:``, ``objection:``, ``barrier:`` or ``kpi:<stage id>/<id>``."""

    links: Mapping[str, str]
    badges: Mapping[str, BadgeView]


def card_keys(stage: StageView) -> dict[str, list[str]]:
    """The badge keys of a stage's cards, by element id (a finding's ``subject``)."""
    keys: dict[str, list[str]] = {}
    kinds: tuple[tuple[str, Sequence[Any]], ...] = (
        ("touchpoint", stage.touchpoints), ("objection", stage.objections),
        ("barrier", stage.barriers), ("kpi", stage.kpis),
    )  # fmt: skip
    for kind, items in kinds:
        for item in items:
            keys.setdefault(item.id, []).append(f"{kind}:{stage.id}/{item.id}")
    return keys


def live_view(view: JourneyView, path: pathlib.Path, editor: str) -> JourneyView:
    """``view`` in live mode: source links made from the ``editor`` template (see editor_href) for
    the file at ``path``, and each finding on its card (matched by its ``stage`` and ``subject``;
    a stage's finding about no card of it goes on the stage header)."""
    check_editor(editor)
    links: dict[str, str] = {}
    cards: dict[str, dict[str, list[str]]] = {}
    for stage in view.stages:
        items: tuple[StageView | TouchpointView | ObjectionView | KpiView, ...] = (
            stage, *stage.touchpoints, *stage.objections, *stage.barriers, *stage.kpis,
        )  # fmt: skip
        for item in items:
            key = f"{item.line}:{item.column}"
            if key not in links:
                links[key] = editor_href(editor, path, item.line, item.column)
        cards[stage.id] = card_keys(stage)
    found: dict[str, list[Diagnostic]] = {}
    for finding in view.findings:
        if finding.stage is None or finding.stage not in cards:
            continue
        targets = cards[finding.stage].get(finding.subject or "") or [f"stage:{finding.stage}"]
        for key in targets:
            found.setdefault(key, []).append(finding)
    rank = {severity.value: severity.rank for severity in Severity}
    translator = view.locale.translator
    badges = {
        key: BadgeView(
            severity=max((finding.severity.value for finding in items), key=rank.__getitem__),
            count=len(items),
            messages=tuple(finding.text(translator) for finding in items),
        )
        for key, items in sorted(found.items())
    }
    return dataclasses.replace(
        view, live=LiveView(links=MappingProxyType(links), badges=MappingProxyType(badges))
    )


@dataclass(frozen=True)
class SegmentMaps:
    """A segment of the workspace (None: maps of no segment it defines) and its rendered maps."""

    segment: SegmentView | None
    #: A stakeholder of a B2B buying committee (segment kind `b2b-stakeholder`).
    stakeholder: bool
    maps: tuple[JourneyView, ...]


@dataclass(frozen=True)
class PhaseCell:
    """One journey in one phase: the mean emotion, conversion and findings of its stages there."""

    phase: str
    stages: int
    emotion: float | None
    emotion_text: str
    color: str
    #: The product of the conversions of the phase's stages with funnel figures (None: none has).
    conversion: float | None
    conversion_text: str
    findings: int


@dataclass(frozen=True)
class PhasePoint:
    x: float
    y: float
    value: float
    label: str


@dataclass(frozen=True)
class PhaseLine:
    """One journey on the phase chart; dash pattern and marker shape tell it apart without colour."""

    output_name: str
    title: str
    persona: str | None
    color: str
    dash: str
    marker: str
    points: tuple[PhasePoint, ...]
    path: str
    cells: tuple[PhaseCell, ...]


@dataclass(frozen=True)
class PhaseOverview:
    """Every journey of a workspace by phase: an emotion chart (x: the phases, y: -2..+2) and a matrix."""

    #: (phase id, label) in PHASE_ORDER.
    phases: tuple[tuple[str, str], ...]
    width: float
    height: float
    left: float
    column: float
    #: (emotion level, y) of the chart's guides, +2 at the top.
    levels: tuple[tuple[int, float], ...]
    lines: tuple[PhaseLine, ...]


#: Line colours (Okabe-Ito), dash patterns and marker shapes of the phase chart, used in turn.
LINE_COLORS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#56b4e9", "#e69f00", "#000000")
LINE_DASHES = ("", "8 4", "2 4", "10 4 2 4")
LINE_MARKERS = ("circle", "square", "triangle", "diamond")


def _mean_level(height: float, value: float) -> float:
    return round(height / 2 - value * (height / 2 - 14) / 2, 1)


def phase_cell(view: JourneyView, phase: str) -> PhaseCell:
    stages = [stage for stage in view.stages if stage.phase == phase]
    felt = [stage.emotion for stage in stages if stage.emotion is not None]
    mean = round(sum(felt) / len(felt), 6) if felt else None
    rates = [
        stage.funnel.conversion for stage in stages if stage.funnel and stage.funnel.conversion is not None
    ]
    rate = math.prod(rates) if rates else None
    ids = {stage.id for stage in stages}
    locale = view.locale
    return PhaseCell(
        phase=phase,
        stages=len(stages),
        emotion=mean,
        emotion_text="" if mean is None else ("+" if mean > 0 else "") + locale.number(mean, 1),
        color=PALETTE.nearest(mean) if mean is not None else NO_EMOTION_COLOR,
        conversion=rate,
        conversion_text=locale.percent(rate),
        findings=sum(1 for finding in view.findings if finding.stage in ids),
    )


def phase_overview(
    views: Sequence[JourneyView], column: float = 120.0, height: float = 160.0
) -> PhaseOverview | None:
    """The journeys by phase, or None when no stage of them names a phase."""
    if not any(stage.phase for view in views for stage in view.stages):
        return None
    locale = views[0].locale
    left = 40.0
    lines = []
    for number, view in enumerate(views):
        cells = tuple(phase_cell(view, phase) for phase in PHASE_ORDER)
        points = tuple(
            PhasePoint(
                x=round(left + column * i + column / 2, 1),
                y=_mean_level(height, cell.emotion),
                value=cell.emotion,
                label=f"{view.title}, {locale.phases[cell.phase]}: {cell.emotion_text}",
            )
            for i, cell in enumerate(cells)
            if cell.emotion is not None
        )
        lines.append(
            PhaseLine(
                output_name=view.output_name,
                title=view.title,
                persona=view.persona.name if view.persona else None,
                color=LINE_COLORS[number % len(LINE_COLORS)],
                dash=LINE_DASHES[number % len(LINE_DASHES)],
                marker=LINE_MARKERS[(number + number // len(LINE_DASHES)) % len(LINE_MARKERS)],
                points=points,
                path=" ".join(f"{p.x:.1f},{p.y:.1f}" for p in points),
                cells=cells,
            )
        )
    return PhaseOverview(
        phases=tuple((phase, locale.phases[phase]) for phase in PHASE_ORDER),
        width=left + column * len(PHASE_ORDER),
        height=height,
        left=left,
        column=column,
        levels=tuple((level, _mean_level(height, level)) for level in (2, 1, 0, -1, -2)),
        lines=tuple(lines),
    )


@dataclass(frozen=True)
class WorkspaceIndex:
    """One workspace on the index page (``name`` None: maps outside any workspace)."""

    name: str | None
    segments: tuple[SegmentMaps, ...]
    #: Its journeys by phase (None: no stage names a phase).
    phases: PhaseOverview | None = None


@dataclass(frozen=True)
class IndexView:
    """The index page: titled with the workspace's name (the client) when it shows one workspace."""

    title: str
    workspaces: tuple[WorkspaceIndex, ...]
    brand: Brand
    labels: Mapping[str, str]
    locale: Locale


def workspace_index(
    name: str | None, segments: Sequence[Segment], views: Sequence[JourneyView]
) -> WorkspaceIndex:
    """Every segment in the workspace's order with its maps (a segment without a map is listed
    too), then the maps of no defined segment."""
    groups = [
        SegmentMaps(
            segment=segment_view(segment),
            stakeholder=segment.kind == "b2b-stakeholder",
            maps=tuple(view for view in views if view.segment_id == segment.id),
        )
        for segment in segments
    ]
    known = {segment.id for segment in segments}
    rest = tuple(view for view in views if view.segment_id not in known)
    if rest:
        groups.append(SegmentMaps(segment=None, stakeholder=False, maps=rest))
    ordered = [view for group in groups for view in group.maps]
    return WorkspaceIndex(
        name=name, segments=tuple(groups), phases=phase_overview(ordered) if ordered else None
    )


def index_view(workspaces: Sequence[WorkspaceIndex], views: Sequence[JourneyView]) -> IndexView:
    """The index of the rendered ``views`` (the first gives brand and language)."""
    first = views[0]
    named = [w.name for w in workspaces if w.name]
    title = named[0] if len(workspaces) == 1 and named else first.labels["maps"]
    return IndexView(
        title=title, workspaces=tuple(workspaces), brand=first.brand, labels=first.labels, locale=first.locale
    )
