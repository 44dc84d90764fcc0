"""Planning the import: rows resolved to values of maps, each map's edit checked, then written or refused."""

from __future__ import annotations

import copy
import pathlib
import tempfile
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from cjmkit import codes
from cjmkit.diagnostics import Diagnostic, format_path, plural
from cjmkit.editing import compose, has_aliases, is_empty_scalar
from cjmkit.editing.metrics.reading import FUNNEL_FIELDS, MetricRow, MetricsCsv, problem
from cjmkit.editing.metrics.splicing import (
    Entry,
    MapEditor,
    UnsupportedLayout,
    check_edit,
    mapping_entry,
    sequence_item,
)
from cjmkit.encoding import BOM, split_bom
from cjmkit.errors import UsageError
from cjmkit.loading.document import Document, load_document
from cjmkit.loading.validation import did_you_mean
from cjmkit.loading.yaml_source import YamlPath
from cjmkit.output import Snapshot, WriteError, check_writable, write_atomic
from cjmkit.project import Project
from cjmkit.project.checks import check_journey

ABSENT = "—"


@dataclass(frozen=True)
class ValueEdit:
    """One value that the import sets in a map."""

    file: str
    journey: str
    stage: str
    subject: str
    old: str
    new: str
    #: The CSV line the value comes from.
    line: int

    def __str__(self) -> str:
        return f"{self.journey} / {self.stage} / {self.subject} {self.old} -> {self.new}"


@dataclass(frozen=True)
class FileUpdate:
    path: pathlib.Path
    display: str
    text: str
    bom: bool
    #: The file when the edit was planned: it is written only while it still matches.
    read: Snapshot
    #: Its bytes then, put back if a later file of the same import cannot be written.
    original: bytes

    @property
    def content(self) -> bytes:
        return (BOM if self.bom else b"") + self.text.encode("utf-8")

    @classmethod
    def of(cls, document: Document, text: str) -> FileUpdate:
        """``document``'s file to get ``text``; WriteError if it changed since it was loaded."""
        # The loaded text has lost its BOM; the file on disk tells whether to write one back.
        read, raw = Snapshot.read(document.path)
        body, bom = split_bom(raw)
        if body != document.text.encode("utf-8"):
            raise WriteError(f"{document.display} changed since it was read; run the command again")
        return cls(document.path, document.display, text, bom, read, raw)


def write_all(updates: list[FileUpdate]) -> None:
    """Write every updated map, or none: a failure puts back the maps already written.

    Every target is checked first (still the file that was read, a writable regular file in a
    writable folder), so a refusal writes nothing. Raises :class:`cjmkit.output.WriteError`
    naming the file and saying what was put back.
    """
    for update in updates:
        check_writable(update.path)
        update.read.check(update.path)
    written: list[FileUpdate] = []
    for update in updates:
        try:
            write_atomic(update.path, update.content, original=update.read)
        except WriteError as error:
            raise WriteError(f"{error}; {_restore(written)}") from None
        written.append(update)


def edited_map(document: Document, text: str, workspace: Document | None) -> Document:
    """``document`` with ``text``, loaded and checked as if it were written (nothing is)."""
    with tempfile.TemporaryDirectory(prefix="cjm-edit-") as folder:
        edited_path = pathlib.Path(folder) / document.path.name
        edited_path.write_text(text, encoding="utf-8")
        edited = load_document(edited_path, document.display)
        if edited.data is not None:
            check_journey(edited, workspace)
    return edited


@dataclass
class ImportPlan:
    """Everything the import would do, or every reason it cannot."""

    edits: list[ValueEdit] = field(default_factory=list)
    unchanged: int = 0
    #: The CSV's problems first, by line, then those of the maps.
    problems: list[Diagnostic] = field(default_factory=list)
    #: The text each problem's file had when it was found (an edited map's new text), for excerpts.
    sources: dict[str, str] = field(default_factory=dict)
    updates: list[FileUpdate] = field(default_factory=list)

    def write(self) -> None:
        """Write every updated map, or none (see :func:`write_all`)."""
        if self.problems:
            raise UsageError("the import has problems; nothing may be written")
        write_all(self.updates)


def _restore(written: list[FileUpdate]) -> str:
    """Put back the maps an interrupted import wrote; say what happened to them."""
    if not written:
        return "no map was changed"
    lost: list[str] = []
    for update in written:
        try:
            write_atomic(update.path, update.original)
        except WriteError:
            lost.append(update.display)
    if lost:
        return f"could not put back {', '.join(lost)}, which hold the imported values"
    return f"the {plural(len(written), 'map')} already written were put back; no map was changed"


