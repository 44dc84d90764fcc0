"""Gaps: what the map leaves out (CJM1xx)."""

from __future__ import annotations

from collections.abc import Iterator

from cjmkit.analysis.rules.registry import rule
from cjmkit.analysis.rules.scope import Hit, Scope
from cjmkit.i18n import N_, Join, Message, Name, Term, msg
from cjmkit.models.base import PHASE_ORDER

POST_PURCHASE = frozenset({"onboarding", "usage", "retention", "advocacy"})

#: Words of the messages, by the field or phase they name.
PERSONA_PARTS = {
    "needs": N_("needs"),
    "pains": N_("pains"),
    "rational": N_("rational motivations"),
    "emotional": N_("emotional motivations"),
}
PHASE_TERMS = {
    "awareness": N_("awareness"),
    "consideration": N_("consideration"),
    "purchase": N_("purchase"),
    "onboarding": N_("onboarding"),
    "usage": N_("usage"),
    "retention": N_("retention"),
    "advocacy": N_("advocacy"),
}


def evidence_advice(stage: str) -> Message:
    return msg(
        "Back {stage} with data: web analytics, a survey, interviews with customers or staff.",
        stage=Name(stage),
    )


@rule("CJM101", "stage-no-touchpoints", "warning", "A stage has no touchpoint.")
def stage_no_touchpoints(scope: Scope) -> Iterator[Hit]:
    """A stage lists no touchpoint.

    Why: a stage where the customer meets no touchpoint is a stage where the
    company is absent. Either the map misses how the customer gets information
    here, or this is a gap to fill.

    Example:

        - id: compare
          name: Comparing offers
          touchpoints: []

    Fix: add the touchpoints (ads, site pages, letters, calls) the customer meets at
    this stage, each with its channel.
    """
    for document, journey, index, stage in scope.stages():
        if not stage.touchpoints:
            yield Hit(
                document,
                ("stages", index),
                msg("stage {stage} has no touchpoint", stage=Name(stage.name)),
                journey.id,
                stage.id,
                stage.id,
                advice=msg(
                    "Map where customers meet the company at {stage}: ads, pages, letters, calls.",
                    stage=Name(stage.name),
                ),
            )


@rule("CJM102", "stage-no-kpi", "warning", "A stage has no KPI.")
def stage_no_kpi(scope: Scope) -> Iterator[Hit]:
    """A stage has no KPI.

    Why: the method asks for a KPI at every stage, so that the map shows where
    customers are lost and whether a change helped.

    Example:

        - id: landing
          name: Landing page
          kpis: []

    Fix: add at least one KPI with a `target` (and its `actual` once measured),
    e.g. the conversion of the landing page.
    """
    for document, journey, index, stage in scope.stages():
        if not stage.kpis:
            yield Hit(
                document,
                ("stages", index),
                msg("stage {stage} has no KPI", stage=Name(stage.name)),
                journey.id,
                stage.id,
                stage.id,
                advice=msg(
                    "Choose a KPI with a target that shows whether {stage} works.", stage=Name(stage.name)
                ),
            )


@rule("CJM103", "stage-no-goal", "warning", "A stage has no customer goal.")
def stage_no_goal(scope: Scope) -> Iterator[Hit]:
    """A stage has no `customer_goal`.

    Why: a journey map is drawn from the customer's side. Without the customer's
    goal a stage describes the company's process, not the customer's journey.

    Example:

        - id: delivery
          name: Delivery

    Fix: write what the customer wants at this stage, e.g.
    `customer_goal: Get the door installed this week`.
    """
    for document, journey, index, stage in scope.stages():
        if not stage.customer_goal:
            yield Hit(
                document,
                ("stages", index),
                msg("stage {stage} has no customer goal", stage=Name(stage.name)),
                journey.id,
                stage.id,
                stage.id,
                advice=msg(
                    "Write down what the customer wants to achieve at {stage}.", stage=Name(stage.name)
                ),
            )


@rule("CJM104", "objection-unanswered", "error", "An objection has no response.")
def objection_unanswered(scope: Scope) -> Iterator[Hit]:
    """An objection has no `response`.

    Why: an objection nobody answers is a customer the company loses. The method
    is to find each objection and decide how to meet it.

    Example:

        objections:
          - id: too-expensive
            text: Doors are too expensive here

    Fix: add the answer, e.g. `response: Installments at 0% and a free measurement`.
    """
    for document, journey, index, stage in scope.stages():
        for number, objection in enumerate(stage.objections):
            if not objection.response:
                yield Hit(
                    document,
                    ("stages", index, "objections", number),
                    msg(
                        "objection {objection} at stage {stage} has no response",
                        objection=Name(objection.text),
                        stage=Name(stage.name),
                    ),
                    journey.id,
                    stage.id,
                    objection.id,
                    advice=msg(
                        "Prepare an answer to the objection {objection}.", objection=Name(objection.text)
                    ),
                )


