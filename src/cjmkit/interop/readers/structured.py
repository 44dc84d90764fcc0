"""Journeys kept as JSON or YAML: cjm's own JSON, stage lists of common shapes, and
enablement-map-studio documents.

**cjm's own JSON** (``cjm convert map.yaml --to json``: ``"cjm": 1`` and ``stages``) is the
journey itself; it is validated here, so a hand-edited file is refused with the place and
the reason, and written back in the format's canonical key order.

**Stage lists** (``stages`` / ``phases`` / ``steps`` / ``milestones``, at the top, under
``journey``, or in the first of ``journeys``): each item is a stage. Its keys are read by
their usual names in any spelling (``painPoints``, ``pain_points``, ``Pain points``):

- ``name`` / ``title`` / ``stage`` name the stage (else its first action does);
- ``phase``: one of cjm's phases (awareness ... advocacy), else dropped; a stage named after
  a phase gets it, as in Mermaid imports;
- ``actions`` / ``action`` / ``doing`` / ``moment``, ``thoughts``, ``expectations`` /
  ``needs`` / ``wants``, ``opportunities``, ``goal`` (the customer goal): texts;
- ``touchpoints``: texts or objects (``name``, ``channel``, ``description``); a touchpoint
  without a channel gets the generic channel ``unspecified`` (the format requires one);
- ``pain_points`` / ``pains`` / ``barriers`` / ``frustrations``: barriers, without a
  recommendation (``cjm lint`` asks for one); an id of a journey-level ``painPoints`` entry
  stands for that entry's description;
- ``emotion`` / ``emotion_score`` / ``score``: a whole number -2..2 is the emotion; ``N/5`` is a
  Mermaid-style score read as N - 3 (FORMAT.md). An emotion in words (``excited``) is
  dropped: no number is made up for it;
- ``micro_moments`` / ``moments`` / nested ``steps``: their texts join the stage.

Of the journey: ``title`` / ``name``, ``description``, a last-updated date (``updated``,
``lastUpdated``, ``run_date`` ...) and the persona (``persona``: a name, an object, or the id
of an entry of ``personas``; else the primary or first of ``personas``). A file of several
``journeys`` imports the first; the others are listed as not mapped. Every other key is
listed as not mapped, with its place (a line in YAML, a key path in JSON).

**enablement-map-studio** files are YAML streams of documents with a ``kind``. The
``kind: cjm`` document becomes the journey: its ``phases`` become the stages in their
order, each ``actions`` entry joins the stage of its ``phase`` (its name an action, its
``touchpoints`` touchpoints, its ``thoughts_feelings`` thoughts). Its ``emotion_score`` is
on the same -2 (very negative) .. +2 (very positive) scale as cjm's emotion, so it is taken
as it is, never stretched or rounded: it becomes the emotion of the action's touchpoints,
and the stage's emotion is the mean over the stage's scored actions rounded half up (the
same rule as a Mermaid section), which is the action's own score when the stage has one.
The ``sbp`` (service blueprint), ``outcome`` and ``em`` (enablement) documents describe the
company's side, which a cjm map does not hold: each is listed as not mapped.

YAML is read with cjmkit's own loader (limits on aliases, nesting, size and tags), one
document at a time; JSON with the standard parser, with nesting too deep to read, ``NaN``
and oversized numbers refused.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from cjmkit.diagnostics import format_path
from cjmkit.interop.importing import Imported, Reader, refusal
from cjmkit.interop.mermaid import CHANNEL_ID, CHANNEL_NAMES, text_locale, title_from_file_name
from cjmkit.models import Barrier, Journey, Stage, Touchpoint
from cjmkit.models.base import PHASE_ORDER
from cjmkit.models.journey import InlinePersona
from cjmkit.slugs import Ids, slugify

YamlPath = tuple[str | int, ...]
#: Names a place of the source in the list of what was not mapped: ``line 14``, ``stages[2].phase``.
Where = Callable[[YamlPath], str]

#: Texts that stand for an empty cell or value.
EMPTY_TEXTS = frozenset({"", "-", "--", "—", "–", "−", "n/a", "…"})
EMOTION_IN_WORDS = "an emotion in words, not a score: cjm's emotion is a number -2..2, and none is made up"
MAX_DOCUMENTS = 64
#: More stages than any journey map has: the file is something else (or built to exhaust the tool).
MAX_STAGES = 1000


class Refused(Exception):
    """The file cannot be imported; the message says why."""

    def __init__(self, why: str, line: int = 1, column: int = 1) -> None:
        super().__init__(why)
        self.why, self.line, self.column = why, line, column


def flat(text: str) -> str:
    """Text on one line, runs of white space as one space."""
    return " ".join(text.split())


def meaningful(text: str) -> bool:
    return flat(text).casefold() not in EMPTY_TEXTS


def short(text: str, limit: int = 40) -> str:
    """A text cut to ``limit`` characters for a message, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe(value: Any) -> str:
    """A value as a message names it: a text or number cut short, else what kind of value it is."""
    if isinstance(value, str):
        return repr(short(value))
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return short(str(value))
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return short(str(value))


def folded(key: str) -> str:
    """A key in any spelling: ``painPoints``, ``pain_points``, ``Pain points`` -> ``painpoints``."""
    return re.sub(r"[\W_]+", "", key.casefold())