@dataclass
class _Resolved:
    row: MetricRow
    document: Document
    stage: int
    kpi: int | None
    path: YamlPath


def _target(row: MetricRow, stage: int, kpi: int | None) -> YamlPath:
    if kpi is not None:
        return ("stages", stage, "kpis", kpi, "actual")
    return ("stages", stage, "funnel", row.field.split(".", 1)[1])


def _ids(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(item.get("id")) for item in items if isinstance(item, dict) and "id" in item]


def _resolve(
    rows: tuple[MetricRow, ...], project: Project, csv_display: str
) -> tuple[list[_Resolved], list[Diagnostic]]:
    journeys: dict[str, list[Document]] = {}
    for document in project.journeys:
        if (
            document.requested
            and isinstance(document.data, dict)
            and isinstance(document.data.get("id"), str)
        ):
            journeys.setdefault(document.data["id"], []).append(document)
    resolved: list[_Resolved] = []
    problems: list[Diagnostic] = []
    seen: dict[tuple[pathlib.Path, YamlPath], int] = {}
    for row in rows:

        def report(code: codes.Code, cell: str, message: str, row: MetricRow = row) -> None:
            problems.append(problem(csv_display, row.line, row.column(cell), code, message))

        found = journeys.get(row.journey, [])
        if not found:
            known = sorted(journeys)
            hint = did_you_mean(row.journey, known)
            if not hint and 0 < len(known) <= 5:
                hint = f" (the maps read define {', '.join(map(repr, known))})"
            report(codes.UNKNOWN_JOURNEY, "journey", f"unknown journey {row.journey!r}{hint}")
            continue
        if len(found) > 1:
            files = ", ".join(d.display for d in found)
            message = f"journey {row.journey!r} is defined by several files: {files}"
            report(codes.AMBIGUOUS_JOURNEY, "journey", message)
            continue
        document = found[0]
        assert document.data is not None
        stages = document.data.get("stages")
        stage_ids = _ids(stages)
        if row.stage not in stage_ids:
            hint = did_you_mean(row.stage, stage_ids)
            message = f"unknown stage {row.stage!r} in journey {row.journey!r}{hint}"
            report(codes.UNKNOWN_STAGE, "stage", message)
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
                report(codes.UNKNOWN_KPI, "field", f"unknown KPI {row.kpi!r} in stage {row.stage!r}{hint}")
                continue
            kpi_index = kpi_ids.index(row.kpi)
        path = _target(row, stage_index, kpi_index)
        if (document.path, path) in seen:
            message = (
                f"{row.field} of stage {row.stage!r} in journey {row.journey!r}"
                f" is already set on line {seen[(document.path, path)]}"
            )
            report(codes.REPEATED_ROW, "field", message)
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
    root = compose(document.text)
    editor = MapEditor(document.text)
    stages_entry = mapping_entry(root, "stages")
    stage_nodes = stages_entry[1] if stages_entry else None
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
        stage_node = sequence_item(stage_nodes, target.stage)
        if not isinstance(stage_node, MappingNode):
            raise UnsupportedLayout(f"stage {target.row.stage!r} is not a mapping")
        if target.kpi is not None:
            kpis = mapping_entry(stage_node, "kpis")
            kpi_node = sequence_item(kpis[1] if kpis else None, target.kpi)
            if not isinstance(kpi_node, MappingNode):
                raise UnsupportedLayout(f"KPI {target.row.kpi!r} is not a mapping")
            actual = mapping_entry(kpi_node, "actual")
            if actual:
                editor.set_value(*actual, target.row.text)
            else:
                editor.add_keys(kpi_node, [("actual", target.row.text)], rank=-4)
        else:
            funnel_rows.setdefault(target.stage, []).append(target)
    for stage, rows in funnel_rows.items():
        _plan_funnel(editor, sequence_item(stage_nodes, stage), rows)
    if not changed:
        return
    text = editor.result()
    check_edit(text, expected, "the edit would change more than the targeted values")
    problems = _validate(document, text, project, changed, csv_display)
    if problems:
        plan.problems += problems
        if any(problem.file == document.display for problem in problems):
            plan.sources[document.display] = text
        return
    for target in changed:
        old = _old_value(document.data, target.path)
        stage = document.data["stages"][target.stage]
        plan.edits.append(
            ValueEdit(
                file=document.display,
                journey=str(document.data.get("id")),
                stage=str(stage.get("name") or stage.get("id")),
                subject=target.row.subject,
                old=ABSENT if old is None else _old_text(editor, root, target.path, old),
                new=target.row.text,
                line=target.row.line,
            )
        )
    plan.updates.append(FileUpdate.of(document, text))


