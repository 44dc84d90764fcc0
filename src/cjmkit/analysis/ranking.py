"""Where to act: weak stages scored, growth points, channels.

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

import pathlib
from collections import defaultdict
from dataclasses import dataclass

from cjmkit.analysis.measures import conversion, kpi_gap, lowest_emotion
from cjmkit.analysis.rules.scope import Scope
from cjmkit.loading.document import Document
from cjmkit.models import Channel, Journey


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


def stage_health(document: Document, journey: Journey, threshold: float) -> list[StageHealth]:
    """Weakness of every stage; ``threshold`` is the high-drop-off rule's `min_stage_conversion`."""
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
    """Touchpoints, stages and average emotion per channel definition, in one pass.

    A journey's own channel counts only that journey's touchpoints; a workspace channel
    counts the touchpoints of every requested journey that does not define the id itself.
    """
    touchpoints: dict[tuple[pathlib.Path | None, str], list[str]] = defaultdict(list)
    stages: dict[tuple[pathlib.Path | None, str], dict[str, None]] = defaultdict(dict)
    emotions: dict[tuple[pathlib.Path | None, str], list[int]] = defaultdict(list)
    for document, journey in scope.journeys():
        if not document.requested:
            continue
        local = {channel.id for channel in journey.channels}
        for stage in journey.stages:
            for touchpoint in stage.touchpoints:
                key = (document.path if touchpoint.channel in local else None, touchpoint.channel)
                touchpoints[key].append(f"{journey.id}/{touchpoint.id}")
                stages[key][f"{journey.id}/{stage.id}"] = None
                emotion = touchpoint.emotion if touchpoint.emotion is not None else stage.emotion
                if emotion is not None:
                    emotions[key].append(emotion)
    summaries = []
    for document, _, channel in scope.channels():
        owner = None if document is scope.workspace_document else document
        if owner is not None and not owner.requested:
            continue
        key = (owner.path if owner else None, channel.id)
        felt = emotions.get(key, [])
        average = round(sum(felt) / len(felt), 2) if felt else None
        summaries.append(
            ChannelSummary(
                channel.id, channel.name, channel.kind, touchpoints.get(key, []), list(stages.get(key, {})),
                average,
            )
        )  # fmt: skip
    return summaries


def journey_channels(journey: Journey, channels: dict[str, Channel]) -> list[ChannelSummary]:
    """The channels one journey uses, counted over that journey alone: its deliverable shows
    how this segment meets the company, and its size does not grow with the workspace."""
    touchpoints: dict[str, list[str]] = defaultdict(list)
    stages: dict[str, dict[str, None]] = defaultdict(dict)
    emotions: dict[str, list[int]] = defaultdict(list)
    for stage in journey.stages:
        for touchpoint in stage.touchpoints:
            if touchpoint.channel not in channels:
                continue
            touchpoints[touchpoint.channel].append(f"{journey.id}/{touchpoint.id}")
            stages[touchpoint.channel][f"{journey.id}/{stage.id}"] = None
            emotion = touchpoint.emotion if touchpoint.emotion is not None else stage.emotion
            if emotion is not None:
                emotions[touchpoint.channel].append(emotion)
    summaries = []
    for identifier, used in touchpoints.items():
        channel = channels[identifier]
        felt = emotions[identifier]
        average = round(sum(felt) / len(felt), 2) if felt else None
        summaries.append(
            ChannelSummary(channel.id, channel.name, channel.kind, used, list(stages[identifier]), average)
        )
    return sorted(summaries, key=lambda c: (-len(c.touchpoints), c.channel))
