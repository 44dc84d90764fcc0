"""Where to act: weak stages scored and explained, channels summed up.

Weakness score of a stage (higher is weaker): the sum of the signals nothing in the map
answers yet, each with its points:

- negative emotion: minus the lowest emotion of the stage or its touchpoints (0..2),
  unless the stage says what is done about it (an opportunity, an objection response or a
  barrier recommendation);
- emotion dip: 1 when the emotion fell by 2 or more from the previous stage, unless the
  stage says what is done about it;
- drop-off: 2 x (threshold - conversion) / threshold when the conversion
  (advanced / entered) is under `thresholds.min_stage_conversion` (0..2);
- KPI misses: for each KPI that misses its target by more than `analysis.kpi_tolerance`,
  its miss relative to the target (each at most 1; together at most 2);
- open issues: 0.5 per objection without response and barrier without recommendation
  (at most 2);
- no data: 0.5 when the stage states no evidence or only an assumption.

When every stage of a journey scores the same (a map converted from a drawing, with no
figures), nothing can be ranked: the journey is listed as unranked instead of as ties.
Growth points (what reaching a target conversion is worth) are in ``growth``.
"""

from __future__ import annotations

import math
import pathlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from cjmkit.analysis.growth import GrowthPoint
from cjmkit.analysis.measures import (
    conversion,
    is_addressed,
    kpi_gap,
    kpi_miss,
    lowest_emotion,
)
from cjmkit.analysis.rules.scope import Scope
from cjmkit.i18n import (
    ENGLISH,
    N_,
    Fixed,
    Join,
    Message,
    Name,
    Percent,
    Signed,
    Term,
    Translator,
    msg,
    nmsg,
    sentences,
)
from cjmkit.loading.document import Document
from cjmkit.models import KPI, Channel, Journey

#: Not written to JSON: the message objects behind the English texts, for translation.
LOCAL = {"json": False}

#: The signals' names, as the explanation of a score shows them.
SIGNALS = {
    "negative-emotion": N_("negative emotion"),
    "emotion-dip": N_("emotion dip"),
    "drop-off": N_("drop-off"),
    "kpi-miss": N_("KPI miss"),
    "unanswered-objections": N_("unanswered objections"),
    "open-barriers": N_("barriers without a fix"),
    "no-data": N_("no data"),
}


@dataclass(frozen=True)
class Reason:
    """One signal behind a weakness score: its kind, its points and a sentence for people
    (``text`` in English, ``message`` to translate)."""

    signal: str
    points: float
    text: str
    message: Message = field(default=Message(""), compare=False, repr=False, metadata=LOCAL)


def reason(signal: str, points: float, message: Message) -> Reason:
    return Reason(signal, round(points, 3), message.render(), message)


@dataclass(frozen=True)
class StageHealth:
    journey: str
    stage: str
    name: str
    file: str
    line: int
    column: int
    score: float
    #: The reasons' sentences, in order (the short form reports show).
    signals: list[str]
    reasons: list[Reason]
    #: The score in words: "3.50 = negative emotion 2 + drop-off 1 + no data 0.5".
    explanation: str
    conversion: float | None
    emotion: int | None


@dataclass(frozen=True)
class UnrankedJourney:
    """A journey whose stages all score the same: there is nothing to rank."""

    journey: str
    file: str
    stages: int
    score: float
    reason: str
    message: Message = field(default=Message(""), compare=False, repr=False, metadata=LOCAL)


@dataclass(frozen=True)
class ChannelSummary:
    channel: str
    name: str
    kind: str | None
    touchpoints: list[str]
    stages: list[str]
    average_emotion: float | None
    #: Touchpoints whose emotion (or, without one, their stage's) is negative.
    negative_touchpoints: int = 0
    #: Revenue at stake at the stages the channel's touchpoints serve, per currency.
    revenue_at_stake: dict[str, float] | None = None

    @property
    def currency(self) -> str | None:
        """The currency the channel is ranked in: its first (currencies rarely mix in one workspace)."""
        return next(iter(self.revenue_at_stake or {}), None)


