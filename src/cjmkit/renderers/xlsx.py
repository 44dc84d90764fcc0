"""The journey as an Excel workbook: the CJM grid, the funnel with live formulas, the KPIs.

Three sheets. "Map" is the grid (stages as columns, lanes as rows). "Funnel" holds the
figures of each stage and the growth model of :mod:`cjmkit.analysis.growth` as Excel
formulas (conversion, people lost, downstream conversion, revenue at stake), so the client
can change a number and see the result. "KPIs" lists the KPIs with a formula telling
whether each meets its target.

The workbook also carries what `cjm convert BOOK.xlsx --into MAP.yaml` needs to bring a
client's edits back: a hidden last row of the grid, a hidden last column of the other sheets
holding the ids of the stages and KPIs (so a renamed or moved stage is still recognised), and
a hidden sheet "cjm" with the journey id and a fingerprint of the values the workbook was
written from (:func:`fingerprint`).

Everything taken from the map is written as a text or number value, never as a formula:
text cells are typed as strings whatever they start with. The bytes are deterministic: the
document properties carry a fixed date (the map's `updated`, else 2000-01-01) and the zip
entries a fixed timestamp. openpyxl is imported here only, when a workbook is rendered.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cjmkit.renderers.context import NO_EMOTION_COLOR, JourneyView, StageView

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped,unused-ignore]

#: Characters XML 1.0 cannot hold; dropped from the map's text rather than failing the render.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FIXED_DATE = datetime.date(2000, 1, 1)
#: The zip entries' timestamp (the zip format starts in 1980).
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_PERCENT = "0.0%"
#: An emotion shows its sign: +1, 0, −2 (a real minus sign).
_SIGNED = '+0;"\u2212"0;0'
_WRAP_TOP = {"wrap_text": True, "vertical": "top"}
#: The label of the hidden row and columns that hold ids, and the name of the hidden sheet.
ID_LABEL = "id"
META_SHEET = "cjm"
#: The layout version written on the hidden sheet; a reader refuses one it does not know.
LAYOUT = 1


def fingerprint(view: JourneyView) -> str:
    """A digest of the values a workbook is written from: the journey, its persona, segment and
    channels (as the JSON export holds them) and the stages' target conversions."""
    values = {"export": dict(view.export), "targets": [s.target_conversion for s in view.stages]}
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value: str) -> str:
    return _ILLEGAL.sub("", value)


def _put(sheet: Worksheet, row: int, column: int, value: object) -> Any:
    """Write a value from the map: a number as a number, anything else as text, never a formula."""
    cell = sheet.cell(row=row, column=column)
    if value is None or value == "":
        return cell
    if isinstance(value, bool) or not isinstance(value, int | float):
        cell.value = _text(str(value))
        cell.data_type = "s"  # a text starting with "=" stays text
    else:
        cell.value = value
    return cell


def _formula(sheet: Worksheet, row: int, column: int, formula: str) -> Any:
    cell = sheet.cell(row=row, column=column)
    cell.value = formula
    return cell


def _quoted(text: str) -> str:
    """A string literal inside a formula."""
    return '"' + _text(text).replace('"', '""') + '"'


def _lines(items: Sequence[str]) -> str:
    return "\n".join(f"\u2022 {item}" for item in items) if len(items) > 1 else "".join(items)


def _fill(color: str) -> Any:
    from openpyxl.styles import PatternFill  # type: ignore[import-untyped,unused-ignore]

    return PatternFill(fill_type="solid", start_color="FF" + color.lstrip("#").upper())


def _header(sheet: Worksheet, values: Sequence[str], color: str) -> None:
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped,unused-ignore]

    for column, value in enumerate(values, start=1):
        cell = _put(sheet, 1, column, value)
        cell.font = Font(bold=True, color="FFFFFFFF")
        cell.fill = _fill(color)
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def stage_header(stage: StageView) -> str:
    """The grid's column header of a stage: its name, and its phase in brackets."""
    return f"{stage.name}\n({stage.phase_label})" if stage.phase_label else stage.name


def touchpoint_line(name: str, channel_name: str) -> str:
    return f"{name} ({channel_name})"


