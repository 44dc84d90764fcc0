"""Reading a metrics CSV: delimiter, decimal comma, encodings, and each row checked into a MetricRow."""

from __future__ import annotations

import csv
import decimal
import io
import pathlib
import re
from dataclasses import dataclass
from typing import NamedTuple

from cjmkit import codes
from cjmkit.codes import MAX_FILE_BYTES, Code
from cjmkit.diagnostics import Diagnostic
from cjmkit.encoding import decode_table, table_delimiter
from cjmkit.errors import BadInput, UsageError
from cjmkit.loading.bounded import FileTooLarge, read_bounded
from cjmkit.loading.validation import did_you_mean
from cjmkit.models.base import MAX_MAGNITUDE as FORMAT_MAX_MAGNITUDE

COLUMNS = ("journey", "stage", "field", "value")
FUNNEL_FIELDS = ("funnel.entered", "funnel.advanced")
KPI_PREFIX = "kpi:"
#: Larger magnitudes are surely a unit mistake (and would print in exponent form).
MAX_MAGNITUDE = decimal.Decimal(FORMAT_MAX_MAGNITUDE)
#: decimal's default precision: a value with more digits would be rounded in silence.
MAX_DIGITS = 28

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_SPACES = str.maketrans("", "", " \u00a0\u202f\t")
_LINE_START = (1,) * len(COLUMNS)


@dataclass(frozen=True)
class MetricRow:
    """One value of the CSV, as read and checked."""

    line: int
    journey: str
    stage: str
    #: ``kpi:<id>``, ``funnel.entered`` or ``funnel.advanced``.
    field: str
    value: int | float
    #: The number as it will be written into the map.
    text: str
    #: 1-based column where each of COLUMNS starts on the line, so a problem found later points at its cell.
    columns: tuple[int, ...]

    @property
    def kpi(self) -> str | None:
        return self.field[len(KPI_PREFIX) :] if self.field.startswith(KPI_PREFIX) else None

    @property
    def subject(self) -> str:
        """What the row sets, in report wording: ``KPI ctr actual`` or ``funnel entered``."""
        return f"KPI {self.kpi} actual" if self.kpi is not None else self.field.replace(".", " ")

    def column(self, name: str) -> int:
        return self.columns[COLUMNS.index(name)]


@dataclass(frozen=True)
class MetricsCsv:
    """A metrics CSV as read: its text (for excerpts), the rows that read well, the problems of the others."""

    display: str
    text: str
    rows: tuple[MetricRow, ...]
    problems: tuple[Diagnostic, ...]


def problem(file: str, line: int, column: int, code: Code, message: str) -> Diagnostic:
    return Diagnostic(file, line, column, code.code, code.name, message)


def _cell_columns(line: str, delimiter: str, columns: dict[str, int]) -> tuple[int, ...]:
    """1-based column where each of COLUMNS starts in one physical CSV line, split as the csv module does.

    A cell the line lacks is placed at its end.
    """
    starts = _cell_starts(line, delimiter)
    end = len(line.rstrip("\r\n")) + 1
    return tuple(starts[columns[name]] if columns[name] < len(starts) else end for name in COLUMNS)


def _cell_starts(line: str, delimiter: str) -> list[int]:
    """1-based column where each cell of one physical CSV line starts.

    A quote opens a quoted cell only at the start of the cell; inside one, ``""`` is a quote.
    """
    starts = [1]
    quoted = False
    cell_start = 0
    closed_at = -2
    for index, char in enumerate(line):
        if char == '"' and (quoted or index in (cell_start, closed_at + 1)):
            if quoted:
                closed_at = index
            quoted = not quoted
        elif char == delimiter and not quoted:
            cell_start = index + 1
            starts.append(index + 2)
    return starts


def parse_number(cell: str, *, decimal_comma: bool) -> tuple[int | float, str] | str:
    """(value, text to write) for a CSV cell, or the reason it is not a number."""
    written = cell.strip()
    compact = written.translate(_SPACES)
    if decimal_comma:
        compact = compact.replace(",", ".")
    if not compact:
        return "empty value"
    if not _NUMBER.fullmatch(compact):
        hint = " (with ',' between columns, write decimals with a point)" if "," in compact else ""
        return f"value {written!r} is not a number{hint}"
    number = decimal.Decimal(compact)  # exact: no context rounds it here
    if number.copy_abs() >= MAX_MAGNITUDE:
        return f"value {written!r} is too large"
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # a finite number
    kept = "".join(map(str, digits)).strip("0")
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if len(kept) > MAX_DIGITS:
        return (
            f"value {written!r} has {len(kept)} significant digits; at most {MAX_DIGITS} are kept,"
            " so round it"
        )
    if kept and -(exponent + trailing_zeros) > MAX_DIGITS:
        return f"value {written!r} has more than {MAX_DIGITS} digits after the point; round it"
    if number == number.to_integral_value():
        return int(number), str(int(number))
    text = format(number.normalize(), "f")
    return float(text), text


