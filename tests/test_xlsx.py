"""`cjm render --to xlsx`: the grid, the funnel's live formulas, the KPIs, determinism, safety."""

from __future__ import annotations

import math
import pathlib
import re
import zipfile

import openpyxl
import pytest
import yaml

from conftest import EXAMPLES, run_cjm

EMAIL_SHOP = EXAMPLES / "email-shop" / "journey.yaml"
FRONT_DOORS = EXAMPLES / "front-doors"
HOSTILE_NAME = '=HYPERLINK("http://x","y")'


def workbook(source: pathlib.Path, out: pathlib.Path, name: str) -> openpyxl.Workbook:
    result = run_cjm("render", str(source), "--to", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return openpyxl.load_workbook(out / f"{name}.xlsx")


def test_map_sheet_is_the_grid_of_the_yaml(tmp_path: pathlib.Path) -> None:
    book = workbook(EMAIL_SHOP, tmp_path, "email-shop-lifecycle")
    assert book.sheetnames == ["Map", "Funnel", "KPIs", "cjm"]
    assert [book[name].sheet_state for name in book.sheetnames] == ["visible", "visible", "visible", "hidden"]
    grid = book["Map"]
    stages = yaml.safe_load(EMAIL_SHOP.read_text(encoding="utf-8"))["stages"]
    assert grid.cell(1, 1).value == "Stage"
    assert grid.cell(1, 2).value == f"{stages[0]['name']}\n(Consideration)"
    assert [grid.cell(1, c + 2).value.split("\n")[0] for c in range(len(stages))] == [
        s["name"] for s in stages
    ]
    lanes = [grid.cell(r, 1).value for r in range(2, 14)]
    assert lanes == [
        "Phase", "Customer goal", "Actions", "Thoughts", "Expectations", "Emotion", "Touchpoints",
        "Objections and responses", "Barriers and recommendations", "KPIs", "Funnel", "Evidence",
    ]  # fmt: skip
    assert grid.cell(3, 2).value == stages[0]["customer_goal"]
    assert grid.cell(4, 2).value.split("\n")[0] == f"\u2022 {stages[0]['actions'][0]}"
    for column, stage in enumerate(stages, start=2):
        emotion = grid.cell(7, column)
        assert emotion.value == stage.get("emotion")
        assert emotion.number_format == '+0;"\u2212"0;0'
    colors = {-2: "FFCC6000", -1: "FFC07854", 0: "FF868686", 1: "FF309CD8", 2: "FF486CFC"}
    first = grid.cell(7, 2)
    assert first.fill.start_color.rgb == colors[stages[0]["emotion"]]
    assert grid.freeze_panes == "B2"
    assert grid.page_setup.orientation == "landscape" and grid.page_setup.fitToWidth == 1
    assert grid.cell(4, 2).alignment.wrap_text


def test_russian_map_has_russian_labels(tmp_path: pathlib.Path) -> None:
    book = workbook(FRONT_DOORS, tmp_path, "doors-homeowners")
    assert book.sheetnames == ["Карта", "Воронка", "KPI", "cjm"]
    grid = book["Карта"]
    assert grid.cell(1, 1).value == "Этап"
    assert grid.cell(2, 1).value == "Фаза" and grid.cell(3, 1).value == "Цель клиента"
    stages = yaml.safe_load((FRONT_DOORS / "homeowners.yaml").read_text(encoding="utf-8"))["stages"]
    assert grid.cell(1, 2).value.startswith(stages[0]["name"])
    assert book["Воронка"].cell(1, 8).value == "упускаемая выручка"


def _value(book: openpyxl.Workbook, sheet: str, ref: str) -> float | str | None:
    """A cell of the funnel evaluated as Excel would, for the formulas the workbook writes."""
    cell = book[sheet][ref.replace("$", "")]
    value = cell.value
    if not (isinstance(value, str) and cell.data_type == "f"):
        return value
    row = cell.row

    def num(column: str) -> float | str | None:
        return _value(book, sheet, f"{column}{row}")

    column = cell.column_letter
    if column in "EF":
        entered, advanced = num("B"), num("C")
        shown = f"C{row}/B{row}" if column == "E" else f"B{row}-C{row}"
        assert value == f'=IF(N(B{row})=0,"",{shown})'
        if not isinstance(entered, int | float) or entered == 0:
            return ""
        assert isinstance(advanced, int | float)
        return advanced / entered if column == "E" else entered - advanced
    if column == "G":
        found = re.fullmatch(r'=IF\(COUNT\(E(\d+):E(\d+)\)=(\d+),PRODUCT\(E\1:E\2\),""\)', value)
        assert found, value
        rates = [_value(book, sheet, f"E{r}") for r in range(int(found[1]), int(found[2]) + 1)]
        numbers = [r for r in rates if isinstance(r, int | float)]
        return math.prod(numbers) if len(numbers) == int(found[3]) else ""
    found = re.fullmatch(
        rf'=IF\(OR\(N\(B{row}\)=0,D{row}="",E{row}="",G{row}="",(\$B\$\d+)=""\),"",'
        rf"B{row}\*MAX\(0,D{row}-E{row}\)\*G{row}\*(\$B\$\d+)\)",
        value,
    )
    assert found and found[1] == found[2], value
    parts = [num("B"), num("D"), num("E"), num("G"), _value(book, sheet, found[1])]
    if any(not isinstance(p, int | float) for p in parts):
        return ""
    entered, target, rate, downstream, aov = parts
    assert isinstance(entered, int | float) and isinstance(target, int | float) and isinstance(rate, float)
    assert isinstance(downstream, int | float) and isinstance(aov, int | float)
    return entered * max(0.0, target - rate) * downstream * aov


@pytest.mark.parametrize(
    ("source", "name", "sheet"),
    [(EMAIL_SHOP, "email-shop-lifecycle", "Funnel"), (FRONT_DOORS, "doors-homeowners", "Воронка")],
)
def test_funnel_formulas_reproduce_the_growth_points(
    tmp_path: pathlib.Path, source: pathlib.Path, name: str, sheet: str
) -> None:
    book = workbook(source, tmp_path, name)
    funnel = book[sheet]
    assert funnel["E2"].data_type == "f" and funnel["E2"].value == '=IF(N(B2)=0,"",C2/B2)'
    assert funnel["E2"].number_format == "0.0%"
    lint = run_cjm("lint", "--format", "json", str(source)).json()
    points = [g for g in lint["growth_points"] if g["journey"] == name]
    names = {funnel.cell(r, 1).value: r for r in range(2, funnel.max_row + 1)}
    checked = 0
    for point in points:
        row = names[point["name"]]
        assert funnel.cell(row, 4).value == pytest.approx(point["target"])
        revenue = _value(book, sheet, f"H{row}")
        assert isinstance(revenue, float)
        assert revenue == pytest.approx(point["revenue"], abs=0.01), point["stage"]
        checked += 1
    assert checked == len(points) >= 2
    # a client changing a figure sees the result: the formula reads the cells, not constants
    funnel["B2"] = funnel["B2"].value * 2
    doubled = _value(book, sheet, "H2")
    assert isinstance(doubled, float) and doubled > 0


def test_kpi_sheet_lists_the_kpis_with_a_met_formula(tmp_path: pathlib.Path) -> None:
    book = workbook(EMAIL_SHOP, tmp_path, "email-shop-lifecycle")
    kpis = book["KPIs"]
    stages = yaml.safe_load(EMAIL_SHOP.read_text(encoding="utf-8"))["stages"]
    expected = [(s["name"], k) for s in stages for k in s.get("kpis", [])]
    assert kpis.max_row == len(expected) + 1
    assert [c.value for c in kpis[1]] == [
        "Stage",
        "KPI",
        "unit",
        "target",
        "actual",
        "direction",
        "result",
        "id",
    ]
    assert kpis.column_dimensions["H"].hidden
    stage, kpi = expected[0]
    assert kpis["H2"].value == f"{stages[0]['id']}/{kpi['id']}"
    assert kpis["A2"].value == stage and kpis["B2"].value == kpi["name"] and kpis["D2"].value == kpi["target"]
    assert kpis["G2"].data_type == "f" and "E2>=D2" in kpis["G2"].value and "target met" in kpis["G2"].value


def test_two_renders_are_byte_identical(tmp_path: pathlib.Path) -> None:
    for run in ("a", "b"):
        assert (
            run_cjm("render", str(FRONT_DOORS), "--to", "xlsx", "--out", str(tmp_path / run)).exit_code == 0
        )
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "doors-homeowners.xlsx" in names
    for file in names:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_hostile_text_stays_text(tmp_path: pathlib.Path) -> None:
    text = EMAIL_SHOP.read_text(encoding="utf-8").replace(
        "    name: Registration\n", f"    name: '{HOSTILE_NAME}'\n"
    )
    text = text.replace("title: Online homeware store", "title: =1+2 Online homeware store", 1)
    source = tmp_path / "journey.yaml"
    source.write_text(text, encoding="utf-8")
    book = workbook(source, tmp_path / "out", "email-shop-lifecycle")
    header = book["Map"]["B1"]
    assert header.data_type == "s" and header.value.startswith(HOSTILE_NAME)
    funnel = book["Funnel"]["A2"]
    assert funnel.data_type == "s" and funnel.value == HOSTILE_NAME
    assert book["KPIs"]["A2"].data_type == "s"
    # an inline string, never an <f> element of a sheet
    with zipfile.ZipFile(tmp_path / "out" / "email-shop-lifecycle.xlsx") as archive:
        sheets = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
        assert "<t>=HYPERLINK(" in sheets
        assert not re.search(r"<f>[^<]*HYPERLINK", sheets)


def test_a_phase_target_of_the_workspace_fills_the_target_column(tmp_path: pathlib.Path) -> None:
    """The first front-door stage has no target of its own: cjm.yaml sets awareness to 0.05."""
    book = workbook(EXAMPLES / "front-doors", tmp_path, "doors-homeowners")
    funnel = book.worksheets[1]
    rows = {row[0].value: row[3].value for row in funnel.iter_rows(min_row=2) if row[0].value}
    assert rows["Поиск продавца"] == 0.05  # the awareness target of cjm.yaml
    assert rows["Знакомство с сайтом-каталогом"] == 0.9  # the stage's own funnel.target