def _plan_funnel(editor: MapEditor, stage_node: Node | None, rows: list[_Resolved]) -> None:
    if not isinstance(stage_node, MappingNode):
        raise UnsupportedLayout("the stage is not a mapping")
    values = sorted(
        ((row.row.field.split(".", 1)[1], row.row.text) for row in rows),
        key=lambda entry: FUNNEL_FIELDS.index(f"funnel.{entry[0]}"),
    )
    funnel = mapping_entry(stage_node, "funnel")
    if funnel is None:
        editor.add_keys(stage_node, [("funnel", values)], rank=-2)
        return
    key, value = funnel
    if isinstance(value, ScalarNode) and value.tag == "tag:yaml.org,2002:null":
        if stage_node.flow_style or value.style is not None:
            raise UnsupportedLayout("the funnel is written in a way this command does not edit")
        editor.replace_empty_with_mapping(key, value, values)
        return
    if not isinstance(value, MappingNode):
        raise UnsupportedLayout("the funnel is not a mapping")
    missing: list[Entry] = []
    for name, text in values:
        existing = mapping_entry(value, name)
        if existing:
            editor.set_value(*existing, text)
        else:
            missing.append((name, text))
    if missing:
        if not value.value and not value.flow_style:
            raise UnsupportedLayout("the funnel is written in a way this command does not edit")
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


def _old_text(editor: MapEditor, root: Node | None, path: YamlPath, old: Any) -> str:
    """The old value as the map writes it (``0.032``, not ``0.032000000000000001``)."""
    node = root
    for part in path:
        entry = mapping_entry(node, part) if isinstance(part, str) else None
        node = entry[1] if entry else sequence_item(node, part) if isinstance(part, int) else None
    if isinstance(node, ScalarNode) and not is_empty_scalar(node):
        return editor.source(node)
    return str(old)


def _validate(
    document: Document, text: str, project: Project, changed: list[_Resolved], csv_display: str
) -> list[Diagnostic]:
    """Validation errors of the edited map, each tied to the CSV row that causes it."""
    edited = edited_map(document, text, project.workspace_for(document))
    problems: list[Diagnostic] = []
    for diagnostic in edited.diagnostics:
        row = _row_for(diagnostic.path, changed)
        if row is None:
            # The map was valid before, so the edit caused it, but no one row can be blamed.
            message = f"after the import: {diagnostic.message}"
            problems.append(
                problem(diagnostic.file, diagnostic.line, diagnostic.column, codes.INVALID_RESULT, message)
            )
        else:
            message = (
                f"cannot set {row.subject} of stage {row.stage!r}"
                f" in journey {row.journey!r} to {row.text}: {diagnostic.message}"
            )
            problems.append(
                problem(csv_display, row.line, row.column("value"), codes.INVALID_RESULT, message)
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


def _refusal(document: Document) -> Diagnostic | None:
    """Why the import leaves a map alone before trying to edit it."""
    if document.diagnostics:
        first = min(document.diagnostics, key=lambda d: d.sort_key)
        message = (
            f"the map has {plural(len(document.diagnostics), 'validation error')} (the first is here);"
            f" fix them first (`cjm validate {document.display}`)"
        )
        return problem(document.display, first.line, first.column, codes.INVALID_MAP, message)
    if has_aliases(document.text):
        message = "uses YAML aliases (*name); `cjm metrics import` does not edit such files"
        return problem(document.display, 1, 1, codes.NOT_EDITABLE, message)
    return None


def plan_import(metrics: MetricsCsv, project: Project) -> ImportPlan:
    """What importing the CSV's rows into the project's maps would change (nothing is written)."""
    plan = ImportPlan(sources={metrics.display: metrics.text})
    resolved, plan.problems = _resolve(metrics.rows, project, metrics.display)
    by_document: dict[pathlib.Path, list[_Resolved]] = {}
    documents: dict[pathlib.Path, Document] = {}
    for target in resolved:
        by_document.setdefault(target.document.path, []).append(target)
        documents[target.document.path] = target.document
    for path, targets in by_document.items():
        document = documents[path]
        refusal = _refusal(document)
        if refusal is None:
            try:
                _plan_document(document, targets, project, metrics.display, plan)
            except (UnsupportedLayout, YAMLError) as error:
                message = f"cannot edit this map safely: {error}"
                refusal = problem(document.display, 1, 1, codes.NOT_EDITABLE, message)
        if refusal is not None:
            plan.problems.append(refusal)
            plan.sources[document.display] = document.text
    plan.problems = sorted(
        [*metrics.problems, *plan.problems], key=lambda p: (p.file != metrics.display, p.sort_key)
    )
    if plan.problems:
        plan.updates.clear()
    plan.edits.sort(key=lambda edit: edit.line)
    return plan
