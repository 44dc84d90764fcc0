"""Flow: where touchpoints use `next`, every touchpoint is reachable and leads on (CJM3xx)."""

from __future__ import annotations

from collections.abc import Iterator

from cjmkit.analysis.flow import journey_flow
from cjmkit.analysis.rules.registry import rule
from cjmkit.analysis.rules.scope import Hit, Scope, quote


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
                    f"touchpoint {quote(node.touchpoint.name)} at stage {quote(stage.name)} "
                    f"cannot be reached from {quote(flow.nodes[0].touchpoint.name)}",
                    journey.id,
                    stage.id,
                    node.touchpoint.id,
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
            if len(component) == 1:
                what = f"the flow stops at touchpoint {quote(node.touchpoint.name)}"
            else:
                names = ", ".join(quote(by_id[m].touchpoint.name) for m in component)
                what = f"touchpoints {names} loop with no way out"
            yield Hit(
                document,
                ("stages", node.stage_index, "touchpoints", node.touchpoint_index),
                f"{what} before the last stage {quote(journey.stages[last_stage].name)}",
                journey.id,
                stage.id,
                node.touchpoint.id,
            )
