"""Flow: where touchpoints use `next`, every touchpoint is reachable and leads on (CJM3xx)."""

from __future__ import annotations

from collections.abc import Iterator

from cjmkit.analysis.flow import journey_flow
from cjmkit.analysis.rules.registry import rule
from cjmkit.analysis.rules.scope import Hit, Scope
from cjmkit.i18n import Join, Name, msg


@rule("CJM301", "touchpoint-unreachable", "warning", "No path of `next` leads to a touchpoint.")
def touchpoint_unreachable(scope: Scope) -> Iterator[Hit]:
    """In a journey whose touchpoints use `next`, a touchpoint cannot be reached from
    the first touchpoint. (A touchpoint without `next` leads to the one after it.)

    Why: a touchpoint nobody reaches is either missing an arrow in the map or a
    touchpoint the customer never sees.

    Example: `search-ad` has `next: [landing]`, so the `catalog` touchpoint
    listed between them is never reached.

    Fix: add the touchpoint to the `next` of the touchpoint that leads to it, or
    remove it.
    """
    for document, journey in scope.journeys():
        flow = journey_flow(journey)
        if not flow.explicit or not flow.nodes:
            continue
        reached = flow.reachable(flow.nodes[0].touchpoint.id)
        for node in flow.nodes:
            if node.touchpoint.id not in reached:
                stage = journey.stages[node.stage_index]
                yield Hit(
                    document,
                    ("stages", node.stage_index, "touchpoints", node.touchpoint_index),
                    msg(
                        "touchpoint {touchpoint} at stage {stage} cannot be reached from {first}",
                        touchpoint=Name(node.touchpoint.name),
                        stage=Name(stage.name),
                        first=Name(flow.nodes[0].touchpoint.name),
                    ),
                    journey.id,
                    stage.id,
                    node.touchpoint.id,
                    advice=msg(
                        "Show how customers get to {touchpoint}, or drop it if nobody does.",
                        touchpoint=Name(node.touchpoint.name),
                    ),
                )


@rule("CJM302", "flow-dead-end", "warning", "The flow stops or loops before the last stage.")
def flow_dead_end(scope: Scope) -> Iterator[Hit]:
    """In a journey whose touchpoints use `next`, the customer path stops (`next: []`)
    or runs in a closed loop before reaching the touchpoints of the last stage (the
    last stage that has touchpoints).

    Why: a dead end in the flow is a customer with nowhere to go: no next letter,
    no offer, no way to buy.

    Example: the touchpoints `reminder-1` and `reminder-2` point at each other
    (`next`) and never on to the checkout.

    Fix: add the next step to the `next` of the touchpoint where the path stops or
    of one touchpoint of the loop.
    """
    for document, journey in scope.journeys():
        flow = journey_flow(journey)
        if not flow.explicit or not flow.nodes:
            continue
        last_stage = flow.nodes[-1].stage_index
        ends = {node.touchpoint.id for node in flow.nodes if node.stage_index == last_stage}
        reached = flow.reachable(flow.nodes[0].touchpoint.id)
        by_id = flow.by_id
        for component in flow.components():
            members = set(component)
            leaves = any(t not in members for m in component for t in flow.edges.get(m, []))
            if leaves or members & ends or component[0] not in reached:
                continue
            node = by_id[component[0]]
            stage = journey.stages[node.stage_index]
            last = Name(journey.stages[last_stage].name)
            if len(component) == 1:
                what = msg(
                    "the flow stops at touchpoint {touchpoint} before the last stage {last}",
                    touchpoint=Name(node.touchpoint.name),
                    last=last,
                )
            else:
                names = Join(tuple(Name(by_id[m].touchpoint.name) for m in component))
                what = msg(
                    "touchpoints {names} loop with no way out before the last stage {last}",
                    names=names,
                    last=last,
                )
            yield Hit(
                document,
                ("stages", node.stage_index, "touchpoints", node.touchpoint_index),
                what,
                journey.id,
                stage.id,
                node.touchpoint.id,
                advice=msg(
                    "Give customers a next step after {touchpoint}: a letter, an offer, a way to buy.",
                    touchpoint=Name(node.touchpoint.name),
                ),
            )
