"""Future maps: what a designed journey leaves unsolved compared with its baseline (CJM4xx)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from cjmkit.analysis.rules.registry import rule
from cjmkit.analysis.rules.scope import Hit, Scope
from cjmkit.i18n import N_, Message, Name, Signed, msg
from cjmkit.loading.document import Document
from cjmkit.models import Barrier, Journey, Objection


def comparisons(scope: Scope) -> Iterator[tuple[Document, Journey, Journey]]:
    """Each future map of the scope with the current map it names as its `baseline`."""
    current = {journey.id: journey for _, journey in scope.journeys() if not journey.future}
    for document, journey in scope.journeys():
        baseline = current.get(journey.baseline) if journey.future and journey.baseline else None
        if baseline is not None:
            yield document, journey, baseline


#: The messages of a baseline barrier or objection still standing: (finding, advice), each
#: a whole sentence so that it translates.
STANDING = {
    "barriers": (
        N_("barrier {element} of {baseline} still stands at stage {stage}: no touchpoint resolves it"),
        N_("Design a touchpoint that removes the barrier {element} at {stage}."),
    ),
    "objections": (
        N_("objection {element} of {baseline} still stands at stage {stage}: no touchpoint resolves it"),
        N_("Design a touchpoint that answers the objection {element} at {stage}."),
    ),
}


@rule(
    "CJM401",
    "future-barrier-unresolved",
    "warning",
    "A future map keeps a barrier or objection of its baseline that nothing resolves.",
)
def future_barrier_unresolved(scope: Scope) -> Iterator[Hit]:
    """A barrier or objection of the baseline (current) map is still in the same stage of the
    future map, and no touchpoint of the future map names it in `resolves`. Stages,
    barriers and objections are matched between the two maps by id.

    Why: a future map is the plan to remove what stops customers today; a barrier the
    plan carries over unchanged, with nothing designed against it, is a gap in the plan.

    Example: the current map has the barrier `size-unknown` at stage `choice`; the
    future map keeps it there, and no touchpoint says

        resolves: [size-unknown]

    Fix: design the touchpoint that removes it and list the id in its `resolves`, or
    drop the barrier from the future map if the new journey no longer has it.
    """
    for document, journey, baseline in comparisons(scope):
        resolved = {
            identifier
            for stage in journey.stages
            for touchpoint in stage.touchpoints
            for identifier in touchpoint.resolves
        }
        before = {stage.id: stage for stage in baseline.stages}
        for index, stage in enumerate(journey.stages):
            old = before.get(stage.id)
            if old is None:
                continue
            groups: tuple[tuple[str, Sequence[Barrier | Objection], Sequence[Barrier | Objection]], ...] = (
                ("barriers", stage.barriers, old.barriers),
                ("objections", stage.objections, old.objections),
            )
            for key, elements, previous in groups:
                text, advice = STANDING[key]
                earlier = {element.id for element in previous}
                for number, element in enumerate(elements):
                    if element.id in earlier and element.id not in resolved:
                        yield Hit(
                            document,
                            ("stages", index, key, number),
                            msg(
                                text,
                                element=Name(element.text),
                                baseline=Name(baseline.title),
                                stage=Name(stage.name),
                            ),
                            journey.id,
                            stage.id,
                            element.id,
                            advice=msg(advice, element=Name(element.text), stage=Name(stage.name)),
                        )


@rule(
    "CJM402",
    "future-emotion-regression",
    "warning",
    "A stage of a future map feels worse than in its baseline.",
)
def future_emotion_regression(scope: Scope) -> Iterator[Hit]:
    """A stage of the future map has a lower `emotion` than the stage with the same id in the
    baseline (current) map.

    Why: the designed journey should feel at least as good as today's at every stage; a
    lower emotion means the plan makes this moment worse for the customer.

    Example: `emotion: 0` at stage `delivery` of the current map, `emotion: -1` at
    `delivery` of the future map.

    Fix: rework the stage's touchpoints so the new journey does not cost the customer
    at this moment, or correct the emotion if the estimate was wrong.
    """
    for document, journey, baseline in comparisons(scope):
        before = {stage.id: stage.emotion for stage in baseline.stages}
        for index, stage in enumerate(journey.stages):
            old = before.get(stage.id)
            if old is None or stage.emotion is None or stage.emotion >= old:
                continue
            yield Hit(
                document,
                ("stages", index, "emotion"),
                msg(
                    "emotion at stage {stage} falls from {before} in {baseline} to {after}",
                    stage=Name(stage.name),
                    before=Signed(old),
                    baseline=Name(baseline.title),
                    after=Signed(stage.emotion),
                ),
                journey.id,
                stage.id,
                stage.id,
                advice=msg(
                    "Rework {stage} so that the new journey feels at least as good as today's there.",
                    stage=Name(stage.name),
                ),
            )


@rule(
    "CJM403",
    "future-without-baseline",
    "info",
    "A future map names no current map to compare with.",
)
def future_without_baseline(scope: Scope) -> Iterator[Hit]:
    """A map with `state: future` has no `baseline`, or its baseline is not among the
    journeys of its workspace (or, for a standalone map, not loaded with it), so it cannot
    be compared with today's journey and the other future rules say nothing about it.

    Why: a designed journey is worth as much as the improvement it brings; without the
    current map beside it, neither the barriers it removes nor the emotions it changes
    can be checked.

    Example:

        state: future
        # no baseline

    Fix: add `baseline: <id of the current map>` and keep that map in the same
    workspace.
    """
    current = {journey.id for _, journey in scope.journeys() if not journey.future}
    for document, journey in scope.journeys():
        if not journey.future:
            continue
        if journey.baseline is None:
            yield Hit(
                document,
                ("state",),
                msg("future map {journey} names no baseline", journey=Name(journey.title)),
                journey.id,
                None,
                journey.id,
                advice=baseline_advice(journey.title),
            )
        elif journey.baseline not in current:
            yield Hit(
                document,
                ("baseline",),
                msg(
                    "the baseline {baseline} of future map {journey} is not among the maps loaded with it",
                    baseline=Name(journey.baseline),
                    journey=Name(journey.title),
                ),
                journey.id,
                None,
                journey.id,
                advice=baseline_advice(journey.title),
            )


def baseline_advice(journey: str) -> Message:
    return msg(
        "Name the current map that {journey} improves on in `baseline` and keep both maps together.",
        journey=Name(journey),
    )