@rule("CJM105", "barrier-no-recommendation", "error", "A barrier has no recommendation.")
def barrier_no_recommendation(scope: Scope) -> Iterator[Hit]:
    """A barrier has no `recommendation`.

    Why: barriers stop the deal; a map that names a barrier without saying how to
    remove it leaves the client with the problem and no plan.

    Example:

        barriers:
          - id: size-unknown
            text: Not sure the door fits the opening

    Fix: add what to do, e.g. `recommendation: Offer a free measurement visit`.
    """
    for document, journey, index, stage in scope.stages():
        for number, barrier in enumerate(stage.barriers):
            if not barrier.recommendation:
                yield Hit(
                    document,
                    ("stages", index, "barriers", number),
                    msg(
                        "barrier {barrier} at stage {stage} has no recommendation",
                        barrier=Name(barrier.text),
                        stage=Name(stage.name),
                    ),
                    journey.id,
                    stage.id,
                    barrier.id,
                    advice=msg("Decide how to remove the barrier {barrier}.", barrier=Name(barrier.text)),
                )


@rule("CJM106", "segment-without-journey", "warning", "A segment has no journey map.")
def segment_without_journey(scope: Scope) -> Iterator[Hit]:
    """A workspace segment has no journey whose `segment` names it.

    Why: the method draws one map per segment; segments differ in channels,
    objections and motivations, and a shared map hides that. In B2B each
    stakeholder is a segment with a map of its own.

    Example: `cjm.yaml` defines `segments: [{id: installers, ...}]` but no journey
    has `segment: installers`.

    Fix: add a journey file for the segment, or remove the segment.
    """
    if scope.workspace_document is None or scope.workspace is None:
        return
    mapped = {journey.segment for _, journey in scope.journeys()}
    for index, segment in enumerate(scope.workspace.segments):
        if segment.id not in mapped:
            yield Hit(
                scope.workspace_document,
                ("segments", index),
                msg("segment {segment} has no journey map", segment=Name(segment.name)),
                subject=segment.id,
                advice=msg("Draw a journey map for the segment {segment}.", segment=Name(segment.name)),
            )


@rule("CJM107", "persona-incomplete", "warning", "A persona lacks needs, pains or motivations.")
def persona_incomplete(scope: Scope) -> Iterator[Hit]:
    """A persona has no needs, no pains, or lacks rational or emotional motivations.

    Why: the portrait of the segment is what the map is read against. Needs and
    pains explain the objections; rational and emotional motivations decide which
    arguments convert.

    Example:

        personas:
          - id: anna
            name: Anna, 38
            needs: [A door that keeps the flat warm]

    Fix: fill in `needs`, `pains` and `motivations: {rational: [...], emotional: [...]}`.
    """
    for document, path, persona in scope.personas():
        missing = [Term(PERSONA_PARTS[name]) for name in ("needs", "pains") if not getattr(persona, name)]
        motivations = persona.motivations
        for kind in ("rational", "emotional"):
            if motivations is None or not getattr(motivations, kind):
                missing.append(Term(PERSONA_PARTS[kind]))
        if missing:
            yield Hit(
                document,
                path,
                msg(
                    "persona {persona} has no {missing}",
                    persona=Name(persona.name),
                    missing=Join(tuple(missing)),
                ),
                document.journey.id if document.journey else None,
                subject=persona.id,
                advice=msg(
                    "Complete the portrait of {persona}: {missing}.",
                    persona=Name(persona.name),
                    missing=Join(tuple(missing)),
                ),
            )


@rule("CJM108", "no-post-purchase", "warning", "The journey ends at the purchase.")
def no_post_purchase(scope: Scope) -> Iterator[Hit]:
    """A journey has a `purchase` stage and nothing after it (onboarding, usage,
    retention or advocacy).

    Why: the journey goes on to loyalty. Repeat purchases, reviews and referrals
    happen after the sale, and a map that stops at the purchase cannot show them.

    Example: the last stage is `phase: purchase`.

    Fix: add the stages after the purchase: delivery or installation
    (`onboarding`), use, repeat purchase (`retention`), reviews and referrals
    (`advocacy`).
    """
    for document, journey in scope.journeys():
        purchases = [i for i, stage in enumerate(journey.stages) if stage.phase == "purchase"]
        if not purchases:
            continue
        last = purchases[-1]
        if not any(stage.phase in POST_PURCHASE for stage in journey.stages[last + 1 :]):
            stage = journey.stages[last]
            yield Hit(
                document,
                ("stages", last),
                msg(
                    "the journey ends at purchase stage {stage}: no onboarding, usage, "
                    "retention or advocacy stage follows",
                    stage=Name(stage.name),
                ),
                journey.id,
                stage.id,
                stage.id,
                advice=msg(
                    "Map what happens after {stage}: delivery or installation, use, repeat purchase, "
                    "reviews and referrals.",
                    stage=Name(stage.name),
                ),
            )


