"""One typed view of a journey for every renderer: resolved references, analysis, labels.

Templates receive a JourneyView (or, for the workspace index, an IndexView) and
never look anything up themselves. Text stays raw here; escaping is the job of
each output format (Jinja autoescape for HTML, filters for Markdown and DOT).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cjmkit.analysis import AnalysisResult, ChannelSummary, GrowthPoint, StageHealth
from cjmkit.analysis.measures import conversion, kpi_misses_target
from cjmkit.diagnostics import Diagnostic, Severity
from cjmkit.loading.document import Document
from cjmkit.models import KPI, Channel, Journey, Motivations, Persona, Segment, Stage
from cjmkit.renderers.i18n import Locale

EMOTION_COLORS = {-2: "#d73027", -1: "#fc8d59", 0: "#fee08b", 1: "#91cf60", 2: "#1a9850"}
NO_EMOTION_COLOR = "#e0e0e0"
EVIDENCE_COLORS = {"data": "#1a9850", "partial": "#fee08b", "assumption": "#d73027", None: "#bdbdbd"}


@dataclass(frozen=True)
class Brand:
    """Colour, logo (a data: URI) and name shown on the deliverable."""

    color: str = "#1f4e79"
    logo: str | None = None
    name: str | None = None


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
    actors: list[str]
    next: list[str]
    flagged: bool


@dataclass(frozen=True)
class KpiView:
    id: str
    name: str
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


@dataclass(frozen=True)
class StageView:
    index: int
    id: str
    name: str
    phase: str | None
    phase_label: str
    customer_goal: str | None
    actions: list[str]
    thoughts: list[str]
    expectations: list[str]
    emotion: int | None
    emotion_color: str
    motivations: Motivations | None
    strategy: str | None
    touchpoints: list[TouchpointView]
    objections: list[ObjectionView]
    barriers: list[ObjectionView]
    opportunities: list[str]
    kpis: list[KpiView]
    funnel: FunnelView | None
    evidence_level: str | None
    evidence_label: str
    evidence_color: str
    evidence_sources: list[str]
    flagged: bool
    health: StageHealth | None


@dataclass(frozen=True)
class CurvePoint:
    x: float
    y: float
    emotion: int
    color: str
    label: str


@dataclass(frozen=True)
class EmotionCurve:
    """An SVG polyline across the stage columns; y grows downwards, +2 at the top."""

    width: float
    height: float
    column: float
    points: list[CurvePoint]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    def level(self, emotion: int) -> float:
        return round(self.height / 2 - emotion * (self.height / 2 - 14) / 2, 1)


@dataclass
class JourneyView:
    journey: Journey
    file: str
    locale: Locale
    labels: dict[str, str]
    brand: Brand
    persona: Persona | None
    segment: Segment | None
    stages: list[StageView]
    channels: list[Channel]
    findings: list[Diagnostic]
    weakest: list[StageHealth]
    growth_points: list[GrowthPoint]
    channel_summaries: list[ChannelSummary]
    curve: EmotionCurve
    updated_text: str
    average_order_text: str
    output_name: str = ""
    findings_by_severity: dict[str, list[Diagnostic]] = field(default_factory=dict)


def format_value(value: float | None, kpi: KPI, locale: Locale, currency: str | None) -> str:
    if value is None:
        return locale.labels["not_measured"]
    if kpi.unit == "ratio":
        return locale.percent(value)
    if kpi.unit == "percent":
        return locale.percent(value / 100)
    if kpi.unit == "currency":
        return locale.money(value, currency or "")
    if kpi.unit == "seconds":
        return f"{locale.number(value)}\u00a0s"
    return locale.number(value)


def kpi_view(kpi: KPI, locale: Locale, currency: str | None) -> KpiView:
    top = max(abs(kpi.target), abs(kpi.actual or 0.0)) or 1.0
    return KpiView(
        id=kpi.id,
        name=kpi.name,
        target_text=format_value(kpi.target, kpi, locale, currency),
        actual_text=format_value(kpi.actual, kpi, locale, currency),
        unit=kpi.unit,
        direction=kpi.direction,
        source=kpi.source,
        measured=kpi.actual is not None,
        met=None if kpi.actual is None else not kpi_misses_target(kpi),
        actual_bar=round(abs(kpi.actual or 0.0) / top, 4),
        target_bar=round(abs(kpi.target) / top, 4),
    )


def emotion_color(emotion: int | None) -> str:
    return EMOTION_COLORS.get(emotion, NO_EMOTION_COLOR) if emotion is not None else NO_EMOTION_COLOR


def stage_view(
    index: int, stage: Stage, channels: dict[str, Channel], locale: Locale, currency: str | None,
    widest: int, health: StageHealth | None,
) -> StageView:  # fmt: skip
    flagged = any(not o.response for o in stage.objections) or any(
        not b.recommendation for b in stage.barriers
    )
    touchpoints = [
        TouchpointView(
            id=tp.id, name=tp.name, channel=tp.channel,
            channel_name=channels[tp.channel].name if tp.channel in channels else tp.channel,
            emotion=tp.emotion, color=emotion_color(tp.emotion if tp.emotion is not None else stage.emotion),
            description=tp.description, content=tp.content, trigger=tp.trigger,
            actors=list(tp.actors), next=list(tp.next),
            flagged=flagged,
        )
        for tp in stage.touchpoints
    ]  # fmt: skip
    funnel = None
    if stage.funnel is not None:
        rate = conversion(stage)
        funnel = FunnelView(
            entered=stage.funnel.entered,
            advanced=stage.funnel.advanced,
            entered_text=locale.number(stage.funnel.entered, 0),
            advanced_text=locale.number(stage.funnel.advanced, 0),
            conversion_text=locale.percent(rate),
            drop_off_text=locale.percent(None if rate is None else 1 - rate),
            width=round(stage.funnel.entered / widest, 4) if widest else 0.0,
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
        actions=list(stage.actions),
        thoughts=list(stage.thoughts),
        expectations=list(stage.expectations),
        emotion=stage.emotion,
        emotion_color=emotion_color(stage.emotion),
        motivations=stage.motivations,
        strategy=stage.strategy,
        touchpoints=touchpoints,
        objections=[ObjectionView(o.id, o.text, o.response) for o in stage.objections],
        barriers=[ObjectionView(b.id, b.text, b.recommendation) for b in stage.barriers],
        opportunities=list(stage.opportunities),
        kpis=[kpi_view(kpi, locale, currency) for kpi in stage.kpis],
        funnel=funnel,
        evidence_level=level,
        evidence_label=locale.labels[f"evidence_{level or 'none'}"],
        evidence_color=EVIDENCE_COLORS[level],
        evidence_sources=list(stage.evidence.sources) if stage.evidence else [],
        flagged=flagged,
        health=health,
    )


def emotion_curve(stages: list[StageView], column: float = 220.0, height: float = 120.0) -> EmotionCurve:
    curve = EmotionCurve(width=column * len(stages), height=height, column=column, points=[])
    for stage in stages:
        if stage.emotion is None:
            continue
        curve.points.append(
            CurvePoint(
                x=round(column * stage.index + column / 2, 1),
                y=curve.level(stage.emotion),
                emotion=stage.emotion,
                color=stage.emotion_color,
                label=f"{stage.name}: {stage.emotion:+d}" if stage.emotion else f"{stage.name}: 0",
            )
        )
    return curve


def journey_view(
    document: Document, workspace: Document | None, analysis: AnalysisResult, brand: Brand,
    locale_override: str | None = None,
) -> JourneyView:  # fmt: skip
    journey = document.journey
    assert journey is not None
    space = workspace.workspace if workspace else None
    locale = Locale(locale_override or journey.locale or (space.locale if space else None))
    channels = {c.id: c for c in (space.channels if space else [])}
    channels.update({c.id: c for c in journey.channels})
    persona = journey.persona if isinstance(journey.persona, Persona) else None
    if isinstance(journey.persona, str) and space:
        persona = next((p for p in space.personas if p.id == journey.persona), None)
    segment = next((s for s in space.segments if s.id == journey.segment), None) if space else None
    health = {(h.journey, h.stage): h for h in analysis.stages}
    currency = journey.economics.currency if journey.economics else None
    widest = max((s.funnel.entered for s in journey.stages if s.funnel), default=0)
    stages = [
        stage_view(i, stage, channels, locale, currency, widest, health.get((journey.id, stage.id)))
        for i, stage in enumerate(journey.stages)
    ]
    used = []
    for stage in journey.stages:
        for touchpoint in stage.touchpoints:
            channel = channels.get(touchpoint.channel)
            if channel is not None and channel not in used:
                used.append(channel)
    findings = [f for f in analysis.findings if f.file == document.display]
    view = JourneyView(
        journey=journey,
        file=document.display,
        locale=locale,
        labels=locale.labels,
        brand=brand,
        persona=persona,
        segment=segment,
        stages=stages,
        channels=used,
        findings=findings,
        weakest=[h for h in analysis.stages if h.journey == journey.id],
        growth_points=[g for g in analysis.growth_points if g.journey == journey.id],
        channel_summaries=[
            c for c in analysis.channels if any(t.startswith(f"{journey.id}/") for t in c.touchpoints)
        ],
        curve=emotion_curve(stages),
        updated_text=locale.date(journey.updated),
        average_order_text=(
            locale.money(journey.economics.average_order_value, journey.economics.currency)
            if journey.economics else ""
        ),
    )  # fmt: skip
    view.findings_by_severity = {s.value: [f for f in findings if f.severity is s] for s in Severity}
    return view
