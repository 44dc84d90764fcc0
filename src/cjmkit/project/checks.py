"""Cross-field and cross-file rules of the format: unique ids, references, funnel, units.

These are validation errors (the map is wrong), not analysis findings. They
read the parsed data rather than the models, so they also run on a file whose
structure has errors: one run reports everything. Values of the wrong type are
skipped here; the model validation reports them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from cjmkit import codes
from cjmkit.loading.document import Document
from cjmkit.loading.validation import did_you_mean
from cjmkit.loading.yaml_source import YamlPath
from cjmkit.models.base import SLUG_PATTERN

if TYPE_CHECKING:
    from cjmkit.project import Project

UNIT_RANGES = {"ratio": (0.0, 1.0), "percent": (0.0, 100.0)}
_SLUG = re.compile(SLUG_PATTERN)


def items(container: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, mapping) for each mapping in the list ``container[key]``."""
    value = container.get(key) if isinstance(container, dict) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def text(container: Any, key: str) -> str | None:
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, str) else None


def number(container: Any, key: str) -> float | None:
    value = container.get(key) if isinstance(container, dict) else None
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def ids(container: Any, key: str) -> set[str]:
    return {i for _, item in items(container, key) if (i := text(item, "id")) is not None}


def unique_ids(
    document: Document, kind: str, elements: Iterable[tuple[YamlPath, dict[str, Any]]]
) -> set[str]:
    """Report every id seen before among ``elements`` (path of the element, the element)."""
    seen: set[str] = set()
    for path, element in elements:
        identifier = text(element, "id")
        if identifier is None:
            continue
        if identifier in seen:
            document.error_at((*path, "id"), codes.DUPLICATE_ID, f"duplicate {kind} id {identifier!r}")
        seen.add(identifier)
    return seen


def resolve(
    document: Document, path: YamlPath, kind: str, reference: Any, known: set[str], where: str
) -> None:
    # Non-text and non-slug references are reported by the model validation.
    if not isinstance(reference, str) or not _SLUG.match(reference) or reference in known:
        return
    hint = did_you_mean(reference, sorted(known))
    document.error_at(path, codes.UNRESOLVED_REFERENCE, f"{kind} {reference!r} is not defined {where}{hint}")


def listed(document: Document, kind: str, key: str) -> set[str]:
    data = document.data
    return unique_ids(document, kind, (((key, i), item) for i, item in items(data, key)))


def check_workspace(document: Document) -> None:
    segments = listed(document, "segment", "segments")
    listed(document, "persona", "personas")
    listed(document, "channel", "channels")
    for i, persona in items(document.data, "personas"):
        resolve(
            document,
            ("personas", i, "segment"),
            "segment",
            persona.get("segment"),
            segments,
            "in the workspace `segments`",
        )


def check_journey(document: Document, workspace_document: Document | None) -> None:
    journey = document.data
    workspace = workspace_document.data if workspace_document else None
    # A workspace that cannot be read is reported in its own file; references into it are not checked.
    workspace_known = workspace_document is None or workspace is not None
    segments = ids(workspace, "segments")

    if segments:
        if journey is not None and journey.get("segment") is None:
            document.error_at(
                ("segment",),
                codes.SEGMENT_REQUIRED,
                "the workspace defines segments: name this journey's `segment`",
            )
        resolve(
            document,
            ("segment",),
            "segment",
            text(journey, "segment"),
            segments,
            "in the workspace `segments`",
        )

    persona = journey.get("persona") if journey else None
    if isinstance(persona, str) and workspace_known:
        where = (
            "in the workspace `personas`"
            if workspace_document
            else "(no workspace cjm.yaml above this file; write the persona inline)"
        )
        resolve(document, ("persona",), "persona", persona, ids(workspace, "personas"), where)
    elif isinstance(persona, dict) and segments:
        resolve(
            document,
            ("persona", "segment"),
            "segment",
            persona.get("segment"),
            segments,
            "in the workspace `segments`",
        )

    shared_channels = ids(workspace, "channels")
    local_channels: set[str] = set()
    for i, channel in items(journey, "channels"):
        identifier = text(channel, "id")
        if identifier in local_channels or identifier in shared_channels:
            where = "in this journey" if identifier in local_channels else "in the workspace"
            document.error_at(
                ("channels", i, "id"),
                codes.DUPLICATE_ID,
                f"duplicate channel id {identifier!r}: already defined {where}",
            )
        if identifier is not None:
            local_channels.add(identifier)
    channels = local_channels | shared_channels

    stages = list(items(journey, "stages"))
    unique_ids(document, "stage", ((("stages", s), stage) for s, stage in stages))
    touchpoints = unique_ids(
        document,
        "touchpoint",
        (
            (("stages", s, "touchpoints", t), touchpoint)
            for s, stage in stages
            for t, touchpoint in items(stage, "touchpoints")
        ),
    )
    for kind, key in (("objection", "objections"), ("barrier", "barriers"), ("KPI", "kpis")):
        unique_ids(
            document,
            kind,
            ((("stages", s, key, i), element) for s, stage in stages for i, element in items(stage, key)),
        )

    for s, stage in stages:
        for t, touchpoint in items(stage, "touchpoints"):
            here: YamlPath = ("stages", s, "touchpoints", t)
            if workspace_known:
                resolve(
                    document,
                    (*here, "channel"),
                    "channel",
                    touchpoint.get("channel"),
                    channels,
                    "in the journey's or the workspace's `channels`",
                )
            following = touchpoint.get("next")
            for n, target in enumerate(following if isinstance(following, list) else []):
                resolve(document, (*here, "next", n), "touchpoint", target, touchpoints, "in this journey")
        check_funnel(document, s, stage.get("funnel"))
        for k, kpi in items(stage, "kpis"):
            check_kpi_units(document, ("stages", s, "kpis", k), kpi)


def check_funnel(document: Document, stage_index: int, funnel: Any) -> None:
    entered, advanced = number(funnel, "entered"), number(funnel, "advanced")
    if entered is not None and advanced is not None and advanced > entered:
        document.error_at(
            ("stages", stage_index, "funnel", "advanced"),
            codes.FUNNEL_ORDER,
            f"funnel advanced ({advanced:g}) exceeds entered ({entered:g})",
        )


def check_kpi_units(document: Document, path: YamlPath, kpi: dict[str, Any]) -> None:
    unit = kpi.get("unit")
    if unit not in UNIT_RANGES:
        return
    low, high = UNIT_RANGES[unit]
    for name in ("target", "actual"):
        value = number(kpi, name)
        if value is not None and not low <= value <= high:
            hint = " (write 5% as 0.05)" if unit == "ratio" else ""
            message = f"KPI {kpi.get('id')!r} {name} {value:g} is outside {low:g}..{high:g} for unit {unit!r}"
            document.error_at((*path, name), codes.UNIT_RANGE, message + hint)


def check_project(project: Project) -> None:
    for document in project.workspaces:
        if document.data is not None:
            check_workspace(document)
    first_use: dict[tuple[str, object], Document] = {}
    for document in project.journeys:
        if document.data is None:
            continue
        workspace_document = project.workspace_for(document)
        check_journey(document, workspace_document)
        identifier = text(document.data, "id")
        if workspace_document is None or identifier is None:
            continue
        scope = (identifier, workspace_document.path)
        if scope in first_use:
            document.error_at(
                ("id",),
                codes.DUPLICATE_ID,
                f"duplicate journey id {identifier!r}: also used by {first_use[scope].display}",
            )
        else:
            first_use[scope] = document
