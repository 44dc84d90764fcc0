"""The journey file: one customer journey map for one segment."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Discriminator, Field, Strict, Tag

from cjmkit.locales import Locale
from cjmkit.models.base import (
    Amount,
    Count,
    Direction,
    Emotion,
    EvidenceLevel,
    EvidenceSource,
    JourneyState,
    Model,
    Number,
    Phase,
    Ratio,
    Slug,
    Text,
    TextList,
    Unit,
)
from cjmkit.models.workspace import Channel, Motivations, Persona


class Objection(Model):
    """A doubt the customer voices, and the answer to it."""

    id: Slug
    """Slug unique within the journey."""
    text: Text
    """The objection in the customer's words."""
    response: Text | None = None
    """How the company answers it."""


class Barrier(Model):
    """An obstacle that stops the deal, and how to remove it."""

    id: Slug
    """Slug unique within the journey."""
    text: Text
    """What stops the customer."""
    recommendation: Text | None = None
    """What to do to remove the barrier."""


class KPI(Model):
    """A key performance indicator of the stage: target versus actual."""

    id: Slug
    """Slug unique within the journey."""
    name: Text
    """Human name of the KPI."""
    target: Number
    """The value the business aims for."""
    actual: Number | None = None
    """The measured value; absent while unmeasured."""
    unit: Unit | None = None
    """`ratio` (0.25 is 25 %), `percent` (25 is 25 %), `count`, `currency`, `seconds` or `score`.
    Values are not range-limited: a retention of 110 % or a growth of -5 % is valid."""
    direction: Direction = "higher"
    """Which way is better: `higher` or `lower`."""
    source: Text | None = None
    """Where the actual value comes from."""


class Funnel(Model):
    """Observed volume at the stage, for drop-off analysis."""

    # Both figures, or (in a future map) a target alone: what the validator checks per state.
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["entered", "advanced"]},
                {
                    "required": ["target"],
                    "not": {"anyOf": [{"required": ["entered"]}, {"required": ["advanced"]}]},
                },
            ]
        }
    )

    entered: Count | None = None
    """Customers who reached the stage (required, with `advanced`, except in a future map)."""
    advanced: Count | None = None
    """Customers who moved on to the next stage (at most `entered`)."""
    target: Ratio | None = None
    """Target conversion (advanced / entered, 0..1); a stage under it is a growth point.
    Overrides `analysis.conversion_targets` of the workspace for this stage."""


class Evidence(Model):
    """What the stage is built on: data, partly data, or assumptions."""

    level: EvidenceLevel
    """`data`, `partial` or `assumption`."""
    sources: list[EvidenceSource] = []
    """Where the knowledge comes from."""


class Economics(Model):
    """Money figures that turn drop-offs into revenue at stake."""

    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    """ISO 4217 code, e.g. RUB, EUR, USD."""
    average_order_value: Amount
    """Average revenue of one purchase."""
    margin: Ratio | None = None
    """Share of revenue that is profit (0..1); adds profit beside revenue to the growth points."""
    lifetime_value: Amount | None = None
    """Revenue of one customer over the whole relationship; adds the long-term view."""


class Touchpoint(Model):
    """A place where the customer meets the company."""

    id: Slug
    """Slug unique within the journey; `next` refers to it."""
    name: Text
    """Human name of the touchpoint."""
    channel: Slug
    """The channel (journey-local or from the workspace)."""
    description: Text | None = None
    """What happens here."""
    content: Text | None = None
    """Message, letter or offer shown."""
    trigger: Text | None = None
    """What sends it, e.g. "left without buying"."""
    actors: TextList = []
    """Who takes part, e.g. ["Customer", "Support agent"] (the actors of a Mermaid journey task)."""
    emotion: Emotion | None = None
    """Emotion at this touchpoint, -2..+2."""
    next: list[Slug] = []
    """Touchpoints the customer goes to next (any stage); without it the flow is list order."""
    resolves: list[Slug] = []
    """Future maps only: ids of the baseline map's barriers and objections this touchpoint removes."""


