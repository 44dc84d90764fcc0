"""`cjm convert BOOK.xlsx --into MAP.yaml`: the edits a client made in a workbook, back in the map.

The workbook is compared with the one the map gives now (rendered in memory by the same code
as `cjm render --to xlsx`), cell by cell; only the cells that differ are read, so whatever the
grid shows in a lossy way (a KPI summary, a stage's phase in its header) counts only where
somebody changed it. Stages and KPIs are recognised by the ids in the workbook's hidden row
and columns, so renamed ones stay the same elements; a stage column or KPI row without an id
is new, and one that is gone is removed. Within a cell, list lanes are matched line by line:
an edited touchpoint keeps its id, description and everything else the grid does not show.

The workbook must have been written from the map as it is now (the fingerprint on its hidden
sheet): otherwise a cell that differs could be the client's edit or the map's own change since,
and the merge refuses (C102) unless told to take the workbook's side (``force``).

Everything is checked before anything is written: a cell that cannot be brought back (C101,
at its sheet and cell), edits that would make the map invalid (C103). The map is then edited
in place by :func:`cjmkit.editing.patching.patch_text`: every comment and untouched byte stays.
"""

from __future__ import annotations

import copy
import difflib
import pathlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cjmkit import codes
from cjmkit.diagnostics import Diagnostic, Severity
from cjmkit.editing.metrics.planning import FileUpdate, edited_map, write_all
from cjmkit.editing.metrics.splicing import UnsupportedLayout
from cjmkit.errors import UsageError
from cjmkit.interop.readers.grid import (
    LIST_LANES,
    SUMMARY_LANES,
    CellError,
    Grid,
    MapGrid,
    StageColumn,
    cell_problem,
    normal,
    parse_emotion,
    parse_header,
    parse_items,
    parse_pair,
    parse_phase,
    parse_touchpoint,
    read_map_grid,
)
from cjmkit.interop.readers.workbook import (
    FUNNEL_FIELDS,
    KPI_FIELDS,
    UNITS,
    Book,
    BookError,
    book_of,
    direction,
    economics_row,
    id_column,
    number,
    read_book,
    whole,
)
from cjmkit.loading.document import Document
from cjmkit.slugs import Ids

#: How alike an edited line's subject must be to the old one to edit that element (difflib ratio).
SIMILAR = 0.6
#: Lists of mappings in a stage, the text key and the answer key their cell shows.
PAIRS = {"objections": ("objection", "response"), "barriers": ("barrier", "recommendation")}


@dataclass
class MergePlan:
    """What bringing the workbook back would change, or every reason it cannot."""

    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    #: The semantic diff of the map, a line per change.
    changes: list[str] = field(default_factory=list)
    update: FileUpdate | None = None
    #: Text per file for excerpts under the problems.
    sources: dict[str, str] = field(default_factory=dict)
    #: Sheets of the workbook that are none of the layout's: not read.
    unread: list[str] = field(default_factory=list)

    def write(self) -> None:
        if self.problems or self.update is None:
            raise UsageError("the workbook's edits have problems; nothing may be written")
        write_all([self.update])


