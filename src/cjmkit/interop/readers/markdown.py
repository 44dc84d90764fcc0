"""Journeys written in Markdown: a Mermaid journey block, tables, headings with labelled lists,
and front matter with milestone and step lists.

The readers, tried in this order:

- **markdown-mermaid**: the first fenced ```` ```mermaid ```` block that holds a ``journey`` is
  read as a Mermaid journey (as ``cjm convert x.mmd`` reads it); the document's first
  ``#`` heading is the title when the diagram has none. The text around the block is listed
  as not mapped.
- **markdown-steps**: YAML front matter (``journey``/``title``, ``personas``, dates) and
  ``## Milestone: id`` sections with ``- key: value`` bullets, each holding ``### Step: id``
  sections. A milestone is a stage (its ``title`` the name); a step of the primary persona
  adds its ``description`` and ``doing`` as actions, its ``channel`` as a touchpoint (with the
  ``frontstage`` as its description), ``painPoint`` items as barriers. A step whose personas
  are all ``system`` or ``backstage`` ones is the company's side and is listed as not mapped.
- **markdown-tables**: tables (pipe tables, or tables drawn with box-drawing characters) with
  the stages as rows (a header of dimension labels: Actions, Touchpoints, Emotions, Pain
  points ... and a stage column) or as columns (a first column of dimension labels and the
  stages in the header; a two-column ``Dimension | Detail`` table is the stage of the
  heading above it). Consecutive tables in one section make one map; a table that repeats
  a stage, or stands in another ``#``/``##`` section, is another map, which is listed as not
  mapped (a cjm journey file holds one map).
- **markdown-lists**: headings whose sections hold labelled lists (``**Touchpoints:**``
  followed by a list, or ``- **Actions:** ...`` items) are the stages, with every heading of
  the same level between the first and the last of them.

Labels are recognised in English, Russian, Japanese, Korean, Chinese, Indonesian and
Portuguese. A table cell or one-line value is split into items at ``;`` (else at ``,`` and
``、``; touchpoints also at arrows; ``/`` between non-Latin words), never inside brackets or
quotes. Pain points, barriers and friction become barriers (without a recommendation, which
``cjm lint`` asks for); goals the customer goal; needs and expectations expectations. Quoted
text in a thoughts or emotions cell is a thought. An emotion is mapped only when it is a
number -2..2 or a score ``N/5`` (N - 3): emotions in words or emoji are listed as not
mapped, none is made up. KPIs without targets and the company's side (business goals,
teams, system responses) are listed as not mapped, as is every line of text the import did
not use, grouped by the ``#``/``##`` section it stands in.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from cjmkit.interop.importing import Imported, Reader
from cjmkit.interop.readers.structured import (
    NOT_IN_FORMAT,
    Draft,
    Refused,
    describe,
    flat,
    iso_date,
    load_yaml,
    meaningful,
    parse_emotion,
    reader,
    short,
)

# --- the Markdown text as blocks --------------------------------------------------------------

_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*))?")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_RULE = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")
_ITEM = re.compile(r"([ \t]*)([-*+•]|\d{1,9}[.)])[ \t]+(.*)")
_SEPARATOR_CELL = re.compile(r":?-+:?")
BOX_START = "┌├└│╞╟╠╘╚╔║┝┠┣┕┗┍┏┃"
BOX_CELL = "│║┃"


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass
class Block:
    """Lines of one kind: ``paragraph``, ``list``, ``table``, ``box``, ``quote`` or ``code``."""

    kind: str
    line: int
    lines: list[str]
    #: Index of the heading the block stands under; -1 before the first heading.
    heading: int
    info: str = ""

    @property
    def end(self) -> int:
        return self.line + len(self.lines) - 1


@dataclass
class Markdown:
    lines: list[str]
    headings: list[Heading] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    front: dict[str, Any] | None = None
    front_where: Any = None
    #: The first line after the front matter (1-based).
    body: int = 1
    #: The blocks under each heading (-1: before the first).
    by_heading: dict[int, list[Block]] = field(default_factory=dict)
    #: For each heading, the ``#``/``##`` heading it stands under (see :meth:`top`).
    tops: list[int] = field(default_factory=list)
    #: For each heading, the nearest heading above it of a higher level (-1: none).
    parents: list[int] = field(default_factory=list)

    def top(self, heading: int) -> int:
        """The ``#``/``##`` heading a heading stands under (itself if it is one); -1 before any."""
        return self.tops[heading] if heading >= 0 else -1

    def title(self) -> str | None:
        return next((plain(h.text) for h in self.headings if h.level == 1 and plain(h.text)), None)