#: Fields of a stage that `internal` may hide from client deliverables: the company's own notes.
InternalStageField = Literal[
    "strategy", "opportunities", "customer_goal", "actions", "thoughts", "expectations", "motivations"
]


class Stage(Model):
    """A stage of the journey: one column of the map."""

    id: Slug
    """Slug unique within the journey."""
    name: Text
    """Human name of the stage."""
    phase: Phase | None = None
    """Lifecycle phase: awareness, consideration, purchase, onboarding, usage, retention, advocacy."""
    customer_goal: Text | None = None
    """What the customer wants to achieve at this stage."""
    actions: TextList = []
    """What the customer does."""
    thoughts: TextList = []
    """What the customer thinks, in their words."""
    expectations: TextList = []
    """What the customer expects from the company."""
    emotion: Emotion | None = None
    """Emotion at this stage, -2 (very negative) .. +2 (very positive)."""
    motivations: Motivations | None = None
    """Rational and emotional motivations at this stage."""
    strategy: Text | None = None
    """What the company does at this stage (marketing tools and activities)."""
    touchpoints: list[Touchpoint] = []
    """Touchpoints in the order the customer meets them."""
    objections: list[Objection] = []
    """Objections and the responses to them."""
    barriers: list[Barrier] = []
    """Barriers that stop the deal and the recommendations that remove them."""
    opportunities: TextList = []
    """Ideas to improve the stage."""
    kpis: list[KPI] = []
    """Key performance indicators of the stage."""
    funnel: Funnel | None = None
    """Observed volume at this stage."""
    evidence: Evidence | None = None
    """What the stage is built on."""
    internal: list[InternalStageField] = []
    """Fields of this stage kept out of client deliverables (`cjm render --audience client`),
    e.g. `[strategy]`: working notes for the team. Allowed: `strategy`, `opportunities`,
    `customer_goal`, `actions`, `thoughts`, `expectations`, `motivations`."""


def _persona_kind(value: Any) -> str:
    return "inline" if isinstance(value, dict) else "ref"


class InlinePersona(Persona):
    """A persona written inside the journey: the same fields, with the id optional, since
    nothing refers to it (FORMAT.md: "no id needed inline")."""

    id: Slug | None = None  # type: ignore[assignment]
    """Slug of the persona; optional inline."""


PersonaField = Annotated[
    Annotated[Slug, Tag("ref")] | Annotated[InlinePersona, Tag("inline")],
    Discriminator(_persona_kind),
]
#: Union tags pydantic puts into error locations; the loader drops them.
UNION_TAGS = frozenset({"ref", "inline"})


class Journey(Model):
    """Journey file: one customer journey map, usually one per segment."""

    @property
    def future(self) -> bool:
        """A designed (to-be) journey rather than today's."""
        return self.state == "future"

    cjm: Literal[1]
    """Format version; always 1."""
    id: Slug
    """Slug of the journey, unique in the workspace."""
    title: Text
    """Title of the map."""
    description: Text | None = None
    """What the map covers."""
    owner: Text | None = None
    """Who maintains the map."""
    updated: Annotated[datetime.date, Strict(False)] | None = None
    """Date of the last update (ISO, e.g. 2026-05-26)."""
    locale: Locale | None = None
    """Language of rendered documents; overrides the workspace."""
    segment: Slug | None = None
    """The segment (required when the workspace defines segments)."""
    persona: PersonaField | None = None
    """A persona id from the workspace, or an inline persona."""
    state: JourneyState | None = None
    """`current` (the default: the journey as it is) or `future` (the journey as designed)."""
    baseline: Slug | None = None
    """Future maps only: the id of the current map this one improves on (`cjm compare`)."""
    economics: Economics | None = None
    """Money figures; enable the revenue-at-stake ranking."""
    channels: list[Channel] = []
    """Journey-local channels, in addition to the workspace's."""
    stages: Annotated[list[Stage], Field(min_length=1)]
    """Stages in order; at least one."""
