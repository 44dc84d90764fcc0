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
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from cjmkit.i18n import ENGLISH, N_, Message, Translator, msg, nmsg
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

#: What an element is called in a sentence, with its id.
_LABELS = {
    "journey": msg("journey {id}"),
    "workspace": msg("workspace {id}"),
    "stage": msg("stage {id}"),
    "touchpoint": msg("touchpoint {id}"),
    "objection": msg("objection {id}"),
    "barrier": msg("barrier {id}"),
    "kpi": msg("KPI {id}"),
    "channel": msg("channel {id}"),
    "segment": msg("segment {id}"),
    "persona": msg("persona {id}"),
}
#: Stage lists whose elements are matched across the whole journey, with their element kind.
_STAGE_CHILDREN: tuple[tuple[str, Kind], ...] = (
    ("touchpoints", "touchpoint"),
    ("objections", "objection"),
    ("barriers", "barrier"),
    ("kpis", "kpi"),
)
_STAGE_FIELDS = list(Stage.model_fields)
_SLUG = re.compile(SLUG_PATTERN)


# --- sentences, rendered in the reader's language --------------------------------------------


class Text(Protocol):
    """A piece of a change's summary, shown in a translator's language."""

    def render(self, translator: Translator) -> str: ...


@dataclass(frozen=True)
class Plain:
    """Text that reads the same in every language: an id, a field name, punctuation."""

    text: str

    def render(self, translator: Translator) -> str:
        return self.text


@dataclass(frozen=True)
class Word:
    """A label (an English msgid marked with N_)."""

    text: str

    def render(self, translator: Translator) -> str:
        return translator.gettext(self.text)


@dataclass(frozen=True)
class Shown:
    """A value from the map, as :func:`show` writes it."""

    value: Any

    def render(self, translator: Translator) -> str:
        return show(self.value, translator)


@dataclass(frozen=True)
class Said:
    """A sentence (a :class:`Message`) whose arguments may themselves be texts."""

    message: Message
    parts: tuple[tuple[str, Text], ...] = ()

    def render(self, translator: Translator) -> str:
        m = self.message
        shown = tuple((name, part.render(translator)) for name, part in self.parts)
        return Message(m.text, m.arguments + shown, m.plural, m.count).render(translator)


@dataclass(frozen=True)
class Joined:
    items: tuple[Text, ...]
    separator: str = ", "

    def render(self, translator: Translator) -> str:
        return self.separator.join(item.render(translator) for item in self.items)


def said(message: Message, **parts: Text) -> Said:
    return Said(message, tuple(parts.items()))


@dataclass(frozen=True)
class Change:
    """One reported difference. ``old``/``new`` are JSON values (see the package docs); ``summary``
    is the English of ``text``, which renders in any language."""

    kind: Kind
    id: str | None
    stage: str | None
    change: ChangeType
    field: str | None
    old: Any
    new: Any
    summary: str
    order: tuple[float, ...] = dataclasses.field(default=(), compare=False)
    text: Text | None = dataclasses.field(default=None, compare=False, repr=False)

    def says(self, translator: Translator = ENGLISH) -> str:
        """The summary in the translator's language."""
        return self.text.render(translator) if self.text is not None else self.summary


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


def show(value: Any, translator: Translator = ENGLISH) -> str:
    """A value in a summary: numbers as written (in the reader's format), ids bare, texts quoted
    the language's way and shortened."""
    value = plain(value)
    if value is None:
        return translator.gettext(N_("none"))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return translator.number(value, 6)
    if isinstance(value, str):
        return value if _SLUG.match(value) else Quoted(value).render(translator)
    if isinstance(value, list):
        return "[" + ", ".join(show(item, translator) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {show(item, translator)}" for key, item in value.items()) + "}"
    return shorten(str(value))


def _list_change(old: list[Any], new: list[Any]) -> Text:
    """What a list gained and lost, counting repeated items; "reordered" when only the order changed."""
    before, after = plain(old), plain(new)
    common = Counter(map(_key, before)) & Counter(map(_key, after))
    added, removed = _beyond(after, common), _beyond(before, common)
    parts: list[Text] = []
    if added:
        parts.append(said(msg("added {items}"), items=Joined(tuple(Shown(item) for item in added))))
    if removed:
        parts.append(said(msg("removed {items}"), items=Joined(tuple(Shown(item) for item in removed))))
    return Joined(tuple(parts), "; ") if parts else Said(msg("reordered"))


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


