"""Excel workbooks in the layout of `cjm render --to xlsx`, read back.

:func:`read_book` opens a workbook safely (a zip within size limits, read by openpyxl without
evaluating anything: a formula is its text) and finds its sheets by name in either language
(else the first sheet is the grid). :func:`read_workbook` makes a new journey of it: the grid
of :mod:`cjmkit.interop.readers.grid` with the funnel figures of the "Funnel" sheet, the KPIs
of the "KPIs" sheet and the average order value. Bringing edits back into an existing map is
:mod:`cjmkit.editing.spreadsheet`'s work, on the same readings.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any

from cjmkit.interop.importing import Imported, refusal
from cjmkit.interop.readers.grid import (
    SLUG,
    Grid,
    StageFigures,
    cell_problem,
    grid_document,
    labels,
    normal,
    read_map_grid,
)
from cjmkit.slugs import Ids

#: Limits no journey workbook comes near: the unpacked size, entries, rows and columns of a sheet.
MAX_UNPACKED = 64 * 1024 * 1024
MAX_ENTRIES = 2_000
MAX_ROWS = 5_000
MAX_COLUMNS = 1_000
META_SHEET = "cjm"
ID_LABEL = "id"
CURRENCY = re.compile(r"[A-Z]{3}")
UNITS = ("ratio", "percent", "count", "currency", "seconds", "score")
#: Columns of the Funnel and KPI sheets (0-based), as the renderer writes them.
FUNNEL_FIELDS = {1: "entered", 2: "advanced", 3: "target"}
KPI_FIELDS = {1: "name", 2: "unit", 3: "target", 4: "actual", 5: "direction"}


class BookError(Exception):
    """The file is not a workbook that can be read."""


@dataclass
class Book:
    grid: Grid
    funnel: Grid | None
    kpis: Grid | None
    #: What the hidden "cjm" sheet says: layout, journey, locale, fingerprint.
    meta: dict[str, str] = field(default_factory=dict)
    title: str = ""
    #: Sheets of the workbook that are none of the layout's (a client's notes ...): not read.
    unread: list[str] = field(default_factory=list)


def _check_zip(raw: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise BookError(
            "it is not an Excel workbook (.xlsx is a zip archive; this file is not one)"
        ) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise BookError(f"it holds {len(entries)} parts; a journey workbook has a few dozen")
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > MAX_UNPACKED:
            raise BookError(f"it unpacks to {unpacked} bytes, over the {MAX_UNPACKED} bytes cjm reads")


def _grid(sheet: Any) -> Grid:
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise BookError(
            f"the sheet {sheet.title!r} spans {rows} rows and {columns} columns; too many for a map"
        )
    values = [list(row) for row in sheet.iter_rows(max_row=rows, max_col=columns, values_only=True)]
    return Grid(values, sheet.title)


def read_book(raw: bytes) -> Book:
    """The sheets of a workbook; :class:`BookError` when it cannot be read."""
    _check_zip(raw)
    from openpyxl import load_workbook  # type: ignore[import-untyped,unused-ignore]

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops; nothing of ours
            workbook = load_workbook(io.BytesIO(raw), data_only=False, keep_links=False, keep_vba=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file; none may escape
        raise BookError(f"openpyxl cannot read it ({type(error).__name__}: {error})") from None
    return book_of(workbook)


def book_of(workbook: Any) -> Book:
    """The sheets of an openpyxl workbook, found by name (else the first visible one is the grid)."""
    words = labels()
    found: dict[str, Any] = {}
    meta: dict[str, str] = {}
    for sheet in workbook.worksheets:
        if sheet.title == META_SHEET:
            grid = _grid(sheet)
            meta = {normal(row[0]): normal(row[1]) for row in grid.rows if len(row) > 1 and row[0]}
            continue
        kind = words.sheets.get(sheet.title.casefold())
        if kind and kind not in found:
            found[kind] = sheet
    if "map" not in found:
        visible = [s for s in workbook.worksheets if s.title != META_SHEET and s.sheet_state == "visible"]
        if not visible:
            raise BookError("it has no sheet to read")
        found["map"] = visible[0]
    title = normal(workbook.properties.title) if workbook.properties else ""
    return Book(
        grid=_grid(found["map"]),
        funnel=_grid(found["funnel"]) if "funnel" in found else None,
        kpis=_grid(found["kpis"]) if "kpis" in found else None,
        meta=meta,
        title=title,
        unread=[s.title for s in workbook.worksheets if s.title != META_SHEET and s not in found.values()],
    )


def id_column(grid: Grid) -> int | None:
    """The hidden column of ids: the header cell that reads ``id``."""
    return next((c for c in range(grid.width) if grid.text(0, c).casefold() == ID_LABEL), None)


def number(value: Any, *, ratio: bool = False) -> float | int | None:
    """A cell as a number: a number cell as it is, a text such as ``1 200``, ``0,35`` or ``35 %``
    read (a percent as a ratio when ``ratio``); None for an empty cell. ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a number")
    if isinstance(value, int | float):
        return value
    text = normal(value).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    percent = text.endswith("%")
    text = text.rstrip("%").replace("\u2212", "-")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        parsed = float(text)
    except ValueError:
        raise ValueError(f"{normal(value)!r} is not a number") from None
    if percent:
        if not ratio:
            raise ValueError(f"{normal(value)!r} is a percent; write the number")
        parsed /= 100
    return int(parsed) if parsed.is_integer() and not percent and "." not in text else parsed


