"""What a rule sees: one workspace (or a standalone journey) with all its journeys."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cjmkit.diagnostics import Severity
from cjmkit.i18n import Message
from cjmkit.loading.document import Document
from cjmkit.loading.yaml_source import YamlPath
from cjmkit.models import Channel, Journey, Persona, Stage, Workspace

if TYPE_CHECKING:
    from cjmkit.analysis.rules.registry import Option

#: Default of `analysis.kpi_tolerance`: a KPI within 5 % of its target is on target.
KPI_TOLERANCE = 0.05


@dataclass(frozen=True)
class Hit:
    """A rule's raw finding: where, what, and which element."""

    document: Document
    path: YamlPath
    message: Message
    journey: str | None = None
    stage: str | None = None
    subject: str | None = None
    #: The hit's own severity, for rules that grade their findings; None: the rule's.
    severity: Severity | None = None
    #: What to do about it, in plain words: the finding as a client deliverable states it.
    advice: Message | None = None


@dataclass
class Scope:
    """A workspace and its valid journeys; or one standalone journey (``workspace`` None)."""

    workspace_document: Document | None
    journey_documents: list[Document] = field(default_factory=list)

    @property
    def workspace(self) -> Workspace | None:
        return self.workspace_document.workspace if self.workspace_document else None

    @property
    def kpi_tolerance(self) -> float:
        """Relative KPI miss that still counts as on target (`analysis.kpi_tolerance`)."""
        settings = self.workspace.analysis if self.workspace else None
        value = settings.kpi_tolerance if settings else None
        return KPI_TOLERANCE if value is None else value

    @property
    def conversion_targets(self) -> Mapping[str, float]:
        """Target conversion per phase (`analysis.conversion_targets`)."""
        settings = self.workspace.analysis if self.workspace else None
        return {str(phase): value for phase, value in settings.conversion_targets.items()} if settings else {}

    def option(self, option: Option) -> float:
        """The workspace's value of a rule option (`analysis.thresholds`), else its default."""
        workspace = self.workspace
        settings = workspace.analysis if workspace else None
        return settings.thresholds.get(option.name, option.default) if settings else option.default

    def journeys(self) -> Iterator[tuple[Document, Journey]]:
        for document in self.journey_documents:
            if document.journey is not None:
                yield document, document.journey

    def stages(self) -> Iterator[tuple[Document, Journey, int, Stage]]:
        for document, journey in self.journeys():
            for index, stage in enumerate(journey.stages):
                yield document, journey, index, stage

    def channels(self) -> Iterator[tuple[Document, YamlPath, Channel]]:
        """Every channel definition: the workspace's, then each journey's local ones."""
        if self.workspace_document and self.workspace:
            for index, channel in enumerate(self.workspace.channels):
                yield self.workspace_document, ("channels", index), channel
        for document, journey in self.journeys():
            for index, channel in enumerate(journey.channels):
                yield document, ("channels", index), channel

    def personas(self) -> Iterator[tuple[Document, YamlPath, Persona]]:
        """Every persona: the workspace's, then those written inline in journeys."""
        if self.workspace_document and self.workspace:
            for index, persona in enumerate(self.workspace.personas):
                yield self.workspace_document, ("personas", index), persona
        for document, journey in self.journeys():
            if isinstance(journey.persona, Persona):
                yield document, ("persona",), journey.persona
