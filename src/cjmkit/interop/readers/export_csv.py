"""cjm's own CSV read back into a journey (``cjm convert map.yaml -o map.csv``, the same table as
``cjm render --to csv``).

The file is recognised by its header, exactly the columns of
:data:`cjmkit.renderers.data.CSV_COLUMNS`, separated by ``,`` or ``;`` (any other CSV is left
to the next reader). A ``stage`` row gives a stage (id, name, phase, emotion, funnel,
evidence level), a ``touchpoint`` row a touchpoint of its stage (id, name, channel,
emotion), a ``kpi`` row a KPI (id, name, unit, target, actual). Numbers are read in the file's
dialect (decimal commas with ``;``), and the apostrophe the export puts before text a
spreadsheet would run as a formula is taken off again.

The CSV holds only that much of a map. What it does not hold stays out, never made up: the
journey's title (the journey id, in words, stands in: the format requires a title), each
channel's name (its id stands in), a KPI's direction and source, and everything else of a
stage (goal, actions, thoughts, barriers ...). The ``conversion`` column is computed from the
funnel, so it is not read. A cell that the export leaves empty in a row of that kind, a row
of another kind or of another journey, is listed as not mapped.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any, get_args

from cjmkit.interop.importing import Imported, Reader
from cjmkit.interop.mermaid import text_locale, title_from_file_name
from cjmkit.interop.readers.structured import Refused, describe, ordered, reader
from cjmkit.models import KPI, Journey, Stage, Touchpoint
from cjmkit.models.base import PHASE_ORDER, SLUG_PATTERN, EvidenceLevel, Unit
from cjmkit.renderers.data import CSV_COLUMNS, FORMULA_STARTS

#: The columns each kind of row fills (besides the stage's own: journey .. row).
ROW_COLUMNS = {
    "stage": ("stage_emotion", "funnel_entered", "funnel_advanced", "conversion", "evidence"),
    "touchpoint": ("touchpoint_id", "touchpoint", "channel", "touchpoint_emotion"),
    "kpi": ("kpi_id", "kpi", "kpi_unit", "kpi_target", "kpi_actual"),
}
STAGE_COLUMNS = ("journey", "stage_index", "stage_id", "stage", "phase", "row")
UNITS: tuple[str, ...] = get_args(Unit)
LEVELS: tuple[str, ...] = get_args(EvidenceLevel)
_SLUG = re.compile(SLUG_PATTERN)
_GUARDED_BREAK = re.compile(r"(\r\n|\r|\n)'(?=[=+\-@\t])")


def _delimiter(text: str) -> str | None:
    """``,`` or ``;`` when the first line is exactly cjm's CSV header in it."""
    first = text.removeprefix("\ufeff").split("\n", 1)[0].rstrip("\r")
    return next((d for d in (",", ";") if first == d.join(CSV_COLUMNS)), None)


def _sniff(text: str) -> bool:
    return _delimiter(text) is not None


def unguarded(text: str) -> str:
    """Text without the apostrophe the export put before a formula start, on every line."""
    if text[:1] == "'" and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return _GUARDED_BREAK.sub(r"\1", text)