def whole(value: float | int | None) -> int | None:
    """A count of customers: a whole number."""
    if value is None:
        return None
    if float(value).is_integer() and value >= 0:
        return int(value)
    raise ValueError(f"{value!r} is not a whole number of customers")


def direction(value: Any) -> str | None:
    text = normal(value).casefold()
    if not text:
        return None
    for code in ("en", "ru"):
        words = labels().words[code]
        if text == words["higher_better"].casefold():
            return "higher"
        if text == words["lower_better"].casefold():
            return "lower"
    if text in ("higher", "lower"):
        return text
    raise ValueError(f"{normal(value)!r} is not a direction; write {labels().words['en']['higher_better']!r}"
                     f" or {labels().words['en']['lower_better']!r}")  # fmt: skip


def economics_row(grid: Grid) -> int | None:
    """The row of the average order value, below the stages."""
    names = {labels().words[code]["economics"].casefold() for code in ("en", "ru")}
    return next((r for r in range(1, len(grid.rows)) if grid.text(r, 0).casefold() in names), None)


def _new_funnels(
    book: Book, display: str, imported: Imported, has_currency: bool
) -> tuple[dict[str, StageFigures], Any]:
    figures: dict[str, StageFigures] = {}
    aov = None
    funnel = book.funnel
    if funnel is not None:
        ids = id_column(funnel)
        end = economics_row(funnel) or len(funnel.rows)
        for row in range(1, end):
            name = funnel.text(row, 0)
            if not name:
                continue
            key = funnel.text(row, ids) if ids is not None and funnel.text(row, ids) else name
            values: dict[str, Any] = {}
            for column, name_of in FUNNEL_FIELDS.items():
                try:
                    read = number(funnel.value(row, column), ratio=name_of == "target")
                    values[name_of] = read if name_of == "target" else whole(read)
                except ValueError as error:
                    imported.diagnostics.append(cell_problem(display, funnel, row, column, str(error)))
            values = {k: v for k, v in values.items() if v is not None}
            if values:
                figures.setdefault(key, StageFigures()).funnel = values
        aov_row = economics_row(funnel)
        if aov_row is not None:
            try:
                aov = number(funnel.value(aov_row, 1))
            except ValueError as error:
                imported.diagnostics.append(cell_problem(display, funnel, aov_row, 1, str(error)))
        if aov is not None and not has_currency:
            imported.drop(funnel.where(aov_row or 0, 1), "the average order value",
                          "a new map has no currency to hold it in; set `economics` in the map")  # fmt: skip
    return figures, aov