def read_metrics(path: pathlib.Path, display: str) -> MetricsCsv:
    """The rows of a metrics CSV that read well, and the problems of the others."""
    try:
        text = decode_table(read_bounded(path, MAX_FILE_BYTES))
    except OSError as error:
        raise UsageError(f"cannot read {display}: {error.strerror or error}") from None
    except FileTooLarge:
        raise BadInput(f"cannot read {display}: it is over {MAX_FILE_BYTES} bytes; nothing written") from None
    delimiter = table_delimiter(text)
    # The reader is given the physical lines, so that its `line_num` indexes them.
    lines = io.StringIO(text, newline="").readlines()
    rows: list[MetricRow] = []
    problems: list[Diagnostic] = []
    reader = csv.reader(lines, delimiter=delimiter)
    columns: dict[str, int] | None = None
    consumed = 0
    try:
        for cells in reader:
            # A row is reported at its first line; a quoted line break makes it span more.
            line, last_line = consumed + 1, reader.line_num
            consumed = last_line
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = {}
                for index, cell in enumerate(cells):
                    name = cell.strip().lower()
                    if name in COLUMNS and name in columns:
                        # csv.DictReader would keep the last one in silence.
                        starts = _cell_starts(lines[line - 1], delimiter) if line == last_line else [1]
                        column = starts[index] if index < len(starts) else 1
                        message = f"the header names the column {name!r} twice; keep one"
                        problems.append(problem(display, line, column, codes.CSV_LAYOUT, message))
                        return MetricsCsv(display, text, (), tuple(problems))
                    columns.setdefault(name, index)
                missing = [name for name in COLUMNS if name not in columns]
                if missing:
                    message = (
                        f"the header has no column {', '.join(map(repr, missing))}"
                        f" (it needs {', '.join(COLUMNS)}; delimiter read as {delimiter!r})"
                    )
                    problems.append(problem(display, line, 1, codes.CSV_LAYOUT, message))
                    return MetricsCsv(display, text, (), tuple(problems))
                continue
            # The cells of a row that spans lines are not all on its first line: point at its start.
            cell_columns = (
                _cell_columns(lines[line - 1], delimiter, columns) if line == last_line else _LINE_START
            )
            row = _read_row(cells, columns, line, cell_columns, decimal_comma=delimiter == ";")
            if isinstance(row, MetricRow):
                rows.append(row)
            else:
                column = cell_columns[COLUMNS.index(row.column)]
                problems.append(problem(display, line, column, row.code, row.message))
    except csv.Error as error:
        message = f"cannot read the CSV: {error}"
        problems.append(problem(display, consumed + 1, 1, codes.CSV_LAYOUT, message))
    if columns is None:
        message = f"empty file: the first row names the columns {', '.join(COLUMNS)}"
        problems.append(problem(display, 1, 1, codes.CSV_LAYOUT, message))
    return MetricsCsv(display, text, tuple(rows), tuple(problems))


class _Rejected(NamedTuple):
    """Why a row cannot be imported, and the cell (one of COLUMNS) at fault."""

    code: Code
    column: str
    message: str


def _read_row(
    cells: list[str],
    columns: dict[str, int],
    line: int,
    cell_columns: tuple[int, ...],
    *,
    decimal_comma: bool,
) -> MetricRow | _Rejected:
    def cell(name: str) -> str:
        index = columns[name]
        return cells[index].strip() if index < len(cells) else ""

    for name in ("journey", "stage", "field"):
        if not cell(name):
            return _Rejected(codes.INCOMPLETE_ROW, name, f"empty {name!r}")
    written = cell("field")
    if written.lower().startswith(KPI_PREFIX):
        kpi = written[len(KPI_PREFIX) :].strip()
        if not kpi:
            return _Rejected(
                codes.UNKNOWN_FIELD, "field", f"field {written!r} names no KPI: write kpi:<kpi-id>"
            )
        field_name = KPI_PREFIX + kpi
    elif written.lower() in FUNNEL_FIELDS:
        field_name = written.lower()
    else:
        hint = did_you_mean(written, list(FUNNEL_FIELDS))
        return _Rejected(
            codes.UNKNOWN_FIELD,
            "field",
            f"unknown field {written!r}{hint}: use kpi:<kpi-id>, funnel.entered or funnel.advanced",
        )
    number = parse_number(cell("value"), decimal_comma=decimal_comma)
    if isinstance(number, str):
        return _Rejected(codes.INVALID_NUMBER, "value", number)
    value, text = number
    if field_name in FUNNEL_FIELDS:
        if not isinstance(value, int):
            message = f"{field_name} takes a whole number of customers, got {text}"
            return _Rejected(codes.INVALID_NUMBER, "value", message)
        if value < 0:
            return _Rejected(codes.INVALID_NUMBER, "value", f"{field_name} cannot be negative, got {text}")
    return MetricRow(line, cell("journey"), cell("stage"), field_name, value, text, cell_columns)
