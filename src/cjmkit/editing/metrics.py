"""`cjm metrics import`: set KPI actuals and funnel volumes from an analytics CSV export.

The CSV has a header row with the columns ``journey``, ``stage``, ``field`` and
``value`` (any order, any case; other columns are ignored) and one value per row:

- ``field`` is ``kpi:<kpi-id>`` (sets that KPI's ``actual``), ``funnel.entered``
  or ``funnel.advanced``;
- ``journey`` and ``stage`` are ids from the maps;
- the delimiter is ``;`` when the header holds more ``;`` than ``,``, else ``,``.
  With ``;`` (spreadsheets in Russian and most European locales) a decimal
  comma is accepted: ``0,041`` is 0.041. Spaces inside numbers (``60 000``)
  are ignored. The file is read as UTF-8 (with or without BOM), else as
  Windows-1251.

Only the targeted values change; the rest of each file stays byte for byte. An
existing value is replaced where it stands (located by the marks of ruamel's
composer). A missing one is added as a new line after the last key of its KPI
(``actual``) or stage (``funnel:`` with the values given), at that mapping's
indentation; in a one-line ``{...}`` mapping it is added before the ``}``.

The whole CSV is checked before anything is written: unknown journeys, stages
or KPIs, bad numbers, repeated rows, and values that would make a map invalid
(a ratio of 4.1, advanced above entered) are all reported with their CSV line,
and then nothing is written.
"""

from __future__ import annotations

import copy
import csv
import dataclasses
import decimal
import io
import pathlib
import re
import tempfile
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cjmkit.diagnostics import format_path
from cjmkit.editing import MAPPING_INDENT, SourceText, compose, has_aliases, is_empty_scalar
from cjmkit.encoding import BOM
from cjmkit.errors import UsageError
from cjmkit.loading.document import Document, load_document
from cjmkit.loading.validation import did_you_mean
from cjmkit.loading.yaml_source import YamlPath, YamlProblems, parse_yaml
from cjmkit.output import write_atomic
from cjmkit.project import Project
from cjmkit.project.checks import check_journey

COLUMNS = ("journey", "stage", "field", "value")
FUNNEL_FIELDS = ("funnel.entered", "funnel.advanced")
KPI_PREFIX = "kpi:"
ABSENT = "—"
#: Larger magnitudes are surely a unit mistake (and would print in exponent form).
MAX_MAGNITUDE = decimal.Decimal(10) ** 15

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_SPACES = str.maketrans("", "", " \u00a0\u202f\t")


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

    @property
    def kpi(self) -> str | None:
        return self.field[len(KPI_PREFIX) :] if self.field.startswith(KPI_PREFIX) else None

    @property
    def subject(self) -> str:
        """What the row sets, in report wording: ``KPI ctr actual`` or ``funnel entered``."""
        return f"KPI {self.kpi} actual" if self.kpi is not None else self.field.replace(".", " ")


@dataclass(frozen=True)
class Change:
    """One value that the import sets."""

    file: str
    journey: str
    stage: str
    subject: str
    old: str
    new: str
    line: int

    def __str__(self) -> str:
        return f"{self.journey} / {self.stage} / {self.subject} {self.old} -> {self.new}"


@dataclass(frozen=True)
class Issue:
    """A reason the import cannot go ahead, at a line of the CSV (or of a map; line 0: the whole file)."""

    file: str
    line: int
    message: str
    column: int = 0

    def __str__(self) -> str:
        where = (
            self.file + (f":{self.line}" if self.line else "") + (f":{self.column}" if self.column else "")
        )
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class FileUpdate:
    path: pathlib.Path
    display: str
    text: str
    bom: bool


@dataclass
class ImportPlan:
    """Everything the import would do, or every reason it cannot."""

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Issue] = field(default_factory=list)
    updates: list[FileUpdate] = field(default_factory=list)

    def write(self) -> None:
        if self.problems:
            raise UsageError("the import has problems; nothing may be written")
        for update in self.updates:
            write_atomic(update.path, (BOM if update.bom else b"") + update.text.encode("utf-8"))


# --- reading the CSV ---------------------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in a Russian locale saves "CSV (semicolon delimited)" in Windows-1251.
        return raw.decode("cp1251")


def _delimiter(text: str) -> str:
    header = next((line for line in text.splitlines() if line.strip()), "")
    return ";" if header.count(";") > header.count(",") else ","


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
    number = decimal.Decimal(compact)
    if abs(number) >= MAX_MAGNITUDE:
        return f"value {written!r} is too large"
    if number == number.to_integral_value():
        return int(number), str(int(number))
    text = format(number.normalize(), "f")
    return float(text), text