class Row:
    """One record of the CSV, its cells by column, and where it stands."""

    def __init__(self, cells: dict[str, str], line: int, decimal_comma: bool) -> None:
        self.cells, self.line, self.decimal_comma = cells, line, decimal_comma

    def text(self, column: str) -> str:
        return unguarded(self.cells.get(column, "")).strip()

    def refuse(self, column: str, why: str) -> Refused:
        return Refused(
            f"line {self.line}, column {column!r}: {why}", self.line, CSV_COLUMNS.index(column) + 1
        )

    def number(self, column: str) -> float | int | None:
        written = self.text(column)
        if not written:
            return None
        plain = written.replace(",", ".") if self.decimal_comma else written
        try:
            value = float(plain)
        except ValueError:
            raise self.refuse(column, f"{describe(written)} is not a number") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise self.refuse(column, f"{describe(written)} is not a finite number")
        return int(value) if value.is_integer() and re.fullmatch(r"[+-]?\d+", plain) else value

    def whole(self, column: str, low: int, high: int) -> int | None:
        value = self.number(column)
        if value is None:
            return None
        if not isinstance(value, int) or not low <= value <= high:
            raise self.refuse(column, f"{describe(self.text(column))} is not a whole number {low}..{high}")
        return value

    def slug(self, column: str) -> str:
        value = self.text(column)
        if not _SLUG.fullmatch(value):
            raise self.refuse(
                column, f"{describe(value)} is not an id (lowercase letters, digits and hyphens)"
            )
        return value

    def name(self, column: str) -> str:
        value = self.text(column)
        if not value:
            raise self.refuse(column, "empty; a name is required")
        return value

    def choice(self, column: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(column)
        if value and value not in choices:
            raise self.refuse(column, f"{describe(value)} is not one of {', '.join(choices)}")
        return value or None


def _rows(text: str) -> tuple[list[Row], str]:
    delimiter = _delimiter(text)
    assert delimiter is not None
    records = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    rows: list[Row] = []
    start = records.line_num + 1
    try:
        next(records)
        start = records.line_num + 1
        for record in records:
            if any(cell.strip() for cell in record):
                if len(record) > len(CSV_COLUMNS):
                    raise Refused(
                        f"line {start}: {len(record)} cells, the header has {len(CSV_COLUMNS)}", start
                    )
                rows.append(Row(dict(zip(CSV_COLUMNS, record, strict=False)), start, delimiter == ";"))
            start = records.line_num + 1
    except csv.Error as error:
        raise Refused(f"not a readable CSV: {error}", start) from None
    return rows, delimiter


def _read(text: str, display: str, source_name: str) -> Imported:
    rows, _ = _rows(text)
    if not rows:
        raise Refused("the CSV has its header but no rows")
    imported = Imported(None, shape="cjm CSV")
    journey_id = rows[0].slug("journey")
    stages: dict[str, dict[str, Any]] = {}
    channels: list[str] = []
    for row in rows:
        kind = row.text("row")
        if row.text("journey") != journey_id:
            imported.drop(
                f"line {row.line}",
                f"a row of journey {describe(row.text('journey'))}",
                "the file's first journey is imported",
            )
            continue
        if kind not in ROW_COLUMNS:
            imported.drop(
                f"line {row.line}",
                f"a row of kind {describe(kind)}",
                "rows are `stage`, `touchpoint` or `kpi`",
            )
            continue
        stage = _stage(row, stages, imported)
        for column in CSV_COLUMNS:
            if column not in STAGE_COLUMNS and column not in ROW_COLUMNS[kind] and row.text(column):
                imported.drop(
                    f"line {row.line}", f"cell {column!r} of a {kind} row", "the export leaves it empty"
                )
        if kind == "stage":
            _stage_figures(row, stage, imported)
        elif kind == "touchpoint":
            channel = row.slug("channel")
            if channel not in channels:
                channels.append(channel)
                imported.map("channel")
            touchpoint: dict[str, Any] = {
                "id": row.slug("touchpoint_id"),
                "name": row.name("touchpoint"),
                "channel": channel,
            }
            emotion = row.whole("touchpoint_emotion", -2, 2)
            if emotion is not None:
                touchpoint["emotion"] = emotion
                imported.map("emotion")
            stage.setdefault("touchpoints", []).append(ordered(touchpoint, Touchpoint))
            imported.map("touchpoint")
        else:
            target = row.number("kpi_target")
            if target is None:
                raise row.refuse("kpi_target", "empty; a KPI needs a target")
            kpi: dict[str, Any] = {"id": row.slug("kpi_id"), "name": row.name("kpi"), "target": target}
            actual = row.number("kpi_actual")
            if actual is not None:
                kpi["actual"] = actual
            unit = row.choice("kpi_unit", UNITS)
            if unit:
                kpi["unit"] = unit
            stage.setdefault("kpis", []).append(ordered(kpi, KPI))
            imported.map("KPI")
    texts = [s["name"] for s in stages.values()]
    texts += [t["name"] for s in stages.values() for t in s.get("touchpoints", [])]
    document: dict[str, Any] = {
        "cjm": 1,
        "id": journey_id,
        "title": title_from_file_name(journey_id),
        "locale": text_locale(texts),
        "channels": [{"id": channel, "name": channel} for channel in channels],
        "stages": [ordered(stage, Stage) for stage in stages.values()],
    }
    if not channels:
        del document["channels"]
    if document["locale"] == "en":
        del document["locale"]
    imported.document = ordered(document, Journey)
    return imported


def _stage(row: Row, stages: dict[str, dict[str, Any]], imported: Imported) -> dict[str, Any]:
    """The row's stage, made from its stage columns the first time one of its rows is read."""
    identifier = row.slug("stage_id")
    if identifier not in stages:
        stage: dict[str, Any] = {"id": identifier, "name": row.name("stage")}
        phase = row.choice("phase", PHASE_ORDER)
        if phase:
            stage["phase"] = phase
            imported.map("phase")
        stages[identifier] = stage
        imported.map("stage")
    return stages[identifier]


def _stage_figures(row: Row, stage: dict[str, Any], imported: Imported) -> None:
    emotion = row.whole("stage_emotion", -2, 2)
    if emotion is not None:
        stage["emotion"] = emotion
        imported.map("emotion")
    entered = row.whole("funnel_entered", 0, 10**15)
    advanced = row.whole("funnel_advanced", 0, 10**15)
    if entered is not None or advanced is not None:
        stage["funnel"] = {
            key: value for key, value in (("entered", entered), ("advanced", advanced)) if value is not None
        }
        imported.map("funnel")
    level = row.choice("evidence", LEVELS)
    if level:
        stage["evidence"] = {"level": level}
        imported.map("evidence level")


READERS: list[Reader] = [Reader("cjm-csv", _sniff, reader(_read))]

__all__ = ["READERS", "unguarded"]
