"""Analysis: rules over each workspace (``rules``), the numbers they read (``measures``,
``flow``) and the ranking of where to act (``ranking``), run together by ``engine``."""

from cjmkit.analysis.engine import (
    AnalysisResult,
    JourneyAnalysis,
    analyse,
    selected_rules,
    unknown_selectors,
)
from cjmkit.analysis.ranking import ChannelSummary, GrowthPoint, StageHealth
from cjmkit.analysis.settings import check_settings, selector_hint

__all__ = [
    "AnalysisResult",
    "ChannelSummary",
    "GrowthPoint",
    "JourneyAnalysis",
    "StageHealth",
    "analyse",
    "check_settings",
    "selected_rules",
    "selector_hint",
    "unknown_selectors",
]