@rule("CJM109", "unused-channel", "info", "A channel is used by no touchpoint.")
def unused_channel(scope: Scope) -> Iterator[Hit]:
    """A channel is defined but no touchpoint uses it.

    Why: either the map misses the touchpoints of that channel, or the channel is
    left over and misleads the reader about where customers are met.

    Example: `channels: [{id: telegram, name: Telegram}]` and no touchpoint has
    `channel: telegram`.

    Fix: add the channel's touchpoints, or remove the channel.
    """
    used = {tp.channel for _, _, _, stage in scope.stages() for tp in stage.touchpoints}
    for document, path, channel in scope.channels():
        if channel.id not in used:
            yield Hit(
                document,
                path,
                msg("channel {channel} is used by no touchpoint", channel=Name(channel.name)),
                document.journey.id if document.journey else None,
                subject=channel.id,
                advice=msg(
                    "Add the touchpoints of the channel {channel}, or drop the channel.",
                    channel=Name(channel.name),
                ),
            )


@rule("CJM110", "stage-unevidenced", "warning", "A stage rests on assumptions, not data.")
def stage_unevidenced(scope: Scope) -> Iterator[Hit]:
    """A stage has no `evidence`, or its evidence level is `assumption`.

    Why: a journey map is built on facts: analytics, surveys, interviews, staff
    and reviews. A stage built on assumptions is a hypothesis to test before
    money is spent on it.

    Example:

        evidence:
          level: assumption

    Fix: collect data (web analytics, a survey, interviews with customers or with
    the staff who talk to them) and record it: `evidence: {level: data, sources: [analytics]}`.
    """
    for document, journey, index, stage in scope.stages():
        if stage.evidence is None:
            yield Hit(
                document,
                ("stages", index),
                msg("stage {stage} states no evidence", stage=Name(stage.name)),
                journey.id,
                stage.id,
                stage.id,
                advice=evidence_advice(stage.name),
            )
        elif stage.evidence.level == "assumption":
            yield Hit(
                document,
                ("stages", index, "evidence", "level"),
                msg("stage {stage} rests on assumptions, not data", stage=Name(stage.name)),
                journey.id,
                stage.id,
                stage.id,
                advice=evidence_advice(stage.name),
            )


#: Phases before the purchase: a stage in one of them after the purchase runs backwards.
PRE_PURCHASE = PHASE_ORDER[: PHASE_ORDER.index("purchase")]


@rule("CJM111", "phase-order", "warning", "A pre-purchase stage comes after the purchase.")
def phase_order(scope: Scope) -> Iterator[Hit]:
    """A stage in a pre-purchase phase (`awareness`, `consideration`) comes after a stage
    in `purchase` or a later phase.

    After the purchase, phases may come in any order: a loyalty loop (a `retention` stage
    after an `advocacy` stage, a repeat `purchase` after `retention`) is how customers
    really live. Going back before the purchase is not.

    Why: a pre-purchase stage after the purchase is usually a mislabelled stage or stages
    in the wrong order; it breaks the funnel, the growth points and the post-purchase
    analysis.

    Example: a `purchase` stage followed by a `consideration` stage.

    Fix: put the stages in the customer's order, or correct the `phase` (a second look
    at the offer after buying is `retention` or `usage`, not `consideration`).
    """
    for document, journey in scope.journeys():
        bought: str | None = None
        for index, stage in enumerate(journey.stages):
            if stage.phase is None:
                continue
            if bought is not None and stage.phase in PRE_PURCHASE:
                yield Hit(
                    document,
                    ("stages", index, "phase"),
                    msg(
                        "stage {stage} is in phase {phase} but comes after stage {bought}, which is "
                        "already past the purchase",
                        stage=Name(stage.name),
                        phase=Term(PHASE_TERMS[stage.phase]),
                        bought=Name(bought),
                    ),
                    journey.id,
                    stage.id,
                    stage.id,
                    advice=msg(
                        "Put {stage} in the customer's order, or correct its phase.", stage=Name(stage.name)
                    ),
                )
            elif bought is None and stage.phase not in PRE_PURCHASE:
                bought = stage.name
