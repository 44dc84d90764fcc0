"""Weak stages: where the numbers or the emotions say customers are lost (CJM2xx)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

from cjmkit.analysis.measures import (
    beyond_tolerance,
    conversion,
    is_addressed,
    kpi_miss,
    volumes,
)
from cjmkit.analysis.rules.registry import Option, rule
from cjmkit.analysis.rules.scope import Hit, Scope
from cjmkit.diagnostics import Severity
from cjmkit.i18n import Argument, Message, Name, Percent, Quantity, Signed, msg
from cjmkit.models import KPI, Stage

KPI_MAJOR_MISS = Option(
    "kpi_major_miss",
    0.2,
    "A KPI missing its target by more than this share of the target is a warning; a smaller "
    "miss (beyond `analysis.kpi_tolerance`) is info.",
    minimum=0,
)


@rule(
    "CJM201",
    "kpi-off-target",
    "warning",
    "A KPI misses its target by more than the tolerance.",
    options=[KPI_MAJOR_MISS],
    aliases=["kpi-below-target"],
)
def kpi_off_target(scope: Scope) -> Iterator[Hit]:
    """A measured KPI is on the wrong side of its target: below it when `direction:
    higher` (the default), above it when `direction: lower` (costs, times, bounce rates),
    by more than `analysis.kpi_tolerance` of the target (default 0.05: 0.475 is on a
    target of 0.5). A miss larger than `thresholds.kpi_major_miss` of the target (default
    0.2) is a warning; a smaller one is info. A severity set in `cjm.yaml` applies to both.
    The rule was called `kpi-below-target`; that name still works everywhere.

    Why: the KPIs far off target are the stages to work on first; a KPI a hair off
    target is noise.

    Example:

        kpis:
          - id: ctr
            name: Search ad CTR
            target: 0.05
            actual: 0.032

    Fix: act on the stage (see its objections, barriers and opportunities), or
    revise a target that was never realistic.
    """
    tolerance = scope.kpi_tolerance
    major = scope.option(KPI_MAJOR_MISS)
    for document, journey, index, stage in scope.stages():
        currency = journey.economics.currency if journey.economics else None
        for number, kpi in enumerate(stage.kpis):
            miss = kpi_miss(kpi)
            if kpi.actual is None or not beyond_tolerance(miss, tolerance):
                continue
            yield Hit(
                document,
                ("stages", index, "kpis", number),
                miss_message(kpi, stage.name, miss, currency),
                journey.id,
                stage.id,
                kpi.id,
                Severity.WARNING if miss > major else Severity.INFO,
                advice=msg(
                    "Bring {kpi} at {stage} to its target of {target} (now {actual}).",
                    kpi=Name(kpi.name),
                    stage=Name(stage.name),
                    target=Quantity(kpi.target, kpi.unit, currency),
                    actual=Quantity(kpi.actual, kpi.unit, currency),
                ),
            )


def miss_message(kpi: KPI, stage: str, miss: float, currency: str | None) -> Message:
    """ "KPI 'x' at stage 'y' is 30% above target: 0.52 vs 0.4", one msgid per side, so the
    sentence translates whole."""
    assert kpi.actual is not None
    values: dict[str, Argument] = {
        "kpi": Name(kpi.name),
        "stage": Name(stage),
        "actual": Quantity(kpi.actual, kpi.unit, currency),
        "target": Quantity(kpi.target, kpi.unit, currency),
    }
    if math.isinf(miss):
        if kpi.direction == "higher":
            return msg("KPI {kpi} at stage {stage} is below target: {actual} vs {target}", **values)
        return msg("KPI {kpi} at stage {stage} is above target: {actual} vs {target}", **values)
    share = Percent(miss, 0)
    if kpi.direction == "higher":
        return msg(
            "KPI {kpi} at stage {stage} is {share} below target: {actual} vs {target}", share=share, **values
        )
    return msg(
        "KPI {kpi} at stage {stage} is {share} above target: {actual} vs {target}", share=share, **values
    )


@rule("CJM202", "kpi-unmeasured", "info", "A KPI has a target but no actual value.")
def kpi_unmeasured(scope: Scope) -> Iterator[Hit]:
    """A KPI has a `target` but no `actual`.

    Why: a map built on data shows measured values; an unmeasured KPI is a blind
    spot in the funnel.

    Example:

        kpis:
          - id: nps
            name: NPS after installation
            target: 60

    Fix: measure it and record `actual` (and its `source`).
    """
    for document, journey, index, stage in scope.stages():
        for number, kpi in enumerate(stage.kpis):
            if kpi.actual is None:
                yield Hit(
                    document,
                    ("stages", index, "kpis", number),
                    msg(
                        "KPI {kpi} at stage {stage} is not measured",
                        kpi=Name(kpi.name),
                        stage=Name(stage.name),
                    ),
                    journey.id,
                    stage.id,
                    kpi.id,
                    advice=msg(
                        "Measure {kpi} at {stage} and note where the figure comes from.",
                        kpi=Name(kpi.name),
                        stage=Name(stage.name),
                    ),
                )


MIN_STAGE_CONVERSION = Option(
    "min_stage_conversion",
    0.2,
    "A stage converting less than this share (advanced / entered) is a high drop-off.",
    minimum=0,
    maximum=1,
)


@rule(
    "CJM203",
    "high-drop-off",
    "warning",
    "Few customers advance past a stage.",
    options=[MIN_STAGE_CONVERSION],
)
def high_drop_off(scope: Scope) -> Iterator[Hit]:
    """The share of customers who advance past the stage (`funnel.advanced /
    funnel.entered`) is under `thresholds.min_stage_conversion` (default 0.2).

    Why: a stage that loses most of its customers is where the funnel leaks.

    Example:

        funnel:
          entered: 10000
          advanced: 450

    Fix: find out why customers leave (objections, barriers, emotions) and act;
    set the threshold for your market in `cjm.yaml` under
    `analysis: {thresholds: {min_stage_conversion: 0.1}}`.
    """
    threshold = scope.option(MIN_STAGE_CONVERSION)
    for document, journey, index, stage in scope.stages():
        rate = conversion(stage)
        if rate is not None and rate < threshold:
            yield Hit(
                document,
                ("stages", index, "funnel"),
                msg(
                    "only {share} of customers advance past stage {stage} (threshold {threshold})",
                    share=Percent(rate),
                    stage=Name(stage.name),
                    threshold=Percent(threshold, 0),
                ),
                journey.id,
                stage.id,
                stage.id,
                advice=msg(
                    "Find out why customers leave at {stage}, where only {share} go on, "
                    "and remove the cause.",
                    stage=Name(stage.name),
                    share=Percent(rate),
                ),
            )


@rule("CJM204", "negative-emotion-unaddressed", "warning", "A negative emotion has no remedy.")
def negative_emotion_unaddressed(scope: Scope) -> Iterator[Hit]:
    """The stage or one of its touchpoints has an emotion of -1 or lower, and the
    stage has no opportunity, no barrier recommendation and no objection response.

    Why: negative emotions mark the moments customers give up; the map should
    say what the company will do about them.

    Example:

        - id: waiting
          name: Waiting for delivery
          emotion: -2

    Fix: add `opportunities`, or the objections and barriers behind the emotion
    with their responses and recommendations.
    """
    for document, journey, index, stage in scope.stages():
        if is_addressed(stage):
            continue
        if stage.emotion is not None and stage.emotion <= -1:
            yield Hit(
                document,
                ("stages", index, "emotion"),
                msg(
                    "stage {stage} has emotion {emotion} and nothing addresses it",
                    stage=Name(stage.name),
                    emotion=Signed(stage.emotion),
                ),
                journey.id,
                stage.id,
                stage.id,
                advice=emotion_advice(stage.name),
            )
        for number, touchpoint in enumerate(stage.touchpoints):
            if touchpoint.emotion is not None and touchpoint.emotion <= -1:
                yield Hit(
                    document,
                    ("stages", index, "touchpoints", number, "emotion"),
                    msg(
                        "touchpoint {touchpoint} has emotion {emotion} and nothing at stage {stage} "
                        "addresses it",
                        touchpoint=Name(touchpoint.name),
                        emotion=Signed(touchpoint.emotion),
                        stage=Name(stage.name),
                    ),
                    journey.id,
                    stage.id,
                    touchpoint.id,
                    advice=emotion_advice(stage.name),
                )


def emotion_advice(stage: str) -> Message:
    return msg(
        "Say what the company does about the negative emotion at {stage}: an answer, a fix or an idea.",
        stage=Name(stage),
    )


@rule("CJM205", "emotion-dip", "info", "Emotion falls sharply from one stage to the next.")
def emotion_dip(scope: Scope) -> Iterator[Hit]:
    """The emotion falls by 2 or more from one stage to the next (stages without an
    emotion are skipped: the fall is measured from the last stage that has one).

    Why: a sharp fall is a broken promise: what the customer expected from the
    previous stage did not happen.

    Example: `emotion: 1` at the landing page, `emotion: -1` at the checkout.

    Fix: look at what the customer expected (`expectations`) and what happened;
    add the objections and barriers of the stage.
    """
    for document, journey in scope.journeys():
        felt = [(index, stage) for index, stage in enumerate(journey.stages) if stage.emotion is not None]
        for (_, before), (index, after) in itertools.pairwise(felt):
            assert before.emotion is not None and after.emotion is not None
            if before.emotion - after.emotion >= 2:
                yield Hit(
                    document,
                    ("stages", index, "emotion"),
                    msg(
                        "emotion falls from {before} at {previous} to {after} at {stage}",
                        before=Signed(before.emotion),
                        previous=Name(before.name),
                        after=Signed(after.emotion),
                        stage=Name(after.name),
                    ),
                    journey.id,
                    after.id,
                    after.id,
                    advice=msg(
                        "Check what customers expected after {previous}: at {stage} their mood falls.",
                        previous=Name(before.name),
                        stage=Name(after.name),
                    ),
                )


@rule("CJM206", "funnel-inconsistent", "warning", "A stage has more entries than the previous one advanced.")
def funnel_inconsistent(scope: Scope) -> Iterator[Hit]:
    """A stage's `funnel.entered` exceeds the previous stage's `funnel.advanced`.

    Why: customers who enter a stage come from the previous one; more entries
    than advances means the numbers come from different periods or sources, and
    every conversion computed from them is doubtful.

    Example: stage 1 `advanced: 1200`, stage 2 `entered: 1500`.

    Fix: take the figures of one period from one source; if customers really join
    midway (from another channel), model that channel's entry as its own stage.
    """
    for document, journey in scope.journeys():
        previous: tuple[Stage, int] | None = None  # the previous stage and how many advanced
        for index, stage in enumerate(journey.stages):
            counted = volumes(stage)
            if counted is None:
                previous = None
                continue
            if previous is not None and counted[0] > previous[1]:
                yield Hit(
                    document,
                    ("stages", index, "funnel", "entered"),
                    msg(
                        "{entered} customers enter stage {stage} but only {advanced} advanced "
                        "from {previous}",
                        entered=counted[0],
                        stage=Name(stage.name),
                        advanced=previous[1],
                        previous=Name(previous[0].name),
                    ),
                    journey.id,
                    stage.id,
                    stage.id,
                    advice=msg(
                        "Take the funnel figures of {previous} and {stage} from one period and one source.",
                        previous=Name(previous[0].name),
                        stage=Name(stage.name),
                    ),
                )
            previous = (stage, counted[1])