def heading_of(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line; its closing ``#`` run is not text."""
    found = _HEADING.fullmatch(line)
    if found is None:
        return None
    text = (found.group(2) or "").strip()
    closing = text.rstrip("#")
    if closing != text and (not closing or closing[-1] in " \t"):
        text = closing.strip()
    return len(found.group(1)), text


def fence_of(line: str) -> tuple[str, str] | None:
    """(fence, info word) of a code fence line; a backtick fence's info holds no backtick."""
    found = _FENCE.fullmatch(line)
    if found is None or (found.group(1)[0] == "`" and "`" in found.group(2)):
        return None
    words = found.group(2).split()
    return found.group(1), words[0].lower() if words else ""


def is_separator_row(line: str) -> bool:
    cells = line.strip().strip("|").split("|")
    return all(_SEPARATOR_CELL.fullmatch(cell.strip()) for cell in cells)


def _starts_block(line: str) -> bool:
    stripped = line.strip()
    return bool(
        not stripped
        or heading_of(line)
        or fence_of(line)
        or stripped.startswith(("|", ">"))
        or stripped[0] in BOX_START
        or _ITEM.fullmatch(line)
    )


@functools.lru_cache(maxsize=2)
def parse_markdown(text: str, *, front_matter: bool = True) -> Markdown:
    """Headings and blocks of a Markdown text (after any YAML front matter), with their lines.
    Cached: each reader's sniff and the read look at the same text (treat the result as read-only)."""
    lines = [line.rstrip("\r") for line in text.removeprefix("\ufeff").split("\n")]
    document = Markdown(lines)
    index = 0
    if front_matter and lines and lines[0].strip() == "---":
        closing = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
        if closing is not None:
            try:
                values = load_yaml("\n".join(lines[1:closing]), 2)
            except Refused:  # not YAML: a rule, read as Markdown
                values = None
            if values is not None and isinstance(values.data, dict):
                document.front, document.front_where = values.data, values.where
                index = closing + 1
                document.body = index + 1
    heading = -1
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        start = index
        if not stripped:
            index += 1
            continue
        if found := heading_of(line):
            document.headings.append(Heading(found[0], found[1], index + 1))
            heading = len(document.headings) - 1
            index += 1
            continue
        if _RULE.fullmatch(line):
            index += 1
            continue
        if fence := fence_of(line):
            mark = fence[0]
            index += 1
            while index < len(lines) and not re.fullmatch(
                rf" {{0,3}}{re.escape(mark[0])}{{{len(mark)},}}[ \t]*", lines[index]
            ):
                index += 1
            index = min(index + 1, len(lines))
            document.blocks.append(Block("code", start + 1, lines[start:index], heading, fence[1]))
            continue
        if stripped.startswith("|"):
            while index < len(lines) and lines[index].strip().startswith("|"):
                index += 1
            table = index - start >= 2 and is_separator_row(lines[start + 1])
            document.blocks.append(
                Block("table" if table else "paragraph", start + 1, lines[start:index], heading)
            )
            continue
        if stripped[0] in BOX_START:
            while index < len(lines) and lines[index].strip()[:1] in tuple(BOX_START):
                index += 1
            document.blocks.append(Block("box", start + 1, lines[start:index], heading))
            continue
        if stripped.startswith(">"):
            while index < len(lines) and lines[index].strip().startswith(">"):
                index += 1
            document.blocks.append(Block("quote", start + 1, lines[start:index], heading))
            continue
        if _ITEM.fullmatch(line):
            index += 1
            while index < len(lines):
                here = lines[index]
                if not here.strip():
                    following = next((i for i in range(index, len(lines)) if lines[i].strip()), None)
                    if following is None or not (
                        _ITEM.fullmatch(lines[following]) or lines[following].startswith(("  ", "\t"))
                    ):
                        break
                    if heading_of(lines[following]) or fence_of(lines[following]):
                        break
                    index = following
                    continue
                if _ITEM.fullmatch(here) or not _starts_block(here) or here.startswith(("  ", "\t")):
                    if heading_of(here) or fence_of(here) or _RULE.fullmatch(here):
                        break
                    index += 1
                    continue
                break
            document.blocks.append(Block("list", start + 1, lines[start:index], heading))
            continue
        index += 1
        while index < len(lines) and not _starts_block(lines[index]) and not _RULE.fullmatch(lines[index]):
            index += 1
        document.blocks.append(Block("paragraph", start + 1, lines[start:index], heading))
    for block in document.blocks:
        document.by_heading.setdefault(block.heading, []).append(block)
    top = -1
    open_headings: list[int] = []
    for index, entry in enumerate(document.headings):
        top = index if entry.level <= 2 else top
        document.tops.append(top)
        while open_headings and document.headings[open_headings[-1]].level >= entry.level:
            open_headings.pop()
        document.parents.append(open_headings[-1] if open_headings else -1)
        open_headings.append(index)
    return document


# --- cell and label text ------------------------------------------------------------------------

_LINK = re.compile(r"!?\[([^\[\]\n]{0,500})\]\([^()\n]{0,2000}\)")
_EMPHASIS = re.compile(r"(?<![\w*_])(\*{1,3}|_{1,3})(?=\S)|(?<=\S)(\*{1,3}|_{1,3})(?![\w*_])")
_NUMBERING = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*[.)]?)[ \t]+(?=\S)")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def plain(text: str) -> str:
    """Markdown inline text as plain text: links as their text, no emphasis or code marks."""
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    text = text.replace("`", "")
    return flat(text)


def stage_name(text: str) -> str:
    """A stage's name without its numbering (``2.1 Awareness``, ``1. Masuk`` -> the words)."""
    name = plain(text)
    return _NUMBERING.sub("", name, count=1) if _NUMBERING.match(name) else name


def label_of(text: str) -> str:
    """A label cell or bold label as words: no marks, no trailing colon, folded."""
    return re.sub(r"[:：]\s*$", "", plain(text)).strip().casefold()


