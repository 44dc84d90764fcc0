"""The CJM grid read back: stages as columns, lanes as rows, as `cjm render --to xlsx` writes its
"Map" sheet and as a spreadsheet exports it to CSV (Google Sheets, Excel).

The first row holds the stages' names (a phase in brackets on a second line is read too), the
first column the lanes' names in English or Russian, as the workbook labels them; lanes may be
in any order. Each lane's cell is read the way the workbook writes it: one item per line of a
list (a leading bullet ``•``, ``-`` or ``*`` is dropped), touchpoints as ``name (channel)``,
objections and barriers as ``text — answer``, the emotion as a signed whole number. The KPI and
funnel lanes are summaries of the workbook's own sheets and the evidence lane a label: they are
not read from the grid (a CSV grid reports them as not mapped).

:func:`read_map_grid` finds the stages and lanes; :func:`grid_document` makes a new journey of
them. :mod:`cjmkit.interop.readers.workbook` uses both, and brings a workbook's edits back into
an existing map.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cjmkit import codes
from cjmkit.diagnostics import Diagnostic
from cjmkit.encoding import table_delimiter
from cjmkit.interop.importing import Imported, Reader, refusal
from cjmkit.slugs import Ids, slugify

#: The grid's lanes, in the workbook's order, by the label key of :mod:`cjmkit.renderers.i18n`.
LANES = (
    "phase", "customer_goal", "actions", "thoughts", "expectations", "emotion", "touchpoints",
    "objections", "barriers", "kpis", "funnel", "evidence",
)  # fmt: skip
LIST_LANES = ("actions", "thoughts", "expectations")
#: Lanes the grid shows but does not hold: where they are edited instead.
SUMMARY_LANES = {
    "kpis": "the KPIs are read from the workbook's KPI sheet, not from this summary",
    "funnel": "the funnel figures are read from the workbook's Funnel sheet, not from this summary",
    "evidence": "the evidence level and sources are kept in the map file",
}
#: The label of the hidden row of stage ids (see :mod:`cjmkit.renderers.xlsx`).
ID_LABEL = "id"
LOCALES = ("en", "ru")
_BULLET = re.compile(r"^\s*[\u2022\-*\u00b7]\s+")
_HEADER_PHASE = re.compile(r"^\((?P<phase>[^()]+)\)$")
_PAIR = " \u2014 "
_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-", "+": ""})
_MAX_CELLS = 200_000
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


class CellError(Exception):
    """A cell whose content cannot be read as its lane's value."""


def normal(value: Any) -> str:
    """A cell as text: line breaks as ``\\n``, trailing spaces of lines and the whole dropped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


@dataclass(frozen=True)
class Labels:
    """The words the workbook is written in, in both languages, read back to keys."""

    lanes: dict[str, tuple[str, str]]  # folded label -> (lane key, locale)
    phases: dict[str, str]  # folded phase label or id -> phase id
    stage: dict[str, str]  # folded "Stage" label -> locale
    no_answer: frozenset[str]  # folded "No response yet" / "No recommendation yet"
    sheets: dict[str, str]  # folded sheet name -> "map" | "funnel" | "kpis"
    words: dict[str, dict[str, str]]  # locale -> label key -> text


@functools.cache
def labels() -> Labels:
    from cjmkit.renderers.i18n import PHASES, Locale

    lanes: dict[str, tuple[str, str]] = {}
    phases: dict[str, str] = {phase: phase for phase in PHASES}
    stage: dict[str, str] = {}
    no_answer: set[str] = set()
    sheets: dict[str, str] = {}
    words: dict[str, dict[str, str]] = {}
    for code in LOCALES:
        locale = Locale(code)
        words[code] = dict(locale.labels)
        for lane in LANES:
            lanes.setdefault(locale.labels[lane].casefold(), (lane, code))
        phases.update({label.casefold(): phase for phase, label in locale.phases.items()})
        stage[locale.labels["stage"].casefold()] = code
        no_answer |= {locale.labels["no_response"].casefold(), locale.labels["no_recommendation"].casefold()}
        for key, sheet in (("map_sheet", "map"), ("funnel", "funnel"), ("kpis", "kpis")):
            sheets.setdefault(locale.labels[key].casefold(), sheet)
    return Labels(lanes, phases, stage, frozenset(no_answer), sheets, words)


@dataclass
class Grid:
    """Cell values by row, 0-based; a workbook sheet's name, or None for a CSV."""

    rows: list[list[Any]]
    sheet: str | None = None

    def value(self, row: int, column: int) -> Any:
        if row < len(self.rows) and column < len(self.rows[row]):
            return self.rows[row][column]
        return None

    def text(self, row: int, column: int) -> str:
        return normal(self.value(row, column))

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def where(self, row: int, column: int) -> str:
        """``Map!D7`` in a workbook, ``row 7, column 4`` in a CSV."""
        if self.sheet is None:
            return f"row {row + 1}, column {column + 1}"
        return f"{self.sheet}!{column_letter(column)}{row + 1}"


