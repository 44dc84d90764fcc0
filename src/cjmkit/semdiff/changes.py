"""What changed between two versions of one journey or one workspace, element by element.

Elements (stages, touchpoints, objections, barriers, KPIs, channels, segments,
personas) are matched by id, so a renamed stage is a change of its name and a
moved stage is one "moved" entry, never a removal plus an addition.

- Touchpoints, objections, barriers and KPIs are matched across the whole
  journey (their ids are unique in it): one found under another stage is
  "moved" (field ``stage``).
- Within a list, the elements kept in place are the longest run that keeps
  its relative order; the others are "moved" (field ``position``, 1-based).
  Inserting or removing an element therefore never makes its neighbours "move".
- Elements inside an added or removed stage are part of that entry, not
  listed one by one (unless they moved there from another stage).

Every change carries an ``order``: where it stands in the NEW document. A
removed element stands where it stood in OLD, right after the NEW position of
the nearest element that preceded it there and still exists.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from cjmkit.analysis.measures import format_number
from cjmkit.diagnostics import plural
from cjmkit.models import KPI, Funnel, Journey, Persona, Stage, Workspace
from cjmkit.models.base import SLUG_PATTERN

Kind = Literal[
    "journey",
    "workspace",
    "stage",
    "touchpoint",
    "objection",
    "barrier",
    "kpi",
    "channel",
    "segment",
    "persona",
]
ChangeType = Literal["added", "removed", "changed", "moved"]

#: How long a quoted text may be in a summary before it is shortened.
SHORT_TEXT = 60

_KIND_LABEL = {"kpi": "KPI"}
#: Stage lists whose elements are matched across the whole journey, with their element kind.
_STAGE_CHILDREN: tuple[tuple[str, Kind], ...] = (
    ("touchpoints", "touchpoint"),
    ("objections", "objection"),
    ("barriers", "barrier"),
    ("kpis", "kpi"),
)
_STAGE_FIELDS = list(Stage.model_fields)
_SLUG = re.compile(SLUG_PATTERN)


@dataclass(frozen=True)
class Change:
    """One reported difference. ``old``/``new`` are JSON values (see the package docs)."""

    kind: Kind
    id: str | None
    stage: str | None
    change: ChangeType
    field: str | None
    old: Any
    new: Any
    summary: str
    order: tuple[float, ...] = dataclasses.field(default=(), compare=False)


# --- values as JSON and as short text -------------------------------------------------------


def plain(value: Any) -> Any:
    """A model value as JSON data: what the file says (keys left at their default are omitted)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_unset=True)
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def flat(text: str) -> str:
    """Text on one line with control characters shown as escapes, so a summary is one inert line."""
    joined = " ".join(text.split())
    return "".join(
        f"\\u{ord(char):04x}" if unicodedata.category(char) in ("Cc", "Cf") else char for char in joined
    )


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    one_line = flat(text)
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