_DIMENSIONS: list[tuple[str, re.Pattern[str]]] = [
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in [
        ("kpi", r"\bkpis?\b|\bmetrics?\b|指標|지표|指标|метрик|показател"),
        ("company", r"\bbusiness\b|\bteams?\b|system response|backstage|\bcompany\b|\binternal\b"),
        (
            "touchpoints",
            r"touch\W?points?|\bchannels?\b|точк\w* (?:касания|контакта)|канал|タッチポイント|接点|"
            r"터치\s?포인트|접점|触点|接触点|pontos? de contato|canais|titik sentuh",
        ),
        (
            "barriers",
            r"pain\W?points?|\bpains?\b|barriers?|frictions?|frustrations?|problems?|obstacles?|\bissues?\b|"
            r"бол[иь]|барьер|проблем|ペイン|問題|課題|불편|페인|문제|痛点|问题|barreiras?|\bdores\b|"
            r"problemas|masalah|kendala",
        ),
        (
            "opportunities",
            r"opportunit|\bideas?\b|improvements?|возможност|アイデア|機会|기회|机会|oportunidade|peluang",
        ),
        ("thoughts", r"thought|thinking|\bquotes?\b|мысл|思考|생각|想法|pensamento|pikiran"),
        (
            "emotion",
            r"emotion|feeling|\bmood\b|experience|sentiment|satisfaction|эмоци|чувств|ощущени|感情|気持ち|감정|"
            r"情绪|情感|emoç|emoc|emosi|perasaan",
        ),
        (
            "actions",
            r"\bactions?\b|\bdoing\b|activit|действи|行動|行为|行為|활동|행동|액션|ações|ação|acoes|acao|"
            r"\baksi\b|tindakan|aktivitas",
        ),
        ("goal", r"\bgoals?\b|objectives?|\bцел[иь]?\b|目標|目的|목표|目标|objetivos?|tujuan"),
        (
            "expectations",
            r"expectation|\bneeds?\b|\bwants?\b|ожидани|потребност|期待|ニーズ|기대|니즈|期望|需求|"
            r"expectativa|necessidade|harapan|kebutuhan",
        ),
        ("actor", r"\bactors?\b|\bpersonas?\b|\bwho\b|актор|액터|행위자|参与者|\bator\b"),
    ]
]
#: The dimensions a stage's content maps to (the others are recognised but not mapped).
MAPPED = frozenset(
    {"touchpoints", "barriers", "opportunities", "thoughts", "emotion", "actions", "goal", "expectations"}
)
_STAGE_LABEL = re.compile(
    r"(?:customer |journey |user )?(?:stages?|phases?|steps?|milestones?)(?: name)?|этап\w*|фаз[аы]|шаг\w*|"
    r"tahap\w*|fases?|etapas?|단계|段階|ステージ|フェーズ|阶段|步骤",
    re.IGNORECASE,
)
_GENERIC_HEADER = frozenset(
    {"", "detail", "details", "description", "value", "values", "notes", "content", "info", "詳細", "内容",
     "описание", "детали", "значение", "detalhe", "detalhes", "keterangan", "설명", "内容说明", "说明"}
)  # fmt: skip
_PERSONA_LABELS = frozenset({"persona", "персона", "ペルソナ", "페르소나", "用户画像", "画像"})
_DATE_LABELS = frozenset(
    {"date", "updated", "last updated", "дата", "data", "tanggal", "日付", "날짜", "日期"}
)
COMPANY_SIDE = "the company's side, which a cjm map does not hold"
KPI_WITHOUT_TARGET = "a cjm KPI needs a target number, and none is given"


def dimension(label: str) -> str | None:
    """What a row or column label names: ``actions``, ``touchpoints`` ... or None."""
    words = label_of(label)
    if not words or len(words) > 60:
        return None
    return next((kind for kind, pattern in _DIMENSIONS if pattern.search(words)), None)


def is_stage_label(label: str) -> bool:
    return _STAGE_LABEL.fullmatch(label_of(label)) is not None


_OPENERS = {"(": ")", "[": "]", "（": "）", "「": "」", "『": "』", "“": "”", "«": "»", '"': '"', "【": "】"}


_MARKS = re.escape("".join(sorted(set(_OPENERS) | set(_OPENERS.values()))))


@functools.cache
def _tokens(separators: str) -> re.Pattern[str]:
    return re.compile(f"(?P<mark>[{_MARKS}])|(?P<separator>{separators})")


def _split_outside(text: str, separators: re.Pattern[str]) -> list[str]:
    """``text`` split at the separators that stand outside brackets and quotes."""
    parts: list[str] = []
    closing: list[str] = []
    start = 0
    for token in _tokens(separators.pattern).finditer(text):
        char = token.group("mark")
        if char is not None:
            if closing and char == closing[-1]:
                closing.pop()
            elif char in _OPENERS and len(closing) < 16:
                closing.append(_OPENERS[char])
        elif not closing:
            parts.append(text[start : token.start()])
            start = token.end()
    parts.append(text[start:])
    return parts


_SEMICOLONS = re.compile(r"[;；]")
_COMMAS = re.compile(r",(?=\s)|、|，")
_ARROWS = re.compile(r"\s*(?:→|->|⇒|=>)\s*")
_SLASH = re.compile(r"(?<=[^\x00-\x7f])\s*/\s*|\s*/\s*(?=[^\x00-\x7f])")


def split_items(text: str, kind: str) -> list[str]:
    """The items of a cell: see the module's docstring."""
    items: list[str] = []
    for line in _BREAK.split(text):
        parts = _split_outside(line, _SEMICOLONS)
        if len(parts) == 1:
            parts = _split_outside(line, _COMMAS)
        for part in parts:
            pieces = _split_outside(part, _ARROWS) if kind == "touchpoints" else [part]
            for piece in pieces:
                items += [flat(item) for item in _split_outside(piece, _SLASH)]
    return [item for item in items if meaningful(item)]


_QUOTES = (('"', '"'), ("“", "”"), ("「", "」"), ("『", "』"), ("«", "»"))
_OPENING_QUOTE = re.compile('["“「『«]')


def quoted(text: str) -> tuple[list[str], str]:
    """The quoted parts of a text (the customer's words), in order, and what stands beside them."""
    spans: list[tuple[int, int]] = []
    closings = dict(_QUOTES)
    position = 0
    for opening in _OPENING_QUOTE.finditer(text):
        if opening.start() < position:
            continue  # inside the quote found last
        end = text.find(closings[opening.group()], opening.start() + 1)
        if end < 0:
            continue
        words = text[opening.start() + 1 : end]
        if words.isascii() and len(words.split()) < 2:
            continue  # a quoted term ("scope"), not the customer's words
        spans.append((opening.start(), end + 1))
        position = end + 1
    found = [flat(text[start + 1 : stop - 1]) for start, stop in spans]
    rest, last = [], 0
    for start, stop in spans:
        rest.append(text[last:start])
        last = stop
    rest.append(text[last:])
    remainder = re.sub(r"[\s\-—–:;,.!?*_()（）/]+", " ", " ".join(rest)).strip()
    return [item for item in found if meaningful(item)], remainder


