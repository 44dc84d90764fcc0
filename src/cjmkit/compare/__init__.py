"""`cjm compare`: what a future (to-be) map changes against its current (as-is) baseline.

Where ``cjm diff`` compares two versions of one map in time, ``compare`` contrasts two
designs: the journey as it is and the journey as the consultant proposes it. Stages,
touchpoints, barriers and objections are matched by id.

- **Stages** (in both maps): emotion current → future and the change; conversion current →
  projected (the future stage's `funnel.target`, else the baseline's observed rate);
  KPI targets that changed.
- **Barriers and objections** of the baseline: resolved (with the future touchpoints whose
  `resolves` names them) or unresolved (and whether they still stand in the future map).
- **Added and removed** stages, touchpoints and channels.
- **Revenue**: purchases × average order value, today and projected. Purchases are the
  customers entering the first stage with funnel figures times the conversion of each stage
  up to the purchase (the first run of `purchase` stages), as for growth points; the
  projection keeps today's entry and uses each future stage's projected rate. A stage the
  future map adds with no target is assumed to pass everyone on, and listed as assumed.
"""

from cjmkit.compare.engine import (
    Comparison,
    Element,
    KpiTarget,
    Pair,
    Resolution,
    Revenue,
    StageComparison,
    compare,
)

__all__ = [
    "Comparison",
    "Element",
    "KpiTarget",
    "Pair",
    "Resolution",
    "Revenue",
    "StageComparison",
    "compare",
]
