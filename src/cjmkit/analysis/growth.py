"""Growth points: what a stage would bring if it reached its target conversion.

A stage's growth point, with `economics.average_order_value` (AOV):

    customers gained = entered x max(0, target - actual) x downstream conversion
    revenue          = customers gained x AOV
    profit           = revenue x economics.margin                (when the margin is known)
    lifetime revenue = customers gained x economics.lifetime_value (when it is known)

- ``actual`` is the stage's conversion, `funnel.advanced / funnel.entered`.
- ``target`` is the stage's `funnel.target`, else the workspace's
  `analysis.conversion_targets` for the stage's phase. A stage without a target is not
  ranked (the result lists it, so the report can say how to set one); a stage that meets
  its target has no growth point, however many customers it loses.
- ``downstream conversion`` is the product of the conversions of the stages after it, up
  to and including the purchase: the first run of consecutive `purchase` stages (several
  purchase stages, e.g. checkout then payment, are one purchase). A customer kept at the
  stage is assumed to go on at the rates observed downstream and to buy one average order.
- Only stages up to that purchase are ranked: what later stages lose (a loyalty loop,
  repeat purchases) is not one average order. A journey with no purchase stage, no
  economics or no funnel figures has no growth points. A stage whose downstream has a
  stage without funnel figures is not ranked either: its value would be a guess.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from cjmkit.analysis.measures import conversion
from cjmkit.models import Journey, Stage

#: Why a stage before the purchase has no growth point although it could have one.
Unranked = Literal["no-target", "no-downstream-data"]


@dataclass(frozen=True)
class GrowthPoint:
    """One stage under its target conversion, and what reaching the target is worth."""

    journey: str
    file: str
    stage: str
    name: str
    phase: str | None
    segment: str | None
    entered: int
    actual: float
    target: float
    #: Where the target comes from: the stage's `funnel.target` or the workspace's phase target.
    target_source: Literal["stage", "phase"]
    downstream_conversion: float
    customers_gained: float
    revenue: float
    profit: float | None
    lifetime_revenue: float | None
    lifetime_profit: float | None
    currency: str
    #: The stage's motivations: what the offer at this stage should appeal to.
    motivations: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class UnrankedStage:
    """A stage before the purchase with funnel figures but no growth point, and why."""

    journey: str
    file: str
    stage: str
    name: str
    phase: str | None
    reason: Unranked


@dataclass(frozen=True)
class JourneyGrowth:
    points: list[GrowthPoint] = field(default_factory=list)
    unranked: list[UnrankedStage] = field(default_factory=list)


def purchase_end(journey: Journey) -> int | None:
    """Index of the last stage of the first run of consecutive `purchase` stages."""
    end = None
    for index, stage in enumerate(journey.stages):
        if stage.phase == "purchase":
            end = index
        elif end is not None:
            break
    return end


def target_of(
    stage: Stage, phase_targets: Mapping[str, float]
) -> tuple[float, Literal["stage", "phase"]] | None:
    if stage.funnel is not None and stage.funnel.target is not None:
        return stage.funnel.target, "stage"
    if stage.phase is not None and stage.phase in phase_targets:
        return phase_targets[stage.phase], "phase"
    return None


def journey_growth(journey: Journey, file: str, phase_targets: Mapping[str, float]) -> JourneyGrowth:
    """Growth points of one journey, and the stages that could not be valued."""
    result = JourneyGrowth()
    economics = journey.economics
    end = purchase_end(journey)
    if economics is None or end is None:
        return result
    rates = [conversion(stage) for stage in journey.stages[: end + 1]]
    for index in range(end + 1):
        stage = journey.stages[index]
        actual = rates[index]
        if actual is None or stage.funnel is None:
            continue  # no figures (or nobody entered): nothing to value
        found = target_of(stage, phase_targets)
        if found is None:
            result.unranked.append(
                UnrankedStage(journey.id, file, stage.id, stage.name, stage.phase, "no-target")
            )
            continue
        target, source = found
        if actual >= target:
            continue
        later = rates[index + 1 :]
        if any(rate is None for rate in later):
            result.unranked.append(
                UnrankedStage(journey.id, file, stage.id, stage.name, stage.phase, "no-downstream-data")
            )
            continue
        downstream = math.prod(rate for rate in later if rate is not None)
        entered = stage.funnel.entered or 0  # set: the stage has a conversion
        gained = entered * (target - actual) * downstream
        revenue = gained * economics.average_order_value
        if revenue <= 0:
            continue
        margin, lifetime = economics.margin, economics.lifetime_value
        motivations = stage.motivations
        result.points.append(
            GrowthPoint(
                journey=journey.id,
                file=file,
                stage=stage.id,
                name=stage.name,
                phase=stage.phase,
                segment=journey.segment,
                entered=entered,
                actual=round(actual, 6),
                target=target,
                target_source=source,
                downstream_conversion=round(downstream, 6),
                customers_gained=round(gained, 2),
                revenue=round(revenue, 2),
                profit=None if margin is None else round(revenue * margin, 2),
                lifetime_revenue=None if lifetime is None else round(gained * lifetime, 2),
                lifetime_profit=(
                    None if lifetime is None or margin is None else round(gained * lifetime * margin, 2)
                ),
                currency=economics.currency,
                motivations=(
                    {"rational": list(motivations.rational), "emotional": list(motivations.emotional)}
                    if motivations
                    else {}
                ),
            )
        )
    return result


def appeal(point: GrowthPoint) -> str | None:
    """What the stage's offer should appeal to: `rational`, `emotional` or `both`."""
    rational = bool(point.motivations.get("rational"))
    emotional = bool(point.motivations.get("emotional"))
    if rational and emotional:
        return "both"
    return "rational" if rational else "emotional" if emotional else None


@dataclass(frozen=True)
class SegmentGrowth:
    """The growth points of one segment's journeys added up, in one currency."""

    segment: str | None
    name: str
    kind: str | None
    currency: str
    journeys: list[str]
    growth_points: int
    customers_gained: float
    revenue: float
    profit: float | None
    lifetime_revenue: float | None


def segment_growth(
    points: list[GrowthPoint], segments: Mapping[str, tuple[str, str | None]]
) -> list[SegmentGrowth]:
    """Growth summed per segment and currency, largest revenue first.

    ``segments`` maps a segment id to its name and kind. A journey without a segment is a
    segment of its own (named after the journey), as a standalone map is.
    """
    grouped: dict[tuple[str, str | None, str], list[GrowthPoint]] = {}
    for point in points:
        key = (point.currency, point.segment, point.journey if point.segment is None else "")
        grouped.setdefault(key, []).append(point)
    summaries = []
    for (currency, segment, journey), members in grouped.items():
        name, kind = segments.get(segment, (segment, None)) if segment else (journey, None)
        profits = [p.profit for p in members]
        lifetimes = [p.lifetime_revenue for p in members]
        summaries.append(
            SegmentGrowth(
                segment=segment,
                name=name or "",
                kind=kind,
                currency=currency,
                journeys=sorted({p.journey for p in members}),
                growth_points=len(members),
                customers_gained=round(sum(p.customers_gained for p in members), 2),
                revenue=round(sum(p.revenue for p in members), 2),
                profit=None if None in profits else round(sum(p for p in profits if p is not None), 2),
                lifetime_revenue=(
                    None if None in lifetimes else round(sum(p for p in lifetimes if p is not None), 2)
                ),
            )
        )
    return sorted(summaries, key=lambda s: (s.currency, -s.revenue, s.name))
