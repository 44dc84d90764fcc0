"""Data exports for the client's spreadsheet: CSV (a stage row, then a row per touchpoint and per
KPI) and JSON."""

from __future__ import annotations

import contextlib
import contextvars
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cjmkit.diagnostics import Diagnostic
from cjmkit.renderers.context import JourneyView, finding_view
from cjmkit.reporters.json import diagnostic_record, record, stage_record

#: The CSV columns, documented in README ("CSV columns"). Stage columns name the stage on every
#: row; figures (emotion, funnel, evidence) are on its `stage` row only, so a sum over the sheet
#: counts each stage once; `touchpoint` and `kpi` rows fill their own columns.
CSV_COLUMNS = [
    "journey", "stage_index", "stage_id", "stage", "phase", "row",
    "stage_emotion", "funnel_entered", "funnel_advanced", "conversion", "evidence",
    "touchpoint_id", "touchpoint", "channel", "touchpoint_emotion",
    "kpi_id", "kpi", "kpi_unit", "kpi_target", "kpi_actual",
]  # fmt: skip


@dataclass(frozen=True)
class CsvDialect:
    """How a spreadsheet program expects a CSV: separator, decimal mark, byte-order mark."""

    name: str
    delimiter: str
    #: The Babel locale whose decimal mark numbers are written with.
    number_locale: str
    bom: bool


CSV_DIALECTS = {
    d.name: d
    for d in [
        # Excel with Russian regional settings reads `;` and decimal commas; the BOM tells it UTF-8.
        CsvDialect("excel-ru", ";", "ru", bom=True),
        CsvDialect("excel", ",", "en", bom=True),
        CsvDialect("rfc4180", ",", "en", bom=False),
    ]
}
#: The dialect `cjm render --csv-dialect` chose for this run; None: the one of each map's locale.
CSV_DIALECT: contextvars.ContextVar[str | None] = contextvars.ContextVar("csv_dialect", default=None)


@contextlib.contextmanager
def csv_dialect(name: str | None) -> Iterator[None]:
    """Render CSV in the dialect ``name`` (None: each map's default) inside the block."""
    token = CSV_DIALECT.set(name)
    try:
        yield
    finally:
        CSV_DIALECT.reset(token)


def default_dialect(locale_code: str) -> str:
    """Excel's defaults for the map's language: a Russian map opens in a Russian Excel."""
    return "excel-ru" if locale_code.split("_")[0].split("-")[0] == "ru" else "excel"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A line break followed by what would start a formula on the new line.
_FORMULA_AFTER_BREAK = re.compile(r"(\r\n|\r|\n)(?=[=+\-@\t])")


def spreadsheet_safe(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe, on every line of it.

    A cell read wrongly (a reader that splits rows at a line break inside quotes) must not
    start a new row with a live formula either, so each line is guarded, not only the first.
    """
    if not isinstance(value, str):
        return value
    if value[:1] in FORMULA_STARTS:
        value = "'" + value
    return _FORMULA_AFTER_BREAK.sub(r"\1'", value)


def _number(value: float, dialect: CsvDialect) -> str:
    """A plain number the spreadsheet reads as one: the dialect's decimal mark, no grouping."""
    from babel.numbers import format_decimal

    return format_decimal(value, format="0.######", locale=dialect.number_locale)


def _cell(value: object, dialect: CsvDialect) -> object:
    """Text is guarded against formulas; numbers are written in the dialect (never guarded: a
    negative number is not a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return _number(value, dialect)
    return spreadsheet_safe(str(value))


def render_csv(view: JourneyView, dialect: str | None = None) -> str:
    """The journey as CSV in ``dialect`` (else the run's `--csv-dialect`, else the map's locale's)."""
    spec = CSV_DIALECTS[dialect or CSV_DIALECT.get() or default_dialect(view.locale.code)]
    out = io.StringIO(newline="")
    # Every field holding the delimiter, a quote, CR or LF is quoted (the row end is CR LF).
    writer = csv.writer(out, delimiter=spec.delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for stage in view.stages:
        names = [view.id, stage.index + 1, stage.id, stage.name, stage.phase]
        funnel = stage.funnel
        rows: list[list[object]] = [
            [*names, "stage", stage.emotion,
             None if funnel is None else funnel.entered,
             None if funnel is None else funnel.advanced,
             None if funnel is None or funnel.conversion is None else round(funnel.conversion, 6),
             stage.evidence_level, *[None] * 9]
        ]  # fmt: skip
        rows += [
            [*names, "touchpoint", *[None] * 5, t.id, t.name, t.channel, t.emotion, *[None] * 5]
            for t in stage.touchpoints
        ]
        rows += [[*names, "kpi", *[None] * 9, k.id, k.name, k.unit, k.target, k.actual] for k in stage.kpis]
        writer.writerows([_cell(v, spec) for v in row] for row in rows)
    return ("\ufeff" if spec.bom else "") + out.getvalue()


def _client_finding(finding: Diagnostic, view: JourneyView) -> dict[str, Any]:
    """A finding as the client sees it: severity, stage, message and advice in the map's
    language; no rule code or name, file or position."""
    shown = finding_view(finding, view.locale)
    return {
        "severity": shown.severity,
        "stage": finding.stage,
        "message": shown.message,
        "advice": shown.advice,
    }


def _team_finding(finding: Diagnostic, view: JourneyView) -> dict[str, Any]:
    """Everything about a finding (code, slug, file:line:column, path), with the advice too."""
    shown = finding_view(finding, view.locale)
    return {**diagnostic_record(finding, finding=True), "advice": shown.advice}


#: Where a ranked stage is written in the map: for the team only.
_POSITION = ("file", "line", "column")


def _stage(health: Any, view: JourneyView) -> dict[str, Any]:
    values = stage_record(health)
    if view.audience == "client":
        return {key: value for key, value in values.items() if key not in _POSITION}
    return values


def render_json(view: JourneyView) -> str:
    """The map and its analysis; for the `client` audience the findings without rule codes,
    names and positions (the owner and internal fields are already out of the view's export)."""
    finding = _client_finding if view.audience == "client" else _team_finding
    document: dict[str, Any] = {
        **view.export,
        "analysis": {
            "findings": [finding(f, view) for f in view.findings],
            "stages": [_stage(s, view) for s in view.weakest],
            "growth_points": [record(g) for g in view.growth_points],
            "unvalued": [record(u) for u in view.unvalued],
            "channels": [record(c) for c in view.channel_summaries],
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
