"""Pydantic models of the cjmkit file format (../shared/FORMAT.md, version 1)."""

from cjmkit.models.journey import (
    KPI,
    Barrier,
    Economics,
    Evidence,
    Funnel,
    Journey,
    Objection,
    Stage,
    Touchpoint,
)
from cjmkit.models.workspace import (
    AnalysisSettings,
    Channel,
    Motivations,
    Persona,
    RenderSettings,
    Segment,
    Workspace,
)

__all__ = [
    "KPI",
    "AnalysisSettings",
    "Barrier",
    "Channel",
    "Economics",
    "Evidence",
    "Funnel",
    "Journey",
    "Motivations",
    "Objection",
    "Persona",
    "RenderSettings",
    "Segment",
    "Stage",
    "Touchpoint",
    "Workspace",
]
