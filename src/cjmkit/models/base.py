"""Shared building blocks: strict base model, slugs, enumerations."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class Model(BaseModel):
    """Base of every format model.

    Strict types (a quoted ``"1"`` is not a number, ``2026`` is not text) and
    unknown keys forbidden, so typos never pass silently. Field docstrings are
    the descriptions in the generated JSON Schema.
    """

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=True,
    )


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
"""An id or a reference to one: lowercase letters, digits and hyphens."""

Text = Annotated[str, StringConstraints(min_length=1)]
TextList = list[Text]

#: The largest magnitude of any number in a map (a KPI value, a threshold, a funnel
#: volume, a segment size, an order value): beyond it a value is surely a unit
#: mistake, and renderers could no longer print it (a 400-digit integer is a float
#: overflow; `1e400` reads as infinity). The metrics import has the same bound.
MAX_MAGNITUDE = 10**15

Number = Annotated[float, Field(allow_inf_nan=False, ge=-MAX_MAGNITUDE, le=MAX_MAGNITUDE)]
"""A finite number within ±10^15: strict float accepts integers, never text, booleans,
`.inf` or `.nan`."""

Count = Annotated[int, Field(ge=0, le=MAX_MAGNITUDE)]
"""A whole number of customers or accounts, 0 to 10^15."""

Amount = Annotated[float, Field(allow_inf_nan=False, gt=0, le=MAX_MAGNITUDE)]
"""A sum of money above 0, at most 10^15."""

Ratio = Annotated[float, Field(allow_inf_nan=False, ge=0, le=1)]
"""A share from 0 to 1, e.g. 0.25 for 25 %."""

Emotion = Annotated[int, Field(ge=-2, le=2)]
"""Integer from -2 (very negative) to +2 (very positive)."""

JourneyState = Literal["current", "future"]
Phase = Literal["awareness", "consideration", "purchase", "onboarding", "usage", "retention", "advocacy"]
#: The phases in the order a customer passes them: the order of the Literal above.
PHASE_ORDER: tuple[str, ...] = get_args(Phase)
ChannelKind = Literal["paid", "owned", "earned"]
SegmentKind = Literal["b2c", "b2b-stakeholder"]
Unit = Literal["ratio", "percent", "count", "currency", "seconds", "score"]
Direction = Literal["higher", "lower"]
EvidenceLevel = Literal["data", "partial", "assumption"]
EvidenceSource = Literal["analytics", "survey", "interviews", "staff", "reviews", "market-research", "other"]
Severity = Literal["error", "warning", "info"]