def ordered(values: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    """The values in the order of the model's fields: the format's canonical key order."""
    return {key: values[key] for key in model.model_fields if key in values}


_SCORE_OF_FIVE = re.compile(r"([1-5])\s*/\s*5")
_WHOLE = re.compile(r"[+\-−]?\d{1,3}")


def parse_emotion(value: Any) -> int | None:
    """An emotion -2..2 from a whole number (or its text, ``+1``); ``N/5`` (a Mermaid-style
    satisfaction score) is N - 3, as FORMAT.md maps Mermaid scores. None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return value if -2 <= value <= 2 else None
    if not isinstance(value, str):
        return None
    text = flat(value)
    if _WHOLE.fullmatch(text):
        number = int(text.replace("−", "-"))
        return number if -2 <= number <= 2 else None
    five = _SCORE_OF_FIVE.fullmatch(text)
    return int(five.group(1)) - 3 if five else None


def emotion_why(value: Any) -> str:
    """Why an emotion value was not mapped."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "not a whole number -2..2, nor on a scale cjm knows"
    return EMOTION_IN_WORDS


def mean_emotion(scores: list[int]) -> int:
    """The mean of emotions rounded half up, as a Mermaid section's emotion."""
    return math.floor(sum(scores) / len(scores) + 0.5)


def iso_date(value: Any) -> str | None:
    """``2026-07-02`` from a date, a datetime or a text that starts with an ISO date."""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        found = re.match(r"\s*(\d{4}-\d{2}-\d{2})(?:$|[T ])", value)
        if found:
            try:
                return datetime.date.fromisoformat(found.group(1)).isoformat()
            except ValueError:
                return None
    return None


_LINE = re.compile(r"lines? (\d+)")


def in_order(imported: Imported) -> None:
    """Sort what was not mapped by line, when every entry names one (a stable sort)."""
    lines = [_LINE.match(dropped.where) for dropped in imported.dropped]
    numbers = [int(found.group(1)) for found in lines if found]
    if len(numbers) == len(lines):
        order = sorted(range(len(numbers)), key=numbers.__getitem__)
        imported.dropped[:] = [imported.dropped[i] for i in order]


# --- the journey an import builds (shared by the readers of this package) ----------------------


@dataclass
class Draft:
    """The cjm journey an import builds, counting what it maps; :meth:`document` gives its
    plain values in the format's canonical key order."""

    imported: Imported
    source_name: str
    title: str | None = None
    #: A text to make the journey's id from when the title gives none (a source id).
    id_hint: str | None = None
    description: str | None = None
    updated: str | None = None
    persona: dict[str, Any] | None = None
    stages: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[str, Ids] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    #: Every text kept, for the map's language.
    texts: list[str] = field(default_factory=list)
    _channel_ids: dict[str | None, str] = field(default_factory=dict)

    def claim(self, kind: str, text: str | None, source_id: str | None = None) -> str:
        """An id unique within ``kind``: the slug of ``text``, else of the source's own id
        (after its last ``:``), else ``kind-N``."""
        self.numbers[kind] = self.numbers.get(kind, 0) + 1
        candidate = slugify(text or "") or slugify((source_id or "").rsplit(":", 1)[-1])
        return self.ids.setdefault(kind, Ids()).claim(candidate or f"{kind}-{self.numbers[kind]}")

    def keep(self, text: str) -> str:
        self.texts.append(text)
        return text

    def stage(self, name: str, source_id: str | None = None) -> dict[str, Any]:
        """A new stage; a stage named after a phase (``Awareness``) gets that phase."""
        if len(self.stages) >= MAX_STAGES:
            raise Refused(f"more than {MAX_STAGES} stages: this is not a journey map cjm imports")
        name = flat(name)
        stage: dict[str, Any] = {"id": self.claim("stage", name, source_id), "name": self.keep(name)}
        if slugify(name) in PHASE_ORDER:
            stage["phase"] = slugify(name)
        self.stages.append(stage)
        self.imported.map("stage")
        return stage

    def texts_of(self, stage: dict[str, Any], key: str, kind: str, values: Iterable[str]) -> int:
        """Add texts to a list field of the stage (``actions`` ...); empty ones are skipped."""
        kept = [self.keep(flat(value)) for value in values if meaningful(value)]
        if kept:
            stage.setdefault(key, []).extend(kept)
            self.imported.map(kind, len(kept))
        return len(kept)

    def goal(self, stage: dict[str, Any], text: str) -> None:
        if meaningful(text):
            stage["customer_goal"] = self.keep(flat(text))
            self.imported.map("customer goal")

    def channel(self, name: str | None) -> str:
        """The id of the journey channel called ``name``; None: the generic placeholder."""
        key = flat(name).casefold() if name else None
        if key not in self._channel_ids:
            if name is None:
                identifier = self.ids.setdefault("channel", Ids()).claim(CHANNEL_ID)
            else:
                identifier = self.claim("channel", name)
                self.imported.map("channel")
            self._channel_ids[key] = identifier
            self.channels.append({"id": identifier, "name": self.keep(flat(name)) if name else None})
        return self._channel_ids[key]

    def touchpoint(
        self,
        stage: dict[str, Any],
        name: str,
        *,
        channel: str | None = None,
        description: str | None = None,
        actors: Iterable[str] = (),
        emotion: int | None = None,
    ) -> dict[str, Any]:
        name = flat(name)
        touchpoint: dict[str, Any] = {
            "id": self.claim("touchpoint", name),
            "name": self.keep(name),
            "channel": self.channel(channel if channel and meaningful(channel) else None),
        }
        if description and meaningful(description):
            touchpoint["description"] = self.keep(flat(description))
        kept_actors = [self.keep(flat(actor)) for actor in actors if meaningful(actor)]
        if kept_actors:
            touchpoint["actors"] = kept_actors
        if emotion is not None:
            touchpoint["emotion"] = emotion
        stage.setdefault("touchpoints", []).append(touchpoint)
        self.imported.map("touchpoint")
        return touchpoint

    def barrier(self, stage: dict[str, Any], text: str) -> None:
        if not meaningful(text):
            return
        text = flat(text)
        stage.setdefault("barriers", []).append({"id": self.claim("barrier", text), "text": self.keep(text)})
        self.imported.map("barrier")

    def persona_named(self, name: str) -> dict[str, Any]:
        name = flat(name)
        self.persona = {"id": slugify(name) or "persona", "name": self.keep(name)}
        self.imported.map("persona")
        return self.persona

    def document(self) -> dict[str, Any]:
        """The journey's plain values; what was not mapped is listed in the order of the source."""
        in_order(self.imported)
        locale = text_locale(self.texts + ([self.title] if self.title else []))
        title = flat(self.title) if self.title and meaningful(self.title) else None
        title = title or title_from_file_name(self.source_name)
        stem = self.source_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        identifier = slugify(title) or slugify((self.id_hint or "").rsplit(":", 1)[-1]) or slugify(stem)
        identifier = identifier or "journey"
        document: dict[str, Any] = {"cjm": 1, "id": identifier, "title": title}
        if self.description:
            document["description"] = self.description
        if self.updated:
            document["updated"] = self.updated
        if locale != "en":
            document["locale"] = locale
        if self.persona:
            document["persona"] = ordered(self.persona, InlinePersona)
        if self.channels:
            document["channels"] = [
                {"id": c["id"], "name": c["name"] or CHANNEL_NAMES[locale]} for c in self.channels
            ]
        document["stages"] = [self._stage_values(stage) for stage in self.stages]
        return ordered(document, Journey)

    @staticmethod
    def _stage_values(stage: dict[str, Any]) -> dict[str, Any]:
        values = dict(stage)
        if "touchpoints" in values:
            values["touchpoints"] = [ordered(t, Touchpoint) for t in values["touchpoints"]]
        if "barriers" in values:
            values["barriers"] = [ordered(b, Barrier) for b in values["barriers"]]
        return ordered(values, Stage)


# --- loading -------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def load_json(text: str) -> Any:
    """The values of a JSON text; :class:`Refused` when it is not JSON cjm can read."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise Refused(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except RecursionError:
        raise Refused("the JSON is nested too deeply to read") from None
    except ValueError as error:  # NaN or Infinity, an integer of thousands of digits
        raise Refused(f"not valid JSON: {error}") from None


@dataclass(frozen=True)
class YamlValues:
    """One YAML document's values and where they stand."""

    data: Any
    where: Where
    #: The line of the document's first line in the file (1-based).
    line: int


def load_yaml(text: str, line: int = 1) -> YamlValues | None:
    """One YAML document (its text starting at ``line`` of the file), read by cjmkit's loader;
    None for an empty document."""
    from cjmkit.loading.yaml_source import YamlProblems, parse_yaml

    offset = line - 1
    try:
        document = parse_yaml(text)
    except YamlProblems as problems:
        first = problems.problems[0]
        raise Refused(f"cannot read the YAML: {first.message}", first.line + offset, first.column) from None
    if document is None:
        return None
    positions = document.source_map

    def where(path: YamlPath) -> str:
        return f"line {positions.key(path)[0] + offset}"

    return YamlValues(document.data, where, line)


_DOCUMENT_MARKER = re.compile(r"(?:---|\.\.\.)[ \t]*")


def split_documents(text: str) -> list[tuple[int, str]]:
    """The documents of a YAML stream as (first line, text), split at lines that are exactly
    ``---`` (or ``...``): a document marker at the start of a line ends any scalar in YAML, so
    no block or quoted text is cut. Documents without content are left out."""
    documents: list[tuple[int, str]] = []
    start, lines = 1, list[str]()
    for number, line in enumerate(text.split("\n"), 1):
        if _DOCUMENT_MARKER.fullmatch(line.rstrip("\r")):
            if any(item.strip() and not item.lstrip().startswith("#") for item in lines):
                documents.append((start, "\n".join(lines)))
            start, lines = number + 1, []
            if len(documents) > MAX_DOCUMENTS:
                raise Refused(f"the file holds more than {MAX_DOCUMENTS} YAML documents")
        else:
            lines.append(line)
    if any(item.strip() and not item.lstrip().startswith("#") for item in lines):
        documents.append((start, "\n".join(lines)))
    return documents


def reader(read: Callable[[str, str, str], Imported]) -> Callable[[str, str, str], Imported]:
    """The reader, with :class:`Refused` turned into a refusal of the file."""

    def guarded(text: str, display: str, source_name: str) -> Imported:
        try:
            return read(text, display, source_name)
        except Refused as refused:
            return refusal(display, refused.why, refused.line, refused.column)

    return guarded


# --- cjm's own JSON ----------------------------------------------------------------------------


def _without_nulls(values: Any) -> Any:
    """The values without keys set to null: every optional field of the format is absent then."""
    if isinstance(values, dict):
        return {key: _without_nulls(value) for key, value in values.items() if value is not None}
    if isinstance(values, list):
        return [_without_nulls(value) for value in values]
    return values


def count_journey(journey: Journey, imported: Imported) -> None:
    """Count what a cjm journey holds, by kind."""
    if journey.persona is not None:
        imported.map("persona")
    imported.map("channel", len(journey.channels))
    imported.map("stage", len(journey.stages))
    for stage in journey.stages:
        imported.map("customer goal", stage.customer_goal is not None)
        imported.map("action", len(stage.actions))
        imported.map("thought", len(stage.thoughts))
        imported.map("expectation", len(stage.expectations))
        motivations = stage.motivations
        imported.map("motivation", len(motivations.rational + motivations.emotional) if motivations else 0)
        imported.map("strategy", stage.strategy is not None)
        imported.map("touchpoint", len(stage.touchpoints))
        emotions = [stage.emotion, *(t.emotion for t in stage.touchpoints)]
        imported.map("emotion", sum(1 for emotion in emotions if emotion is not None))
        imported.map("objection", len(stage.objections))
        imported.map("barrier", len(stage.barriers))
        imported.map("opportunity", len(stage.opportunities))
        imported.map("KPI", len(stage.kpis))
        imported.map("funnel", stage.funnel is not None)
        imported.map("evidence level", stage.evidence is not None)


def _sniff_cjm_json(text: str) -> bool:
    head = text[:4096]
    return re.search(r'"cjm"\s*:\s*1\b', head) is not None and '"stages"' in text


def _read_cjm_json(text: str, display: str, source_name: str) -> Imported:
    values = load_json(text)
    if not isinstance(values, dict):
        raise Refused("a cjm journey in JSON is an object with `cjm` and `stages`")
    try:
        journey = Journey.model_validate(_without_nulls(values))
    except RecursionError:  # nesting the parser could read but a walk over the values cannot
        raise Refused("the JSON is nested too deeply to read") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = format_path(tuple(part for part in first["loc"] if part not in ("ref", "inline")))
        raise Refused(
            f"this cjm journey in JSON is not valid: {where or 'the top level'}: {first['msg']}"
        ) from None
    document = _without_nulls(journey.model_dump(mode="json", exclude_unset=True, warnings=False))
    imported = Imported(document, shape="cjm journey JSON")
    count_journey(journey, imported)
    return imported


# --- stage lists ------------------------------------------------------------------------------

#: Keys of a stage (folded) and the field they fill.
STAGE_KEYS: dict[str, str] = {
    **dict.fromkeys(["name", "title", "stage", "stagename", "label"], "name"),
    **dict.fromkeys(["phase", "funnelphase", "lifecyclephase"], "phase"),
    **dict.fromkeys(
        ["action", "actions", "doing", "useractions", "customeractions", "activities", "activity", "moment"],
        "actions",
    ),
    **dict.fromkeys(["touchpoints", "touchpoint", "channels"], "touchpoints"),
    **dict.fromkeys(["thoughts", "thought", "thinking", "thoughtsfeelings", "quotes", "quote"], "thoughts"),
    **dict.fromkeys(
        ["emotion", "emotions", "emotionscore", "score", "feeling", "feelings", "sentiment", "mood"],
        "emotion",
    ),
    **dict.fromkeys(
        ["painpoints", "painpoint", "pains", "pain", "barriers", "barrier", "frustrations", "friction"],
        "barriers",
    ),
    **dict.fromkeys(["opportunities", "opportunity", "ideas"], "opportunities"),
    **dict.fromkeys(["goal", "goals", "customergoal", "usergoal", "objective", "objectives"], "goal"),
    **dict.fromkeys(["expectations", "expectation", "needs", "wants", "want"], "expectations"),
    **dict.fromkeys(["micromoments", "moments", "steps", "substeps"], "moments"),
    "id": "id",
}
STAGE_LISTS = ("stages", "phases", "steps", "milestones", "stagelist")
#: Keys of an object in a list of texts that hold its text.
TEXT_KEYS = ("name", "title", "text", "description", "want", "action", "label", "value", "moment")
#: Keys of a persona object (folded) and the persona field they fill.
PERSONA_KEYS: dict[str, str] = {
    **dict.fromkeys(["name", "title"], "name"),
    **dict.fromkeys(["description", "role", "bio"], "description"),
    "goals": "goals",
    **dict.fromkeys(["pains", "frustrations", "painpoints"], "pains"),
    "needs": "needs",
    **dict.fromkeys(["jtbd", "jobtobedone", "jobstobedone"], "jtbd"),
    "id": "id",
}
TITLE_KEYS = ("title", "name", "journey", "journeyname")
UPDATED_KEYS = ("updated", "lastupdated", "lastmodified", "modified", "date", "rundate", "updatedat")
NOT_IN_FORMAT = "no field of the cjm format holds it"


def _text(value: Any) -> str | None:
    """A text value (numbers are not texts here), flattened; None for anything else or an empty text."""
    return flat(value) if isinstance(value, str) and meaningful(value) else None


def _key(values: dict[str, Any], names: Iterable[str]) -> str | None:
    """The first key of ``values`` that folds to one of ``names`` (in that order of names)."""
    by_fold = {folded(key): key for key in values if isinstance(key, str)}
    return next((by_fold[name] for name in names if name in by_fold), None)


def _sniff_stage_list_json(text: str) -> bool:
    return re.search(r'"(?:stages|phases|steps|milestones|journeys|journey)"\s*:', text) is not None


def _sniff_stage_list_yaml(text: str) -> bool:
    return re.search(r"(?m)^(?:stages|phases|steps|milestones|journeys|journey)[ \t]*:", text) is not None


@dataclass
class StageList:
    """Reads a stage list (any of the shapes in the module's docstring) into a :class:`Draft`."""

    draft: Draft
    where: Where
    #: Journey-level pain points by id, for stages that refer to them; and those referred to.
    pains: dict[str, tuple[YamlPath, dict[str, Any]]] = field(default_factory=dict)
    used_pains: set[str] = field(default_factory=set)

    @property
    def imported(self) -> Imported:
        return self.draft.imported

    def drop(self, path: YamlPath, what: str, why: str = NOT_IN_FORMAT) -> None:
        self.imported.drop(self.where(path), what, why)

    def read(self, root: Any) -> None:
        if isinstance(root, list):
            root = {"stages": root}
        if not isinstance(root, dict):
            raise Refused("the file holds no stage list: expected an object with `stages`")
        journey, base = self.journey(root)
        stages_key = _key(journey, STAGE_LISTS)
        if stages_key is None or not isinstance(journey[stages_key], list) or not journey[stages_key]:
            raise Refused("the file holds no stage list: expected `stages` (or `phases`, `steps`) with items")
        self.pain_table(root, journey, base)
        persona_ref = self.journey_fields(root, journey, base, stages_key)
        self.personas(root, journey, base, persona_ref)
        for index, item in enumerate(journey[stages_key]):
            self.stage(item, (*base, stages_key, index), index + 1)
        for pain_id, (path, _) in self.pains.items():
            if pain_id not in self.used_pains:
                self.drop(path, f"pain point {describe(pain_id)}", "no stage refers to it")

    def journey(self, root: dict[str, Any]) -> tuple[dict[str, Any], YamlPath]:
        """The object that holds the stages: the root, its ``journey``, or its first ``journeys``."""
        if _key(root, STAGE_LISTS) is not None:
            return root, ()
        many = _key(root, ("journeys",))
        if many is not None and isinstance(root[many], list):
            journeys = [(i, j) for i, j in enumerate(root[many]) if isinstance(j, dict)]
            if journeys:
                index, first = journeys[0]
                for other_index, other in enumerate(root[many]):
                    if other_index != index:
                        name = (
                            _text(other.get(_key(other, TITLE_KEYS) or ""))
                            if isinstance(other, dict)
                            else None
                        )
                        self.drop(
                            (many, other_index),
                            f"journey {describe(name)}" if name else "a journey",
                            "a cjm journey file holds one journey; this import keeps the first",
                        )
                return first, (many, index)
        one = _key(root, ("journey",))
        if one is not None and isinstance(root[one], dict):
            return root[one], (one,)
        return root, ()

    def pain_table(self, root: dict[str, Any], journey: dict[str, Any], base: YamlPath) -> None:
        for values, prefix in ((root, ()), (journey, base)) if journey is not root else ((root, ()),):
            key = _key(values, ("painpoints", "pains"))
            if key is None or not isinstance(values[key], list):
                continue
            for index, pain in enumerate(values[key]):
                if isinstance(pain, dict) and isinstance(pain.get("id"), str):
                    self.pains[pain["id"]] = ((*prefix, key, index), pain)

    def journey_fields(
        self, root: dict[str, Any], journey: dict[str, Any], base: YamlPath, stages_key: str
    ) -> str | None:
        """Title, description, date; every other key of the journey (and of the root around it)
        dropped. Returns the persona reference, if the persona is given by id."""
        draft = self.draft
        persona_ref: str | None = None
        places = [(journey, base)] + ([(root, ())] if journey is not root else [])
        for values, prefix in places:
            for key, value in values.items():
                path = (*prefix, key)
                name = folded(key) if isinstance(key, str) else ""
                if values is journey and key == stages_key:
                    continue
                if values is root and journey is not root and key == base[0]:
                    continue
                if name in TITLE_KEYS and _text(value) and draft.title is None:
                    draft.title = _text(value)
                    self.imported.map("title")
                elif name == "description" and _text(value) and draft.description is None:
                    draft.description = draft.keep(flat(value))
                    self.imported.map("description")
                elif name in UPDATED_KEYS and iso_date(value) and draft.updated is None:
                    draft.updated = iso_date(value)
                    self.imported.map("date")
                elif name == "persona" and draft.persona is None and persona_ref is None:
                    if isinstance(value, dict):
                        self.persona(value, path)
                    elif _text(value):
                        persona_ref = _text(value)
                    else:
                        self.drop(path, f"key {describe(key)}", "not a persona")
                elif name in ("personas", "painpoints", "pains") and isinstance(value, list):
                    continue  # read with the persona and the stages' pain points
                elif name == "id" and _text(value):
                    draft.id_hint = _text(value)
                else:
                    self.drop(path, f"key {describe(key)}")
        return persona_ref

    def personas(
        self, root: dict[str, Any], journey: dict[str, Any], base: YamlPath, reference: str | None
    ) -> None:
        """The journey's persona out of a ``personas`` list: the one ``reference`` names, else
        the primary one, else the first; the others dropped."""
        found = [
            (values, prefix)
            for values, prefix in ((journey, base), (root, ()))
            if _key(values, ("personas",))
        ]
        if not found:
            if reference is not None and self.draft.persona is None:
                self.draft.persona_named(reference)
            return
        values, prefix = found[0]
        key = _key(values, ("personas",))
        assert key is not None
        people = [(i, p) for i, p in enumerate(values[key]) if isinstance(p, dict)]

        def primary(person: dict[str, Any]) -> bool:
            return (
                person.get("isPrimary") is True
                or person.get("primary") is True
                or person.get("type") == "primary"
            )

        chosen = next(
            (i for i, p in people if reference is not None and reference in (p.get("id"), p.get("name"))),
            None,
        )
        if chosen is None and reference is None:
            chosen = next((i for i, p in people if primary(p)), people[0][0] if people else None)
        if chosen is None and reference is not None and self.draft.persona is None:
            self.draft.persona_named(reference)
        for index, person in enumerate(values[key]):
            path = (*prefix, key, index)
            if index == chosen and self.draft.persona is None:
                self.persona(person, path)
            else:
                name = _text(person.get("name")) if isinstance(person, dict) else None
                self.drop(
                    path,
                    f"persona {describe(name)}" if name else "a persona",
                    "not the persona of this journey",
                )

    def persona(self, values: dict[str, Any], path: YamlPath) -> None:
        name = _text(values.get(_key(values, ("name", "title")) or ""))
        if name is None:
            self.drop(path, "a persona without a name", "a cjm persona needs a name")
            return
        persona = self.draft.persona_named(name)
        for key, value in values.items():
            target = PERSONA_KEYS.get(folded(key)) if isinstance(key, str) else None
            if target in ("name", "id"):
                continue
            if target in ("description", "jtbd") and target not in persona and _text(value):
                persona[target] = self.draft.keep(flat(value))
                self.imported.map(f"persona {'description' if target == 'description' else 'job to be done'}")
            elif target in ("goals", "pains", "needs") and target not in persona:
                texts = [text for text in (_text(v) for v in _as_list(value)) if text]
                if texts:
                    persona[target] = [self.draft.keep(text) for text in texts]
                    self.imported.map(f"persona {target.rstrip('s')}", len(texts))
                else:
                    self.drop((*path, key), f"persona key {describe(key)}", "not a list of texts")
            else:
                self.drop((*path, key), f"persona key {describe(key)}")

    def stage(self, item: Any, path: YamlPath, position: int) -> None:
        draft = self.draft
        if isinstance(item, str):
            if meaningful(item):
                draft.stage(item)
            return
        if not isinstance(item, dict):
            self.drop(path, "an item that is not a stage", "neither a name nor an object")
            return
        name_key = next(
            (
                k
                for k in item
                if isinstance(k, str) and STAGE_KEYS.get(folded(k)) == "name" and _text(item[k])
            ),
            None,
        )
        actions_key = next(
            (k for k in item if isinstance(k, str) and STAGE_KEYS.get(folded(k)) == "actions"), None
        )
        source_id = _text(item.get("id"))
        if name_key is not None:
            name = _text(item[name_key])
        else:
            first = next(iter(_as_list(item[actions_key])), None) if actions_key else None
            name = _text(first) or (
                _text(first.get(_key(first, TEXT_KEYS) or "")) if isinstance(first, dict) else None
            )
        stage = draft.stage(name or source_id or f"Stage {position}", source_id)
        self.fields(stage, item, path, skip={name_key})

    def fields(
        self, stage: dict[str, Any], item: dict[str, Any], path: YamlPath, skip: set[str | None]
    ) -> None:
        """The keys of a stage (or of a moment within it) into the stage."""
        draft = self.draft
        for key, value in item.items():
            if key in skip:
                continue
            target = STAGE_KEYS.get(folded(key)) if isinstance(key, str) else None
            here = (*path, key)
            if target == "id":
                continue
            if target == "name":  # a moment's name: what the customer does there
                target = "actions"
            if target == "phase":
                phase = slugify(value) if isinstance(value, str) else None
                if phase in PHASE_ORDER:
                    stage["phase"] = phase
                    self.imported.map("phase")
                else:
                    self.drop(
                        here,
                        f"phase {describe(value)}",
                        f"not one of cjm's phases ({', '.join(PHASE_ORDER)})",
                    )
            elif target in ("actions", "thoughts", "expectations", "opportunities"):
                kind = {"actions": "action", "thoughts": "thought", "expectations": "expectation"}
                draft.texts_of(stage, target, kind.get(target, "opportunity"), self.texts(value, here))
            elif target == "goal":
                texts = self.texts(value, here)
                if texts:
                    draft.goal(stage, "; ".join(texts))
            elif target == "touchpoints":
                self.touchpoints(stage, value, here)
            elif target == "barriers":
                self.barriers(stage, value, here)
            elif target == "emotion":
                emotion = parse_emotion(value)
                if emotion is None:
                    if value not in (None, "", []):
                        self.drop(here, f"emotion {describe(value)}", emotion_why(value))
                else:
                    stage["emotion"] = emotion
                    self.imported.map("emotion")
            elif target == "moments" and isinstance(value, list):
                for index, moment in enumerate(value):
                    if isinstance(moment, dict):
                        self.fields(stage, moment, (*here, index), skip=set())
                    else:
                        draft.texts_of(stage, "actions", "action", self.texts(moment, (*here, index)))
            else:
                self.drop(here, f"key {describe(key)}")

    def texts(self, value: Any, path: YamlPath) -> list[str]:
        """The texts of a value: a text, a list of texts, or objects with a text key (whose
        other keys are dropped, one entry per object)."""
        texts: list[str] = []
        for index, item in enumerate(_as_list(value)):
            here = (*path, index) if isinstance(value, list) else path
            if isinstance(item, dict):
                key = _key(item, TEXT_KEYS)
                text = _text(item[key]) if key else None
                if text is None:
                    self.drop(here, "an object without text", "no text to keep")
                    continue
                texts.append(text)
                others = [k for k in item if k != key and k != "id"]
                if others:
                    listed = ", ".join(repr(k) for k in others)
                    self.drop(here, f"keys {listed} of {short(text)!r}", NOT_IN_FORMAT)
            elif _text(item):
                texts.append(flat(item))
            elif item not in (None, ""):
                self.drop(here, f"value {describe(item)}", "not a text")
        return texts

    def touchpoints(self, stage: dict[str, Any], value: Any, path: YamlPath) -> None:
        for index, item in enumerate(_as_list(value)):
            here = (*path, index) if isinstance(value, list) else path
            if isinstance(item, dict):
                name_key = _key(item, ("name", "title", "touchpoint", "label", "text"))
                name = _text(item[name_key]) if name_key else None
                if name is None:
                    self.drop(here, "a touchpoint without a name", "a cjm touchpoint needs a name")
                    continue
                channel_key = _key(item, ("channel", "medium"))
                description_key = _key(item, ("description", "details"))
                emotion_key = _key(item, ("emotion", "emotionscore", "score"))
                emotion = parse_emotion(item[emotion_key]) if emotion_key else None
                self.draft.touchpoint(
                    stage,
                    name,
                    channel=_text(item[channel_key]) if channel_key else None,
                    description=_text(item[description_key]) if description_key else None,
                    emotion=emotion,
                )
                if emotion is not None:
                    self.imported.map("emotion")
                used = {name_key, channel_key, description_key, "id"} | (
                    {emotion_key} if emotion is not None else set()
                )
                for key in item:
                    if key not in used:
                        self.drop((*here, key), f"touchpoint key {describe(key)}")
            elif _text(item):
                self.draft.touchpoint(stage, item)
            elif item not in (None, ""):
                self.drop(here, f"touchpoint {describe(item)}", "not a text")

    def barriers(self, stage: dict[str, Any], value: Any, path: YamlPath) -> None:
        for index, item in enumerate(_as_list(value)):
            here = (*path, index) if isinstance(value, list) else path
            if isinstance(item, str) and item in self.pains:
                pain_path, pain = self.pains[item]
                text = _text(pain.get(_key(pain, ("description", "text", "name", "title")) or ""))
                if text is None:
                    self.drop(here, f"pain point {describe(item)}", "its entry has no description")
                    continue
                self.draft.barrier(stage, text)
                if item not in self.used_pains:
                    self.used_pains.add(item)
                    others = [k for k in pain if k not in ("id", "description", "text", "name", "title")]
                    if others:
                        listed = ", ".join(repr(k) for k in others)
                        self.drop(pain_path, f"keys {listed} of pain point {describe(item)}", NOT_IN_FORMAT)
            else:
                for text in self.texts(item, here):
                    self.draft.barrier(stage, text)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _read_stage_list(root: Any, where: Where, source_name: str, shape: str) -> Imported:
    imported = Imported(None, shape=shape)
    draft = Draft(imported, source_name)
    StageList(draft, where).read(root)
    imported.document = draft.document()
    return imported


def _json_where(path: YamlPath) -> str:
    return format_path(path) or "the top level"


def _read_stage_list_json(text: str, display: str, source_name: str) -> Imported:
    return _read_stage_list(load_json(text), _json_where, source_name, "JSON stage list")


def _read_stage_list_yaml(text: str, display: str, source_name: str) -> Imported:
    documents = split_documents(text)
    if not documents:
        raise Refused("the file holds no YAML document")
    line, body = documents[0]
    values = load_yaml(body, line)
    if values is None:
        raise Refused("the file holds no YAML document")
    imported = _read_stage_list(values.data, values.where, source_name, "YAML stage list")
    for other_line, _ in documents[1:]:
        imported.drop(f"line {other_line}", "a further YAML document", "this import reads the first document")
    return imported


# --- enablement-map-studio ----------------------------------------------------------------------

EMS_OTHER_KINDS = {
    "sbp": "a service blueprint (the company's lanes and tasks), which a cjm map does not hold",
    "outcome": "the company's KGI, CSF and KPI; a cjm KPI belongs to a stage and needs a target",
    "em": "the company's enablement actions, skills, knowledge and tools, which a cjm map does not hold",
}


def _sniff_ems(text: str) -> bool:
    return re.search(r"(?m)^kind[ \t]*:[ \t]*['\"]?cjm['\"]?[ \t]*(?:#.*)?$", text) is not None


def _iterate(values: Any) -> Iterator[tuple[int, Any]]:
    return enumerate(values) if isinstance(values, list) else iter(())


def _read_ems(text: str, display: str, source_name: str) -> Imported:
    imported = Imported(None, shape="enablement-map-studio")
    journey: YamlValues | None = None
    for line, body in split_documents(text):
        values = load_yaml(body, line)
        if values is None:
            continue
        data = values.data
        kind = data.get("kind") if isinstance(data, dict) else None
        label = (
            f"document `kind: {kind}`"
            + (f" {describe(data['id'])}" if isinstance(data.get("id"), str) else "")
            if kind
            else "a document without `kind`"
        )
        if kind == "cjm" and journey is None:
            journey = values
        elif kind == "cjm":
            imported.drop(f"line {line}", label, "a second journey; a cjm journey file holds one")
        else:
            imported.drop(f"line {line}", label, EMS_OTHER_KINDS.get(str(kind), "not a customer journey"))
    if journey is None:
        raise Refused("no `kind: cjm` document in this enablement-map-studio file")
    draft = Draft(imported, source_name)
    _ems_journey(journey, draft)
    imported.document = draft.document()
    return imported


def _ems_journey(values: YamlValues, draft: Draft) -> None:
    data: dict[str, Any] = values.data
    imported, where = draft.imported, values.where
    phases: dict[str, dict[str, Any]] = {}
    scores: dict[str, list[int]] = {}
    for key, value in data.items():
        if key in ("kind", "version", "persona", "phases", "actions"):
            continue
        if key == "id" and _text(value):
            draft.id_hint = _text(value)
            draft.title = title_from_file_name(str(value).rsplit(":", 1)[-1])
        else:
            imported.drop(where((key,)), f"key {describe(key)}", NOT_IN_FORMAT)
    persona = data.get("persona")
    if isinstance(persona, dict):
        StageList(draft, where).persona(persona, ("persona",))
    elif persona is not None:
        imported.drop(where(("persona",)), "key 'persona'", "not a persona object")
    for index, phase in _iterate(data.get("phases")):
        name = _text(phase.get("name")) if isinstance(phase, dict) else None
        if name is None or not isinstance(phase.get("id"), str):
            imported.drop(
                where(("phases", index)), "a phase without a name or id", "cannot place actions in it"
            )
            continue
        phases[phase["id"]] = draft.stage(name, phase["id"])
        for key in phase:
            if key not in ("id", "name"):
                imported.drop(where(("phases", index, key)), f"phase key {describe(key)}", NOT_IN_FORMAT)
    if not phases:
        raise Refused("the `kind: cjm` document has no phases to make stages of")
    for index, action in _iterate(data.get("actions")):
        path: YamlPath = ("actions", index)
        phase_id = action.get("phase") if isinstance(action, dict) else None
        stage = phases.get(phase_id) if isinstance(phase_id, str) else None
        if stage is None or not isinstance(action, dict):
            imported.drop(where(path), "an action", "it names no phase of the journey")
            continue
        score = parse_emotion(action.get("emotion_score"))
        if "emotion_score" in action and score is None:
            imported.drop(
                where((*path, "emotion_score")),
                f"emotion_score {describe(action['emotion_score'])}",
                "outside -2..2",
            )
        if score is not None:
            scores.setdefault(stage["id"], []).append(score)
            imported.map("emotion")
        name = _text(action.get("name"))
        if name is not None:
            draft.texts_of(stage, "actions", "action", [name])
        for item in _as_list(action.get("touchpoints")):
            if _text(item):
                draft.touchpoint(stage, item, emotion=score)
        thoughts = [text for text in (_text(t) for t in _as_list(action.get("thoughts_feelings"))) if text]
        draft.texts_of(stage, "thoughts", "thought", thoughts)
        for key in action:
            if key not in ("id", "name", "phase", "touchpoints", "thoughts_feelings", "emotion_score"):
                imported.drop(where((*path, key)), f"action key {describe(key)}", NOT_IN_FORMAT)
    for stage in phases.values():
        if stage["id"] in scores:
            stage["emotion"] = mean_emotion(scores[stage["id"]])


# --- the readers ----------------------------------------------------------------------------

JSON_READERS: list[Reader] = [
    Reader("cjm-json", _sniff_cjm_json, reader(_read_cjm_json)),
    Reader("stage-list", _sniff_stage_list_json, reader(_read_stage_list_json)),
]
YAML_READERS: list[Reader] = [
    Reader("enablement-map-studio", _sniff_ems, reader(_read_ems)),
    Reader("stage-list", _sniff_stage_list_yaml, reader(_read_stage_list_yaml)),
]

__all__ = [
    "JSON_READERS",
    "NOT_IN_FORMAT",
    "YAML_READERS",
    "Draft",
    "Refused",
    "count_journey",
    "describe",
    "flat",
    "folded",
    "iso_date",
    "load_json",
    "load_yaml",
    "meaningful",
    "ordered",
    "parse_emotion",
    "reader",
    "short",
    "split_documents",
]
