"""Cross-field and cross-file rules of the format: unique ids, references, funnel order.

These are validation errors (the map is wrong), not analysis findings. They
read the parsed data rather than the models, so they also run on a file whose
structure has errors: one run reports everything. Values of the wrong type are
skipped here; the model validation reports them.

They run in two steps, so that files can be loaded in parallel:

- ``check_file`` checks what one file decides alone (ids unique within it, `next`
  targets, funnel order) and notes its ``References``: what it defines for
  other files and what it names in them, each with its position;
- ``check_project`` resolves those references across files, from the notes alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cjmkit import codes
from cjmkit.loading.document import Document
from cjmkit.loading.validation import did_you_mean
from cjmkit.loading.yaml_source import Problem, YamlPath
from cjmkit.models.base import SLUG_PATTERN

if TYPE_CHECKING:
    from cjmkit.project import Project


@dataclass(frozen=True)
class Reference:
    """A value one file gives for another file to resolve, where it stands."""

    path: YamlPath
    line: int
    column: int
    value: Any


@dataclass(frozen=True)
class References:
    """What the cross-file checks need of a file: small enough to send between processes."""

    #: A workspace's ids by kind: ``segments``, ``personas``, ``channels``.
    defines: tuple[tuple[str, frozenset[str]], ...] = ()
    #: A journey's ``id``, ``segment`` (value None when absent: the error stands at the top)
    #: and ``persona`` (a text: an id in the workspace).
    journey_id: Reference | None = None
    segment: Reference | None = None
    persona: Reference | None = None
    #: ``persona.segment`` of an inline persona.
    persona_segment: Reference | None = None
    #: The journey's own channel ids (first use of each), which may clash with the workspace's.
    local_channels: tuple[Reference, ...] = ()
    #: Touchpoint channels that the journey's own channels do not resolve.
    channel_uses: tuple[Reference, ...] = ()
    #: ``state`` (``future`` for a designed journey), its ``baseline`` journey and the
    #: touchpoints' ``resolves`` ids, which name barriers and objections of that baseline.
    state: str | None = None
    baseline: Reference | None = None
    resolves: tuple[Reference, ...] = ()
    #: The ids of the journey's barriers and objections: what a future map may resolve.
    removable: frozenset[str] = frozenset()

    def ids(self, kind: str) -> set[str]:
        return set(dict(self.defines).get(kind, frozenset()))


def references_of(document: Document | None) -> References | None:
    notes = document.references if document else None
    return notes if isinstance(notes, References) else None


def reference(document: Document, path: YamlPath, value: Any) -> Reference:
    line, column = document.source_map.value(path)
    return Reference(path, line, column, value)


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
    line, column = document.source_map.value(path)
    resolve_at(document, Reference(path, line, column, reference), kind, known, where)


def resolve_at(document: Document, reference: Reference, kind: str, known: set[str], where: str) -> None:
    # Non-text and non-slug references are reported by the model validation.
    value = reference.value
    if not isinstance(value, str) or not _SLUG.match(value) or value in known:
        return
    hint = did_you_mean(value, sorted(known))
    message = f"{kind} {value!r} is not defined {where}{hint}"
    document.add(
        Problem(reference.line, reference.column, codes.UNRESOLVED_REFERENCE, message, reference.path)
    )


def listed(document: Document, kind: str, key: str) -> set[str]:
    data = document.data
    return unique_ids(document, kind, (((key, i), item) for i, item in items(data, key)))


def check_file(document: Document) -> None:
    """Every check of one parsed file that needs no other file; notes its ``references``."""
    if document.data is None:
        return
    if document.kind == "workspace":
        check_workspace(document)
    else:
        check_journey_file(document)


def check_workspace(document: Document) -> None:
    segments = listed(document, "segment", "segments")
    personas = listed(document, "persona", "personas")
    channels = listed(document, "channel", "channels")
    for i, persona in items(document.data, "personas"):
        resolve(
            document,
            ("personas", i, "segment"),
            "segment",
            persona.get("segment"),
            segments,
            "in the workspace `segments`",
        )
    defines = (("channels", channels), ("personas", personas), ("segments", segments))
    document.references = References(defines=tuple((kind, frozenset(found)) for kind, found in defines))


def check_journey_file(document: Document) -> None:
    journey = document.data
    assert journey is not None
    local_channels: dict[str, Reference] = {}
    for i, channel in items(journey, "channels"):
        identifier = text(channel, "id")
        if identifier in local_channels:
            document.error_at(
                ("channels", i, "id"),
                codes.DUPLICATE_ID,
                f"duplicate channel id {identifier!r}: already defined in this journey",
            )
        elif identifier is not None:
            local_channels[identifier] = reference(document, ("channels", i, "id"), identifier)

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

    future = text(journey, "state") == "future"
    if "baseline" in journey and not future:
        document.error_at(
            ("baseline",), codes.INVALID_VALUE, "`baseline` is for a future map: add `state: future`"
        )
    resolves: list[Reference] = []
    channel_uses = []
    for s, stage in stages:
        for t, touchpoint in items(stage, "touchpoints"):
            here: YamlPath = ("stages", s, "touchpoints", t)
            listed_ids = touchpoint.get("resolves")
            if listed_ids is not None and not future:
                document.error_at(
                    (*here, "resolves"),
                    codes.INVALID_VALUE,
                    "`resolves` is for a future map: add `state: future` and its `baseline`",
                )
            for r, removed in enumerate(listed_ids if isinstance(listed_ids, list) and future else []):
                resolves.append(reference(document, (*here, "resolves", r), removed))
            used = touchpoint.get("channel")
            if not isinstance(used, str) or used not in local_channels:
                channel_uses.append(reference(document, (*here, "channel"), used))
            following = touchpoint.get("next")
            for n, target in enumerate(following if isinstance(following, list) else []):
                resolve(document, (*here, "next", n), "touchpoint", target, touchpoints, "in this journey")
        check_funnel(document, s, stage.get("funnel"), future)

    persona = journey.get("persona")
    inline_segment = persona.get("segment") if isinstance(persona, dict) else None
    document.references = References(
        journey_id=reference(document, ("id",), text(journey, "id")),
        segment=reference(document, ("segment",), journey.get("segment")),
        persona=reference(document, ("persona",), persona) if isinstance(persona, str) else None,
        persona_segment=(
            reference(document, ("persona", "segment"), inline_segment) if isinstance(persona, dict) else None
        ),
        local_channels=tuple(local_channels.values()),
        channel_uses=tuple(channel_uses),
        state=text(journey, "state"),
        baseline=reference(document, ("baseline",), journey.get("baseline"))
        if "baseline" in journey
        else None,
        resolves=tuple(resolves),
        removable=frozenset(
            identifier
            for _, stage in stages
            for key in ("barriers", "objections")
            for _, element in items(stage, key)
            if (identifier := text(element, "id")) is not None
        ),
    )


def check_references(document: Document, workspace_document: Document | None) -> None:
    """Resolve what a journey names in its workspace, from the two files' ``references``."""
    notes = references_of(document)
    if notes is None:
        return
    workspace = references_of(workspace_document)
    # A workspace that cannot be read is reported in its own file; references into it are not checked.
    workspace_known = workspace_document is None or workspace is not None
    segments = workspace.ids("segments") if workspace else set()

    if segments and notes.segment is not None:
        if notes.segment.value is None:
            document.add(
                Problem(
                    notes.segment.line,
                    notes.segment.column,
                    codes.SEGMENT_REQUIRED,
                    "the workspace defines segments: name this journey's `segment`",
                    notes.segment.path,
                )
            )
        resolve_at(document, notes.segment, "segment", segments, "in the workspace `segments`")

    if notes.persona is not None and workspace_known:
        where = (
            "in the workspace `personas`"
            if workspace_document
            else "(no workspace cjm.yaml above this file; write the persona inline)"
        )
        personas = workspace.ids("personas") if workspace else set()
        resolve_at(document, notes.persona, "persona", personas, where)
    elif notes.persona_segment is not None and segments:
        resolve_at(document, notes.persona_segment, "segment", segments, "in the workspace `segments`")

    shared_channels = workspace.ids("channels") if workspace else set()
    for local in notes.local_channels:
        if local.value in shared_channels:
            message = f"duplicate channel id {local.value!r}: already defined in the workspace"
            document.add(Problem(local.line, local.column, codes.DUPLICATE_ID, message, local.path))
    if workspace_known:
        channels = shared_channels | {local.value for local in notes.local_channels}
        for use in notes.channel_uses:
            resolve_at(document, use, "channel", channels, "in the journey's or the workspace's `channels`")