def _new_kpis(book: Book, display: str, imported: Imported, figures: dict[str, StageFigures]) -> None:
    sheet = book.kpis
    if sheet is None:
        return
    ids = id_column(sheet)
    claimed: dict[str, Ids] = {}
    for row in range(1, len(sheet.rows)):
        stage, name = sheet.text(row, 0), sheet.text(row, 1)
        if not stage and not name:
            continue
        stage_id = sheet.text(row, ids).partition("/")[0] if ids is not None else ""
        if not name:
            imported.diagnostics.append(cell_problem(display, sheet, row, 1, "a KPI needs a name"))
            continue
        kpi: dict[str, Any] = {"id": "", "name": name}
        try:
            unit = normal(sheet.value(row, 2)) or None
            if unit is not None and unit not in UNITS:
                raise ValueError(f"{unit!r} is not a unit; write one of {', '.join(UNITS)}")
            target = number(sheet.value(row, 3), ratio=unit == "ratio")
            if target is None:
                raise ValueError("a KPI needs a target")
            kpi["target"] = target
            actual = number(sheet.value(row, 4), ratio=unit == "ratio")
            if actual is not None:
                kpi["actual"] = actual
            if unit:
                kpi["unit"] = unit
            way = direction(sheet.value(row, 5))
            if way:
                kpi["direction"] = way
        except ValueError as error:
            imported.diagnostics.append(cell_problem(display, sheet, row, 3, str(error)))
            continue
        key = stage_id or stage
        kpi["id"] = claimed.setdefault(key, Ids(fallback="kpi")).for_name(name)
        if ids is not None and "/" in sheet.text(row, ids):
            kpi["id"] = sheet.text(row, ids).partition("/")[2] or kpi["id"]
        figures.setdefault(key, StageFigures()).kpis.append(kpi)


def _insert_after(values: dict[str, Any], key: str, extra: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in values.items():
        result[name] = value
        if name == key:
            result.update(extra)
    return result


def read_workbook(raw: bytes, display: str, source_name: str) -> Imported:
    """A new journey from a workbook in the layout of `cjm render --to xlsx`."""
    from cjmkit.interop.mermaid import title_from_file_name

    try:
        book = read_book(raw)
    except BookError as error:
        return refusal(display, f"cannot read the workbook: {error}")
    grid = read_map_grid(book.grid, display)
    if not grid.lanes:
        why = f"the sheet {book.grid.sheet!r} is not a CJM grid: its first column names no lane"
        return refusal(display, why + " (Phase, Actions, Touchpoints ...)")
    if book.meta.get("locale") in ("en", "ru"):
        grid.locale = book.meta["locale"]
    gathered = Imported(None)
    currency = book.meta.get("currency", "")
    figures, aov = _new_funnels(book, display, gathered, bool(CURRENCY.fullmatch(currency)))
    _new_kpis(book, display, gathered, figures)
    economics = {"currency": currency, "average_order_value": aov} if aov is not None and currency else None
    title = book.title or title_from_file_name(source_name)
    imported = grid_document(grid, display, title, figures, economics)
    imported.shape = "Excel workbook"
    for sheet in book.unread:
        imported.drop(
            f"sheet {sheet!r}", "the whole sheet", "it is none of the sheets of the CJM workbook layout"
        )
    imported.diagnostics = [*gathered.diagnostics, *imported.diagnostics]
    imported.dropped += gathered.dropped
    if imported.diagnostics:
        imported.document = None
    elif imported.document is not None:
        document = imported.document
        if SLUG.fullmatch(book.meta.get("journey", "")):
            document["id"] = book.meta["journey"]
        # the segment and persona the map was written for (ids of its workspace); a future
        # map's state and baseline (its funnel may hold a target alone)
        extra = {
            key: book.meta[key] for key in ("segment", "persona") if SLUG.fullmatch(book.meta.get(key, ""))
        }
        if book.meta.get("state") == "future":
            extra["state"] = "future"
            if SLUG.fullmatch(book.meta.get("baseline", "")):
                extra["baseline"] = book.meta["baseline"]
        imported.document = _insert_after(document, "locale" if "locale" in document else "title", extra)
    return imported


__all__ = [
    "Book",
    "BookError",
    "book_of",
    "direction",
    "id_column",
    "number",
    "read_book",
    "read_workbook",
    "whole",
]
