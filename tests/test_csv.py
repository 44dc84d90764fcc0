"""CSV export: Excel dialects (BOM, `;` and decimal commas for Russian maps), one row per
KPI, funnel figures once per stage, formula cells neutralised."""

from __future__ import annotations

import csv
import io
import pathlib

import pytest

from cjmkit.cli.render import CSV_DIALECTS as CLI_DIALECTS
from cjmkit.loading.document import load_document
from cjmkit.renderers.data import CSV_COLUMNS, CSV_DIALECTS
from conftest import EXAMPLES, FIXTURES, run_cjm

BOM = "\ufeff"
FRONT_DOORS = EXAMPLES / "front-doors"
EMAIL_SHOP = EXAMPLES / "email-shop" / "journey.yaml"


def render_csv(tmp_path: pathlib.Path, source: pathlib.Path, *options: str, name: str | None = None) -> str:
    """The one CSV written, or (a folder of several maps) the one of journey ``name``."""
    result = run_cjm("render", str(source), "--to", "csv", "--out", str(tmp_path), *options)
    assert result.exit_code == 0, result.stderr
    (written,) = [tmp_path / f"{name}.csv"] if name else tmp_path.glob("*.csv")
    return written.read_bytes().decode("utf-8")


def rows_of(text: str, delimiter: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline=""), delimiter=delimiter))


def test_the_cli_offers_every_dialect() -> None:
    assert tuple(CSV_DIALECTS) == CLI_DIALECTS


def test_russian_map_opens_in_russian_excel(tmp_path: pathlib.Path) -> None:
    text = render_csv(tmp_path, FRONT_DOORS, name="doors-homeowners")
    assert text.startswith(BOM + "journey;stage_index;")
    rows = rows_of(text, ";")
    assert list(rows[0]) == CSV_COLUMNS
    journey = load_document(FRONT_DOORS / "homeowners.yaml", "homeowners.yaml").journey
    assert journey is not None
    kpis = {(s.id, k.id): k for s in journey.stages for k in s.kpis}
    kpi_rows = [r for r in rows if r["row"] == "kpi"]
    assert len(kpi_rows) == len(kpis)  # one row per KPI
    for row in kpi_rows:
        kpi = kpis[(row["stage_id"], row["kpi_id"])]
        assert row["kpi"] == kpi.name
        assert float(row["kpi_target"].replace(",", ".")) == pytest.approx(kpi.target)
        actual = None if row["kpi_actual"] == "" else float(row["kpi_actual"].replace(",", "."))
        assert actual == pytest.approx(kpi.actual)
        assert "." not in row["kpi_target"] + row["kpi_actual"]
    ctr = next(r for r in kpi_rows if r["kpi_id"] == "search-ctr")
    assert (ctr["kpi_target"], ctr["kpi_actual"], ctr["kpi_unit"]) == ("0,05", "0,045", "ratio")
    stage = next(r for r in rows if r["row"] == "stage" and r["stage_id"] == "catalog")
    assert (stage["funnel_entered"], stage["conversion"], stage["stage"]) == (
        "2700", "0,851852", "Знакомство с сайтом-каталогом",
    )  # fmt: skip


def test_funnel_figures_are_counted_once_per_stage(tmp_path: pathlib.Path) -> None:
    rows = rows_of(render_csv(tmp_path, FRONT_DOORS, name="doors-homeowners"), ";")
    journey = load_document(FRONT_DOORS / "homeowners.yaml", "homeowners.yaml").journey
    assert journey is not None
    by_stage = sum(s.funnel.entered for s in journey.stages if s.funnel)
    assert by_stage > 0
    assert sum(int(r["funnel_entered"] or 0) for r in rows) == by_stage
    assert [r["stage_id"] for r in rows if r["row"] == "stage"] == [s.id for s in journey.stages]
    touchpoints = [(r["stage_id"], r["touchpoint_id"]) for r in rows if r["row"] == "touchpoint"]
    assert touchpoints == [(s.id, t.id) for s in journey.stages for t in s.touchpoints]
    assert all(r["funnel_entered"] == r["stage_emotion"] == "" for r in rows if r["row"] != "stage")


def test_english_map_is_comma_separated_with_points(tmp_path: pathlib.Path) -> None:
    text = render_csv(tmp_path, EMAIL_SHOP)
    assert text.startswith(BOM + "journey,stage_index,")
    rows = rows_of(text, ",")
    signup = next(r for r in rows if r["kpi"] == "Pop-up sign-up rate")
    assert (signup["kpi_target"], signup["kpi_actual"]) == ("0.08", "0.075")


@pytest.mark.parametrize(
    ("dialect", "start"),
    [
        ("excel-ru", BOM + "journey;"),
        ("excel", BOM + "journey,"),
        ("rfc4180", "journey,"),
    ],
)
def test_csv_dialect_option_overrides_the_locale(tmp_path: pathlib.Path, dialect: str, start: str) -> None:
    text = render_csv(tmp_path, EMAIL_SHOP, "--csv-dialect", dialect)
    assert text.startswith(start) and not text.startswith(start + BOM)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = rows_of(text, start[-1])
    signup = next(r for r in rows if r["kpi"] == "Pop-up sign-up rate")
    assert signup["kpi_actual"] == ("0,075" if dialect == "excel-ru" else "0.075")


def test_unknown_dialect_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    result = run_cjm(
        "render", str(EMAIL_SHOP), "--to", "csv", "--csv-dialect", "lotus", "--out", str(tmp_path)
    )
    assert result.exit_code == 2
    assert "excel-ru, excel, rfc4180" in result.stderr
    assert not tmp_path.exists() or not list(tmp_path.iterdir())


def test_formula_looking_text_is_neutralised_and_negative_numbers_are_not(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "map.yaml"
    source.write_text(
        "cjm: 1\nid: evil\ntitle: Evil\nlocale: ru\n"
        "channels:\n  - id: web\n    name: '=HYPERLINK(\"http://x\")'\n"
        "stages:\n  - id: look\n    name: '+1; =2'\n    emotion: -2\n    touchpoints:\n"
        "      - id: visit\n        name: \"@SUM(A1)\\n=cmd|' /C calc'!A0\"\n        channel: web\n"
        "        emotion: -1\n"
        "    kpis:\n      - id: k\n        name: '-drop'\n        target: -0.5\n        actual: -1.25\n",
        encoding="utf-8",
    )
    rows = rows_of(render_csv(tmp_path / "out", source), ";")
    stage, touchpoint, kpi = rows
    assert stage["stage"] == "'+1; =2" and stage["stage_emotion"] == "-2"
    assert touchpoint["touchpoint"] == "'@SUM(A1)\n'=cmd|' /C calc'!A0"
    assert touchpoint["touchpoint_emotion"] == "-1"
    assert (kpi["kpi"], kpi["kpi_target"], kpi["kpi_actual"]) == ("'-drop", "-0,5", "-1,25")


def test_hostile_fixture_keeps_its_columns(tmp_path: pathlib.Path) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(tmp_path, FIXTURES / "hostile" / "journey.yaml"))))
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
