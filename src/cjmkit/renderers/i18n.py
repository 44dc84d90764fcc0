"""Headings of the deliverables, and the numbers and dates in them, in the map's language.

The labels are English msgids (translated by the gettext catalogues of :mod:`cjmkit.i18n`,
``catalogues/<language>/render.po``); numbers, percents, money and dates are formatted by Babel.
"""

from __future__ import annotations

import datetime
from types import MappingProxyType

from cjmkit.i18n import N_, translator

#: Every heading and label of the deliverables, by key (templates read ``labels.<key>``).
LABELS: dict[str, str] = {
    "journey_map": N_("Customer journey map"),
    "persona": N_("Persona"),
    "segment": N_("Segment"),
    "goals": N_("Goals"),
    "needs": N_("Needs"),
    "pains": N_("Pains"),
    "jtbd": N_("Job to be done"),
    "motivations": N_("Motivations"),
    "rational": N_("Rational"),
    "emotional": N_("Emotional"),
    "stage": N_("Stage"),
    "phase": N_("Phase"),
    "customer_goal": N_("Customer goal"),
    "actions": N_("Actions"),
    "thoughts": N_("Thoughts"),
    "expectations": N_("Expectations"),
    "touchpoints": N_("Touchpoints"),
    "channel": N_("Channel"),
    "emotion": N_("Emotion"),
    "emotion_curve": N_("Emotion curve"),
    "objections": N_("Objections and responses"),
    "barriers": N_("Barriers and recommendations"),
    "response": N_("Response"),
    "recommendation": N_("Recommendation"),
    "no_response": N_("No response yet"),
    "no_recommendation": N_("No recommendation yet"),
    "kpis": N_("KPIs"),
    "target": N_("target"),
    "actual": N_("actual"),
    "not_measured": N_("not measured"),
    "funnel": N_("Funnel"),
    "entered": N_("entered"),
    "advanced": N_("advanced"),
    "target_conversion": N_("target conversion"),
    "drop_off": N_("drop-off"),
    "opportunities": N_("Opportunities"),
    "strategy": N_("Strategy"),
    "evidence": N_("Evidence"),
    "evidence_data": N_("data"),
    "evidence_partial": N_("partly data"),
    "evidence_assumption": N_("assumption"),
    "evidence_none": N_("not stated"),
    "findings": N_("Findings"),
    "no_findings": N_("No findings."),
    "error": N_("Errors"),
    "warning": N_("Warnings"),
    "info": N_("Notes"),
    "weakest_stages": N_("Weakest stages"),
    "score": N_("score"),
    "growth_points": N_("Growth points"),
    "growth_model": N_(
        "Revenue if each stage reached its target conversion, the stages after it converting as they do now."
    ),
    "conversion": N_("conversion"),
    "customers_gained": N_("customers gained"),
    "revenue": N_("revenue"),
    "profit": N_("profit"),
    "lifetime_revenue": N_("lifetime revenue"),
    "no_target": N_("Stages before the purchase without a target conversion"),
    "not_ranked": N_(
        "Not ranked: all {n} stages score the same. "
        "Add funnel figures, KPIs with actual values or emotions to tell them apart."
    ),
    "set_target": N_("Set one with funnel.target on the stage or analysis.conversion_targets in cjm.yaml."),
    "channels": N_("Channels"),
    "updated": N_("Updated"),
    "owner": N_("Owner"),
    "maps": N_("Journey maps"),
    "legend": N_("Legend"),
    "unresolved": N_("unanswered objection or barrier"),
    "economics": N_("Average order value"),
    "kpi_met": N_("target met"),
    "kpi_missed": N_("target missed"),
    "higher_better": N_("higher is better"),
    "lower_better": N_("lower is better"),
    "touchpoint_emotion": N_("touchpoint"),
    "recommendations": N_("Recommendations"),
    "whole_journey": N_("The journey as a whole"),
    "priority_error": N_("High priority"),
    "priority_warning": N_("Medium priority"),
    "priority_info": N_("Worth considering"),
    "no_recommendations": N_("No recommendations: the analysis found nothing to fix."),
    "stakeholder": N_("Buying-committee stakeholder"),
    "other_maps": N_("Other maps"),
    "no_map": N_("No map yet"),
    "compared_with": N_("Compared with the current map"),
    "current_map": N_("Current map"),
    "future_map": N_("Future map"),
    "resolves": N_("Resolves"),
    "resolved": N_("Resolved"),
    "still_open": N_("Still open"),
    "revenue_today": N_("Revenue today"),
    "revenue_projected": N_("Projected revenue"),
    "revenue_change": N_("Change in revenue"),
    "comparison": N_("Current and future map"),
    "emotion_by_phase": N_("Emotion by phase"),
    "phases_matrix": N_("Journeys by phase"),
    "mean_emotion": N_("mean emotion"),
    "open_findings": N_("open findings"),
    "open_in_editor": N_("Open in editor"),
    "show_findings": N_("Show findings"),
    "live_preview": N_("Live preview"),
    "map_sheet": N_("Map"),
    "lost": N_("lost"),
    "downstream_conversion": N_("downstream conversion"),
    "revenue_at_stake": N_("revenue at stake"),
    "kpi": N_("KPI"),
    "unit": N_("unit"),
    "direction": N_("direction"),
    "kpi_result": N_("result"),
}

PHASES: dict[str, str] = {
    "awareness": N_("Awareness"),
    "consideration": N_("Consideration"),
    "purchase": N_("Purchase"),
    "onboarding": N_("Onboarding"),
    "usage": N_("Usage"),
    "retention": N_("Retention"),
    "advocacy": N_("Advocacy"),
}


class Locale:
    """Labels and formats for one language; ``Locale("xx")`` falls back to English."""

    def __init__(self, code: str | None) -> None:
        self.translator = translator(code)
        self.code = self.translator.code
        gettext = self.translator.gettext
        # Read-only: views share these tables, and a template must not change them for the next map.
        self.labels = MappingProxyType({key: gettext(text) for key, text in LABELS.items()})
        self.phases = MappingProxyType({key: gettext(text) for key, text in PHASES.items()})

    def number(self, value: float | None, digits: int = 2) -> str:
        return "" if value is None else self.translator.number(value, digits)

    def percent(self, ratio: float | None, digits: int = 1) -> str:
        return "" if ratio is None else self.translator.percent(ratio, digits)

    def date(self, value: datetime.date | None) -> str:
        return "" if value is None else self.translator.date(value)

    def money(self, value: float | None, currency: str) -> str:
        return "" if value is None else self.translator.money(value, currency)

    def duration(self, seconds: float | None) -> str:
        return "" if seconds is None else self.translator.duration(seconds)