# --- the journey made of labelled cells --------------------------------------------------------


@dataclass
class Cell:
    """A labelled piece of a stage: a table cell, or a labelled list of the stage's section."""

    label: str
    text: str
    line: int
    #: The list items, when the source gives them one by one (a list); else the text is split.
    items: list[str] | None = None


@dataclass
class StageCells:
    name: str
    line: int
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Unmapped:
    """What was not mapped, one entry per (place, label), counting the cells it covers."""

    entries: dict[tuple[Any, str], list[Any]] = field(default_factory=dict)

    def add(self, place: Any, line: int, what: str, why: str) -> None:
        entry = self.entries.setdefault((place, what), [line, why, 0])
        entry[2] += 1

    def report(self, imported: Imported, unit: str) -> None:
        for (_, what), (line, why, count) in self.entries.items():
            imported.drop(f"line {line}", what + (f" ({count} {unit}s)" if count > 1 else ""), why)


def fill_stage(draft: Draft, cells: StageCells, place: Any, unmapped: Unmapped, unit: str) -> None:
    """One stage from its labelled cells."""
    stage = draft.stage(cells.name)
    actors: list[str] = []
    actors_at: tuple[int, str] | None = None
    for cell in cells.cells:
        kind = dimension(cell.label)
        label = plain(cell.label).rstrip(":：")
        what = f"{unit} {short(label)!r}"
        text = cell.text
        if not meaningful(text) and not cell.items:
            continue
        items = cell.items if cell.items is not None else split_items(text, kind or "")
        if kind == "actions":
            draft.texts_of(stage, "actions", "action", items)
        elif kind == "expectations":
            draft.texts_of(stage, "expectations", "expectation", items)
        elif kind == "opportunities":
            draft.texts_of(stage, "opportunities", "opportunity", items)
        elif kind == "touchpoints":
            for item in items:
                draft.touchpoint(stage, item)
        elif kind == "barriers":
            for item in items:
                draft.barrier(stage, item)
        elif kind == "goal":
            draft.goal(stage, "; ".join(items) if cell.items is not None else text)
        elif kind == "thoughts":
            for source in cell.items if cell.items is not None else [text]:
                found, rest = quoted(source)
                draft.texts_of(stage, "thoughts", "thought", found or [source])
                if found and meaningful(rest):
                    unmapped.add(
                        place, cell.line, f"text beside the quoted thoughts of {what}", NOT_IN_FORMAT
                    )
        elif kind == "emotion":
            emotion = parse_emotion(text) if cell.items is None else None
            if emotion is not None and "emotion" in stage:
                unmapped.add(place, cell.line, what, "the stage has an emotion already")
                continue
            if emotion is not None:
                stage["emotion"] = emotion
                draft.imported.map("emotion")
                continue
            found, rest = quoted(text)
            draft.texts_of(stage, "thoughts", "thought", found)
            if meaningful(rest):
                unmapped.add(
                    place, cell.line, f"{what}", "an emotion in words, not a score -2..2; none is made up"
                )
        elif kind == "actor":
            actors += items
            actors_at = actors_at or (cell.line, what)
        elif kind == "kpi":
            unmapped.add(place, cell.line, what, KPI_WITHOUT_TARGET)
        elif kind == "company":
            unmapped.add(place, cell.line, what, COMPANY_SIDE)
        else:
            unmapped.add(place, cell.line, what, NOT_IN_FORMAT)
    if actors:
        touchpoints = stage.get("touchpoints", [])
        for touchpoint in touchpoints:
            touchpoint["actors"] = [draft.keep(actor) for actor in actors]
        if touchpoints:
            draft.imported.map("actor", len(actors))
        elif actors_at is not None:
            unmapped.add(
                place, actors_at[0], actors_at[1], "cjm keeps actors on touchpoints; this stage has none"
            )


# --- what was not used --------------------------------------------------------------------------


def report_unused(document: Markdown, used: set[int], imported: Imported, why: str) -> None:
    """Every line of text not used, one entry per ``#``/``##`` section."""
    heading_lines = {h.line for h in document.headings}
    by_top: dict[int, list[int]] = {}
    for block in document.blocks:
        top = document.top(block.heading)
        for number in range(block.line, block.end + 1):
            line = document.lines[number - 1]
            if (
                number not in used
                and number not in heading_lines
                and line.strip()
                and not _RULE.fullmatch(line)
            ):
                by_top.setdefault(top, []).append(number)
    for top, numbers in sorted(by_top.items(), key=lambda item: item[1][0]):
        first, last = numbers[0], numbers[-1]
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        under = (
            f" under {short(plain(document.headings[top].text))!r}"
            if top >= 0
            else " before the first heading"
        )
        count = len(numbers)
        imported.drop(where, f"{count} line{'' if count == 1 else 's'} of text{under}", why)


def front_matter(document: Markdown, draft: Draft) -> None:
    """Title, description, date and persona from YAML front matter; other keys not mapped."""
    if document.front is None:
        return
    for key, value in document.front.items():
        name = re.sub(r"[\W_]+", "", str(key).casefold())
        where = document.front_where((key,))
        if (
            name in ("title", "journey", "name")
            and isinstance(value, str)
            and meaningful(value)
            and not draft.title
        ):
            draft.title = flat(value)
            draft.imported.map("title")
        elif name == "description" and isinstance(value, str) and meaningful(value):
            draft.description = draft.keep(flat(value))
            draft.imported.map("description")
        elif name in ("updated", "lastmodified", "lastupdated", "date", "modified") and iso_date(value):
            draft.updated = iso_date(value)
            draft.imported.map("date")
        elif name == "persona" and isinstance(value, str) and meaningful(value) and draft.persona is None:
            draft.persona_named(value)
        elif name == "personas" and isinstance(value, list):
            personas(value, document, key, draft)
        else:
            draft.imported.drop(where, f"front matter key {describe(key)}", NOT_IN_FORMAT)