def read_metrics(path: pathlib.Path, display: str) -> tuple[list[MetricRow], list[Issue]]:
    """The rows of a metrics CSV that read well, and the problems of the others."""
    try:
        text = _decode(path.read_bytes())
    except OSError as error:
        raise UsageError(f"cannot read {display}: {error.strerror or error}") from None
    delimiter = _delimiter(text)
    rows: list[MetricRow] = []
    problems: list[Issue] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns: dict[str, int] | None = None
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if columns is None:
                columns = {cell.strip().lower(): i for i, cell in enumerate(cells)}
                missing = [name for name in COLUMNS if name not in columns]
                if missing:
                    problems.append(
                        Issue(
                            display,
                            line,
                            f"the header has no column {', '.join(map(repr, missing))}"
                            f" (it needs {', '.join(COLUMNS)}; delimiter read as {delimiter!r})",
                        )
                    )
                    return [], problems
                continue
            row = _read_row(cells, columns, line, decimal_comma=delimiter == ";")
            if isinstance(row, MetricRow):
                rows.append(row)
            else:
                problems.append(Issue(display, line, row))
    except csv.Error as error:
        problems.append(Issue(display, reader.line_num, f"cannot read the CSV: {error}"))
    if columns is None:
        problems.append(
            Issue(display, 1, f"empty file: the first row names the columns {', '.join(COLUMNS)}")
        )
    return rows, problems


def _read_row(
    cells: list[str], columns: dict[str, int], line: int, *, decimal_comma: bool
) -> MetricRow | str:
    def cell(name: str) -> str:
        index = columns[name]
        return cells[index].strip() if index < len(cells) else ""

    for name in ("journey", "stage", "field"):
        if not cell(name):
            return f"empty {name!r}"
    written = cell("field")
    if written.lower().startswith(KPI_PREFIX):
        kpi = written[len(KPI_PREFIX) :].strip()
        if not kpi:
            return f"field {written!r} names no KPI: write kpi:<kpi-id>"
        field_name = KPI_PREFIX + kpi
    elif written.lower() in FUNNEL_FIELDS:
        field_name = written.lower()
    else:
        hint = did_you_mean(written, list(FUNNEL_FIELDS))
        return f"unknown field {written!r}{hint}: use kpi:<kpi-id>, funnel.entered or funnel.advanced"
    number = parse_number(cell("value"), decimal_comma=decimal_comma)
    if isinstance(number, str):
        return number
    value, text = number
    if field_name in FUNNEL_FIELDS:
        if not isinstance(value, int):
            return f"{field_name} takes a whole number of customers, got {text}"
        if value < 0:
            return f"{field_name} cannot be negative, got {text}"
    return MetricRow(line, cell("journey"), cell("stage"), field_name, value, text)


# --- locating values in a map's text -----------------------------------------------------------------


@dataclass(order=True)
class _Edit:
    start: int
    #: Deeper mappings first when two insertions meet at the same place (a KPI before its stage).
    rank: int
    end: int
    text: str = dataclasses.field(compare=False)


def _pair(mapping: Node | None, key: str) -> tuple[Node, Node] | None:
    if not isinstance(mapping, MappingNode):
        return None
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _item(sequence: Node | None, index: int) -> Node | None:
    if isinstance(sequence, SequenceNode) and 0 <= index < len(sequence.value):
        return sequence.value[index]  # type: ignore[no-any-return]
    return None


