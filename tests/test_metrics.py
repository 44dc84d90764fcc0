"""`cjm metrics import`: only the targeted values change, everything else stays byte for byte."""

from __future__ import annotations

import difflib
import pathlib
import shutil
from typing import Any

import pytest

from cjmkit.loading.document import load_document
from cjmkit.loading.yaml_source import parse_yaml
from cjmkit.models import Journey
from conftest import EXAMPLES, FIXTURES, Result, run_cjm

METRICS = FIXTURES / "metrics"
JOURNEY = "doors-homeowners"


@pytest.fixture
def doors(tmp_path: pathlib.Path) -> pathlib.Path:
    """A copy of the front-doors workspace; returns its journey file."""
    shutil.copytree(EXAMPLES / "front-doors", tmp_path / "doors")
    return tmp_path / "doors" / "homeowners.yaml"


@pytest.fixture
def shop(tmp_path: pathlib.Path) -> pathlib.Path:
    target = tmp_path / "shop" / "shop.yaml"
    target.parent.mkdir()
    shutil.copyfile(METRICS / "shop.yaml", target)
    return target


def write_csv(tmp_path: pathlib.Path, *rows: str, header: str = "journey,stage,field,value") -> pathlib.Path:
    target = tmp_path / "metrics.csv"
    target.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return target


def data_of(path: pathlib.Path) -> dict[str, Any]:
    parsed = parse_yaml(path.read_text(encoding="utf-8"))
    assert parsed is not None
    return dict(parsed.data)


def value_line(path: pathlib.Path, *where: str | int) -> int:
    """0-based line of the value at ``where`` in the file."""
    parsed = parse_yaml(path.read_text(encoding="utf-8"))
    assert parsed is not None
    return parsed.source_map.values[where][0] - 1