class _Merge:
    def __init__(
        self, display: str, edited: Book, base: Book, data: dict[str, Any], channels: dict[str, str]
    ):
        self.display = display
        self.edited = edited
        self.base = base
        self.data = data
        #: Channel names (folded) and ids -> id, of the journey and its workspace.
        self.channels = channels
        self.problems: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        stages = data["stages"]
        self.ids = {"stage": Ids((s["id"] for s in stages), fallback="stage")}
        for lane, kind in (
            ("touchpoints", "touchpoint"),
            ("objections", "objection"),
            ("barriers", "barrier"),
        ):
            self.ids[kind] = Ids((item["id"] for s in stages for item in s.get(lane, [])), fallback=kind)
        self.removed: set[str] = set()
        #: Fields each stage keeps from a client's workbook (they are not in it to edit).
        self.internal: dict[str, set[str]] = {}
        #: Taking the workbook's side: its summaries of a map that changed since are not edits.
        self.force = False

    def problem(self, grid: Grid, row: int, column: int, message: str) -> None:
        self.problems.append(cell_problem(self.display, grid, row, column, message))

    def computed(self, edited: Grid, base: Grid, row: int, was: int, columns: range, inputs: str) -> None:
        """A warning for each formula cell of a row that was overwritten: it is not map data."""
        code = codes.COMPUTED_CELL
        for column in columns:
            if normal(edited.value(row, column)) != normal(base.value(was, column)):
                where = edited.where(row, column)
                message = f"{where}: computed from {inputs}; change those, this is not brought back"
                self.warnings.append(
                    Diagnostic(self.display, row + 1, column + 1, code.code, code.name, message,
                               severity=Severity.WARNING)
                )  # fmt: skip

    # --- the grid ---------------------------------------------------------------------------

    def grid(self) -> bool:
        """The grid's edits; False when its layout is broken (then the other sheets are not read)."""
        edited = read_map_grid(self.edited.grid, self.display)
        base = read_map_grid(self.base.grid, self.display)
        self.problems += edited.problems
        grid = edited.grid
        for row, label in edited.unknown_rows:
            named = f"the row {label!r}" if label else "this row"
            self.problem(grid, row, 0, f"{named} is no lane of the grid; remove it or name a lane")
        for lane, row in base.lanes.items():
            if lane not in edited.lanes:
                self.problem(grid, 0, 0, f"the lane {base.grid.text(row, 0)!r} was deleted; put the row back")
        if self.problems:
            return False
        columns = {stage.id: stage for stage in base.stages}
        by_id = {stage["id"]: stage for stage in self.data["stages"]}
        order = [stage.id or "" for stage in base.stages]
        stages: list[dict[str, Any]] = []
        seen: list[str] = []
        for column in edited.stages:
            if column.id is not None and column.id in columns and column.id not in seen:
                if seen and order.index(column.id) < order.index(seen[-1]):
                    message = "the stages were moved; change their order in the map file, not in the workbook"
                    self.problem(grid, 0, column.column, message)
                    return False
                seen.append(column.id)
                stage = by_id[column.id]
                self.stage(edited, base, column, columns[column.id], stage)
                stages.append(stage)
            else:
                stages.append(self.new_stage(edited, column))
        self.removed = {identifier for identifier in order if identifier and identifier not in seen}
        self.data["stages"] = stages
        return True

    def stage(
        self, edited: MapGrid, base: MapGrid, column: StageColumn, was: StageColumn, stage: dict[str, Any]
    ) -> None:
        grid = edited.grid
        header, old_header = normal(column.header), normal(was.header)
        if header != old_header:
            name, phase = parse_header(header)
            old_name, old_phase = parse_header(old_header)
            if name != old_name:
                stage["name"] = name
            lane_row = edited.lanes.get("phase")
            phase_edited = lane_row is not None and grid.text(lane_row, column.column) != base.grid.text(
                base.lanes["phase"], was.column
            )
            if phase != old_phase and not phase_edited:
                self.set_phase(stage, phase or "", grid, 0, column.column)
        for lane, row in edited.lanes.items():
            text = grid.text(row, column.column)
            old = base.grid.text(base.lanes[lane], was.column)
            if text != old:
                self.lane(lane, stage, text, old, grid, row, column.column)

    def set_phase(self, stage: dict[str, Any], text: str, grid: Grid, row: int, column: int) -> None:
        try:
            phase = parse_phase(text)
        except CellError as error:
            self.problem(grid, row, column, str(error))
            return
        _put(stage, "phase", phase)

    def lane(
        self, lane: str, stage: dict[str, Any], text: str, old: str, grid: Grid, row: int, column: int
    ) -> None:
        if lane in self.internal.get(stage["id"], ()):
            field_name = lane.replace("_", " ")
            message = (
                f"this stage's {field_name} are internal, not in a client's workbook; edit them in the map"
            )
            self.problem(grid, row, column, message)
        elif lane in SUMMARY_LANES:
            if not self.force:
                self.problem(grid, row, column, f"this cell cannot be edited: {SUMMARY_LANES[lane]}")
        elif lane == "phase":
            self.set_phase(stage, text, grid, row, column)
        elif lane == "customer_goal":
            _put(stage, "customer_goal", text or None)
        elif lane in LIST_LANES:
            _put(stage, lane, parse_items(text) or None)
        elif lane == "emotion":
            try:
                _put(stage, "emotion", parse_emotion(grid.value(row, column)))
            except CellError as error:
                self.problem(grid, row, column, str(error))
        elif lane == "touchpoints":
            self.touchpoints(stage, parse_items(text), parse_items(old), grid, row, column)
        else:
            self.pairs(lane, stage, parse_items(text), parse_items(old), grid, row, column)

    def channel(self, name: str | None, grid: Grid, row: int, column: int, line: str) -> str | None:
        if name is None:
            self.problem(
                grid, row, column, f"{line!r}: write the touchpoint's channel in brackets, 'Name (Channel)'"
            )
            return None
        found = self.channels.get(name.casefold())
        if found is None:
            known = ", ".join(sorted({n for n in self.channels if n not in self.channels.values()}))
            self.problem(
                grid, row, column, f"{line!r}: no channel is named {name!r}; the channels are {known}"
            )
        return found

    def touchpoints(
        self, stage: dict[str, Any], lines: list[str], old_lines: list[str], grid: Grid, row: int, column: int
    ) -> None:
        old = stage.get("touchpoints", [])
        if len(old_lines) != len(old):
            self.problem(
                grid, row, column, "the touchpoints cannot be matched line by line; edit them in the map"
            )
            return
        result: list[dict[str, Any]] = []
        for was, now in _matched(old_lines, lines, lambda line: parse_touchpoint(line)[0]):
            name, channel = parse_touchpoint(lines[now])
            if was is None:
                identifier = self.channel(channel, grid, row, column, lines[now])
                result.append(
                    {"id": self.ids["touchpoint"].for_name(name), "name": name, "channel": identifier or ""}
                )
                continue
            touchpoint = old[was]
            touchpoint["name"] = name
            if channel != parse_touchpoint(old_lines[was])[1]:
                identifier = self.channel(channel, grid, row, column, lines[now])
                if identifier:
                    touchpoint["channel"] = identifier
            result.append(touchpoint)
        _put(stage, "touchpoints", result or None)

    def pairs(
        self,
        lane: str,
        stage: dict[str, Any],
        lines: list[str],
        old_lines: list[str],
        grid: Grid,
        row: int,
        column: int,
    ) -> None:
        kind, answer_key = PAIRS[lane]
        old = stage.get(lane, [])
        if len(old_lines) != len(old):
            self.problem(
                grid, row, column, f"the {lane} cannot be matched line by line; edit them in the map"
            )
            return
        result: list[dict[str, Any]] = []
        for was, now in _matched(old_lines, lines, lambda line: parse_pair(line)[0]):
            text, answer = parse_pair(lines[now])
            item: dict[str, Any] = old[was] if was is not None else {"id": self.ids[kind].for_name(text)}
            item["text"] = text
            _put(item, answer_key, answer)
            result.append(item)
        _put(stage, lane, result or None)

    def new_stage(self, edited: MapGrid, column: StageColumn) -> dict[str, Any]:
        grid = edited.grid
        name, header_phase = parse_header(column.header)
        stage: dict[str, Any] = {"id": self.ids["stage"].for_name(name), "name": name}
        if header_phase:
            self.set_phase(stage, header_phase, grid, 0, column.column)
        for lane, row in edited.lanes.items():
            text = grid.text(row, column.column)
            if text:
                self.lane(lane, stage, text, "", grid, row, column.column)
        return stage

    # --- the funnel and KPI sheets ----------------------------------------------------------

    def stage_of(self, grid: Grid, row: int, identifier: str, known: dict[str, int]) -> dict[str, Any] | None:
        """The stage a row of the Funnel or KPI sheet belongs to: by its hidden id, else by name."""
        by_id = {stage["id"]: stage for stage in self.data["stages"]}
        if identifier:
            if identifier in self.removed:
                self.problem(grid, row, 0, "this stage was removed from the grid; remove its row too")
                return None
            if identifier in by_id and identifier in known:
                found: dict[str, Any] = by_id[identifier]
                return found
        name = grid.text(row, 0).casefold()
        named: list[dict[str, Any]] = [
            s for s in self.data["stages"] if str(s.get("name", "")).casefold() == name
        ]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            message = f"several stages are named {grid.text(row, 0)!r}; rename one in the grid"
            self.problem(grid, row, 0, message)
            return None
        self.problem(grid, row, 0, f"no stage of the grid is named {grid.text(row, 0)!r}")
        return None

    def funnel(self) -> None:
        edited, base = self.edited.funnel, self.base.funnel
        if edited is None or base is None:
            return
        ids, base_ids = id_column(edited), id_column(base)
        end, base_end = economics_row(edited) or len(edited.rows), economics_row(base) or len(base.rows)
        rows = {base.text(r, base_ids): r for r in range(1, base_end)} if base_ids is not None else {}
        for row in range(1, end):
            identifier = edited.text(row, ids) if ids is not None else ""
            was = rows.get(identifier)
            if was is None and not any(edited.text(row, c) for c in range(0, 4)):
                continue
            if was is not None:
                self.computed(
                    edited,
                    base,
                    row,
                    was,
                    range(4, 8),
                    "entered, advanced, target and the average order value",
                )
            changed = [
                c for c in FUNNEL_FIELDS
                if normal(edited.value(row, c)) != (normal(base.value(was, c)) if was is not None else "")
            ]  # fmt: skip
            if not changed:
                continue
            stage = self.stage_of(edited, row, identifier, rows)
            if stage is None:
                continue
            funnel = dict(stage.get("funnel") or {})
            for column in changed:
                key = FUNNEL_FIELDS[column]
                try:
                    value = number(edited.value(row, column), ratio=key == "target")
                    _put(funnel, key, value if key == "target" else whole(value))
                except ValueError as error:
                    self.problem(edited, row, column, str(error))
            _put(stage, "funnel", funnel or None)
        self.economics(edited, base)

    def economics(self, edited: Grid, base: Grid) -> None:
        row, was = economics_row(edited), economics_row(base)
        if row is None or was is None or normal(edited.value(row, 1)) == normal(base.value(was, 1)):
            return
        try:
            value = number(edited.value(row, 1))
        except ValueError as error:
            self.problem(edited, row, 1, str(error))
            return
        economics = self.data.get("economics")
        if not isinstance(economics, dict):
            self.problem(
                edited, row, 1, "the map has no `economics` to hold an average order value; add it there"
            )
        elif value is None:
            self.problem(edited, row, 1, "the average order value cannot be cleared from the workbook")
        else:
            economics["average_order_value"] = value

    def kpis(self) -> None:
        edited, base = self.edited.kpis, self.base.kpis
        if edited is None or base is None:
            return
        ids, base_ids = id_column(edited), id_column(base)
        rows = {base.text(r, base_ids): r for r in range(1, len(base.rows))} if base_ids is not None else {}
        stage_ids = {key.partition("/")[0]: 0 for key in rows}
        seen: set[str] = set()
        for row in range(1, len(edited.rows)):
            identifier = edited.text(row, ids) if ids is not None else ""
            was = rows.get(identifier)
            if was is not None:
                seen.add(identifier)
                self.computed(edited, base, row, was, range(6, 7), "target, actual and direction")
                changed = [
                    c for c in KPI_FIELDS if normal(edited.value(row, c)) != normal(base.value(was, c))
                ]
                if changed:
                    stage_id, _, kpi_id = identifier.partition("/")
                    stage = self.stage_of(edited, row, stage_id, stage_ids)
                    kept = next((k for k in (stage or {}).get("kpis", []) if k["id"] == kpi_id), None)
                    if kept is not None:
                        self.kpi_values(kept, edited, row, changed)
            elif any(edited.text(row, c) for c in range(0, 6)):
                stage = self.stage_of(edited, row, "", {})
                if stage is not None:
                    taken = {k["id"] for k in stage.get("kpis", [])}
                    kpi: dict[str, Any] = {
                        "id": Ids(taken, fallback="kpi").for_name(edited.text(row, 1)),
                        "name": "",
                    }
                    self.kpi_values(kpi, edited, row, list(KPI_FIELDS))
                    stage["kpis"] = [*stage.get("kpis", []), kpi]
        for identifier in rows:
            stage_id, _, kpi_id = identifier.partition("/")
            if identifier not in seen and stage_id not in self.removed:
                for stage in self.data["stages"]:
                    if stage["id"] == stage_id:
                        _put(stage, "kpis", [k for k in stage.get("kpis", []) if k["id"] != kpi_id] or None)

    def kpi_values(self, kpi: dict[str, Any], grid: Grid, row: int, columns: list[int]) -> None:
        unit = normal(grid.value(row, 2)) or None
        for column in columns:
            key = KPI_FIELDS[column]
            value = grid.value(row, column)
            try:
                if key == "name":
                    if not normal(value):
                        raise ValueError("a KPI needs a name")
                    kpi["name"] = normal(value)
                elif key == "unit":
                    if unit is not None and unit not in UNITS:
                        raise ValueError(f"{unit!r} is not a unit; write one of {', '.join(UNITS)}")
                    _put(kpi, "unit", unit)
                elif key == "direction":
                    _put(kpi, "direction", direction(value))
                else:
                    read = number(value, ratio=unit == "ratio")
                    if read is None and key == "target":
                        raise ValueError("a KPI needs a target")
                    _put(kpi, key, read)
            except ValueError as error:
                self.problem(grid, row, column, str(error))


