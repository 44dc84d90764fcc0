"""Mermaid `journey` diagrams to and from cjm journey files.

Reading follows Mermaid's own grammar (journey.jison) where it is clear, and is
more forgiving where people commonly write things Mermaid misreads:

- Before ``journey`` may stand YAML front matter (its ``title:`` is used), ``%%{init}%%``
  directives, ``%%`` comments, blank lines and a Markdown code fence.
- ``%%`` and ``#`` start comments, as in Mermaid. ``accTitle: ...``, ``accDescr: ...`` and
  ``accDescr { ... }`` are read; the description becomes the journey's ``description``.
- ``title TEXT`` and ``section NAME`` are keywords in any case and at any indentation.
- A task line is ``text: score`` or ``text: score: actors`` (actors separated by commas).
  When the field after the first colon is a number, the line is read exactly as Mermaid
  reads it. When it is not, the task text itself holds a colon (``Read the story: how far:
  5: Driver``), which Mermaid would draw as a broken task; cjm then takes the rightmost
  number field as the score, everything before it as the text and the field after it as
  the actors. Fields after the actors are ignored, as in Mermaid, with a warning.
  ``text -> 3: actors`` (an arrow for the colon) is read as score 3 with a warning. A task
  line with no number field is an error.
- Scores outside 1..5 are clamped (warning naming the line); fractions are rounded.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cjmkit import codes
from cjmkit.codes import Code
from cjmkit.diagnostics import Diagnostic, Severity
from cjmkit.editing.emit import comment_text, dump_yaml
from cjmkit.escaping import KEYWORD_GUARD as KEYWORD_GUARD  # re-exported: escaping lives there
from cjmkit.escaping import mermaid
from cjmkit.models import Journey, Touchpoint
from cjmkit.models.base import PHASE_ORDER
from cjmkit.slugs import Ids, slugify

#: Larger files are refused: no journey diagram comes near this size.
MAX_BYTES = 1024 * 1024
MIN_SCORE, MAX_SCORE = 1, 5
#: A touchpoint's description line that carries the Mermaid actors of the task, so export writes them back.
CHANNEL_ID = "unspecified"
CHANNEL_NAMES = {"en": "Unspecified channel", "ru": "Канал не указан"}
UNNAMED_SECTION = "Unnamed section"

#: The other Mermaid diagram types, named in the refusal of a file that is not a journey.
DIAGRAM_TYPES = frozenset(
    {
        "flowchart", "graph", "sequencediagram", "classdiagram", "classdiagram-v2", "statediagram",
        "statediagram-v2", "erdiagram", "gantt", "pie", "gitgraph", "mindmap", "timeline", "quadrantchart",
        "requirementdiagram", "c4context", "c4container", "c4component", "c4dynamic", "c4deployment",
        "sankey-beta", "xychart-beta", "block-beta", "packet-beta", "kanban", "architecture-beta",
        "radar-beta", "treemap-beta", "zenuml", "info",
    }
)  # fmt: skip

_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
_ARROW = re.compile(r"^(.*?)\s*[-=]+>\s*([+-]?\d+(?:\.\d+)?)$")
_JOURNEY = re.compile(r"journey(?:\s+(.*))?$", re.IGNORECASE)
_TITLE = re.compile(r"title(?:\s+(.*))?$", re.IGNORECASE)
_SECTION = re.compile(r"section(?:\s+(.*))?$", re.IGNORECASE)
_ACC_TITLE = re.compile(r"acctitle\s*:(.*)$", re.IGNORECASE)
_ACC_DESCR = re.compile(r"accdescr\s*:(.*)$", re.IGNORECASE)
_ACC_DESCR_BLOCK = re.compile(r"accdescr\s*\{(.*)$", re.IGNORECASE)
_FRONT_MATTER_TITLE = re.compile(r"title\s*:\s*(.*)$")
_FENCE = re.compile(r"(```+|~~~+)\s*(mermaid)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class MermaidTask:
    name: str
    score: int
    actors: tuple[str, ...]
    line: int


@dataclass
class MermaidSection:
    #: None for tasks written before the first ``section``.
    name: str | None
    line: int
    tasks: list[MermaidTask] = field(default_factory=list)


@dataclass
class MermaidJourney:
    title: str | None = None
    acc_title: str | None = None
    description: str | None = None
    sections: list[MermaidSection] = field(default_factory=list)

    @property
    def tasks(self) -> list[MermaidTask]:
        return [task for section in self.sections for task in section.tasks]


@dataclass
class MermaidReading:
    """What was read from a Mermaid file: the journey (None when it cannot be used) and the problems."""

    journey: MermaidJourney | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]


def _flat(text: str) -> str:
    return " ".join(text.split())


def source_lines(text: str) -> list[str]:
    """The lines as Mermaid counts them: only LF (or CR LF) ends a line, not U+2028 and the like."""
    return [line.removesuffix("\r") for line in text.split("\n")]


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.journey = MermaidJourney()

    def report(self, line: int, column: int, code: Code, message: str) -> None:
        self.diagnostics.append(
            Diagnostic(self.file, line, column, code.code, code.name, message, severity=code.severity)
        )

    def read(self, text: str) -> MermaidReading:
        lines = source_lines(text)
        start, front_title = self.front_matter(lines)
        if start is None:
            return self.result()
        header = self.find_header(lines, start)
        if header is None:
            return self.result()
        index, fence, rest = header
        if front_title:
            self.journey.title = front_title
        if rest:
            self.statement(rest, index + 1, lines[index].index(rest))
        self.body(lines, index + 1, fence)
        if not self.journey.sections and not any(d.severity is Severity.ERROR for d in self.diagnostics):
            self.report(index + 1, 1, codes.EMPTY_JOURNEY, "the journey has no section and no task")
        return self.result()

    def result(self) -> MermaidReading:
        failed = any(d.severity is Severity.ERROR for d in self.diagnostics)
        return MermaidReading(None if failed else self.journey, self.diagnostics)

    def front_matter(self, lines: list[str]) -> tuple[int | None, str | None]:
        """Skip YAML front matter (``---`` ... ``---``); return where the diagram starts and its title."""
        if not lines or lines[0].strip() != "---":
            return 0, None
        for index in range(1, len(lines)):
            if lines[index].strip() == "---":
                title = None
                for line in lines[1:index]:
                    found = _FRONT_MATTER_TITLE.match(line)
                    if found:
                        title = _flat(found.group(1).strip().strip("'\"")) or None
                return index + 1, title
        self.report(1, 1, codes.NOT_A_JOURNEY, "front matter opened with `---` is never closed by `---`")
        return None, None

    def find_header(self, lines: list[str], start: int) -> tuple[int, str | None, str] | None:
        """The ``journey`` line: (index, closing code fence or None, text after the keyword)."""
        fence: str | None = None
        index = start
        while index < len(lines):
            stripped = lines[index].strip()
            if stripped.startswith("%%{") and "}%%" not in stripped:
                while index < len(lines) and "}%%" not in lines[index]:
                    index += 1
            elif stripped and not stripped.startswith("%%"):
                opening = _FENCE.fullmatch(stripped) if fence is None else None
                if opening:
                    fence = opening.group(1)[:3]
                else:
                    break
            index += 1
        if index >= len(lines):
            self.report(
                1, 1, codes.NOT_A_JOURNEY, "empty diagram: a Mermaid journey starts with the line `journey`"
            )
            return None
        stripped = lines[index].strip()
        header = _JOURNEY.match(stripped)
        if header:
            return index, fence, (header.group(1) or "").strip()
        word = stripped.split()[0]
        column = len(lines[index]) - len(lines[index].lstrip()) + 1
        if word.lower() in DIAGRAM_TYPES:
            message = (
                f"not a Mermaid journey: this is a `{word}` diagram; cjm convert reads `journey` diagrams"
            )
        else:
            shown = stripped if len(stripped) <= 40 else stripped[:40] + "..."
            message = f"not a Mermaid journey: expected the line `journey`, found {shown!r}"
        self.report(index + 1, column, codes.NOT_A_JOURNEY, message)
        return None

    def body(self, lines: list[str], start: int, fence: str | None) -> None:
        block: list[str] | None = None  # lines of an open `accDescr {`
        block_line = 0
        for index in range(start, len(lines)):
            raw = lines[index]
            number = index + 1
            if block is not None:
                if "}" in raw:
                    block.append(raw.split("}", 1)[0])
                    self.journey.description = _flat(" ".join(block)) or None
                    block = None
                else:
                    block.append(raw)
                continue
            stripped = raw.strip()
            if fence and stripped.startswith(fence):
                break
            if not stripped or stripped.startswith(("%%", "#")):
                continue
            column = len(raw) - len(raw.lstrip()) + 1
            if found := _ACC_TITLE.match(stripped):
                self.journey.acc_title = _flat(found.group(1)) or None
            elif found := _ACC_DESCR.match(stripped):
                self.journey.description = _flat(found.group(1)) or None
            elif found := _ACC_DESCR_BLOCK.match(stripped):
                rest = found.group(1)
                if "}" in rest:
                    self.journey.description = _flat(rest.split("}", 1)[0]) or None
                else:
                    block, block_line = [rest], number
            else:
                self.statement(stripped, number, column - 1)
        if block is not None:
            self.report(block_line, 1, codes.UNCLOSED_DESCRIPTION, "`accDescr {` is never closed by `}`")

    def statement(self, stripped: str, number: int, indent: int) -> None:
        """A title, section or task line (already stripped; ``indent`` is its offset in the raw line)."""
        cut = min((i for i in (stripped.find("#"), stripped.find("%%")) if i >= 0), default=-1)
        content = stripped[:cut].rstrip() if cut >= 0 else stripped
        if found := _TITLE.match(content):
            title = _flat(found.group(1) or "")
            if not title:
                self.report(number, indent + 1, codes.IGNORED_TEXT, "`title` without text is ignored")
                return
            if self.journey.title is not None:
                self.report(
                    number, indent + 1, codes.REPEATED_TITLE,
                    f"a second title {title!r} replaces {self.journey.title!r}, as in Mermaid",
                )  # fmt: skip
            self.journey.title = title
        elif found := _SECTION.match(content):
            name = _flat(found.group(1) or "")
            if not name:
                self.report(number, indent + 1, codes.SECTION_WITHOUT_NAME, "`section` needs a name")
                return
            self.journey.sections.append(MermaidSection(name, number))
        else:
            task = self.task(content, number, indent, quiet=cut >= 0)
            if task is None and cut >= 0:
                task = self.task(stripped, number, indent, quiet=True)
                if task is not None:
                    self.report(
                        number, indent + cut + 1, codes.COMMENT_SIGN_IN_TEXT,
                        f"Mermaid reads {stripped[cut:cut + 2]!r}... as a comment and would drop the rest "
                        "of this line; kept it as task text",
                    )  # fmt: skip
            if task is None and cut >= 0:
                self.task(content, number, indent, quiet=False)
            if task is not None:
                if not self.journey.sections:
                    self.journey.sections.append(MermaidSection(None, number))
                self.journey.sections[-1].tasks.append(task)

    def task(self, content: str, number: int, indent: int, *, quiet: bool) -> MermaidTask | None:
        """Read ``text: score[: actors]``; ``quiet`` tries without reporting errors."""
        fields = content.split(":")
        split = _split_task(fields)
        if split is None:
            if not quiet:
                self.report(
                    number, indent + 1, codes.TASK_WITHOUT_SCORE,
                    "no score in this task: write it as `task: score` or `task: score: actors` "
                    "with a whole number 1..5",
                )  # fmt: skip
            return None
        name, score_at, score_text, arrow = split
        score_column = indent + len(":".join(fields[:score_at])) + (1 if score_at else 0)
        score_column += len(fields[score_at]) - len(fields[score_at].lstrip()) + 1
        name = _flat(name)
        if not name:
            if not quiet:
                self.report(number, indent + 1, codes.TASK_WITHOUT_NAME, "this task has a score but no text")
            return None
        actors_field = fields[score_at + 1] if score_at + 1 < len(fields) else ""
        actors = tuple(dict.fromkeys(a for a in (_flat(part) for part in actors_field.split(",")) if a))
        if arrow:
            self.report(
                number, score_column, codes.ARROW_SCORE,
                f"read `-> {score_text}` as the score {score_text}; Mermaid needs "
                f"`{name}: {score_text}{': ' + ', '.join(actors) if actors else ''}`",
            )  # fmt: skip
        ignored = ":".join(fields[score_at + 2 :]).strip()
        if ignored:
            self.report(
                number, score_column, codes.IGNORED_TEXT,
                f"text after the actors is ignored, as in Mermaid: {ignored!r}",
            )  # fmt: skip
        value = float(score_text)
        score = math.floor(value + 0.5)
        if score != value:
            self.report(
                number, score_column, codes.SCORE_NOT_WHOLE,
                f"score {score_text} of task {name!r} is not a whole number; rounded to {score}",
            )  # fmt: skip
        if not MIN_SCORE <= score <= MAX_SCORE:
            clamped = min(max(score, MIN_SCORE), MAX_SCORE)
            self.report(
                number, score_column, codes.SCORE_OUT_OF_RANGE,
                f"score {score} of task {name!r} is outside Mermaid's {MIN_SCORE}..{MAX_SCORE}; "
                f"clamped to {clamped}",
            )  # fmt: skip
            score = clamped
        return MermaidTask(name, score, actors, number)


def _is_number(text: str) -> bool:
    return _NUMBER.fullmatch(text.strip()) is not None


def _split_task(fields: list[str]) -> tuple[str, int, str, bool] | None:
    """(task text, index of the score field, score, written with an arrow) per the module's rule."""
    if len(fields) >= 2 and _is_number(fields[1]):
        return fields[0], 1, fields[1].strip(), False
    for at in range(len(fields) - 1, 1, -1):
        if _is_number(fields[at]):
            return ":".join(fields[:at]), at, fields[at].strip(), False
    for at in range(len(fields) - 1, -1, -1):
        arrow = _ARROW.match(fields[at].strip())
        if arrow and (at or arrow.group(1)):
            return ":".join([*fields[:at], arrow.group(1)]), at, arrow.group(2), True
    return None