def _reasons(stage_index: int, journey: Journey, threshold: float, tolerance: float) -> list[Reason]:
    stage = journey.stages[stage_index]
    reasons = []
    addressed = is_addressed(stage)
    lowest = lowest_emotion(stage)
    if lowest is not None and lowest < 0 and not addressed:
        feeling = (
            msg(
                "customers feel negative ({emotion}) and nothing at the stage addresses it",
                emotion=Signed(lowest),
            )
            if lowest == -1
            else msg(
                "customers feel very negative ({emotion}) and nothing at the stage addresses it",
                emotion=Signed(lowest),
            )
        )
        reasons.append(reason("negative-emotion", -lowest, feeling))
    before = next((s.emotion for s in reversed(journey.stages[:stage_index]) if s.emotion is not None), None)
    if stage.emotion is not None and before is not None and before - stage.emotion >= 2 and not addressed:
        dip = msg(
            "emotion falls from {before} to {after}", before=Signed(before), after=Signed(stage.emotion)
        )
        reasons.append(reason("emotion-dip", 1.0, dip))
    rate = conversion(stage)
    if rate is not None and threshold > 0 and rate < threshold:
        drop = msg(
            "only {share} advance (threshold {threshold})",
            share=Percent(rate),
            threshold=Percent(threshold, 0),
        )
        reasons.append(reason("drop-off", 2 * (threshold - rate) / threshold, drop))
    missed = [(kpi, kpi_gap(kpi, tolerance)) for kpi in stage.kpis]
    missed = [(kpi, gap) for kpi, gap in missed if gap > 0]
    if missed:
        text = sentences(*(kpi_miss_message(kpi) for kpi, _ in missed))
        reasons.append(reason("kpi-miss", min(2.0, sum(gap for _, gap in missed)), text))
    objections = sum(1 for o in stage.objections if not o.response)
    barriers = sum(1 for b in stage.barriers if not b.recommendation)
    if objections:
        text = nmsg(
            "{count} objection without response",
            "{count} objections without response",
            "count",
            count=objections,
        )
        reasons.append(reason("unanswered-objections", min(2.0, 0.5 * objections), text))
    if barriers:
        text = nmsg(
            "{count} barrier without recommendation",
            "{count} barriers without recommendation",
            "count",
            count=barriers,
        )
        # Objections and barriers together weigh at most 2.
        points = min(2.0, 0.5 * (objections + barriers)) - min(2.0, 0.5 * objections)
        reasons.append(reason("open-barriers", points, text))
    if stage.evidence is None:
        reasons.append(reason("no-data", 0.5, msg("no evidence stated")))
    elif stage.evidence.level == "assumption":
        reasons.append(reason("no-data", 0.5, msg("built on assumptions")))
    return reasons


def kpi_miss_message(kpi: KPI) -> Message:
    """ "KPI 'x' 30% below target" (or above, for a lower-is-better KPI)."""
    miss = kpi_miss(kpi)
    if math.isinf(miss):
        if kpi.direction == "higher":
            return msg("KPI {kpi} below target", kpi=Name(kpi.name))
        return msg("KPI {kpi} above target", kpi=Name(kpi.name))
    if kpi.direction == "higher":
        return msg("KPI {kpi} {share} below target", kpi=Name(kpi.name), share=Percent(miss, 0))
    return msg("KPI {kpi} {share} above target", kpi=Name(kpi.name), share=Percent(miss, 0))


def explain(score: float, reasons: list[Reason], translator: Translator = ENGLISH) -> str:
    """The score in words: "1.31 = drop-off 1.25 + KPI miss 0.06"."""
    number = translator.number
    if not reasons:
        return msg("{score}: nothing to act on", score=Fixed(score)).render(translator)
    terms = " + ".join(f"{translator.gettext(SIGNALS[r.signal])} {number(r.points)}" for r in reasons)
    return f"{number(score, 2, fixed=True)} = {terms}"


def stage_health(
    document: Document, journey: Journey, threshold: float, tolerance: float = 0.0
) -> list[StageHealth]:
    """Weakness of every stage; ``threshold`` is the high-drop-off rule's `min_stage_conversion`,
    ``tolerance`` the workspace's `analysis.kpi_tolerance`."""
    health = []
    for index, stage in enumerate(journey.stages):
        reasons = _reasons(index, journey, threshold, tolerance)
        score = round(sum(r.points for r in reasons), 3)
        rate = conversion(stage)
        line, column = document.source_map.value(("stages", index))
        health.append(
            StageHealth(
                journey=journey.id,
                stage=stage.id,
                name=stage.name,
                file=document.display,
                line=line,
                column=column,
                score=score,
                signals=[r.text for r in reasons],
                reasons=reasons,
                explanation=explain(score, reasons),
                conversion=None if rate is None else round(rate, 4),
                emotion=stage.emotion,
            )
        )
    return health