def column_letter(column: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    number = column + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_problem(display: str, grid: Grid, row: int, column: int, message: str) -> Diagnostic:
    code = codes.UNMAPPED_CELL
    text = f"{grid.where(row, column)}: {message}" if grid.sheet else message
    return Diagnostic(display, row + 1, column + 1, code.code, code.name, text)


@dataclass
class StageColumn:
    column: int
    #: From the hidden id row; None for a stage added in the spreadsheet.
    id: str | None
    header: str


@dataclass
class MapGrid:
    grid: Grid
    #: Lane key -> its row.
    lanes: dict[str, int]
    stages: list[StageColumn]
    locale: str
    #: Rows whose first cell names no lane, with that name.
    unknown_rows: list[tuple[int, str]] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    def cell(self, stage: StageColumn, lane: str) -> Any:
        row = self.lanes.get(lane)
        return None if row is None else self.grid.value(row, stage.column)


def looks_like_grid(first_row: list[Any], first_column: list[Any]) -> bool:
    """Whether a table is the CJM grid: "Stage" in its corner and two lane names below it."""
    words = labels()
    if not first_row or normal(first_row[0]).casefold() not in words.stage:
        return False
    return sum(1 for value in first_column if normal(value).casefold() in words.lanes) >= 2


def read_map_grid(grid: Grid, display: str) -> MapGrid:
    """The stages (columns) and lanes (rows) of a grid whose corner says "Stage"."""
    words = labels()
    locale = words.stage.get(grid.text(0, 0).casefold(), "en")
    found = MapGrid(grid, {}, [], locale)
    id_row: int | None = None
    for row in range(1, len(grid.rows)):
        label = grid.text(row, 0)
        folded = label.casefold()
        if folded == ID_LABEL:
            id_row = row
        elif folded in words.lanes:
            lane = words.lanes[folded][0]
            if lane in found.lanes:
                found.problems.append(
                    cell_problem(display, grid, row, 0, f"the lane {label!r} is there twice")
                )
            found.lanes[lane] = row
        elif label or any(grid.text(row, c) for c in range(1, grid.width)):
            found.unknown_rows.append((row, label))
    for column in range(1, grid.width):
        header = grid.text(0, column)
        filled = any(grid.text(row, column) for row in found.lanes.values())
        identifier = grid.text(id_row, column) if id_row is not None else ""
        if not header and not filled:
            if identifier:
                message = "a stage's name was cleared; to remove the stage, delete its column"
                found.problems.append(cell_problem(display, grid, 0, column, message))
            continue
        if not header:
            found.problems.append(cell_problem(display, grid, 0, column, "a stage needs a name in this row"))
            continue
        found.stages.append(StageColumn(column, identifier if SLUG.fullmatch(identifier) else None, header))
    return found


# --- cells to values ---------------------------------------------------------------------------


def parse_header(text: str) -> tuple[str, str | None]:
    """``Name\\n(Phase)`` -> (name, phase label); a header without a bracketed last line is all name."""
    lines = [line.strip() for line in normal(text).split("\n") if line.strip()]
    if len(lines) > 1 and (match := _HEADER_PHASE.match(lines[-1])):
        return " ".join(lines[:-1]), match.group("phase").strip()
    return " ".join(lines), None


def parse_phase(text: str) -> str | None:
    """A phase from its label in either language or its id; None for an empty cell."""
    text = normal(text)
    if not text:
        return None
    words = labels()
    phase = words.phases.get(text.casefold())
    if phase is None:
        from cjmkit.renderers.i18n import PHASES

        choices = ", ".join(PHASES.values())
        raise CellError(f"{text!r} is not a phase; write one of {choices} (or their Russian names)")
    return phase


def parse_items(text: Any) -> list[str]:
    """A list lane: one item per bulleted line (an unbulleted line continues the item above it);
    without bullets, one item per line."""
    lines = [line for line in normal(text).split("\n") if line.strip()]
    if not any(_BULLET.match(line) for line in lines):
        return [line.strip() for line in lines]
    items: list[str] = []
    for line in lines:
        if _BULLET.match(line) or not items:
            items.append(_BULLET.sub("", line, count=1).strip())
        else:
            items[-1] += "\n" + line.strip()
    return items


def parse_emotion(value: Any) -> int | None:
    """A whole number from -2 to 2, signed as the workbook shows it (``+1``, ``−2``)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError("the emotion is a whole number from -2 to 2")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(normal(value).translate(_SIGNS).replace(",", "."))
        except ValueError:
            raise CellError(f"the emotion {normal(value)!r} is not a number from -2 to 2") from None
    if not number.is_integer() or not -2 <= number <= 2:
        raise CellError(f"the emotion {value!r} is not a whole number from -2 to 2")
    return int(number)


def parse_touchpoint(line: str) -> tuple[str, str | None]:
    """``Name (Channel)`` -> (name, channel name); a line without a channel in brackets -> (line, None)."""
    line = line.strip()
    if not line.endswith(")"):
        return line, None
    depth = 0
    for index in range(len(line) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(line[index], 0)
        if depth == 0:
            name, channel = line[:index].strip(), line[index + 1 : -1].strip()
            return (name, channel or None) if name else (line, None)
    return line, None


def parse_pair(line: str) -> tuple[str, str | None]:
    """``Objection — response`` -> (text, response); the "no response yet" words mean none."""
    text, _, answer = line.partition(_PAIR)
    answer = answer.strip()
    if not answer or answer.casefold() in labels().no_answer:
        return text.strip(), None
    return text.strip(), answer


# --- a new journey -----------------------------------------------------------------------------


@dataclass
class Channels:
    """Channels of a new journey, made from the names the touchpoints give."""

    locale: str
    ids: Ids = field(default_factory=lambda: Ids(fallback="channel"))
    by_name: dict[str, str] = field(default_factory=dict)
    values: list[dict[str, Any]] = field(default_factory=list)

    def of(self, name: str | None) -> str:
        from cjmkit.interop.mermaid import CHANNEL_ID, CHANNEL_NAMES

        if name is None:
            name = CHANNEL_NAMES.get(self.locale, CHANNEL_NAMES["en"])
            if name.casefold() not in self.by_name:
                self.ids.taken.add(CHANNEL_ID)
                self.by_name[name.casefold()] = CHANNEL_ID
                self.values.append({"id": CHANNEL_ID, "name": name})
        folded = name.casefold()
        if folded not in self.by_name:
            identifier = self.ids.for_name(name)
            self.by_name[folded] = identifier
            self.values.append({"id": identifier, "name": name})
        return self.by_name[folded]


@dataclass
class StageFigures:
    """What the other sheets of a workbook hold for a stage: funnel figures and KPIs."""

    funnel: dict[str, Any] = field(default_factory=dict)
    kpis: list[dict[str, Any]] = field(default_factory=list)


def stage_values(
    grid: MapGrid,
    stage: StageColumn,
    display: str,
    imported: Imported,
    channels: Channels,
    ids: dict[str, Ids],
) -> dict[str, Any]:
    """A new stage from its column: the lanes read, each problem reported at its cell."""
    name, header_phase = parse_header(stage.header)
    values: dict[str, Any] = {"id": stage.id or ids["stage"].for_name(name), "name": name}
    imported.map("stage")

    def read(lane: str, parse: Callable[[Any], Any]) -> Any:
        row = grid.lanes.get(lane)
        if row is None:
            return None
        try:
            return parse(grid.grid.value(row, stage.column))
        except CellError as error:
            imported.diagnostics.append(cell_problem(display, grid.grid, row, stage.column, str(error)))
            return None

    phase = read("phase", parse_phase)
    if phase is None and header_phase is not None:
        phase = labels().phases.get(header_phase.casefold())
    if phase:
        values["phase"] = phase
    goal = normal(grid.cell(stage, "customer_goal"))
    if goal:
        values["customer_goal"] = goal
        imported.map("customer goal")
    for lane in LIST_LANES:
        items = parse_items(grid.cell(stage, lane))
        if items:
            values[lane] = items
            imported.map(lane.rstrip("s"), len(items))
    emotion = read("emotion", parse_emotion)
    if emotion is not None:
        values["emotion"] = emotion
        imported.map("emotion")
    touchpoints = []
    for line in parse_items(grid.cell(stage, "touchpoints")):
        tp_name, channel = parse_touchpoint(line)
        touchpoints.append(
            {"id": ids["touchpoint"].for_name(tp_name), "name": tp_name, "channel": channels.of(channel)}
        )
    if touchpoints:
        values["touchpoints"] = touchpoints
        imported.map("touchpoint", len(touchpoints))
    for lane, answer_key, kind in (
        ("objections", "response", "objection"),
        ("barriers", "recommendation", "barrier"),
    ):
        found = []
        for line in parse_items(grid.cell(stage, lane)):
            text, answer = parse_pair(line)
            item: dict[str, Any] = {"id": ids[kind].for_name(text), "text": text}
            if answer:
                item[answer_key] = answer
            found.append(item)
        if found:
            values[lane] = found
            imported.map(kind, len(found))
    return values


def grid_document(
    grid: MapGrid,
    display: str,
    title: str,
    figures: dict[str, StageFigures] | None = None,
    economics: dict[str, Any] | None = None,
) -> Imported:
    """A new journey of the grid's stages; ``figures`` by stage id or name from a workbook's other sheets."""
    imported = Imported(None, shape="CJM grid")
    imported.diagnostics += grid.problems
    for row, label in grid.unknown_rows:
        imported.drop(grid.grid.where(row, 0), f"row {label!r}" if label else "a row without a lane name",
                      "no lane of the CJM grid has this name")  # fmt: skip
    if not grid.stages:
        return refusal(display, "the grid has no stage: the first row names the stages, from column B on")
    ids = {kind: Ids(fallback=kind) for kind in ("stage", "touchpoint", "objection", "barrier", "kpi")}
    ids["stage"].taken |= {s.id for s in grid.stages if s.id}
    channels = Channels(grid.locale)
    stages = []
    for stage in grid.stages:
        values = stage_values(grid, stage, display, imported, channels, ids)
        extra = (figures or {}).get(values["id"]) or (figures or {}).get(values["name"])
        if extra and extra.funnel:
            values["funnel"] = extra.funnel
            imported.map("funnel")
        if extra and extra.kpis:
            values["kpis"] = extra.kpis
            imported.map("KPI", len(extra.kpis))
        stages.append(values)
    summaries = SUMMARY_LANES if figures is None else {"evidence": SUMMARY_LANES["evidence"]}
    for lane, why in summaries.items():
        lane_row = grid.lanes.get(lane)
        if lane_row is not None and any(grid.grid.text(lane_row, s.column) for s in grid.stages):
            imported.drop(grid.grid.where(lane_row, 0), f"lane {grid.grid.text(lane_row, 0)!r}", why)
    if imported.diagnostics:
        return Imported(None, imported.shape, imported.mapped, imported.dropped, imported.diagnostics)
    document: dict[str, Any] = {"cjm": 1, "id": slugify(title) or "journey", "title": title}
    if grid.locale != "en":
        document["locale"] = grid.locale
    if economics:
        document["economics"] = economics
    if channels.values:
        document["channels"] = channels.values
    document["stages"] = stages
    imported.document = document
    return imported


# --- a CSV grid --------------------------------------------------------------------------------


def csv_rows(text: str) -> list[list[str]]:
    """The rows of a CSV, delimited as :func:`cjmkit.encoding.table_delimiter` says."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=table_delimiter(text)))


def _sniff_csv(text: str) -> bool:
    try:
        rows = csv_rows(text[:200_000])
    except csv.Error:
        return False
    return bool(rows) and looks_like_grid(rows[0], [row[0] if row else "" for row in rows])


def _read_csv(text: str, display: str, source_name: str) -> Imported:
    from cjmkit.interop.mermaid import title_from_file_name

    try:
        rows = csv_rows(text)
    except csv.Error as error:
        return refusal(display, f"the CSV cannot be read: {error}")
    if sum(len(row) for row in rows) > _MAX_CELLS:
        return refusal(display, f"the grid has over {_MAX_CELLS} cells; no journey map comes near that")
    grid = read_map_grid(Grid([list(row) for row in rows]), display)
    return grid_document(grid, display, title_from_file_name(source_name))


READERS = [Reader("CJM grid (stages as columns)", _sniff_csv, _read_csv)]

__all__ = [
    "LANES",
    "READERS",
    "CellError",
    "Grid",
    "MapGrid",
    "StageColumn",
    "StageFigures",
    "grid_document",
    "labels",
    "normal",
    "parse_emotion",
    "parse_header",
    "parse_items",
    "parse_pair",
    "parse_phase",
    "parse_touchpoint",
    "read_map_grid",
]