class _Editor(SourceText):
    """Edits of one map's text, each a splice at known offsets."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.edits: list[_Edit] = []

    def source(self, node: Node) -> str:
        return self.text[node.start_mark.index : node.end_mark.index]

    def set_value(self, key: Node, value: Node, text: str) -> None:
        if is_empty_scalar(value):
            colon = self.text.index(":", key.end_mark.index)
            self.edits.append(_Edit(colon + 1, 0, colon + 1, " " + text))
        elif isinstance(value, ScalarNode):
            self.edits.append(_Edit(value.start_mark.index, 0, value.end_mark.index, text))
        else:
            raise _Unsupported("the value there is not a number")

    def add_keys(
        self, mapping: MappingNode, entries: list[tuple[str, str | list[tuple[str, str]]]], rank: int
    ) -> None:
        """Add ``key: value`` entries (a value may be a mapping of ``key: number``) to a mapping."""
        if mapping.flow_style:
            parts = [
                f"{key}: {{{', '.join(f'{k}: {v}' for k, v in value)}}}"
                if isinstance(value, list)
                else f"{key}: {value}"
                for key, value in entries
            ]
            if mapping.value:
                position = mapping.value[-1][1].end_mark.index
                self.edits.append(_Edit(position, rank, position, ", " + ", ".join(parts)))
            else:
                position = mapping.end_mark.index - 1
                if self.text[position : position + 1] != "}":
                    raise _Unsupported("the mapping is laid out in a way this command does not edit")
                self.edits.append(_Edit(position, rank, position, ", ".join(parts)))
            return
        first_key = mapping.value[0][0]
        column = first_key.start_mark.column
        last = self.last_line(mapping, first_key.start_mark.line)
        lines: list[str] = []
        for key, value in entries:
            if isinstance(value, list):
                lines.append(f"{' ' * column}{key}:")
                step = self.indent_step(mapping)
                lines += [f"{' ' * (column + step)}{k}: {v}" for k, v in value]
            else:
                lines.append(f"{' ' * column}{key}: {value}")
        position = self.line_end(last)
        self.edits.append(_Edit(position, rank, position, "".join(self.newline + line for line in lines)))

    def replace_empty_with_mapping(self, key: Node, value: Node, entries: list[tuple[str, str]]) -> None:
        """``funnel:`` or ``funnel: null`` becomes a block mapping of the entries."""
        colon = self.text.index(":", key.end_mark.index)
        if not is_empty_scalar(value):
            self.edits.append(_Edit(colon + 1, 0, value.end_mark.index, ""))
        column = key.start_mark.column + MAPPING_INDENT
        position = self.line_end(key.start_mark.line)
        text = "".join(f"{self.newline}{' ' * column}{k}: {v}" for k, v in entries)
        self.edits.append(_Edit(position, 0, position, text))

    def indent_step(self, mapping: MappingNode) -> int:
        """How far this file indents a nested mapping under its key (2 unless it shows otherwise)."""
        for key, value in mapping.value:
            if isinstance(value, MappingNode) and not value.flow_style and value.value:
                step = int(value.value[0][0].start_mark.column - key.start_mark.column)
                if step > 0:
                    return step
        return MAPPING_INDENT

    def result(self) -> str:
        out: list[str] = []
        position = 0
        for edit in sorted(self.edits):
            if edit.start < position:
                raise _Unsupported("two values to set overlap in the text")
            out += [self.text[position : edit.start], edit.text]
            position = edit.end
        return "".join(out) + self.text[position:]


class _Unsupported(Exception):
    """The map is written in a way the import cannot edit safely."""


# --- planning the import -----------------------------------------------------------------------------


def _target(row: MetricRow, stage: int, kpi: int | None) -> YamlPath:
    if kpi is not None:
        return ("stages", stage, "kpis", kpi, "actual")
    return ("stages", stage, "funnel", row.field.split(".", 1)[1])


@dataclass
class _Resolved:
    row: MetricRow
    document: Document
    stage: int
    kpi: int | None
    path: YamlPath


def _ids(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(item.get("id")) for item in items if isinstance(item, dict) and "id" in item]


def _resolve(
    rows: list[MetricRow], project: Project, csv_display: str
) -> tuple[list[_Resolved], list[Issue]]:
    journeys: dict[str, list[Document]] = {}
    for document in project.journeys:
        if (
            document.requested
            and isinstance(document.data, dict)
            and isinstance(document.data.get("id"), str)
        ):
            journeys.setdefault(document.data["id"], []).append(document)
    resolved: list[_Resolved] = []
    problems: list[Issue] = []
    seen: dict[tuple[pathlib.Path, YamlPath], int] = {}
    for row in rows:

        def problem(message: str, row: MetricRow = row) -> None:
            problems.append(Issue(csv_display, row.line, message))

        found = journeys.get(row.journey, [])
        if not found:
            known = sorted(journeys)
            hint = did_you_mean(row.journey, known)
            if not hint and 0 < len(known) <= 5:
                hint = f" (the maps read define {', '.join(map(repr, known))})"
            problem(f"unknown journey {row.journey!r}{hint}")
            continue
        if len(found) > 1:
            files = ", ".join(d.display for d in found)
            problem(f"journey {row.journey!r} is defined by several files: {files}")
            continue
        document = found[0]
        assert document.data is not None
        stages = document.data.get("stages")
        stage_ids = _ids(stages)
        if row.stage not in stage_ids:
            hint = did_you_mean(row.stage, stage_ids)
            problem(f"unknown stage {row.stage!r} in journey {row.journey!r}{hint}")
            continue
        stage_index = stage_ids.index(row.stage)
        assert isinstance(stages, list)
        kpi_index = None
        if row.kpi is not None:
            kpi_ids = _ids(stages[stage_index].get("kpis"))
            if row.kpi not in kpi_ids:
                hint = did_you_mean(row.kpi, kpi_ids)
                elsewhere = [
                    str(stage.get("id"))
                    for stage in stages
                    if isinstance(stage, dict) and row.kpi in _ids(stage.get("kpis"))
                ]
                if elsewhere and not hint:
                    hint = f" (it is a KPI of stage {elsewhere[0]!r})"
                elif kpi_ids and not hint:
                    hint = f" (this stage's KPIs: {', '.join(kpi_ids)})"
                problem(f"unknown KPI {row.kpi!r} in stage {row.stage!r}{hint}")
                continue
            kpi_index = kpi_ids.index(row.kpi)
        path = _target(row, stage_index, kpi_index)
        if (document.path, path) in seen:
            problem(
                f"{row.field} of stage {row.stage!r} in journey {row.journey!r}"
                f" is already set on line {seen[(document.path, path)]}"
            )
            continue
        seen[(document.path, path)] = row.line
        resolved.append(_Resolved(row, document, stage_index, kpi_index, path))
    return resolved, problems


def _set(container: Any, path: YamlPath, value: Any) -> None:
    for part in path[:-1]:
        if isinstance(part, str) and isinstance(container, dict) and container.get(part) is None:
            container[part] = {}
        container = container[part]
    container[path[-1]] = value


def _plan_document(
    document: Document, targets: list[_Resolved], project: Project, csv_display: str, plan: ImportPlan
) -> None:
    assert document.data is not None
    if has_aliases(document.text):
        plan.problems.append(
            Issue(
                document.display,
                0,
                "uses YAML aliases (*name); `cjm metrics import` does not edit such files",
            )
        )
        return
    root = compose(document.text)
    editor = _Editor(document.text)
    stages_pair = _pair(root, "stages")
    stage_nodes = stages_pair[1] if stages_pair else None
    expected = copy.deepcopy(document.data)
    changed: list[_Resolved] = []
    funnel_rows: dict[int, list[_Resolved]] = {}
    for target in targets:
        old = _old_value(document.data, target.path)
        if isinstance(old, int | float) and not isinstance(old, bool) and old == target.row.value:
            plan.unchanged += 1
            continue
        changed.append(target)
        _set(expected, target.path, target.row.value)
        stage_node = _item(stage_nodes, target.stage)
        if not isinstance(stage_node, MappingNode):
            raise _Unsupported(f"stage {target.row.stage!r} is not a mapping")
        if target.kpi is not None:
            kpis = _pair(stage_node, "kpis")
            kpi_node = _item(kpis[1] if kpis else None, target.kpi)
            if not isinstance(kpi_node, MappingNode):
                raise _Unsupported(f"KPI {target.row.kpi!r} is not a mapping")
            actual = _pair(kpi_node, "actual")
            if actual:
                editor.set_value(*actual, target.row.text)
            else:
                editor.add_keys(kpi_node, [("actual", target.row.text)], rank=-4)
        else:
            funnel_rows.setdefault(target.stage, []).append(target)
    for stage, rows in funnel_rows.items():
        _plan_funnel(editor, _item(stage_nodes, stage), rows)
    if not changed:
        return
    text = editor.result()
    _check_edit(document, text, expected)
    problems = _validate(document, text, project, changed, csv_display)
    if problems:
        plan.problems += problems
        return
    for target in changed:
        old = _old_value(document.data, target.path)
        stage = document.data["stages"][target.stage]
        plan.changes.append(
            Change(
                file=document.display,
                journey=str(document.data.get("id")),
                stage=str(stage.get("name") or stage.get("id")),
                subject=target.row.subject,
                old=ABSENT if old is None else _old_text(editor, root, target.path, old),
                new=target.row.text,
                line=target.row.line,
            )
        )
    raw = document.path.read_bytes()
    plan.updates.append(FileUpdate(document.path, document.display, text, raw.startswith(BOM)))


def _plan_funnel(editor: _Editor, stage_node: Node | None, rows: list[_Resolved]) -> None:
    if not isinstance(stage_node, MappingNode):
        raise _Unsupported("the stage is not a mapping")
    values = sorted(
        ((row.row.field.split(".", 1)[1], row.row.text) for row in rows),
        key=lambda entry: FUNNEL_FIELDS.index(f"funnel.{entry[0]}"),
    )
    funnel = _pair(stage_node, "funnel")
    if funnel is None:
        editor.add_keys(stage_node, [("funnel", values)], rank=-2)
        return
    key, value = funnel
    if isinstance(value, ScalarNode) and value.tag == "tag:yaml.org,2002:null":
        if stage_node.flow_style or value.style is not None:
            raise _Unsupported("the funnel is written in a way this command does not edit")
        editor.replace_empty_with_mapping(key, value, values)
        return
    if not isinstance(value, MappingNode):
        raise _Unsupported("the funnel is not a mapping")
    missing: list[tuple[str, str | list[tuple[str, str]]]] = []
    for name, text in values:
        existing = _pair(value, name)
        if existing:
            editor.set_value(*existing, text)
        else:
            missing.append((name, text))
    if missing:
        if not value.value and not value.flow_style:
            raise _Unsupported("the funnel is written in a way this command does not edit")
        editor.add_keys(value, missing, rank=-3)


def _old_value(data: Any, path: YamlPath) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _old_text(editor: _Editor, root: Node | None, path: YamlPath, old: Any) -> str:
    """The old value as the map writes it (``0.032``, not ``0.032000000000000001``)."""
    node = root
    for part in path:
        pair = _pair(node, part) if isinstance(part, str) else None
        node = pair[1] if pair else _item(node, part) if isinstance(part, int) else None
    if isinstance(node, ScalarNode) and not is_empty_scalar(node):
        return editor.source(node)
    return str(old)


def _check_edit(document: Document, text: str, expected: Any) -> None:
    """The edited text must read exactly as the old one with the new values."""
    try:
        parsed = parse_yaml(text)
    except YamlProblems as problems:
        raise _Unsupported(f"the edit would not parse ({problems.problems[0].message})") from None
    if parsed is None or parsed.data != expected:
        raise _Unsupported("the edit would change more than the targeted values")


def _validate(
    document: Document, text: str, project: Project, changed: list[_Resolved], csv_display: str
) -> list[Issue]:
    """Validation errors of the edited map, each tied to the CSV row that causes it."""
    with tempfile.TemporaryDirectory(prefix="cjm-metrics-") as folder:
        edited_path = pathlib.Path(folder) / document.path.name
        edited_path.write_text(text, encoding="utf-8")
        edited = load_document(edited_path, document.display)
        if edited.data is not None:
            check_journey(edited, project.workspace_for(document))
    problems: list[Issue] = []
    for diagnostic in edited.diagnostics:
        row = _row_for(diagnostic.path, changed)
        if row is None:
            problems.append(
                Issue(
                    diagnostic.file,
                    diagnostic.line,
                    f"after the import: {diagnostic.message}",
                    diagnostic.column,
                )
            )
        else:
            problems.append(
                Issue(
                    csv_display,
                    row.line,
                    f"cannot set {row.subject} of stage {row.stage!r}"
                    f" in journey {row.journey!r} to {row.text}: {diagnostic.message}",
                )
            )
    return problems


def _row_for(diagnostic_path: str, changed: list[_Resolved]) -> MetricRow | None:
    for target in changed:
        if format_path(target.path) == diagnostic_path:
            return target.row
    for target in changed:
        if diagnostic_path.startswith(format_path(target.path[:-1])):
            return target.row
    return None


def plan_import(rows: list[MetricRow], project: Project, csv_display: str) -> ImportPlan:
    """What importing ``rows`` into the project's maps would change (nothing is written)."""
    plan = ImportPlan()
    resolved, plan.problems = _resolve(rows, project, csv_display)
    by_document: dict[pathlib.Path, list[_Resolved]] = {}
    documents: dict[pathlib.Path, Document] = {}
    for target in resolved:
        by_document.setdefault(target.document.path, []).append(target)
        documents[target.document.path] = target.document
    for path, targets in by_document.items():
        document = documents[path]
        if document.diagnostics:
            plan.problems.append(
                Issue(
                    document.display,
                    0,
                    f"the map has {len(document.diagnostics)} validation error(s);"
                    f" fix them first (`cjm validate {document.display}`)",
                )
            )
            continue
        try:
            _plan_document(document, targets, project, csv_display, plan)
        except (_Unsupported, YAMLError) as error:
            plan.problems.append(Issue(document.display, 0, f"cannot edit this map safely: {error}"))
    if plan.problems:
        plan.updates.clear()
    plan.changes.sort(key=lambda change: change.line)
    return plan
