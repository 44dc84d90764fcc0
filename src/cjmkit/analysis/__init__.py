"""Analysis: rules over each workspace (``rules``), the numbers they read (``measures``,
``flow``) and the ranking of where to act (``ranking``, ``growth``), run together by ``engine``."""

from cjmkit.analysis.engine import (
    AnalysisResult,
    JourneyAnalysis,
    analyse,
    selected_rules,
    unknown_selectors,
)
from cjmkit.analysis.growth import GrowthPoint, SegmentGrowth, UnrankedStage
from cjmkit.analysis.ranking import ChannelSummary, Reason, StageHealth, UnrankedJourney
from cjmkit.analysis.settings import check_settings, selector_hint

__all__ = [
    "AnalysisResult",
    "ChannelSummary",
    "GrowthPoint",
    "JourneyAnalysis",
    "Reason",
    "SegmentGrowth",
    "StageHealth",
    "UnrankedJourney",
    "UnrankedStage",
    "analyse",
    "check_settings",
    "selected_rules",
    "selector_hint",
    "unknown_selectors",
]