def lanes(view: JourneyView, stage: StageView) -> list[tuple[str, object]]:
    """The grid's rows for one stage: (lane label, cell value)."""
    labels = view.labels
    objections = [
        f"{o.text} \u2014 {o.answer}" if o.answer else f"{o.text} \u2014 {labels['no_response']}"
        for o in stage.objections
    ]
    barriers = [
        f"{b.text} \u2014 {b.answer}" if b.answer else f"{b.text} \u2014 {labels['no_recommendation']}"
        for b in stage.barriers
    ]
    kpis = [
        f"{k.name}: {labels['actual']} {k.actual_text}, {labels['target']} {k.target_text}"
        for k in stage.kpis
    ]
    funnel = stage.funnel
    figures = []
    if funnel:
        figures = [
            f"{labels['entered']}: {funnel.entered_text}",
            f"{labels['advanced']}: {funnel.advanced_text}",
            f"{labels['conversion']}: {funnel.conversion_text}",
        ]
    if stage.funnel_target_text:
        figures.append(f"{labels['target_conversion']}: {stage.funnel_target_text}")
    evidence = "\n".join([stage.evidence_label, *stage.evidence_sources])
    return [
        (labels["phase"], stage.phase_label),
        (labels["customer_goal"], stage.customer_goal),
        (labels["actions"], _lines(stage.actions)),
        (labels["thoughts"], _lines(stage.thoughts)),
        (labels["expectations"], _lines(stage.expectations)),
        (labels["emotion"], stage.emotion),
        (labels["touchpoints"], _lines([touchpoint_line(t.name, t.channel_name) for t in stage.touchpoints])),
        (labels["objections"], _lines(objections)),
        (labels["barriers"], _lines(barriers)),
        (labels["kpis"], _lines(kpis)),
        (labels["funnel"], "\n".join(figures)),
        (labels["evidence"], evidence),
    ]


def _map_sheet(sheet: Worksheet, view: JourneyView) -> None:
    from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped,unused-ignore]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]

    headers = [view.labels["stage"], *(stage_header(s) for s in view.stages)]
    _header(sheet, headers, view.brand.color)
    emotion_label = view.labels["emotion"]
    id_row = 0
    for column, stage in enumerate(view.stages, start=2):
        rows = lanes(view, stage)
        id_row = len(rows) + 2
        if column == 2:
            _put(sheet, id_row, 1, ID_LABEL)
        _put(sheet, id_row, column, stage.id)
        for row, (label, value) in enumerate(rows, start=2):
            if column == 2:
                cell = _put(sheet, row, 1, label)
                cell.font = Font(bold=True)
                cell.alignment = Alignment(**_WRAP_TOP)
            cell = _put(sheet, row, column, value)
            cell.alignment = Alignment(**_WRAP_TOP)
            if label == emotion_label:
                colors = dict(view.palette.emotions)
                color = view.palette.none
                if stage.emotion is not None:
                    color = colors.get(stage.emotion, NO_EMOTION_COLOR)
                cell.fill = _fill(color)
                cell.number_format = _SIGNED
                cell.alignment = Alignment(horizontal="center", vertical="center")
                cell.font = Font(bold=True)
    sheet.row_dimensions[id_row].hidden = True
    sheet.column_dimensions["A"].width = 24
    for column in range(2, len(view.stages) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 32
    sheet.freeze_panes = "B2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:A"


def _purchase_end(stages: Sequence[StageView]) -> int | None:
    """The last stage of the first run of purchase stages (as the growth model counts it)."""
    end = None
    for index, stage in enumerate(stages):
        if stage.phase == "purchase":
            end = index
        elif end is not None:
            break
    return end


def _journey(view: JourneyView) -> dict[str, Any]:
    """The map's own values (as the JSON export holds them)."""
    values = view.export.get("journey")
    return values if isinstance(values, dict) else {}


def _targets(view: JourneyView) -> list[float | None]:
    """Each stage's target conversion: its own, else its phase's in the workspace."""
    return [stage.target_conversion for stage in view.stages]


def _money_format(view: JourneyView) -> str:
    if not view.currency:
        return "#,##0.00"
    from babel.numbers import get_currency_symbol

    symbol = get_currency_symbol(view.currency, locale=view.locale.code).replace('"', "")
    return f'#,##0.00 "{symbol}"'


def _funnel_sheet(sheet: Worksheet, view: JourneyView) -> None:
    from openpyxl.styles import Font  # type: ignore[import-untyped,unused-ignore]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]

    labels = view.labels
    _header(
        sheet,
        [labels["stage"], labels["entered"], labels["advanced"], labels["target_conversion"],
         labels["conversion"], labels["lost"], labels["downstream_conversion"], labels["revenue_at_stake"],
         ID_LABEL],
        view.brand.color,
    )  # fmt: skip
    stages = view.stages
    last = len(stages) + 1
    aov_row = last + 2
    aov = f"$B${aov_row}"
    money = _money_format(view)
    end = _purchase_end(stages)
    for index, (stage, target) in enumerate(zip(stages, _targets(view), strict=True)):
        row = index + 2
        _put(sheet, row, 1, stage.name)
        _put(sheet, row, 9, stage.id)
        if stage.funnel:
            _put(sheet, row, 2, stage.funnel.entered)
            _put(sheet, row, 3, stage.funnel.advanced)
        _put(sheet, row, 4, target).number_format = _PERCENT
        _formula(sheet, row, 5, f'=IF(N(B{row})=0,"",C{row}/B{row})').number_format = _PERCENT
        _formula(sheet, row, 6, f'=IF(N(B{row})=0,"",B{row}-C{row})').number_format = "#,##0"
        if end is None or index > end:
            continue
        if index == end:
            _put(sheet, row, 7, 1).number_format = _PERCENT
        else:
            later = f"E{row + 1}:E{end + 2}"
            downstream = f'=IF(COUNT({later})={end - index},PRODUCT({later}),"")'
            _formula(sheet, row, 7, downstream).number_format = _PERCENT
        revenue = (
            f'=IF(OR(N(B{row})=0,D{row}="",E{row}="",G{row}="",{aov}=""),"",'
            f"B{row}*MAX(0,D{row}-E{row})*G{row}*{aov})"
        )
        _formula(sheet, row, 8, revenue).number_format = money
    label = _put(sheet, aov_row, 1, labels["economics"])
    label.font = Font(bold=True)
    value = _journey(view).get("economics") or {}
    average = value.get("average_order_value")
    _put(sheet, aov_row, 2, average if isinstance(average, int | float) else None).number_format = money
    sheet.column_dimensions["A"].width = 32
    for column in range(2, 9):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.column_dimensions["I"].hidden = True
    sheet.freeze_panes = "B2"
    sheet.page_setup.orientation = "landscape"


def _kpi_sheet(sheet: Worksheet, view: JourneyView) -> None:
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped,unused-ignore]

    labels = view.labels
    _header(
        sheet,
        [labels["stage"], labels["kpi"], labels["unit"], labels["target"], labels["actual"],
         labels["direction"], labels["kpi_result"], ID_LABEL],
        view.brand.color,
    )  # fmt: skip
    higher, lower = labels["higher_better"], labels["lower_better"]
    met, missed = _quoted(labels["kpi_met"]), _quoted(labels["kpi_missed"])
    money = _money_format(view)
    row = 1
    for stage in view.stages:
        for kpi in stage.kpis:
            row += 1
            _put(sheet, row, 1, stage.name)
            _put(sheet, row, 2, kpi.name)
            _put(sheet, row, 8, f"{stage.id}/{kpi.id}")
            _put(sheet, row, 3, kpi.unit)
            shown = {"ratio": _PERCENT, "currency": money}.get(kpi.unit or "", "General")
            _put(sheet, row, 4, kpi.target).number_format = shown
            _put(sheet, row, 5, kpi.actual).number_format = shown
            _put(sheet, row, 6, higher if kpi.direction == "higher" else lower)
            result = (
                f'=IF(E{row}="","",IF(IF(F{row}={_quoted(higher)},E{row}>=D{row},E{row}<=D{row}),'
                f"{met},{missed}))"
            )
            _formula(sheet, row, 7, result)
    widths = [32, 40, 10, 12, 12, 20, 20]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.column_dimensions["H"].hidden = True
    sheet.freeze_panes = "A2"


