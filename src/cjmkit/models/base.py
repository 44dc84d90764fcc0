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

Number = Annotated[float, Field(allow_inf_nan=False)]
"""A finite number: strict float accepts integers, never text, booleans, `.inf` or `.nan`."""

Emotion = Annotated[int, Field(ge=-2, le=2)]
"""Integer from -2 (very negative) to +2 (very positive)."""

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