def personas(values: list[Any], document: Markdown, key: str, draft: Draft) -> None:
    """The primary (else the first) persona of a front matter list; the others not mapped."""
    people = [(i, p) for i, p in enumerate(values) if isinstance(p, dict) and isinstance(p.get("name"), str)]
    chosen = next((i for i, p in people if p.get("type") == "primary"), people[0][0] if people else None)
    for index, person in enumerate(values):
        where = document.front_where((key, index))
        if index != chosen or draft.persona is not None:
            name = person.get("name") if isinstance(person, dict) else None
            why = "not the primary persona" if index != chosen else "the journey has a persona already"
            draft.imported.drop(where, f"persona {describe(name)}" if name else "a persona", why)
            continue
        persona = draft.persona_named(person["name"])
        for field_name, value in person.items():
            if (
                field_name in ("description", "role")
                and isinstance(value, str)
                and "description" not in persona
            ):
                persona["description"] = draft.keep(flat(value))
                draft.imported.map("persona description")
            elif field_name not in ("name", "type"):
                draft.imported.drop(
                    document.front_where((key, index, field_name)),
                    f"persona key {describe(field_name)}",
                    NOT_IN_FORMAT,
                )


def label_lines(document: Markdown, used: set[int], draft: Draft, before: int) -> None:
    """``Persona: ...`` and ``Date: ...`` lines (bold or not, in quotes, lists or paragraphs)
    above line ``before``: the journey's persona and date."""
    for block in document.blocks:
        if block.line >= before or block.kind not in ("quote", "paragraph", "list"):
            continue
        for offset, line in enumerate(block.lines):
            text = re.sub(r"^\s*(?:>\s*)*(?:[-*+]\s+)?", "", line)
            found = re.fullmatch(r"\**([^:*：]{1,30}?)\**\s*[:：]\s*\**\s*(.+)", text)
            if not found:
                continue
            label, value = label_of(found.group(1)), plain(found.group(2))
            if label in _PERSONA_LABELS and draft.persona is None and meaningful(value):
                draft.persona_named(value)
                used.add(block.line + offset)
            elif label in _DATE_LABELS and draft.updated is None and iso_date(value):
                draft.updated = iso_date(value)
                draft.imported.map("date")
                used.add(block.line + offset)


# --- markdown-mermaid ----------------------------------------------------------------------------


def _journey_block(document: Markdown) -> Block | None:
    for block in document.blocks:
        if block.kind == "code" and block.info == "mermaid":
            first = next(
                (
                    line.strip()
                    for line in block.lines[1:]
                    if line.strip() and not line.strip().startswith("%%")
                ),
                "",
            )
            if re.match(r"journey\b", first, re.IGNORECASE):
                return block
    return None


def _sniff_mermaid(text: str) -> bool:
    return (
        re.search(r"(?m)^ {0,3}(?:```+|~~~+)[ \t]*mermaid", text) is not None
        and _journey_block(parse_markdown(text, front_matter=False)) is not None
    )


def _read_mermaid(text: str, display: str, source_name: str) -> Imported:
    from cjmkit.diagnostics import Severity
    from cjmkit.interop.mermaid import journey_document, parse_mermaid

    document = parse_markdown(text, front_matter=False)
    block = _journey_block(document)
    if block is None:
        raise Refused("no ```mermaid block holds a journey")
    # The block at its own lines, so that Mermaid's messages point into the Markdown file.
    reading = parse_mermaid("\n" * (block.line - 1) + "\n".join(block.lines), display)
    imported = Imported(None, shape="Markdown with a Mermaid journey", diagnostics=list(reading.diagnostics))
    journey = reading.journey
    if journey is None or any(d.severity is Severity.ERROR for d in reading.diagnostics):
        return imported
    if journey.title is None and journey.acc_title is None and document.title():
        journey.title = document.title()
    imported.map("title", journey.title is not None or journey.acc_title is not None)
    imported.map("description", journey.description is not None)
    imported.map("stage", len(journey.sections))
    imported.map("touchpoint", len(journey.tasks))
    imported.map("emotion", len(journey.tasks))
    imported.map("actor", sum(len(task.actors) for task in journey.tasks))
    imported.document = journey_document(journey, source_name)
    used = set(range(block.line, block.end + 1))
    for other in document.blocks:
        if other is not block and _journey_block(Markdown(document.lines, blocks=[other])) is not None:
            imported.drop(
                f"line {other.line}", "another Mermaid journey", "a cjm journey file holds one journey"
            )
            used |= set(range(other.line, other.end + 1))
    report_unused(document, used, imported, "Markdown outside the Mermaid journey")
    return imported


# --- markdown-steps ---------------------------------------------------------------------------

_MILESTONE = re.compile(r"milestone\s*[:：]\s*(.+)", re.IGNORECASE)
_STEP = re.compile(r"step\s*[:：]\s*(.+)", re.IGNORECASE)
_KEY_VALUE = re.compile(r"([A-Za-z][\w -]{0,40}?)\s*:(?:\s+(.*))?")


def _sniff_steps(text: str) -> bool:
    return (
        text.lstrip("\ufeff").startswith("---")
        and re.search(r"(?m)^#{2,4}[ \t]+(?:Milestone|Step)[ \t]*:", text) is not None
    )


@dataclass
class Field:
    key: str
    value: str
    items: list[str]
    line: int


def list_items(block: Block) -> list[tuple[str, int]]:
    """The items of a list as plain text with their lines; a line that is not an item
    continues the item above it."""
    items: list[tuple[str, int]] = []
    for offset, line in enumerate(block.lines):
        item = _ITEM.fullmatch(line)
        if item is not None:
            items.append((plain(item.group(3)), block.line + offset))
        elif items and line.strip():
            items[-1] = (flat(items[-1][0] + " " + plain(line)), items[-1][1])
    return items