def changed_lines(before: str, after: str) -> tuple[list[tuple[int, str, str]], list[tuple[int, str]]]:
    """(replaced lines as (index, old, new), inserted lines as (index in the new text, text))."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    replaced: list[tuple[int, str, str]] = []
    inserted: list[tuple[int, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "replace":
            assert j2 - j1 >= i2 - i1, ("lines removed", old[i1:i2], new[j1:j2])
            replaced += [(i1 + k, old[i1 + k], new[j1 + k]) for k in range(i2 - i1)]
            inserted += [(j, new[j]) for j in range(j1 + i2 - i1, j2)]
        elif tag == "insert":
            inserted += [(j, new[j]) for j in range(j1, j2)]
        else:
            assert tag == "equal", (tag, old[i1:i2], new[j1:j2])
    return replaced, inserted


def run_import(csv: pathlib.Path, *args: str) -> Result:
    return run_cjm("metrics", "import", str(csv), *args)


def test_import_changes_only_the_targeted_values(doors: pathlib.Path, tmp_path: pathlib.Path) -> None:
    before = doors.read_text(encoding="utf-8")
    stages = data_of(doors)["stages"]
    search = stages[0]
    assert search["id"] == "search" and search["kpis"][0]["id"] == "search-ctr"
    csv = write_csv(
        tmp_path,
        f"{JOURNEY},search,kpi:search-ctr,0.041",
        f"{JOURNEY},search,funnel.entered,61500",
        f"{JOURNEY},search,funnel.advanced,2700",  # the value it already has
    )
    result = run_import(csv, str(doors.parent))
    assert result.exit_code == 0, result.stdout + result.stderr

    after = doors.read_text(encoding="utf-8")
    replaced, inserted = changed_lines(before, after)
    assert inserted == []
    kpi_line = value_line(doors, "stages", 0, "kpis", 0, "actual")
    funnel_line = value_line(doors, "stages", 0, "funnel", "entered")
    lines = before.splitlines(keepends=True)
    assert replaced == [
        (
            kpi_line,
            lines[kpi_line],
            lines[kpi_line].replace(f"actual: {search['kpis'][0]['actual']}", "actual: 0.041"),
        ),
        (funnel_line, lines[funnel_line], lines[funnel_line].replace("entered: 60000", "entered: 61500")),
    ]
    assert lines[funnel_line].strip() == "entered: 60000"

    updated = data_of(doors)["stages"][0]
    assert updated["kpis"][0]["actual"] == 0.041
    assert updated["funnel"] == {"entered": 61500, "advanced": 2700}
    name = search["name"]
    assert result.stdout.splitlines()[:2] == [
        f"{JOURNEY} / {name} / KPI search-ctr actual {search['kpis'][0]['actual']} -> 0.041",
        f"{JOURNEY} / {name} / funnel entered {search['funnel']['entered']} -> 61500",
    ]
    assert "updated 2 values in 1 file; 1 value already up to date" in result.stdout
    assert run_cjm("validate", str(doors.parent)).exit_code == 0


def test_missing_values_are_inserted_after_the_last_key(shop: pathlib.Path, tmp_path: pathlib.Path) -> None:
    before = shop.read_text(encoding="utf-8")
    csv = write_csv(
        tmp_path,
        "shop,visit,kpi:bounce,0.47",
        "shop,visit,kpi:pages,2.8",
        "shop,visit,funnel.entered,1200",
        "shop,visit,funnel.advanced,800",
        "shop,review,funnel.entered,410",
        "shop,review,funnel.advanced,120",
    )
    result = run_import(csv, str(shop))
    assert result.exit_code == 0, result.stdout + result.stderr
    after = shop.read_text(encoding="utf-8")
    replaced, inserted = changed_lines(before, after)
    new_lines = after.splitlines()

    # `actual` goes after the KPI's last key, before the comment that follows it.
    actual = next(index for index, text in inserted if "actual" in text)
    assert new_lines[actual] == "        actual: 0.47"
    assert new_lines[actual - 1] == "        direction: lower"
    assert new_lines[actual + 1] == "        # not measured yet"
    # A one-line KPI gets it before its closing brace.
    assert (
        "      - {id: pages, name: Pages per visit, target: 3, unit: count}\n",
        "      - {id: pages, name: Pages per visit, target: 3, unit: count, actual: 2.8}\n",
    ) in [(old, new) for _, old, new in replaced]
    # A stage without a funnel gets one after its last key, indented like the file.
    funnel = next(index for index, text in inserted if text.strip() == "funnel:")
    assert new_lines[funnel : funnel + 3] == ["    funnel:", "      entered: 1200", "      advanced: 800"]
    assert new_lines[funnel + 3] == "    # the funnel is filled in from GA4"
    # `funnel: ~` becomes a mapping; its comment stays on the key line.
    review = new_lines.index("    funnel:  # to do")
    assert new_lines[review + 1 : review + 3] == ["      entered: 410", "      advanced: 120"]
    assert ("    funnel: ~  # to do\n", "    funnel:  # to do\n") in [(old, new) for _, old, new in replaced]
    assert len(replaced) == 2

    model = load_document(shop, "shop.yaml").model
    assert isinstance(model, Journey)
    assert model.stages[0].kpis[0].actual == 0.47
    assert model.stages[0].kpis[1].actual == 2.8
    assert model.stages[2].funnel is not None and model.stages[2].funnel.advanced == 120
    assert f"shop / {model.stages[0].name} / KPI bounce actual — -> 0.47" in result.stdout


def test_comments_and_layout_elsewhere_stay_byte_for_byte(shop: pathlib.Path, tmp_path: pathlib.Path) -> None:
    before = shop.read_bytes()
    csv = write_csv(tmp_path, "shop,checkout,kpi:conversion,0.55", "shop,checkout,funnel.advanced,420")
    assert run_import(csv, str(shop)).exit_code == 0
    after = shop.read_bytes()
    assert after == before.replace(b"actual: 0.52  # GA4, March", b"actual: 0.55  # GA4, March").replace(
        b"advanced: 410\n", b"advanced: 420\n"
    )


def test_semicolon_csv_with_decimal_commas(doors: pathlib.Path) -> None:
    result = run_import(METRICS / "excel-ru.csv", str(doors.parent))
    assert result.exit_code == 0, result.stdout + result.stderr
    stages = data_of(doors)["stages"]
    assert stages[0]["kpis"][0]["actual"] == 0.041
    assert stages[0]["funnel"]["entered"] == 61500
    assert stages[1]["kpis"][1]["id"] == "catalog-load-time"
    assert stages[1]["kpis"][1]["actual"] == 5.9
    assert "actual: 0.041\n" in doors.read_text(encoding="utf-8")


def test_windows_line_endings_are_kept(shop: pathlib.Path, tmp_path: pathlib.Path) -> None:
    shop.write_bytes(shop.read_bytes().replace(b"\n", b"\r\n"))
    csv = write_csv(tmp_path, "shop,visit,kpi:bounce,0.47")
    assert run_import(csv, str(shop)).exit_code == 0
    text = shop.read_bytes()
    assert b"        direction: lower\r\n        actual: 0.47\r\n" in text
    assert text.count(b"\n") == text.count(b"\r\n")


def test_dry_run_reports_and_writes_nothing(doors: pathlib.Path, tmp_path: pathlib.Path) -> None:
    before = doors.read_bytes()
    csv = write_csv(tmp_path, f"{JOURNEY},search,kpi:search-ctr,0.041")
    result = run_import(csv, str(doors.parent), "--dry-run")
    assert result.exit_code == 0
    assert "KPI search-ctr actual" in result.stdout and "-> 0.041" in result.stdout
    assert "would update 1 value in 1 file (dry run: nothing written)" in result.stdout
    assert doors.read_bytes() == before


def test_default_maps_are_the_workspace_around_the_current_folder(
    doors: pathlib.Path, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    csv = write_csv(tmp_path, f"{JOURNEY},search,funnel.entered,61500")
    monkeypatch.chdir(doors.parent)
    assert run_import(csv).exit_code == 0
    assert data_of(doors)["stages"][0]["funnel"]["entered"] == 61500


#: row (CSV line 3), code, column of the cell at fault, part of the message.
ERROR_CASES = {
    "unknown journey": ("doors,search,funnel.entered,100", "I101", 1, "unknown journey 'doors'"),
    "unknown stage": (f"{JOURNEY},serch,funnel.entered,100", "I103", 18, "unknown stage 'serch' in journey"),
    "unknown KPI": (
        f"{JOURNEY},search,kpi:search-ctrr,0.04",
        "I104",
        25,
        "unknown KPI 'search-ctrr' in stage 'search'",
    ),
    "KPI of another stage": (
        f"{JOURNEY},search,kpi:catalog-bounce,0.5",
        "I104",
        25,
        "it is a KPI of stage 'catalog'",
    ),
    "unknown field": (f"{JOURNEY},search,funnel.enterd,100", "I003", 25, "unknown field 'funnel.enterd'"),
    "empty stage": (f"{JOURNEY},,funnel.entered,100", "I002", 18, "empty 'stage'"),
    "not a number": (f"{JOURNEY},search,kpi:search-ctr,high", "I004", 40, "value 'high' is not a number"),
    "empty value": (f"{JOURNEY},search,kpi:search-ctr,", "I004", 40, "empty value"),
    "decimal comma with commas": (
        f'{JOURNEY},search,kpi:search-ctr,"0,04"',
        "I004",
        40,
        "write decimals with a point",
    ),
    "fractional funnel": (f"{JOURNEY},search,funnel.entered,12.5", "I004", 40, "takes a whole number"),
    "negative funnel": (f"{JOURNEY},search,funnel.entered,-5", "I004", 40, "cannot be negative"),
    "advanced above entered": (f"{JOURNEY},search,funnel.advanced,70000", "I203", 41, "exceeds entered"),
}


def problem_heads(result: Result, csv: pathlib.Path) -> list[str]:
    """The ``FILE:LINE:COLUMN: CODE message`` lines of the report, without the excerpts under them."""
    return [line for line in result.stdout.splitlines() if line.startswith(f"{csv}:")]


@pytest.mark.parametrize("case", ERROR_CASES, ids=list(ERROR_CASES))
def test_errors_name_the_csv_line_and_nothing_is_written(
    case: str, doors: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    row, code, column, message = ERROR_CASES[case]
    before = {path: path.read_bytes() for path in doors.parent.iterdir()}
    # A good row first: it must not be written either.
    csv = write_csv(tmp_path, f"{JOURNEY},catalog,funnel.entered,2800", row)
    result = run_import(csv, str(doors.parent))
    assert result.exit_code == 1
    [problem] = problem_heads(result, csv)
    assert problem.startswith(f"{csv}:3:{column}: {code} ")
    assert message in problem
    assert result.stdout.splitlines()[-1] == "1 problem; nothing written."
    assert {path: path.read_bytes() for path in doors.parent.iterdir()} == before


def test_a_problem_shows_its_code_csv_line_and_cell(doors: pathlib.Path, tmp_path: pathlib.Path) -> None:
    csv = write_csv(tmp_path, f"{JOURNEY},search,funnel.entered,61500", f"{JOURNEY},serch,funnel.entered,100")
    result = run_import(csv, str(doors.parent))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{csv}:3:18: I103 unknown stage 'serch' in journey '{JOURNEY}' (did you mean 'search'?)",
        f"3 | {JOURNEY},serch,funnel.entered,100",
        "  |                  ^",
        "1 problem; nothing written.",
    ]


def test_columns_follow_quoted_cells_and_semicolons(doors: pathlib.Path, tmp_path: pathlib.Path) -> None:
    csv = write_csv(
        tmp_path,
        f'"{JOURNEY}";"search";"funnel.entered";"1;5"',
        f'{JOURNEY};"sea""rch";kpi:search-ctr;0,04',
        header="journey;stage;field;value",
    )
    result = run_import(csv, str(doors.parent))
    assert [line.split(" ", 2)[:2] for line in problem_heads(result, csv)] == [
        [f"{csv}:2:46:", "I004"],
        [f"{csv}:3:18:", "I103"],
    ]


def test_a_row_spanning_lines_is_reported_where_it_starts(
    doors: pathlib.Path, tmp_path: pathlib.Path
) -> None:
    csv = write_csv(tmp_path, f'{JOURNEY},"sea\nrch",funnel.entered,1', f"{JOURNEY},serch,funnel.entered,1")
    result = run_import(csv, str(doors.parent))
    assert [line.split(" ", 2)[:2] for line in problem_heads(result, csv)] == [
        [f"{csv}:2:1:", "I103"],
        [f"{csv}:4:18:", "I103"],
    ]


def test_did_you_mean_for_ids(doors: pathlib.Path, tmp_path: pathlib.Path) -> None:
    csv = write_csv(tmp_path, f"{JOURNEY},search,kpi:search-ctx,0.04", f"{JOURNEY},serch,funnel.entered,1")
    result = run_import(csv, str(doors.parent))
    assert result.exit_code == 1
    assert problem_heads(result, csv) == [
        f"{csv}:2:25: I104 unknown KPI 'search-ctx' in stage 'search' (did you mean 'search-ctr'?)",
        f"{csv}:3:18: I103 unknown stage 'serch' in journey '{JOURNEY}' (did you mean 'search'?)",
    ]


def test_every_problem_of_the_csv_is_reported_at_once(doors: pathlib.Path, tmp_path: pathlib.Path) -> None:
    csv = write_csv(
        tmp_path,
        f"{JOURNEY},search,kpi:search-ctr,0.05",
        f"{JOURNEY},search,funnel.entered,abc",
        f"{JOURNEY},nowhere,funnel.entered,1",
        f"{JOURNEY},search,kpi:search-ctr,0.06",
    )
    result = run_import(csv, str(doors.parent))
    assert result.exit_code == 1
    heads = problem_heads(result, csv)
    assert [head.split(" ", 2)[:2] for head in heads] == [
        [f"{csv}:3:40:", "I004"],
        [f"{csv}:4:18:", "I103"],
        [f"{csv}:5:25:", "I105"],
    ]
    assert "already set on line 2" in heads[2]
    assert result.stdout.splitlines()[-1] == "3 problems; nothing written."


def test_header_without_the_needed_columns(doors: pathlib.Path, tmp_path: pathlib.Path) -> None:
    csv = write_csv(tmp_path, f"{JOURNEY},search,0.04", header="journey,stage,value")
    result = run_import(csv, str(doors.parent))
    assert result.exit_code == 1
    assert problem_heads(result, csv) == [
        f"{csv}:1:1: I001 the header has no column 'field'"
        " (it needs journey, stage, field, value; delimiter read as ',')"
    ]


def test_a_map_with_validation_errors_is_not_edited(tmp_path: pathlib.Path) -> None:
    broken = tmp_path / "broken.yaml"
    shutil.copyfile(FIXTURES / "invalid" / "29-emotion-out-of-range.yaml", broken)
    before = broken.read_bytes()
    journey = data_of(broken)["id"]
    stage = data_of(broken)["stages"][0]["id"]
    csv = write_csv(tmp_path, f"{journey},{stage},funnel.entered,10", f"{journey},{stage},funnel.advanced,5")
    result = run_import(csv, str(broken))
    assert result.exit_code == 1
    # At the map's first validation error (the fixture's first `# expect:` line).
    assert result.stdout.splitlines()[0] == (
        f"{broken}:18:14: I201 the map has 2 validation errors (the first is here);"
        f" fix them first (`cjm validate {broken}`)"
    )
    assert broken.read_bytes() == before


def test_a_map_with_aliases_is_not_edited(shop: pathlib.Path, tmp_path: pathlib.Path) -> None:
    text = shop.read_text(encoding="utf-8")
    shop.write_text(text.replace("title:", "title: &title", 1).rstrip("\n") + "\ndescription: *title\n")
    assert "*title" in shop.read_text(encoding="utf-8")
    before = shop.read_bytes()
    csv = write_csv(tmp_path, "shop,visit,kpi:bounce,0.47")
    result = run_import(csv, str(shop))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{shop}:1:1: I202 uses YAML aliases (*name); `cjm metrics import` does not edit such files"
    )
    assert shop.read_bytes() == before


def test_usage_errors_exit_2(doors: pathlib.Path, tmp_path: pathlib.Path) -> None:
    assert run_import(tmp_path / "missing.csv", str(doors.parent)).exit_code == 2
    csv = write_csv(tmp_path, f"{JOURNEY},search,funnel.entered,1")
    (tmp_path / "empty").mkdir()
    result = run_import(csv, str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert "no cjmkit files" in result.stderr