def rankable(health: list[StageHealth]) -> UnrankedJourney | None:
    """None when the stages of one journey can be ranked; else why not.

    Two or more stages that all score the same (and above 0) are ties, not a ranking: a map
    converted from Mermaid scores 0.50 ("no data") at every stage.
    """
    scores = {h.score for h in health}
    if len(health) < 2 or len(scores) != 1 or health[0].score == 0:
        return None
    first = health[0]
    kinds = sorted({r.signal for h in health for r in h.reasons})
    message = msg(
        "all {count} stages score {score} ({signals}): add funnel figures, KPIs with actual values "
        "or emotions to tell them apart",
        count=len(health),
        score=Fixed(first.score),
        signals=Join(tuple(Term(SIGNALS[kind]) for kind in kinds)),
    )
    return UnrankedJourney(first.journey, first.file, len(health), first.score, message.render(), message)


#: Growth points by (file, stage id): what a channel's stages are worth.
GrowthIndex = Mapping[tuple[str, str], GrowthPoint]


class _Usage:
    """What the touchpoints on one channel add up to, gathered in one pass over the journeys."""

    def __init__(self) -> None:
        self.touchpoints: list[str] = []
        self.stages: dict[str, None] = {}
        self.emotions: list[int] = []
        self.negative = 0
        self.revenue: dict[str, float] = {}

    def add(
        self,
        document: Document,
        journey: Journey,
        stage_index: int,
        touchpoint_index: int,
        growth: GrowthIndex,
    ) -> None:
        stage = journey.stages[stage_index]
        touchpoint = stage.touchpoints[touchpoint_index]
        self.touchpoints.append(f"{journey.id}/{touchpoint.id}")
        emotion = touchpoint.emotion if touchpoint.emotion is not None else stage.emotion
        if emotion is not None:
            self.emotions.append(emotion)
            self.negative += emotion < 0
        key = f"{journey.id}/{stage.id}"
        if key not in self.stages:
            self.stages[key] = None
            point = growth.get((document.display, stage.id))
            if point is not None:
                self.revenue[point.currency] = round(self.revenue.get(point.currency, 0.0) + point.revenue, 2)

    def summary(self, channel: Channel) -> ChannelSummary:
        felt = self.emotions
        return ChannelSummary(
            channel.id,
            channel.name,
            channel.kind,
            self.touchpoints,
            list(self.stages),
            round(sum(felt) / len(felt), 2) if felt else None,
            self.negative,
            dict(sorted(self.revenue.items())),
        )


def channel_order(summary: ChannelSummary) -> tuple[object, ...]:
    """By currency (channels with no revenue at stake last), most revenue at stake first,
    then most touchpoints, then the id."""
    currency = summary.currency
    revenue = (summary.revenue_at_stake or {}).get(currency, 0.0) if currency else 0.0
    return (currency is None, currency or "", -revenue, -len(summary.touchpoints), summary.channel)


def channel_summaries(scope: Scope, growth: GrowthIndex) -> list[ChannelSummary]:
    """Touchpoints, stages, emotions and revenue at stake per channel definition, in one pass.

    A journey's own channel counts only that journey's touchpoints; a workspace channel
    counts the touchpoints of every requested journey that does not define the id itself.
    """
    usage: dict[tuple[pathlib.Path | None, str], _Usage] = defaultdict(_Usage)
    for document, journey in scope.journeys():
        if not document.requested:
            continue
        local = {channel.id for channel in journey.channels}
        for s, stage in enumerate(journey.stages):
            for t, touchpoint in enumerate(stage.touchpoints):
                key = (document.path if touchpoint.channel in local else None, touchpoint.channel)
                usage[key].add(document, journey, s, t, growth)
    summaries = []
    for document, _, channel in scope.channels():
        owner = None if document is scope.workspace_document else document
        if owner is not None and not owner.requested:
            continue
        summaries.append(usage.get((owner.path if owner else None, channel.id), _Usage()).summary(channel))
    return summaries


def journey_channels(
    document: Document, journey: Journey, channels: dict[str, Channel], growth: GrowthIndex
) -> list[ChannelSummary]:
    """The channels one journey uses, counted over that journey alone: its deliverable shows
    how this segment meets the company, and its size does not grow with the workspace."""
    usage: dict[str, _Usage] = defaultdict(_Usage)
    for s, stage in enumerate(journey.stages):
        for t, touchpoint in enumerate(stage.touchpoints):
            if touchpoint.channel in channels:
                usage[touchpoint.channel].add(document, journey, s, t, growth)
    return sorted((used.summary(channels[key]) for key, used in usage.items()), key=channel_order)
