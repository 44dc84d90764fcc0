"""Numbers read off a map: conversion, KPI gaps, stage emotion. Shared by rules and ranking."""

from __future__ import annotations

import math

from cjmkit.models import KPI, Stage


def volumes(stage: Stage) -> tuple[int, int] | None:
    """(entered, advanced) of the stage; None without both figures (a future map's funnel may
    hold a target alone)."""
    funnel = stage.funnel
    if funnel is None or funnel.entered is None or funnel.advanced is None:
        return None
    return funnel.entered, funnel.advanced


def conversion(stage: Stage) -> float | None:
    """Share of the customers entering the stage who advance; None without funnel data."""
    counted = volumes(stage)
    if counted is None or counted[0] == 0:
        return None
    return counted[1] / counted[0]


def kpi_misses_target(kpi: KPI) -> bool:
    """Whether a measured KPI is on the wrong side of its target (respecting `direction`)."""
    if kpi.actual is None:
        return False
    return kpi.actual < kpi.target if kpi.direction == "higher" else kpi.actual > kpi.target


def kpi_miss(kpi: KPI) -> float:
    """How far a KPI misses its target, relative to the target (0 when met or unmeasured;
    infinite for any miss of a target of 0)."""
    if not kpi_misses_target(kpi) or kpi.actual is None:
        return 0.0
    if kpi.target == 0:
        return math.inf
    return abs(kpi.actual - kpi.target) / abs(kpi.target)


def beyond_tolerance(miss: float, tolerance: float) -> bool:
    """Whether a relative miss exceeds the tolerance; a miss equal to it (0.475 against 0.5
    at 5 %, which floating point makes 0.05000000000000004) is within."""
    return miss > tolerance + 1e-9


def kpi_gap(kpi: KPI, tolerance: float = 0.0) -> float:
    """The miss of a KPI beyond ``tolerance``, capped at 1 (0 when within tolerance)."""
    miss = kpi_miss(kpi)
    return min(1.0, miss) if beyond_tolerance(miss, tolerance) else 0.0


def lowest_emotion(stage: Stage) -> int | None:
    """The stage's emotion, or the worst touchpoint emotion if lower."""
    values = [stage.emotion] + [tp.emotion for tp in stage.touchpoints]
    known = [value for value in values if value is not None]
    return min(known) if known else None


def is_addressed(stage: Stage) -> bool:
    """Whether the map says what to do about the stage: an opportunity, a barrier
    recommendation or an objection response."""
    return bool(
        stage.opportunities
        or any(b.recommendation for b in stage.barriers)
        or any(o.response for o in stage.objections)
    )
