"""Analysis: rules over each workspace (``rules``), the numbers they read (``measures``,
``flow``) and the ranking of where to act (``ranking``), run together by ``engine``."""

from cjmkit.analysis.engine import (
    AnalysisResult,
    JourneyAnalysis,
    analyse,
    selected_rules,
    selector_hint,
    unknown_selectors,
)
from cjmkit.analysis.ranking import ChannelSummary, GrowthPoint, StageHealth

__all__ = [
    "AnalysisResult",
    "ChannelSummary",
    "GrowthPoint",
    "JourneyAnalysis",
    "StageHealth",
    "analyse",
    "selected_rules",
    "selector_hint",
    "unknown_selectors",
]