def describe(old: Any, new: Any) -> Text:
    """``old → new`` for a field; lists say what was added and removed, records which keys changed."""
    if isinstance(old, list) and isinstance(new, list):
        return _list_change(old, new)
    if isinstance(old, BaseModel) and isinstance(new, BaseModel) and type(old) is type(new):
        parts = tuple(
            _field(name, describe(getattr(old, name), getattr(new, name)))
            for name in type(new).model_fields
            if getattr(old, name) != getattr(new, name)
        )
        return Joined(parts, "; ")
    return Joined((Shown(old), Shown(new)), " → ")


def _field(name: str, change: Text) -> Text:
    """``name old → new``: a key as written in the file, then what happened to its value."""
    return Joined((Plain(name), change), " ")


def _rate(funnel: Funnel | None) -> float | None:
    if funnel is None or not funnel.entered or funnel.advanced is None:
        return None
    return funnel.advanced / funnel.entered


@dataclass(frozen=True)
class _Rate:
    """A conversion rate: one decimal, the locale's percent."""

    ratio: float

    def render(self, translator: Translator) -> str:
        return translator.percent(self.ratio, 1)


@dataclass(frozen=True)
class _Points:
    """A change in percentage points, signed, one decimal."""

    points: float

    def render(self, translator: Translator) -> str:
        sign = "+" if self.points > 0 else "-" if self.points < 0 else ""
        return sign + translator.number(abs(self.points), 1, fixed=True)


def describe_funnel(old: Funnel | None, new: Funnel | None) -> Text:
    """Conversion in percentage points first, then the volumes that changed."""
    before, after = _rate(old), _rate(new)
    if old is None or new is None:
        present = new or old
        assert present is not None
        rate = _rate(present)
        volumes = {"entered": Shown(present.entered), "advanced": Shown(present.advanced)}
        if old is None:
            if rate is None:
                return Said(
                    msg("funnel added: entered {entered}, advanced {advanced}"), tuple(volumes.items())
                )
            return said(
                msg("funnel added: entered {entered}, advanced {advanced}, conversion {conversion}"),
                conversion=_Rate(rate),
                **volumes,
            )
        if rate is None:
            return Said(
                msg("funnel removed (was entered {entered}, advanced {advanced})"), tuple(volumes.items())
            )
        return said(
            msg("funnel removed (was entered {entered}, advanced {advanced}, conversion {conversion})"),
            conversion=_Rate(rate),
            **volumes,
        )
    parts: list[Text] = []
    if before is not None and after is not None and before != after:
        points = round(after * 100, 1) - round(before * 100, 1)
        parts.append(
            said(
                msg("conversion {before} → {after} ({points} pp)"),
                before=_Rate(before),
                after=_Rate(after),
                points=_Points(points),
            )
        )
    for name in ("entered", "advanced"):
        if getattr(old, name) != getattr(new, name):
            parts.append(_field(name, Joined((Shown(getattr(old, name)), Shown(getattr(new, name))), " → ")))
    return Joined(tuple(parts))


def label(kind: Kind, identifier: str | None) -> Text:
    if identifier is None:
        return Word(N_("workspace")) if kind == "workspace" else Word(N_("journey"))
    return Said(_LABELS[kind], (("id", Plain(identifier)),))


def title_of(element: BaseModel) -> Text | None:
    """What an element is called: its name, or the text of an objection or barrier."""
    for attribute in ("name", "text"):
        value = getattr(element, attribute, None)
        if isinstance(value, str):
            return Quoted(value)
    return None