def _meta_sheet(sheet: Worksheet, view: JourneyView) -> None:
    """What the workbook was written from, for bringing its edits back into the map."""
    for row, (key, value) in enumerate(
        [
            ("layout", LAYOUT),
            ("journey", view.id),
            ("locale", view.locale.code),
            ("currency", view.currency or ""),
            ("audience", view.audience),
            ("state", _journey(view).get("state") or ""),
            ("baseline", _journey(view).get("baseline") or ""),
            ("segment", _journey(view).get("segment") or ""),
            ("persona", persona if isinstance(persona := _journey(view).get("persona"), str) else ""),
            ("fingerprint", fingerprint(view)),
        ],
        start=1,
    ):
        _put(sheet, row, 1, key)
        _put(sheet, row, 2, value)
    sheet.sheet_state = "hidden"


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry at a fixed timestamp, in the same order."""
    out = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(data))
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def build_workbook(view: JourneyView) -> Any:
    """The openpyxl workbook of one journey, in memory (the merge compares a client's with it)."""
    from openpyxl import Workbook  # type: ignore[import-untyped,unused-ignore]

    workbook = Workbook()
    grid = workbook.active
    assert grid is not None  # a new workbook has one sheet
    grid.title = view.labels["map_sheet"]
    _map_sheet(grid, view)
    _funnel_sheet(workbook.create_sheet(view.labels["funnel"]), view)
    _kpi_sheet(workbook.create_sheet(view.labels["kpis"]), view)
    _meta_sheet(workbook.create_sheet(META_SHEET), view)
    moment = datetime.datetime.combine(view.updated or _FIXED_DATE, datetime.time())
    properties = workbook.properties
    properties.created = moment
    properties.modified = moment
    properties.creator = "cjmkit"
    properties.title = _text(view.title)
    return workbook


def render_xlsx(view: JourneyView) -> bytes:
    """The workbook of one journey, byte-identical for the same view."""
    from openpyxl.writer.excel import ExcelWriter  # type: ignore[import-untyped,unused-ignore]

    workbook = build_workbook(view)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).write_data()
    return _fixed_zip(raw.getvalue())