def parse_mermaid(text: str, file: str) -> MermaidReading:
    """Read a Mermaid ``journey`` diagram. Never raises for bad content."""
    return _Reader(file).read(text.removeprefix("\ufeff"))


def read_mermaid(raw: bytes, file: str) -> MermaidReading:
    """Decode and read the bytes of a Mermaid file."""
    if len(raw) > MAX_BYTES:
        message = f"file is {len(raw)} bytes; the limit is {MAX_BYTES}"
        return MermaidReading(
            None, [Diagnostic(file, 1, 1, codes.TOO_COMPLEX.code, codes.TOO_COMPLEX.name, message)]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        message = f"byte 0x{raw[error.start]:02x} is not UTF-8; save the file as UTF-8"
        return MermaidReading(
            None, [Diagnostic(file, line, column, codes.NOT_UTF8.code, codes.NOT_UTF8.name, message)]
        )
    return parse_mermaid(text, file)


# --- Mermaid -> cjm -------------------------------------------------------------------------


def text_locale(texts: Iterable[str]) -> str:
    """``ru`` when most letters of the texts are Cyrillic, else ``en``."""
    letters = [char for text in texts for char in text if char.isalpha()]
    cyrillic = sum(1 for char in letters if "CYRILLIC" in unicodedata.name(char, ""))
    return "ru" if letters and cyrillic * 2 > len(letters) else "en"


def _locale(journey: MermaidJourney) -> str:
    """``ru`` when most letters of the diagram are Cyrillic, else ``en``."""
    return text_locale(
        [journey.title or "", *(s.name or "" for s in journey.sections), *(t.name for t in journey.tasks)]
    )


def title_from_file_name(name: str) -> str:
    """``customer_journey.mmd`` -> ``Customer journey``: the title of a diagram without one."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    words = _flat(re.sub(r"[-_.]+", " ", stem))
    return (words[:1].upper() + words[1:]) if words else "Journey"


def journey_document(journey: MermaidJourney, source_name: str) -> dict[str, Any]:
    """The cjm journey (plain values, canonical key order) for a Mermaid journey.

    Stage emotion is the mean of its touchpoints' emotions rounded half up; a section
    named after a lifecycle phase (``Awareness`` ...) gets that ``phase``; the first actor
    becomes the inline persona; every task's actors become its touchpoint's ``actors``.
    """
    title = journey.title or journey.acc_title or title_from_file_name(source_name)
    locale = _locale(journey)
    document: dict[str, Any] = {"cjm": 1, "id": slugify(title) or "journey", "title": title}
    if journey.description:
        document["description"] = journey.description
    if locale != "en":
        document["locale"] = locale
    actors = [actor for task in journey.tasks for actor in task.actors]
    if actors:
        document["persona"] = {"id": slugify(actors[0]) or "persona", "name": actors[0]}
    document["channels"] = [{"id": CHANNEL_ID, "name": CHANNEL_NAMES[locale]}]
    stage_ids, touchpoint_ids = Ids(), Ids()
    stages: list[dict[str, Any]] = []
    count = 0
    for position, section in enumerate(journey.sections, 1):
        name = section.name or UNNAMED_SECTION
        slug = slugify(name)
        stage: dict[str, Any] = {"id": stage_ids.claim(slug or f"stage-{position}"), "name": name}
        if slug in PHASE_ORDER:
            stage["phase"] = slug
        touchpoints: list[dict[str, Any]] = []
        for task in section.tasks:
            count += 1
            touchpoint: dict[str, Any] = {
                "id": touchpoint_ids.claim(slugify(task.name) or f"touchpoint-{count}"),
                "name": task.name,
                "channel": CHANNEL_ID,
            }
            if task.actors:
                touchpoint["actors"] = list(task.actors)
            touchpoint["emotion"] = task.score - 3
            touchpoints.append(touchpoint)
        if touchpoints:
            mean = sum(t["emotion"] for t in touchpoints) / len(touchpoints)
            stage["emotion"] = math.floor(mean + 0.5)
            stage["touchpoints"] = touchpoints
        stages.append(stage)
    document["stages"] = stages
    return document


def mermaid_to_yaml(journey: MermaidJourney, source_name: str) -> str:
    """A valid cjm journey file (YAML text) for a Mermaid journey read from ``source_name``."""
    document = journey_document(journey, source_name)
    Journey.model_validate(document)  # a failure here is a bug in the conversion, not in the input
    comments = [f"Converted by `cjm convert` from the Mermaid journey {source_name}."]
    return dump_yaml(document, comments)


# --- cjm -> Mermaid -------------------------------------------------------------------------


def actors_of(touchpoint: Touchpoint) -> list[str]:
    """The Mermaid actors of the touchpoint."""
    return [actor for actor in (_flat(a) for a in touchpoint.actors) if actor]


def score_of(touchpoint: Touchpoint, stage_emotion: int | None) -> int:
    """Mermaid score: touchpoint emotion, else stage emotion, else neutral; plus 3."""
    emotion = touchpoint.emotion if touchpoint.emotion is not None else stage_emotion
    return (emotion if emotion is not None else 0) + 3


def mermaid_text(text: str) -> str:
    """Map text that Mermaid can only read as plain text on one line."""
    return mermaid(text)


def task_text(text: str) -> str:
    """Task text that Mermaid cannot take for a keyword (it tries `journey`, `title` ... first)."""
    return mermaid(text, "task")


def actor_text(text: str) -> str:
    """An actor name: Mermaid splits actors at commas."""
    return mermaid(text, "actor")


def journey_to_mermaid(journey: Journey, source_name: str | None = None) -> str:
    """A Mermaid ``journey`` diagram of a cjm journey: a section per stage, a task per touchpoint."""
    lines = ["journey"]
    if source_name:
        lines.append(f"    %% Converted by cjm convert from {comment_text(source_name)}")
    lines.append(f"    title {mermaid_text(journey.title)}")
    if journey.description:
        lines.append(f"    accDescr: {mermaid_text(journey.description)}")
    for stage in journey.stages:
        lines.append(f"    section {mermaid_text(stage.name)}")
        for touchpoint in stage.touchpoints:
            line = f"      {task_text(touchpoint.name)}: {score_of(touchpoint, stage.emotion)}"
            actors = [actor_text(actor) for actor in actors_of(touchpoint)]
            if actors:
                line += ": " + ", ".join(actors)
            lines.append(line)
    return "\n".join(lines) + "\n"