def _matched(
    old: list[str], new: list[str], subject: Callable[[str], str]
) -> Iterator[tuple[int | None, int]]:
    """The new lines in order, each with the old line it edits (None for an added line).

    Lines that did not change keep their element; within a run of changed lines, a new line
    edits the old one at its place when their subjects (a touchpoint's name, an objection's
    text) are alike, so a retyped or extended name keeps its element and a line written over
    another is a new element (the old one is removed).
    """
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, False).get_opcodes():
        if tag == "equal":
            yield from zip(range(i1, i2), range(j1, j2), strict=True)
            continue
        for k, now in enumerate(range(j1, j2)):
            was = i1 + k if tag == "replace" and k < i2 - i1 else None
            yield (was if was is not None and _alike(subject(old[was]), subject(new[now])) else None), now


def _alike(old: str, new: str) -> bool:
    """A retyped or extended text, not another one written over it."""
    old, new = old.casefold(), new.casefold()
    return old in new or new in old or difflib.SequenceMatcher(None, old, new).ratio() >= SIMILAR


def _put(values: dict[str, Any], key: str, value: Any) -> None:
    """Set a key, or remove it for no value (an emptied cell)."""
    if value is None:
        values.pop(key, None)
    else:
        values[key] = value


def _canonical(journey: dict[str, Any]) -> dict[str, Any]:
    """Keys in the format's order, so that a key the merge adds lands where `cjm fmt` puts it
    (the keys already there keep their places: the patch only uses this order to place new ones)."""
    from cjmkit.editing.fmt import canonical_order
    from cjmkit.models.journey import KPI, Barrier, Funnel, Journey, Objection, Stage, Touchpoint

    def ordered(values: dict[str, Any], model: type[Any]) -> dict[str, Any]:
        order = {name: index for index, name in enumerate(canonical_order(model))}
        return dict(sorted(values.items(), key=lambda item: order.get(item[0], len(order))))

    stages = []
    for stage in journey["stages"]:
        stage = ordered(stage, Stage)
        for key, model in (("touchpoints", Touchpoint), ("objections", Objection), ("barriers", Barrier),
                           ("kpis", KPI)):  # fmt: skip
            if isinstance(stage.get(key), list):
                stage[key] = [ordered(item, model) if isinstance(item, dict) else item for item in stage[key]]
        if isinstance(stage.get("funnel"), dict):
            stage["funnel"] = ordered(stage["funnel"], Funnel)
        stages.append(stage)
    return ordered({**journey, "stages": stages}, Journey)


