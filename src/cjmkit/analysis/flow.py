"""The touchpoint flow of a journey: a graph from `next` (or list order)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cjmkit.models import Journey, Touchpoint


@dataclass(frozen=True)
class Node:
    stage_index: int
    touchpoint_index: int
    touchpoint: Touchpoint


@dataclass
class Flow:
    """Touchpoints in the customer's order and the edges between them (by touchpoint id)."""

    nodes: list[Node] = field(default_factory=list)
    edges: dict[str, list[str]] = field(default_factory=dict)
    explicit: bool = False

    @property
    def by_id(self) -> dict[str, Node]:
        return {node.touchpoint.id: node for node in self.nodes}

    def reachable(self, start: str) -> set[str]:
        seen, stack = {start}, [start]
        while stack:
            for following in self.edges.get(stack.pop(), []):
                if following not in seen:
                    seen.add(following)
                    stack.append(following)
        return seen

    def components(self) -> list[list[str]]:
        """Strongly connected components (Tarjan, iterative), each in list order."""
        order = {node.touchpoint.id: i for i, node in enumerate(self.nodes)}
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[list[str]] = []
        for root in order:
            if root in index:
                continue
            work = [(root, 0)]
            while work:
                node, child = work.pop()
                if child == 0:
                    index[node] = low[node] = len(index)
                    stack.append(node)
                    on_stack.add(node)
                successors = self.edges.get(node, [])
                if child < len(successors):
                    work.append((node, child + 1))
                    following = successors[child]
                    if following not in index:
                        work.append((following, 0))
                    elif following in on_stack:
                        low[node] = min(low[node], index[following])
                    continue
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(sorted(component, key=order.__getitem__))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
        return found


def journey_flow(journey: Journey) -> Flow:
    """Edges from each touchpoint's `next`, or to the following touchpoint when it has none."""
    flow = Flow()
    for s, stage in enumerate(journey.stages):
        for t, touchpoint in enumerate(stage.touchpoints):
            flow.nodes.append(Node(s, t, touchpoint))
    known = {node.touchpoint.id for node in flow.nodes}
    for position, node in enumerate(flow.nodes):
        touchpoint = node.touchpoint
        if "next" in touchpoint.model_fields_set:
            flow.explicit = True
            flow.edges[touchpoint.id] = [target for target in touchpoint.next if target in known]
        elif position + 1 < len(flow.nodes):
            flow.edges[touchpoint.id] = [flow.nodes[position + 1].touchpoint.id]
        else:
            flow.edges[touchpoint.id] = []
    return flow
