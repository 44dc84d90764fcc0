"""The workspace file ``cjm.yaml``: what several journeys share."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import Field

from cjmkit.locales import Locale
from cjmkit.models.base import (
    ChannelKind,
    Count,
    Model,
    Number,
    Phase,
    Ratio,
    SegmentKind,
    Severity,
    Slug,
    Text,
    TextList,
)


class Motivations(Model):
    """Why the customer acts: rational and emotional drivers."""

    rational: TextList = []
    """Rational motivations: price, time, risk, measurable gain."""
    emotional: TextList = []
    """Emotional motivations: status, safety, belonging, pride."""


class Segment(Model):
    """A customer segment or, in B2B, a stakeholder group. Each gets its own journey."""

    id: Slug
    """Unique slug of the segment."""
    name: Text
    """Human name of the segment."""
    description: Text | None = None
    """Portrait of the segment: age, income, behaviour, role."""
    size: Count | None = None
    """People or accounts per period."""
    kind: SegmentKind | None = None
    """`b2c` for consumers, `b2b-stakeholder` for a role in a buying company."""


class Persona(Model):
    """A representative person of a segment."""

    id: Slug
    """Unique slug of the persona."""
    name: Text
    """Name as shown on the persona card, e.g. "Anna, 38"."""
    segment: Slug | None = None
    """The segment this persona represents (a segment id)."""
    description: Text | None = None
    """Who this person is."""
    goals: TextList = []
    """What the persona wants to achieve."""
    needs: TextList = []
    """What the persona needs from the product or service."""
    pains: TextList = []
    """What hurts today."""
    jtbd: Text | None = None
    """Job to be done: "When ..., I want to ..., so I can ..."."""
    motivations: Motivations | None = None
    """Rational and emotional motivations."""


class Channel(Model):
    """A channel where the customer meets the company."""

    id: Slug
    """Unique slug of the channel."""
    name: Text
    """Human name of the channel."""
    kind: ChannelKind | None = None
    """`paid`, `owned` or `earned` media."""
    description: Text | None = None
    """What the channel is and who runs it."""


class AnalysisSettings(Model):
    """Settings of `cjm lint`."""

    ignore: list[Text] = []
    """Rule slugs or codes never reported."""
    severity: dict[str, Severity] = {}
    """Severity overrides by rule slug or code."""
    thresholds: dict[str, Number] = {}
    """Numbers the rules compare against, by option name; each rule declares its own (`cjm rules`)."""
    conversion_targets: dict[Phase, Ratio] = {}
    """Target conversion (0..1) per phase, e.g. `consideration: 0.25`; a stage's own
    `funnel.target` wins. Stages under their target are the growth points."""
    kpi_tolerance: Ratio | None = None
    """Relative miss that still counts as on target (default 0.05: 0.475 meets a target of 0.5)."""


#: Who a rendered deliverable is for (`cjm render --audience`).
Audience = Literal["client", "team"]
AUDIENCES: tuple[str, ...] = get_args(Audience)


class RenderSettings(Model):
    """How `cjm render` brands the client deliverable."""

    brand_color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None
    """Brand colour of headings and bars, as `#rrggbb`."""
    logo: Text | None = None
    """Logo file (PNG, JPEG, GIF, WebP or SVG), relative to `cjm.yaml`; embedded in the HTML."""
    company: Text | None = None
    """Name shown in the header of the deliverable, e.g. the consultancy."""
    audience: Audience | None = None
    """Who the deliverables are for: `client` (default: findings as plain recommendations by
    stage, no rule codes, file positions, owner or fields marked `internal`) or `team` (codes,
    rule names and `file:line` for review). `cjm render --audience` overrides it."""
    show_owner: bool | None = None
    """Show each map's `owner` in client deliverables too (default: only for the team)."""


class Workspace(Model):
    """Workspace file `cjm.yaml`: segments, personas and channels shared by the journeys beside it."""

    cjm: Literal[1]
    """Format version; always 1."""
    name: Text | None = None
    """Name of the workspace, e.g. the client and year."""
    locale: Locale | None = None
    """Default language of rendered documents."""
    segments: list[Segment] = []
    """Customer segments; each should have its own journey."""
    personas: list[Persona] = []
    """Personas shared by the journeys."""
    channels: list[Channel] = []
    """Channels shared by the journeys."""
    analysis: AnalysisSettings | None = None
    """Settings of the analysis rules."""
    render: RenderSettings | None = None
    """Branding of rendered documents."""
