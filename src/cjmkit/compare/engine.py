"""The comparison of a current map and a future map (see the package docstring)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from cjmkit.analysis.growth import purchase_end
from cjmkit.analysis.measures import conversion, volumes
from cjmkit.models import Journey, Stage


@dataclass(frozen=True)
class Pair:
    """A value today and in the future map; ``delta`` when both are numbers."""

    current: float | None
    future: float | None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.future is None:
            return None
        return round(self.future - self.current, 6)


@dataclass(frozen=True)
class KpiTarget:
    kpi: str
    name: str
    current: float
    future: float


@dataclass(frozen=True)
class StageComparison:
    stage: str
    name: str
    emotion: Pair
    conversion: Pair
    #: Where the projected conversion comes from: the future `target`, the baseline's rate, or none.
    conversion_source: str | None
    kpis: list[KpiTarget] = field(default_factory=list)


@dataclass(frozen=True)
class Resolution:
    """A barrier or objection of the baseline and what the future map does about it."""

    kind: str
    id: str
    stage: str
    stage_name: str
    text: str
    #: Future touchpoints whose `resolves` names it (empty: unresolved).
    by: list[str] = field(default_factory=list)
    #: Whether the future map still has it (at any stage).
    in_future: bool = False


@dataclass(frozen=True)
class Element:
    """A stage, touchpoint or channel only one of the maps has."""

    kind: str
    id: str
    name: str
    stage: str | None = None


@dataclass(frozen=True)
class Contribution:
    stage: str
    name: str
    current: float | None
    future: float
    revenue: float


@dataclass(frozen=True)
class Revenue:
    currency: str
    average_order_value: float
    entered: int
    purchases_current: float
    purchases_future: float
    current: float
    future: float
    contributions: list[Contribution] = field(default_factory=list)
    #: Future stages with no rate (added without a target): assumed to pass everyone on.
    assumed: list[str] = field(default_factory=list)

    @property
    def delta(self) -> float:
        return round(self.future - self.current, 2)


@dataclass(frozen=True)
class Comparison:
    current: Journey
    future: Journey
    stages: list[StageComparison]
    resolved: list[Resolution]
    unresolved: list[Resolution]
    added: list[Element]
    removed: list[Element]
    revenue: Revenue | None


def _projected(stage: Stage, baseline: Stage | None) -> tuple[float | None, str | None]:
    if stage.funnel is not None and stage.funnel.target is not None:
        return stage.funnel.target, "target"
    if baseline is not None and (rate := conversion(baseline)) is not None:
        return rate, "baseline"
    return None, None


def compare(current: Journey, future: Journey) -> Comparison:
    """What ``future`` changes against ``current`` (its baseline)."""
    before = {stage.id: stage for stage in current.stages}
    after = {stage.id: stage for stage in future.stages}
    stages = []
    for stage in future.stages:
        old = before.get(stage.id)
        if old is None:
            continue
        rate, source = _projected(stage, old)
        old_targets = {kpi.id: kpi for kpi in old.kpis}
        kpis = [
            KpiTarget(kpi.id, kpi.name, old_targets[kpi.id].target, kpi.target)
            for kpi in stage.kpis
            if kpi.id in old_targets and old_targets[kpi.id].target != kpi.target
        ]
        stages.append(
            StageComparison(
                stage.id,
                stage.name,
                Pair(old.emotion, stage.emotion),
                Pair(conversion(old), rate),
                source,
                kpis,
            )
        )
    resolvers: dict[str, list[str]] = {}
    for stage in future.stages:
        for touchpoint in stage.touchpoints:
            for target in touchpoint.resolves:
                resolvers.setdefault(target, []).append(touchpoint.id)
    standing = {barrier.id for stage in future.stages for barrier in stage.barriers}
    standing |= {objection.id for stage in future.stages for objection in stage.objections}
    resolved: list[Resolution] = []
    unresolved: list[Resolution] = []
    for stage in current.stages:
        for kind, elements in (("barrier", stage.barriers), ("objection", stage.objections)):
            for element in elements:
                entry = Resolution(
                    kind, element.id, stage.id, stage.name, element.text, resolvers.get(element.id, []),
                    element.id in standing,
                )  # fmt: skip
                (resolved if entry.by else unresolved).append(entry)
    added, removed = _elements(current, future, before, after)
    return Comparison(
        current, future, stages, resolved, unresolved, added, removed, _revenue(current, future)
    )


def _elements(
    current: Journey, future: Journey, before: dict[str, Stage], after: dict[str, Stage]
) -> tuple[list[Element], list[Element]]:
    added = [Element("stage", s.id, s.name) for s in future.stages if s.id not in before]
    removed = [Element("stage", s.id, s.name) for s in current.stages if s.id not in after]
    old_points = {t.id: (s, t) for s in current.stages for t in s.touchpoints}
    new_points = {t.id: (s, t) for s in future.stages for t in s.touchpoints}
    added += [
        Element("touchpoint", t.id, t.name, s.id)
        for t_id, (s, t) in new_points.items()
        if t_id not in old_points
    ]
    removed += [
        Element("touchpoint", t.id, t.name, s.id)
        for t_id, (s, t) in old_points.items()
        if t_id not in new_points
    ]
    names = {c.id: c.name for c in (*current.channels, *future.channels)}
    old_channels = list(dict.fromkeys(t.channel for s in current.stages for t in s.touchpoints))
    new_channels = list(dict.fromkeys(t.channel for s in future.stages for t in s.touchpoints))
    added += [Element("channel", c, names.get(c, c)) for c in new_channels if c not in old_channels]
    removed += [Element("channel", c, names.get(c, c)) for c in old_channels if c not in new_channels]
    return added, removed


def _revenue(current: Journey, future: Journey) -> Revenue | None:
    economics = future.economics or current.economics
    end = purchase_end(current)
    if economics is None or end is None:
        return None
    chain = current.stages[: end + 1]
    start = next((i for i, stage in enumerate(chain) if volumes(stage) is not None), None)
    if start is None:
        return None
    counted = volumes(chain[start])
    assert counted is not None
    entered = counted[0]
    # A stage of today's funnel with no figures (a call between two measured steps) passes
    # everyone on, in both projections alike; it is listed as assumed.
    unmeasured = [stage.id for stage in chain[start:] if conversion(stage) is None]
    purchases = entered * math.prod(conversion(stage) or 1.0 for stage in chain[start:])
    before = {stage.id: stage for stage in current.stages}
    future_end = purchase_end(future)
    first = next((i for i, stage in enumerate(future.stages) if stage.id == chain[start].id), 0)
    planned = future.stages[first : (future_end if future_end is not None else end) + 1]
    projected, assumed, contributions = 1.0, list(unmeasured), []
    today = purchases * economics.average_order_value
    for stage in planned:
        old = before.get(stage.id)
        rate, _ = _projected(stage, old)
        if rate is None:
            if stage.id not in assumed:
                assumed.append(stage.id)
            rate = 1.0
        projected *= rate
        old_rate = conversion(old) if old is not None else None
        if old_rate != rate:
            alone = today * (rate / old_rate) if old_rate else today * rate
            contributions.append(Contribution(stage.id, stage.name, old_rate, rate, round(alone - today, 2)))
    purchases_future = entered * projected
    return Revenue(
        currency=economics.currency,
        average_order_value=economics.average_order_value,
        entered=entered,
        purchases_current=round(purchases, 4),
        purchases_future=round(purchases_future, 4),
        current=round(today, 2),
        future=round(purchases_future * economics.average_order_value, 2),
        contributions=sorted(contributions, key=lambda c: -c.revenue),
        assumed=assumed,
    )