def check_journey(document: Document, workspace_document: Document | None) -> None:
    """Both steps for one journey (an edited map checked before it is written)."""
    check_journey_file(document)
    check_references(document, workspace_document)


def check_funnel(document: Document, stage_index: int, funnel: Any, future: bool = False) -> None:
    """`advanced <= entered`; both figures in a current map, both or neither in a future one
    (whose funnel may hold a `target` alone)."""
    if isinstance(funnel, dict):
        missing = [key for key in ("entered", "advanced") if key not in funnel]
        path: YamlPath = ("stages", stage_index, "funnel")
        if missing and (not future or len(missing) == 1):
            line, column = document.source_map.value(path)
            why = "" if future else " (only a future map's funnel may hold a `target` alone)"
            for key in missing:
                message = f"missing required key {key!r}{why}"
                document.add(Problem(line, column, codes.MISSING_KEY, message, (*path, key)))
    entered, advanced = number(funnel, "entered"), number(funnel, "advanced")
    if entered is not None and advanced is not None and advanced > entered:
        document.error_at(
            ("stages", stage_index, "funnel", "advanced"),
            codes.FUNNEL_ORDER,
            f"funnel advanced ({advanced:g}) exceeds entered ({entered:g})",
        )


def check_baselines(project: Project, complete: bool) -> None:
    """A future map's `baseline` names a current journey of its workspace (or, for a standalone
    map, one loaded beside it), and each touchpoint's `resolves` one of that journey's barriers
    or objections. A baseline not loaded is an error only when the whole workspace was
    (``complete``): a single file validated alone cannot see its neighbours."""
    journeys: dict[tuple[object, str], Document] = {}
    for document in project.journeys:
        notes = references_of(document)
        if notes and notes.journey_id and isinstance(notes.journey_id.value, str):
            workspace = project.workspace_for(document)
            journeys.setdefault((workspace.path if workspace else None, notes.journey_id.value), document)
    for document in project.journeys:
        notes = references_of(document)
        if notes is None or notes.state != "future" or notes.baseline is None:
            continue
        wanted = notes.baseline.value
        if not isinstance(wanted, str):
            continue
        workspace = project.workspace_for(document)
        baseline = journeys.get((workspace.path if workspace else None, wanted))
        found = references_of(baseline)
        if baseline is None or found is None:
            if complete and workspace is not None and baseline is None:
                known = sorted(identifier for scope, identifier in journeys if scope == workspace.path)
                resolve_at(document, notes.baseline, "baseline journey", set(known), "in the workspace")
            continue
        if found.state == "future":
            message = f"baseline {wanted!r} is a future map itself: name the current map it improves on"
            line, column = notes.baseline.line, notes.baseline.column
            document.add(Problem(line, column, codes.INVALID_VALUE, message, notes.baseline.path))
            continue
        where = f"among the barriers and objections of the baseline map {wanted!r}"
        for removed in notes.resolves:
            resolve_at(document, removed, "barrier or objection", set(found.removable), where)


def check_project(project: Project, *, complete: bool = False) -> None:
    """The cross-file step, once every file went through ``check_file``; ``complete`` when every
    journey of the workspaces was loaded."""
    check_baselines(project, complete)
    first_use: dict[tuple[str, object], Document] = {}
    for document in project.journeys:
        notes = references_of(document)
        if notes is None:
            continue
        workspace_document = project.workspace_for(document)
        check_references(document, workspace_document)
        identity = notes.journey_id
        if workspace_document is None or identity is None or identity.value is None:
            continue
        scope = (identity.value, workspace_document.path)
        if scope in first_use:
            message = f"duplicate journey id {identity.value!r}: also used by {first_use[scope].display}"
            document.add(Problem(identity.line, identity.column, codes.DUPLICATE_ID, message, identity.path))
        else:
            first_use[scope] = document