def _channels(document: Document, workspace: Document | None) -> dict[str, str]:
    found: dict[str, str] = {}
    sources = [*(workspace.workspace.channels if workspace and workspace.workspace else [])]
    if document.journey is not None:
        sources += document.journey.channels
    for channel in sources:
        found[channel.name.casefold()] = channel.id
        found.setdefault(channel.id, channel.id)
    return found


def _problem(file: str, code: codes.Code, message: str, line: int = 1, column: int = 1) -> Diagnostic:
    return Diagnostic(file, line, column, code.code, code.name, message)


def plan_merge(raw: bytes, display: str, map_path: pathlib.Path, *, force: bool = False) -> MergePlan:
    """What bringing the workbook's edits back into the map would do; nothing is written."""
    from cjmkit import pipeline
    from cjmkit.analysis import analyse, selected_rules
    from cjmkit.models.workspace import AUDIENCES
    from cjmkit.project import Keep
    from cjmkit.renderers.context import Brand, audience_view, journey_view
    from cjmkit.renderers.pipeline import audience_of
    from cjmkit.renderers.xlsx import build_workbook, fingerprint

    plan = MergePlan()
    try:
        edited = read_book(raw)
    except BookError as error:
        plan.problems.append(_problem(display, codes.NOT_CONVERTIBLE, f"cannot read the workbook: {error}"))
        return plan
    project = pipeline.load([map_path], keep=Keep.ALL)
    document = next(d for d in project.documents if d.requested)
    if document.kind == "workspace":
        raise UsageError(f"{map_path} is a workspace file; bring the workbook into a journey file")
    plan.sources = {d.display: d.text for d in project.documents}
    if project.diagnostics or document.data is None or document.journey is None:
        plan.problems += project.diagnostics
        message = (
            f"the map {document.display} does not validate; fix it first (`cjm validate {document.display}`)"
        )
        plan.problems.append(_problem(display, codes.INVALID_EDIT, message))
        return plan
    workspace = project.workspace_for(document)
    meta = edited.meta
    # The view the workbook was written from: same language and audience (a client's workbook
    # lacks the stages' internal fields, and their cells are not to be taken as emptied).
    audience, show_owner = audience_of(
        workspace, meta.get("audience") if meta.get("audience") in AUDIENCES else None
    )
    analysis = analyse(project, selected_rules([], []))
    locale = meta.get("locale") if meta.get("locale") in ("en", "ru") else None
    view = audience_view(
        journey_view(document, workspace, analysis, Brand(), locale), document, audience, show_owner
    )
    if not force:
        if not meta.get("fingerprint"):
            message = (
                f"the workbook was not written by `cjm render --to xlsx` (it has no hidden sheet 'cjm');"
                f" use --force to take every cell that differs from {document.display} as an edit"
            )
        elif meta.get("journey") != view.id:
            message = (
                f"the workbook is of journey {meta.get('journey')!r}, not of {view.id!r} ({document.display})"
            )
        elif meta["fingerprint"] != fingerprint(view):
            message = (
                f"{document.display} changed since the workbook was written from it, so a cell that differs"
                " may be either side's change; write a new workbook (`cjm render --to xlsx`) and carry"
                " the client's edits over, or use --force to take the workbook's side"
            )
        else:
            message = ""
        if message:
            plan.problems.append(_problem(display, codes.STALE_WORKBOOK, message))
            return plan
    plan.unread = edited.unread
    base = book_of(build_workbook(view))  # what the map gives now, without a trip through a file
    old = document.data
    merge = _Merge(display, edited, base, copy.deepcopy(old), _channels(document, workspace))
    if audience == "client":
        merge.internal = {stage.id: set(stage.internal) for stage in document.journey.stages}
    merge.force = force
    if merge.grid():
        merge.funnel()
        merge.kpis()
    plan.warnings = merge.warnings
    if merge.problems:
        plan.problems = merge.problems
        return plan
    new = _canonical(merge.data)
    if new == old:
        return plan
    try:
        from cjmkit.editing.patching import patch_text

        text = patch_text(document.text, old, new)
    except UnsupportedLayout as error:
        plan.problems.append(
            _problem(document.display, codes.INVALID_EDIT, f"cannot edit this map safely: {error}")
        )
        return plan
    edited_document = edited_map(document, text, workspace)
    if edited_document.diagnostics:
        plan.sources[document.display] = text
        for found in edited_document.diagnostics:
            message = f"after the workbook's edits: {found.message}"
            plan.problems.append(
                _problem(document.display, codes.INVALID_EDIT, message, found.line, found.column)
            )
        return plan
    from cjmkit.semdiff.changes import compare_journeys

    assert edited_document.journey is not None
    plan.changes = [change.summary for change in compare_journeys(document.journey, edited_document.journey)]
    plan.update = FileUpdate.of(document, text)
    return plan


__all__ = ["MergePlan", "plan_merge"]