def key_values(block: Block) -> list[Field]:
    """``- key: value`` items of a list, with the nested items of an item without a value."""
    fields: list[Field] = []
    for offset, line in enumerate(block.lines):
        item = _ITEM.fullmatch(line)
        if item is None:
            if fields and line.strip():
                fields[-1].value = flat(fields[-1].value + " " + line)
            continue
        indent, text = len(item.group(1).expandtabs()), item.group(3)
        found = _KEY_VALUE.fullmatch(plain(text)) if indent == 0 else None
        if found:
            fields.append(Field(found.group(1), found.group(2) or "", [], block.line + offset))
        elif fields:
            fields[-1].items.append(_unquote(text))
    return fields


def _unquote(text: str) -> str:
    text = flat(text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _names(value: str) -> list[str]:
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        value = value[1:-1]
    return [_unquote(name) for name in value.split(",") if name.strip()]


STEP_FIELDS = {
    "description": "actions", "doing": "actions", "action": "actions", "actions": "actions",
    "thoughts": "thoughts", "thinking": "thoughts", "thought": "thoughts",
    "expectation": "expectations", "expectations": "expectations", "needs": "expectations",
    "opportunity": "opportunities", "opportunities": "opportunities",
    "painpoint": "barriers", "painpoints": "barriers", "barrier": "barriers", "barriers": "barriers",
    "goal": "goal", "emotion": "emotion", "channel": "channel", "frontstage": "frontstage",
    "persona": "persona",
}  # fmt: skip


def _read_steps(text: str, display: str, source_name: str) -> Imported:
    document = parse_markdown(text)
    imported = Imported(None, shape="Markdown milestones and steps")
    draft = Draft(imported, source_name)
    types: dict[str, str] = {}
    if document.front is not None:
        for person in document.front.get("personas") or []:
            if isinstance(person, dict) and isinstance(person.get("name"), str):
                types[person["name"]] = str(person.get("type", ""))
    front_matter(document, draft)
    used: set[int] = set()
    stage: dict[str, Any] | None = None
    for index, heading in enumerate(document.headings):
        milestone = _MILESTONE.fullmatch(plain(heading.text))
        step = _STEP.fullmatch(plain(heading.text))
        blocks = [b for b in document.by_heading.get(index, []) if b.kind == "list"]
        fields = [f for block in blocks for f in key_values(block)]
        if milestone:
            name = next(
                (_unquote(f.value) for f in fields if f.key.casefold() == "title" and meaningful(f.value)),
                None,
            )
            stage = draft.stage(name or milestone.group(1), milestone.group(1))
            used.add(heading.line)
            for found in fields:
                used.add(found.line)
                if found.key.casefold() not in ("title",):
                    imported.drop(
                        f"line {found.line}",
                        f"milestone key {describe(found.key)}",
                        "a cjm stage has no field for it",
                    )
        elif step and stage is not None:
            used.add(heading.line)
            used |= {line for block in blocks for line in range(block.line, block.end + 1)}
            _step(draft, stage, step.group(1), heading, fields, types)
    if not draft.stages:
        raise Refused("no `## Milestone:` section to make a stage of")
    report_unused(document, used, imported, "not a milestone or step field")
    imported.document = draft.document()
    return imported


def _step(
    draft: Draft,
    stage: dict[str, Any],
    name: str,
    heading: Heading,
    fields: list[Field],
    types: dict[str, str],
) -> None:
    imported = draft.imported
    people = [n for f in fields if f.key.casefold() == "persona" for n in _names(f.value)]
    if people and all(types.get(person) in ("system", "backstage") for person in people):
        listed = ", ".join(people)
        imported.drop(
            f"line {heading.line}", f"step {describe(name)}", f"backstage step of {listed}: {COMPANY_SIDE}"
        )
        return
    channel = next((f for f in fields if f.key.casefold() == "channel" and meaningful(f.value)), None)
    frontstage = next((f for f in fields if f.key.casefold() == "frontstage" and meaningful(f.value)), None)
    for found in fields:
        target = STEP_FIELDS.get(re.sub(r"[\W_]+", "", found.key.casefold()))
        values = found.items or ([_unquote(found.value)] if meaningful(found.value) else [])
        what = f"key {describe(found.key)} of step {describe(name)}"
        if target in ("actions", "thoughts", "expectations", "opportunities"):
            kind = {"actions": "action", "thoughts": "thought", "expectations": "expectation"}.get(
                target, "opportunity"
            )
            draft.texts_of(stage, target, kind, values)
        elif target == "barriers":
            for value in values:
                draft.barrier(stage, value)
        elif target == "goal" and values:
            draft.goal(stage, "; ".join(values))
        elif target == "emotion":
            emotion = parse_emotion(found.value)
            if emotion is None:
                imported.drop(
                    f"line {found.line}", what, "an emotion in words, not a score -2..2; none is made up"
                )
            else:
                stage["emotion"] = emotion
                imported.map("emotion")
        elif target == "channel" and meaningful(found.value):
            description = frontstage.value if frontstage is not None and found is channel else None
            draft.touchpoint(stage, found.value, channel=found.value, description=description)
        elif target == "persona" or (target == "frontstage" and channel is not None):
            continue  # the persona chose the step; the frontstage describes the channel's touchpoint
        else:
            imported.drop(f"line {found.line}", what, NOT_IN_FORMAT)


# --- markdown-tables ----------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    """The cells of a pipe table row; ``\\|`` and pipes inside code spans stay in the cell."""
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    cells: list[str] = []
    current: list[str] = []
    in_code = False
    position = 0
    while position < len(row):
        char = row[position]
        if char == "\\" and row[position + 1 : position + 2] == "|":
            current.append("|")
            position += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        position += 1
    if "".join(current).strip():
        cells.append("".join(current))
    return [cell.strip() for cell in cells]


def _joined(pieces: list[str]) -> str:
    """The lines of a drawn cell as one text: each line break a space (the drawing does not say
    whether a line is a new item or the rest of a wrapped one), but a hyphen at a line's end
    joins the word (``Touch-`` ``points``)."""
    text = ""
    for piece in (p.strip() for p in pieces):
        if piece:
            text += ("" if not text or text.endswith("-") else " ") + piece
    return text


def _box_rows(block: Block) -> tuple[list[list[str]], list[int]]:
    """The rows of a table drawn with box-drawing characters (wrapped cells joined)."""
    rows: list[list[str]] = []
    lines: list[int] = []
    pieces: list[list[str]] = []
    start = 0

    def close() -> None:
        if pieces:
            width = max(len(p) for p in pieces)
            rows.append([_joined([p[i] if i < len(p) else "" for p in pieces]) for i in range(width)])
            lines.append(start)

    for offset, line in enumerate(block.lines):
        stripped = line.strip()
        if stripped[:1] in BOX_CELL:
            if not pieces:
                start = block.line + offset
            pieces.append([cell for cell in re.split(f"[{BOX_CELL}]", stripped)[1:-1]])
        else:
            close()
            pieces = []
    close()
    return rows, lines


@dataclass
class Table:
    rows: list[list[str]]
    #: The line of each row.
    lines: list[int]
    block: Block
    #: The text of the heading above the table, if any.
    heading: str | None


@dataclass
class JourneyTable:
    table: Table
    stages: list[StageCells]
    unit: str
    #: A table of one stage named by the heading above it (``### 2.1 Awareness``).
    named_by_heading: bool = False


def _tables(document: Markdown) -> list[Table]:
    tables: list[Table] = []
    for block in document.blocks:
        if block.kind == "table":
            rows = [_cells(line) for index, line in enumerate(block.lines) if index != 1]
            lines = [block.line + index for index in range(len(block.lines)) if index != 1]
        elif block.kind == "box":
            rows, lines = _box_rows(block)
        else:
            continue
        if len(rows) >= 2:
            heading = document.headings[block.heading].text if block.heading >= 0 else None
            tables.append(Table(rows, lines, block, heading))
    return tables


def journey_table(table: Table) -> JourneyTable | None:
    """The stages of a table, with the stages as rows or as columns; None for any other table."""
    header, body = table.rows[0], table.rows[1:]
    header_kinds = [dimension(cell) for cell in header]
    column_kinds = [dimension(row[0]) if row else None for row in body]
    in_header = sum(1 for kind in header_kinds if kind in MAPPED)
    in_column = sum(1 for kind in column_kinds if kind in MAPPED)
    if in_column >= 2 and in_column > in_header:
        names = [stage_name(cell) for cell in header[1:]]
        by_heading = len(names) == 1 and label_of(names[0]) in _GENERIC_HEADER and table.heading is not None
        if by_heading:
            names = [stage_name(table.heading or "")]
        stages: list[StageCells] = []
        for column, name in enumerate(names, 1):
            if not meaningful(name):
                name = f"Stage {column}"
            cells = [
                Cell(row[0], plain_cell(row[column]), line)
                for row, line in zip(body, table.lines[1:], strict=True)
                if column < len(row) and row[0].strip()
            ]
            stages.append(StageCells(name, table.lines[0], cells))
        return JourneyTable(table, stages, "row", by_heading)
    if in_header >= 1:
        stage_column = next((i for i, cell in enumerate(header) if is_stage_label(cell)), None)
        if stage_column is None:
            if header_kinds[0] is not None or in_header < 2:
                return None
            stage_column = 0
        rows: list[StageCells] = []
        for row, line in zip(body, table.lines[1:], strict=True):
            if stage_column >= len(row) or not meaningful(plain(row[stage_column])):
                continue
            cells = [
                Cell(header[i], plain_cell(cell), line)
                for i, cell in enumerate(row)
                if i != stage_column and i < len(header) and label_of(header[i]) != "#"
            ]
            rows.append(StageCells(stage_name(row[stage_column]), line, cells))
        return JourneyTable(table, rows, "column") if rows else None
    return None


def plain_cell(text: str) -> str:
    """A cell's text: plain, with ``<br>`` kept as the item break it is."""
    return "<br>".join(plain(part) for part in _BREAK.split(text))


def _maps(document: Markdown) -> list[list[JourneyTable]]:
    """The journey tables, grouped into maps: consecutive tables in one ``#``/``##`` section
    (for a table of the stage its heading names, the section around that heading) that repeat
    no stage."""
    maps: list[list[JourneyTable]] = []
    names: set[str] = set()
    section: int | None = None
    for table in _tables(document):
        found = journey_table(table)
        if found is None:
            continue
        heading = table.block.heading
        top = document.top(document.parents[heading] if found.named_by_heading else heading)
        stage_names = {s.name.casefold() for s in found.stages}
        if maps and top == section and not (stage_names & names):
            maps[-1].append(found)
            names |= stage_names
        else:
            maps.append([found])
            names, section = stage_names, top
    return maps


@functools.lru_cache(maxsize=2)
def _maps_of(text: str) -> list[list[JourneyTable]]:
    """The journey maps of a text (cached: the sniff and the read ask for them; read-only)."""
    if "|" not in text and not any(char in text for char in BOX_CELL):
        return []
    return _maps(parse_markdown(text))


def _sniff_tables(text: str) -> bool:
    return bool(_maps_of(text))


def _read_tables(text: str, display: str, source_name: str) -> Imported:
    document = parse_markdown(text)
    maps = _maps_of(text)
    if not maps:
        raise Refused(
            "no table of stages (stages as rows or columns, with labels such as Actions, Touchpoints)"
        )
    imported = Imported(None, shape="Markdown tables")
    draft = Draft(imported, source_name)
    first = maps[0][0].table.block
    front_matter(document, draft)
    if not draft.title:
        above = plain(document.headings[first.heading].text) if first.heading >= 0 else ""
        draft.title = document.title() or above or None
        imported.map("title", draft.title is not None)
    used: set[int] = set()
    label_lines(document, used, draft, first.line)
    unmapped = Unmapped()
    for journey in maps[0]:
        used |= set(range(journey.table.block.line, journey.table.block.end + 1))
        for stage in journey.stages:
            fill_stage(draft, stage, journey.unit, unmapped, journey.unit)
    for other in maps[1:]:
        tables = len(other)
        where = other[0].table.block.line
        names = ", ".join(short(s.name, 20) for s in other[0].stages[:3])
        imported.drop(
            f"line {where}",
            f"another journey map ({tables} table{'s' if tables > 1 else ''}: {names} ...)",
            "a cjm journey file holds one map; this import keeps the first",
        )
        used |= {n for journey in other for n in range(journey.table.block.line, journey.table.block.end + 1)}
    unmapped.report(imported, "cell")
    report_unused(document, used, imported, "not part of the journey's tables")
    imported.document = draft.document()
    return imported


# --- markdown-lists -----------------------------------------------------------------------------

_BOLD_LABEL = re.compile(
    r"\s*(?:\*\*|__)([^*_]{1,60}?)(?:\*\*|__)\s*[:：]?\s*(?:(?:\*\*|__)\s*)?[:：]?\s*(.*)"
)


def section_cells(document: Markdown, heading: int, end_heading: int) -> tuple[list[Cell], set[int]]:
    """The labelled lists and values of the headings ``heading`` .. ``end_heading - 1``: a bold
    label line followed by a list, or ``- **Label:** value`` items."""
    cells: list[Cell] = []
    used: set[int] = set()
    blocks = [b for index in range(heading, end_heading) for b in document.by_heading.get(index, [])]
    pending: Cell | None = None
    for block in blocks:
        if block.kind == "paragraph" and len(block.lines) == 1:
            found = _BOLD_LABEL.fullmatch(block.lines[0])
            if found is not None and re.search("[:：]", block.lines[0]):
                value = plain(found.group(2))
                cell = Cell(found.group(1), value, block.line)
                cells.append(cell)
                used.add(block.line)
                pending = None if value else cell
                continue
        if block.kind == "list" and pending is not None:
            pending.items = [item for item, _ in list_items(block) if meaningful(item)]
            pending.text = "; ".join(pending.items)
            used |= set(range(block.line, block.end + 1))
            pending = None
            continue
        pending = None
        if block.kind == "list":
            for offset, line in enumerate(block.lines):
                item = _ITEM.fullmatch(line)
                found = _BOLD_LABEL.fullmatch(item.group(3)) if item else None
                if found and (found.group(2) or dimension(found.group(1))):
                    cells.append(Cell(found.group(1), plain(found.group(2)), block.line + offset))
                    used.add(block.line + offset)
    return [cell for cell in cells if cell.text or cell.items], used


def _stage_headings(document: Markdown) -> list[int]:
    """The headings that are stages: those of the level most sections with labelled lists of
    journey dimensions have, from the first such section to the last."""
    candidates: list[int] = []
    for index in range(len(document.headings)):
        cells, _ = section_cells(document, index, index + 1)
        if any(dimension(cell.label) in MAPPED for cell in cells):
            candidates.append(index)
    if not candidates:
        return []
    levels = [document.headings[i].level for i in candidates]
    level = max(sorted(set(levels)), key=levels.count)
    chosen = [i for i in candidates if document.headings[i].level == level]
    first, last = chosen[0], chosen[-1]
    stages = [first]
    for index in range(first + 1, last + 1):
        heading = document.headings[index]
        if heading.level < level:
            break
        if heading.level == level:
            stages.append(index)
    return stages


@functools.lru_cache(maxsize=2)
def _stages_of(text: str) -> tuple[int, ...]:
    """The stage headings of a text (cached: the sniff and the read ask for them)."""
    return tuple(_stage_headings(parse_markdown(text)))


def _sniff_lists(text: str) -> bool:
    return bool(_stages_of(text))


def _read_lists(text: str, display: str, source_name: str) -> Imported:
    document = parse_markdown(text)
    stages = _stages_of(text)
    if not stages:
        raise Refused("no headings with labelled lists (Touchpoints, Actions ...) to make stages of")
    imported = Imported(None, shape="Markdown headings with lists")
    draft = Draft(imported, source_name)
    front_matter(document, draft)
    first = document.headings[stages[0]]
    if not draft.title:
        title = document.title()
        draft.title = title if title and title != plain(first.text) else None
        imported.map("title", draft.title is not None)
    used: set[int] = set()
    label_lines(document, used, draft, first.line)
    unmapped = Unmapped()
    level = first.level
    for index in stages:
        end = next(
            (i for i in range(index + 1, len(document.headings)) if document.headings[i].level <= level),
            len(document.headings),
        )
        cells, lines = section_cells(document, index, end)
        used |= lines
        heading = document.headings[index]
        fill_stage(
            draft, StageCells(stage_name(heading.text), heading.line, cells), "lists", unmapped, "label"
        )
    unmapped.report(imported, "label")
    report_unused(document, used, imported, "not a labelled list of a stage")
    imported.document = draft.document()
    return imported


READERS: list[Reader] = [
    Reader("markdown-mermaid", _sniff_mermaid, reader(_read_mermaid)),
    Reader("markdown-steps", _sniff_steps, reader(_read_steps)),
    Reader("markdown-tables", _sniff_tables, reader(_read_tables)),
    Reader("markdown-lists", _sniff_lists, reader(_read_lists)),
]

__all__ = ["READERS", "dimension", "parse_markdown", "split_items"]