def show(value: Any) -> str:
    """A value in a summary: numbers as written, ids bare, texts quoted and shortened."""
    value = plain(value)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, str):
        return value if _SLUG.match(value) else f'"{shorten(value)}"'
    if isinstance(value, list):
        return "[" + ", ".join(show(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {show(item)}" for key, item in value.items()) + "}"
    return shorten(str(value))


def _list_change(old: list[Any], new: list[Any]) -> str:
    """What a list gained and lost, counting repeated items; "reordered" when only the order changed."""
    before, after = plain(old), plain(new)
    common = Counter(map(_key, before)) & Counter(map(_key, after))
    added, removed = _beyond(after, common), _beyond(before, common)
    parts = []
    if added:
        parts.append("added " + ", ".join(show(item) for item in added))
    if removed:
        parts.append("removed " + ", ".join(show(item) for item in removed))
    return "; ".join(parts) or "reordered"


def _key(item: Any) -> str:
    return json.dumps(item, sort_keys=True, ensure_ascii=False)


def _beyond(items: list[Any], common: Counter[str]) -> list[Any]:
    """The items left once the copies counted in ``common`` are taken out."""
    left = common.copy()
    extra = []
    for item in items:
        if left[_key(item)] > 0:
            left[_key(item)] -= 1
        else:
            extra.append(item)
    return extra


def describe(old: Any, new: Any) -> str:
    """``old → new`` for a field; lists say what was added and removed, records which keys changed."""
    if isinstance(old, list) and isinstance(new, list):
        return _list_change(old, new)
    if isinstance(old, BaseModel) and isinstance(new, BaseModel) and type(old) is type(new):
        parts = [
            f"{name} {describe(getattr(old, name), getattr(new, name))}"
            for name in type(new).model_fields
            if getattr(old, name) != getattr(new, name)
        ]
        return "; ".join(parts)
    return f"{show(old)} → {show(new)}"


def _rate(funnel: Funnel | None) -> float | None:
    if funnel is None or funnel.entered == 0:
        return None
    return funnel.advanced / funnel.entered


def describe_funnel(old: Funnel | None, new: Funnel | None) -> str:
    """Conversion in percentage points first, then the volumes that changed."""
    before, after = _rate(old), _rate(new)
    if old is None or new is None:
        present = new or old
        assert present is not None
        rate = _rate(present)
        volumes = f"entered {present.entered}, advanced {present.advanced}"
        volumes += f", conversion {rate:.1%}" if rate is not None else ""
        return f"funnel added: {volumes}" if old is None else f"funnel removed (was {volumes})"
    parts = []
    if before is not None and after is not None and before != after:
        points = round(after * 100, 1) - round(before * 100, 1)
        parts.append(f"conversion {before:.1%} → {after:.1%} ({points:+.1f} pp)")
    for name in ("entered", "advanced"):
        if getattr(old, name) != getattr(new, name):
            parts.append(f"{name} {getattr(old, name)} → {getattr(new, name)}")
    return ", ".join(parts)


def label(kind: Kind, identifier: str | None) -> str:
    name = _KIND_LABEL.get(kind, kind)
    return f"{name} {identifier}" if identifier else name


def title_of(element: BaseModel) -> str:
    """What an element is called: its name, or the text of an objection or barrier."""
    for attribute in ("name", "text"):
        value = getattr(element, attribute, None)
        if isinstance(value, str):
            return f'"{shorten(value)}"'
    return ""


# --- matching ---------------------------------------------------------------------------------


def stable_ids(old_ids: Sequence[str], new_ids: Sequence[str]) -> set[str]:
    """Ids in both lists that keep their relative order: a longest increasing subsequence.

    Every other id present in both lists has moved. For two elements that swapped
    places, the one that moved forward is the one reported.
    """
    common = set(old_ids) & set(new_ids)
    old_index = {identifier: index for index, identifier in enumerate(i for i in old_ids if i in common)}
    sequence = [identifier for identifier in new_ids if identifier in common]
    # Patience sorting: tails[k] is the index into `sequence` ending the best run of length k + 1.
    tails: list[int] = []
    previous: list[int] = [-1] * len(sequence)
    for position, identifier in enumerate(sequence):
        rank = old_index[identifier]
        low, high = 0, len(tails)
        while low < high:
            middle = (low + high) // 2
            if old_index[sequence[tails[middle]]] < rank:
                low = middle + 1
            else:
                high = middle
        previous[position] = tails[low - 1] if low else -1
        if low == len(tails):
            tails.append(position)
        else:
            tails[low] = position
    kept: set[str] = set()
    cursor = tails[-1] if tails else -1
    while cursor >= 0:
        kept.add(sequence[cursor])
        cursor = previous[cursor]
    return kept


def positions(old_ids: Sequence[str], new_ids: Sequence[str]) -> dict[str, float]:
    """Where each id stands in NEW; an id only in OLD right after its nearest surviving predecessor."""
    placed = {identifier: float(index) for index, identifier in enumerate(new_ids)}
    survivors = set(new_ids)
    anchor, gap = -1.0, 0
    for identifier in old_ids:
        if identifier in survivors:
            anchor, gap = placed[identifier], 0
        elif identifier not in placed:
            gap += 1
            placed[identifier] = anchor + gap / (len(old_ids) + 1)
    return placed


def _by_id(elements: Iterable[Any]) -> dict[str, Any]:
    return {element.id: element for element in elements}


# --- comparing ----------------------------------------------------------------------------------


class _Changes:
    """Collects changes of one file with their document order."""

    def __init__(self) -> None:
        self.found: list[Change] = []

    def add(
        self,
        order: tuple[float, ...],
        kind: Kind,
        identifier: str | None,
        stage: str | None,
        change: ChangeType,
        summary: str,
        *,
        field_name: str | None = None,
        old: Any = None,
        new: Any = None,
    ) -> None:
        self.found.append(
            Change(kind, identifier, stage, change, field_name, plain(old), plain(new), summary, order)
        )

    def fields(
        self,
        order: tuple[float, ...],
        kind: Kind,
        identifier: str | None,
        stage: str | None,
        old: BaseModel,
        new: BaseModel,
        skip: Iterable[str] = ("id",),
    ) -> None:
        """One "changed" entry per field whose value differs, in the model's (canonical) key order."""
        skipped = set(skip)
        for index, name in enumerate(type(new).model_fields):
            before, after = getattr(old, name), getattr(new, name)
            if name in skipped or before == after:
                continue
            if name == "funnel":
                text = describe_funnel(before, after)
            else:
                text = f"{name} {describe(before, after)}"
                if isinstance(new, KPI) and isinstance(old, KPI):
                    text += _kpi_context(name, new)
            self.add(
                (*order, index),
                kind,
                identifier,
                stage,
                "changed",
                f"{label(kind, identifier)} {text}",
                field_name=name,
                old=before,
                new=after,
            )

    def elements(
        self,
        order: tuple[float, ...],
        kind: Kind,
        old_items: Sequence[Any],
        new_items: Sequence[Any],
        *,
        skip: Iterable[str] = ("id",),
    ) -> None:
        """Added, removed, moved and changed elements of one list (stages, channels, segments,
        personas), matched by id."""
        old_ids = [item.id for item in old_items]
        new_ids = [item.id for item in new_items]
        old_by_id, new_by_id = _by_id(old_items), _by_id(new_items)
        place = positions(old_ids, new_ids)
        kept = stable_ids(old_ids, new_ids)
        for index, item in enumerate(new_items):
            at = (*order, place[item.id])
            stage_of = item.id if kind == "stage" else None
            if item.id not in old_by_id:
                self.add(
                    (*at, -1),
                    kind,
                    item.id,
                    stage_of,
                    "added",
                    f"{label(kind, item.id)} added: {title_of(item)}{_added_detail(item)}",
                    new=item,
                )
                continue
            if item.id not in kept:
                before = old_ids.index(item.id) + 1
                self.add(
                    (*at, -1),
                    kind,
                    item.id,
                    stage_of,
                    "moved",
                    f"{label(kind, item.id)} moved from position {before} to {index + 1}",
                    field_name="position",
                    old=before,
                    new=index + 1,
                )
            self.fields(at, kind, item.id, stage_of, old_by_id[item.id], item, skip)
        for item in old_items:
            if item.id not in new_by_id:
                self.add(
                    (*order, place[item.id], -1),
                    kind,
                    item.id,
                    item.id if kind == "stage" else None,
                    "removed",
                    f"{label(kind, item.id)} removed: {title_of(item)}",
                    old=item,
                )


def _kpi_context(name: str, new: KPI) -> str:
    """A KPI's actual is read against its target and the other way round."""
    if name == "actual":
        return f" (target {show(new.target)})"
    if name == "target":
        return f" (actual {show(new.actual)})"
    return ""


def _added_detail(item: Any) -> str:
    if isinstance(item, KPI):
        return f" (target {show(item.target)}, actual {show(item.actual)})"
    if isinstance(item, Stage):
        counts = [
            plural(len(getattr(item, name)), _KIND_LABEL.get(kind, kind))
            for name, kind in _STAGE_CHILDREN
            if getattr(item, name)
        ]
        return f" ({', '.join(counts)})" if counts else ""
    return ""


_JOURNEY_SKIP = ("cjm", "id", "persona", "channels", "stages")


def compare_journeys(old: Journey, new: Journey) -> list[Change]:
    """Every difference between two versions of a journey, in NEW document order."""
    changes = _Changes()
    journey_fields = list(Journey.model_fields)
    if old.id != new.id:
        changes.add(
            (0, journey_fields.index("id")),
            "journey",
            new.id,
            None,
            "changed",
            f"journey id {old.id} → {new.id}",
            field_name="id",
            old=old.id,
            new=new.id,
        )
    changes.fields((0,), "journey", new.id, None, old, new, skip=_JOURNEY_SKIP)
    persona_at = (0, journey_fields.index("persona"))
    if isinstance(old.persona, Persona) and isinstance(new.persona, Persona):
        changes.elements(persona_at, "persona", [old.persona], [new.persona])
    elif old.persona != new.persona:
        changes.add(
            persona_at,
            "journey",
            new.id,
            None,
            "changed",
            f"journey persona {describe(old.persona, new.persona)}",
            field_name="persona",
            old=old.persona,
            new=new.persona,
        )
    changes.elements((0, journey_fields.index("channels")), "channel", old.channels, new.channels)
    stages_at = (0, journey_fields.index("stages"))
    changes.elements(stages_at, "stage", old.stages, new.stages, skip=("id", *_list_names()))
    _compare_stage_children(changes, stages_at, old, new)
    return sorted(changes.found, key=lambda change: change.order)


def _list_names() -> tuple[str, ...]:
    return tuple(name for name, _ in _STAGE_CHILDREN)


def _compare_stage_children(
    changes: _Changes, stages_at: tuple[float, ...], old: Journey, new: Journey
) -> None:
    old_stages, new_stages = _by_id(old.stages), _by_id(new.stages)
    stage_place = positions([s.id for s in old.stages], [s.id for s in new.stages])
    for list_name, kind in _STAGE_CHILDREN:
        list_index = _STAGE_FIELDS.index(list_name)
        old_home = {child.id: stage.id for stage in old.stages for child in getattr(stage, list_name)}
        new_home = {child.id: stage.id for stage in new.stages for child in getattr(stage, list_name)}
        old_children = {child.id: child for stage in old.stages for child in getattr(stage, list_name)}
        for stage in new.stages:
            new_list = getattr(stage, list_name)
            old_stage = old_stages.get(stage.id)
            old_list = getattr(old_stage, list_name) if old_stage else []
            # Compare positions only among the children that stayed in this stage.
            stayed_old = [c.id for c in old_list if new_home.get(c.id) == stage.id]
            stayed_new = [c.id for c in new_list if old_home.get(c.id) == stage.id]
            kept = stable_ids(stayed_old, stayed_new)
            place = positions([c.id for c in old_list], [c.id for c in new_list])
            at = (*stages_at, stage_place[stage.id], list_index)
            for index, child in enumerate(new_list):
                child_at = (*at, place[child.id])
                name = label(kind, child.id)
                if child.id not in old_home:
                    if old_stage is not None:  # children of an added stage are part of that entry
                        changes.add(
                            (*child_at, -1),
                            kind,
                            child.id,
                            stage.id,
                            "added",
                            f"{name} added to stage {stage.id}: {title_of(child)}{_added_detail(child)}",
                            new=child,
                        )
                    continue
                if old_home[child.id] != stage.id:
                    changes.add(
                        (*child_at, -1),
                        kind,
                        child.id,
                        stage.id,
                        "moved",
                        f"{name} moved from stage {old_home[child.id]} to stage {stage.id}",
                        field_name="stage",
                        old=old_home[child.id],
                        new=stage.id,
                    )
                elif child.id not in kept:
                    before = [c.id for c in old_list].index(child.id) + 1
                    changes.add(
                        (*child_at, -1),
                        kind,
                        child.id,
                        stage.id,
                        "moved",
                        f"{name} moved in stage {stage.id} from position {before} to {index + 1}",
                        field_name="position",
                        old=before,
                        new=index + 1,
                    )
                changes.fields(child_at, kind, child.id, stage.id, old_children[child.id], child)
        for stage in old.stages:
            if stage.id not in new_stages:
                continue  # children of a removed stage are part of that entry
            old_list = getattr(stage, list_name)
            place = positions(
                [c.id for c in old_list], [c.id for c in getattr(new_stages[stage.id], list_name)]
            )
            for child in old_list:
                if child.id not in new_home:
                    changes.add(
                        (*stages_at, stage_place[stage.id], list_index, place[child.id], -1),
                        kind,
                        child.id,
                        stage.id,
                        "removed",
                        f"{label(kind, child.id)} removed from stage {stage.id}: {title_of(child)}",
                        old=child,
                    )


def compare_workspaces(old: Workspace, new: Workspace) -> list[Change]:
    """Every difference between two versions of a workspace file, in NEW document order."""
    changes = _Changes()
    lists: tuple[tuple[str, Kind], ...] = (
        ("segments", "segment"),
        ("personas", "persona"),
        ("channels", "channel"),
    )
    changes.fields((), "workspace", None, None, old, new, skip=("cjm", *(name for name, _ in lists)))
    workspace_fields = list(Workspace.model_fields)
    for list_name, kind in lists:
        changes.elements(
            (workspace_fields.index(list_name),), kind, getattr(old, list_name), getattr(new, list_name)
        )
    return sorted(changes.found, key=lambda change: change.order)


def file_moved(kind: Kind, identifier: str | None, old_name: str, new_name: str) -> Change:
    """A journey or workspace found under another file name."""
    return Change(
        kind,
        identifier,
        None,
        "moved",
        "file",
        old_name,
        new_name,
        f"{label(kind, identifier)} file moved from {flat(old_name)} to {flat(new_name)}",
        (-1,),
    )