@dataclass(frozen=True)
class Quoted:
    """A text from the map, quoted the language's way and shortened, even when it looks like an id."""

    text: str

    def render(self, translator: Translator) -> str:
        short = shorten(self.text)
        return f"«{short}»" if translator.code == "ru" else f'"{short}"'


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
        text: Text,
        *,
        field_name: str | None = None,
        old: Any = None,
        new: Any = None,
    ) -> None:
        self.found.append(
            Change(
                kind,
                identifier,
                stage,
                change,
                field_name,
                plain(old),
                plain(new),
                text.render(ENGLISH),
                order,
                text,
            )
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
            text: Text
            if name == "funnel":
                text = describe_funnel(before, after)
            else:
                text = _field(name, describe(before, after))
                if isinstance(new, KPI) and isinstance(old, KPI):
                    text = _kpi_context(name, new, text)
            self.add(
                (*order, index),
                kind,
                identifier,
                stage,
                "changed",
                said(msg("{what} {change}"), what=label(kind, identifier), change=text),
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
                    said(msg("{what} added: {title}"), what=label(kind, item.id), title=_titled(item)),
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
                    said(
                        msg("{what} moved from position {old} to {new}"),
                        what=label(kind, item.id),
                        old=Shown(before),
                        new=Shown(index + 1),
                    ),
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
                    said(
                        msg("{what} removed: {title}"),
                        what=label(kind, item.id),
                        title=_titled(item, detail=False),
                    ),
                    old=item,
                )


def _kpi_context(name: str, new: KPI, text: Text) -> Text:
    """A KPI's actual is read against its target and the other way round."""
    if name == "actual":
        return said(msg("{change} (target {target})"), change=text, target=Shown(new.target))
    if name == "target":
        return said(msg("{change} (actual {actual})"), change=text, actual=Shown(new.actual))
    return text


#: An added stage's contents, counted.
_COUNTS = {
    "touchpoint": lambda n: nmsg("{count} touchpoint", "{count} touchpoints", "count", count=n),
    "objection": lambda n: nmsg("{count} objection", "{count} objections", "count", count=n),
    "barrier": lambda n: nmsg("{count} barrier", "{count} barriers", "count", count=n),
    "kpi": lambda n: nmsg("{count} KPI", "{count} KPIs", "count", count=n),
}


def _added_detail(item: Any) -> Text | None:
    if isinstance(item, KPI):
        return said(
            msg("target {target}, actual {actual}"), target=Shown(item.target), actual=Shown(item.actual)
        )
    if isinstance(item, Stage):
        counts = tuple(
            Said(_COUNTS[kind](len(getattr(item, name))))
            for name, kind in _STAGE_CHILDREN
            if getattr(item, name)
        )
        return Joined(counts) if counts else None
    return None


def _titled(item: Any, *, detail: bool = True) -> Text:
    """An element's title, then (for an added one) what it holds: ``"Sign-up" (2 touchpoints)``."""
    parts: list[Text] = []
    title = title_of(item)
    if title is not None:
        parts.append(title)
    extra = _added_detail(item) if detail else None
    if extra is not None:
        parts.append(Joined((Plain("("), extra, Plain(")")), ""))
    return Joined(tuple(parts), " ")


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
            said(msg("journey id {old} → {new}"), old=Plain(old.id), new=Plain(new.id)),
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
            said(msg("journey persona {change}"), change=describe(old.persona, new.persona)),
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
                home = Plain(stage.id)
                if child.id not in old_home:
                    if old_stage is not None:  # children of an added stage are part of that entry
                        changes.add(
                            (*child_at, -1),
                            kind,
                            child.id,
                            stage.id,
                            "added",
                            said(
                                msg("{what} added to stage {stage}: {title}"),
                                what=name,
                                stage=home,
                                title=_titled(child),
                            ),
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
                        said(
                            msg("{what} moved from stage {old} to stage {new}"),
                            what=name,
                            old=Plain(old_home[child.id]),
                            new=home,
                        ),
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
                        said(
                            msg("{what} moved in stage {stage} from position {old} to {new}"),
                            what=name,
                            stage=home,
                            old=Shown(before),
                            new=Shown(index + 1),
                        ),
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
                        said(
                            msg("{what} removed from stage {stage}: {title}"),
                            what=label(kind, child.id),
                            stage=Plain(stage.id),
                            title=_titled(child, detail=False),
                        ),
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
    text = said(
        msg("{what} file moved from {old} to {new}"),
        what=label(kind, identifier),
        old=Plain(flat(old_name)),
        new=Plain(flat(new_name)),
    )
    return Change(
        kind, identifier, None, "moved", "file", old_name, new_name, text.render(ENGLISH), (-1,), text
    )
