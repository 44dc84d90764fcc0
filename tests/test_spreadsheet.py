"""Working with clients in spreadsheets: a workbook written, edited in openpyxl or recalculated in
LibreOffice, and brought back into the map in place (`cjm convert BOOK.xlsx --into MAP.yaml`);
new maps made of a workbook or a CSV grid (`cjm convert BOOK.xlsx -o NEW.yaml`)."""

from __future__ import annotations

import csv
import difflib
import os
import pathlib
import shutil
import subprocess
import zipfile

import openpyxl
import pytest

from conftest import EXAMPLES, run_cjm

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"
EMAIL = "email-shop-lifecycle"


def copy_example(tmp_path: pathlib.Path, name: str) -> pathlib.Path:
    target = tmp_path / name
    shutil.copytree(EXAMPLES / name, target)
    return target


def render(source: pathlib.Path, out: pathlib.Path, name: str) -> pathlib.Path:
    result = run_cjm("render", str(source), "--to", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out / f"{name}.xlsx"


def comments(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith("#")]


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines removed and added between two texts."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


@pytest.fixture
def shop(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    """A copy of the email-shop map and the workbook written from it."""
    folder = copy_example(tmp_path, "email-shop")
    journey = folder / "journey.yaml"
    return journey, render(journey, tmp_path / "out", EMAIL)


def test_a_text_a_number_and_a_row_come_back_and_nothing_else(
    shop: tuple[pathlib.Path, pathlib.Path],
) -> None:
    journey, path = shop
    before = journey.read_text(encoding="utf-8")
    book = openpyxl.load_workbook(path)
    book["Map"]["B3"] = "Get a discount and follow a store she likes"  # a text: stage 1's goal
    book["Funnel"]["B3"] = 4100  # a number: stage 2's customers entered
    kpis = book["KPIs"]
    row = kpis.max_row + 1  # a row added: a new KPI of stage 1
    for column, value in enumerate(
        ["Registration", "Quiz completion", "ratio", 0.3, 0.22, "higher is better"], 1
    ):
        kpis.cell(row, column, value)
    book.save(path)

    dry = run_cjm("convert", str(path), "--into", str(journey), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert journey.read_text(encoding="utf-8") == before
    assert "would update" in dry.stdout and "3 changes" in dry.stdout

    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    after = journey.read_text(encoding="utf-8")
    removed, added = changed_lines(before, after)
    assert removed == [
        "    customer_goal: Get a discount and keep an eye on a store she just discovered",
        "      entered: 3900",
    ]
    assert added == [
        "    customer_goal: Get a discount and follow a store she likes",
        "      - id: quiz-completion",
        "        name: Quiz completion",
        "        target: 0.3",
        "        actual: 0.22",
        "        unit: ratio",
        "        direction: higher",
        "      entered: 4100",
    ]
    assert comments(after) == comments(before) and len(comments(before)) >= 5
    # the printed semantic diff says what changed, in the map's terms
    assert 'stage registration customer_goal "Get a discount and keep' in result.stdout
    assert "KPI quiz-completion added to stage registration" in result.stdout
    assert "entered 3,900 → 4,100" in result.stdout
    assert result.stdout.strip().endswith("updated " + str(journey) + ": 3 changes")
    assert run_cjm("validate", str(journey)).exit_code == 0


def test_the_same_workbook_twice_changes_nothing(shop: tuple[pathlib.Path, pathlib.Path]) -> None:
    journey, path = shop
    before = journey.stat()
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    assert "no changes" in result.stdout
    assert journey.stat().st_mtime_ns == before.st_mtime_ns


def test_touchpoints_stages_and_answers_edited_in_the_grid(shop: tuple[pathlib.Path, pathlib.Path]) -> None:
    journey, path = shop
    before = journey.read_text(encoding="utf-8")
    book = openpyxl.load_workbook(path)
    grid = book["Map"]
    touchpoints = grid["B8"].value.split("\n")
    # the first touchpoint renamed, the last one removed, one added with a channel of the map
    touchpoints[0] = "• Sign-up pop-up, shown after 30 seconds (Online store (web and mobile web))"
    touchpoints = [*touchpoints[:-1], "• Loyalty quiz (Email (ESP automations))"]
    grid["B8"] = "\n".join(touchpoints)
    grid["B9"] = "I'll get spammed every day \u2014 Weekly digest by default, one-click unsubscribe"
    grid.insert_cols(3)  # a new stage between the first two
    grid["C1"] = "Second thoughts\n(Consideration)"
    grid["C4"] = "• Reads reviews\n• Compares prices"
    grid["C7"] = -1
    book.save(path)

    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    after = journey.read_text(encoding="utf-8")
    removed, added = changed_lines(before, after)
    # the retyped touchpoint keeps its id, description and trigger; the one written over is
    # removed and the new one added with the channel named in brackets; the new stage follows
    # the column it was inserted after
    assert removed == [
        "        name: Sign-up pop-up",
        "      - id: welcome-series",
        "        name: Welcome series (emails 2 and 3)",
        "        description: Day 2 brand story and bestsellers; day 5 style quiz with personalised picks",
        "        trigger: 2 and 5 days after registration, no order yet",
        "        emotion: 1",
        "        response: Preference centre in the first email, default frequency of one email a week",
    ]
    assert added == [
        "        name: Sign-up pop-up, shown after 30 seconds",
        "      - id: loyalty-quiz",
        "        name: Loyalty quiz",
        "        response: Weekly digest by default, one-click unsubscribe",
        "",
        "  - id: second-thoughts",
        "    name: Second thoughts",
        "    phase: consideration",
        "    actions:",
        "      - Reads reviews",
        "      - Compares prices",
        "    emotion: -1",
    ]
    assert "        channel: email\n" in after.split("- id: loyalty-quiz", 1)[1][:80]
    assert (
        after.index("  - id: registration")
        < after.index("  - id: second-thoughts")
        < after.index("  - id: first-order")
    )
    assert comments(after) == comments(before)
    assert run_cjm("validate", str(journey)).exit_code == 0


def test_a_removed_stage_column_removes_the_stage(shop: tuple[pathlib.Path, pathlib.Path]) -> None:
    journey, path = shop
    book = openpyxl.load_workbook(path)
    book["Map"].delete_cols(6)  # the last stage, "Repeat purchase and win-back"
    book["Funnel"].delete_rows(6)
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    text = journey.read_text(encoding="utf-8")
    assert "  - id: retention" not in text and "  - id: review" in text
    assert "stage retention removed" in result.stdout


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        (
            "B8",
            "• Sign-up pop-up (Carrier pigeon)",
            "Map!B8: 'Sign-up pop-up (Carrier pigeon)': no channel is named",
        ),
        ("B8", "• Sign-up pop-up", "Map!B8: 'Sign-up pop-up': write the touchpoint's channel in brackets"),
        ("B7", 3, "Map!B7: the emotion 3 is not a whole number from -2 to 2"),
        ("B2", "Somewhere", "Map!B2: 'Somewhere' is not a phase"),
        (
            "B11",
            "Pop-up sign-up rate: actual 9%",
            "Map!B11: this cell cannot be edited: the KPIs are read from",
        ),
        ("A14", "Mood", "Map!A14: the row 'Mood' is no lane of the grid"),
    ],
)
def test_an_edit_that_cannot_come_back_is_located_and_nothing_is_written(
    shop: tuple[pathlib.Path, pathlib.Path], cell: str, value: object, message: str
) -> None:
    journey, path = shop
    before = journey.read_bytes()
    book = openpyxl.load_workbook(path)
    book["Map"][cell] = value
    if cell == "A14":
        book["Map"]["B14"] = "calm"
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "C101" in result.stderr and "nothing written" in result.stderr
    assert "Traceback" not in result.stderr
    assert journey.read_bytes() == before


def test_every_problem_is_reported_at_once(shop: tuple[pathlib.Path, pathlib.Path]) -> None:
    journey, path = shop
    book = openpyxl.load_workbook(path)
    book["Map"]["B7"] = "very happy"
    book["Funnel"]["C2"] = "many"
    book["KPIs"]["D2"] = None
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 1
    assert "Map!B7" in result.stderr and "Funnel!C2: 'many' is not a number" in result.stderr
    assert "KPIs!D2: a KPI needs a target" in result.stderr
    assert "3 problems; nothing written" in result.stderr


def test_edits_that_make_the_map_invalid_are_refused(shop: tuple[pathlib.Path, pathlib.Path]) -> None:
    journey, path = shop
    before = journey.read_bytes()
    book = openpyxl.load_workbook(path)
    book["Funnel"]["C2"] = 999_999  # advanced above entered
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 1
    assert "C103" in result.stderr and "after the workbook's edits" in result.stderr
    assert journey.read_bytes() == before


def test_a_map_changed_since_the_export_is_not_overwritten(shop: tuple[pathlib.Path, pathlib.Path]) -> None:
    journey, path = shop
    text = journey.read_text(encoding="utf-8").replace("entered: 3900", "entered: 3950")
    journey.write_text(text, encoding="utf-8")
    book = openpyxl.load_workbook(path)
    book["Map"]["B3"] = "A goal from the client"
    book.save(path)
    refused = run_cjm("convert", str(path), "--into", str(journey))
    assert refused.exit_code == 1
    assert "C102" in refused.stderr and "changed since the workbook was written" in refused.stderr
    assert journey.read_text(encoding="utf-8") == text
    forced = run_cjm("convert", str(path), "--into", str(journey), "--force")
    assert forced.exit_code == 0, forced.stderr
    after = journey.read_text(encoding="utf-8")
    assert "customer_goal: A goal from the client" in after
    # the workbook's side: the figure the workbook shows wins where it differs
    assert "entered: 3900" in after


def test_a_workbook_of_another_journey_or_tool_is_refused(tmp_path: pathlib.Path) -> None:
    journey = copy_example(tmp_path, "email-shop") / "journey.yaml"
    doors = render(EXAMPLES / "front-doors" / "homeowners.yaml", tmp_path / "out", "doors-homeowners")
    result = run_cjm("convert", str(doors), "--into", str(journey))
    assert result.exit_code == 1 and "is of journey 'doors-homeowners'" in result.stderr
    plain = openpyxl.Workbook()
    plain.active.title = "Sheet1"  # type: ignore[union-attr]
    plain.save(tmp_path / "plain.xlsx")
    result = run_cjm("convert", str(tmp_path / "plain.xlsx"), "--into", str(journey))
    assert result.exit_code == 1 and "was not written by `cjm render --to xlsx`" in result.stderr


def test_line_breaks_and_byte_order_mark_are_kept(shop: tuple[pathlib.Path, pathlib.Path]) -> None:
    journey, path = shop
    original = journey.read_bytes()
    journey.write_bytes(b"\xef\xbb\xbf" + original.replace(b"\n", b"\r\n"))
    book = openpyxl.load_workbook(path)
    book["Map"]["C6"] = book["Map"]["C6"].value + "\n• Free returns, clearly said"  # an expectation added
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    after = journey.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf")
    assert after.count(b"\n") == after.count(b"\r\n") == original.count(b"\n") + 1
    assert b"      - Free returns, clearly said\r\n" in after


def test_a_symlinked_map_stays_a_symlink(
    shop: tuple[pathlib.Path, pathlib.Path], tmp_path: pathlib.Path
) -> None:
    journey, path = shop
    link = journey.parent / "linked.yaml"
    link.symlink_to(journey.name)
    book = openpyxl.load_workbook(path)
    book["Map"]["B3"] = "Through the link"
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and "customer_goal: Through the link" in journey.read_text(encoding="utf-8")


def test_a_russian_workbook_comes_back_with_russian_labels(tmp_path: pathlib.Path) -> None:
    folder = copy_example(tmp_path, "front-doors")
    journey = folder / "homeowners.yaml"
    path = render(journey, tmp_path / "out", "doors-homeowners")
    before = journey.read_text(encoding="utf-8")
    book = openpyxl.load_workbook(path)
    grid = book["Карта"]
    assert grid["A7"].value == "Эмоция"
    grid["B7"] = "\u22122"  # typed as text with a real minus sign
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    removed, added = changed_lines(before, journey.read_text(encoding="utf-8"))
    assert len(removed) == len(added) == 1 and added[0].strip() == "emotion: -2"


def test_not_a_workbook_is_a_clear_error(tmp_path: pathlib.Path) -> None:
    journey = copy_example(tmp_path, "email-shop") / "journey.yaml"
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a zip at all")
    result = run_cjm("convert", str(fake), "--into", str(journey))
    assert result.exit_code == 1 and "not an Excel workbook" in result.stderr
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (80 * 1024 * 1024))
    result = run_cjm("convert", str(bomb), "-o", str(tmp_path / "new.yaml"))
    assert result.exit_code == 1 and "unpacks to" in result.stderr
    assert not (tmp_path / "new.yaml").exists()
    assert "Traceback" not in result.stderr


def test_into_needs_a_workbook_and_no_output(shop: tuple[pathlib.Path, pathlib.Path]) -> None:
    journey, path = shop
    result = run_cjm("convert", str(journey), "--into", str(journey))
    assert result.exit_code == 2 and "--into brings back the edits of an Excel workbook" in result.stderr
    result = run_cjm("convert", str(path), "--into", str(journey), "-o", "-")
    assert result.exit_code == 2 and "not both" in result.stderr
    result = run_cjm("convert", str(path), "-o", "-", "--dry-run")
    assert result.exit_code == 2 and "--dry-run goes with --into" in result.stderr


# --- new maps ------------------------------------------------------------------------------------


def test_a_workbook_makes_a_new_map(shop: tuple[pathlib.Path, pathlib.Path], tmp_path: pathlib.Path) -> None:
    _, path = shop
    target = tmp_path / "new.yaml"
    result = run_cjm("convert", str(path), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert (
        "mapped 5 stages" in result.stderr
        and "23 touchpoints" in result.stderr
        and "14 KPIs" in result.stderr
    )
    assert "Map!A13: lane 'Evidence'" in result.stderr
    assert run_cjm("validate", str(target)).exit_code == 0
    first = target.read_bytes()
    again = run_cjm("convert", str(path), "-o", str(target), "--force")
    assert again.exit_code == 0 and target.read_bytes() == first
    text = first.decode("utf-8")
    assert text.startswith("# Converted by `cjm convert` from email-shop-lifecycle.xlsx (Excel workbook).\n")
    assert "  currency: GBP\n  average_order_value: 62\n" in text
    assert "      entered: 52000\n      advanced: 3900\n      target: 0.09\n" in text


def test_a_csv_grid_exported_by_a_spreadsheet_makes_a_new_map(
    shop: tuple[pathlib.Path, pathlib.Path], tmp_path: pathlib.Path
) -> None:
    _, path = shop
    grid = openpyxl.load_workbook(path)["Map"]
    exported = tmp_path / "grid.csv"
    with exported.open("w", encoding="utf-8", newline="") as handle:
        # as Google Sheets exports a sheet: the visible rows, values as shown
        writer = csv.writer(handle)
        for row in grid.iter_rows(max_row=13, values_only=True):
            writer.writerow(["" if value is None else value for value in row])
    target = tmp_path / "from-grid.yaml"
    result = run_cjm("convert", str(exported), "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert "mapped 5 stages" in result.stderr
    for lane in ("KPIs", "Funnel", "Evidence"):
        assert f"lane '{lane}'" in result.stderr
    assert run_cjm("validate", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    # no hidden ids in the CSV: ids are made of the names ("First use and review", id review in the map)
    assert (
        "title: Grid" in text and "  - id: first-use-and-review\n" in text and "  - id: review\n" not in text
    )


# --- formulas, as a spreadsheet program computes them -------------------------------------------


def recalculated(path: pathlib.Path, tmp_path: pathlib.Path) -> openpyxl.Workbook:
    """The workbook as LibreOffice computes it (headless), with the formulas' values."""
    out = tmp_path / "recalculated"
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    return openpyxl.load_workbook(out / path.name, data_only=True)


def growth_revenue(journey: pathlib.Path) -> dict[str, float]:
    lint = run_cjm("lint", "--format", "json", str(journey)).json()
    return {point["stage"]: point["revenue"] for point in lint["growth_points"]}


def test_libreoffice_computes_the_growth_points_cjm_computes(
    shop: tuple[pathlib.Path, pathlib.Path], tmp_path: pathlib.Path
) -> None:
    journey, path = shop
    computed = recalculated(path, tmp_path)["Funnel"]
    revenue = {computed.cell(r, 9).value: computed.cell(r, 8).value for r in range(2, 7)}
    expected = growth_revenue(journey)
    assert expected and all(
        revenue[stage] == pytest.approx(value, abs=0.01) for stage, value in expected.items()
    )
    assert computed["E3"].value == pytest.approx(1170 / 3900)

    # what if the first order converted 45 %: the client types it, the workbook recomputes,
    # and the map, once the edit is back, gives the same growth point
    book = openpyxl.load_workbook(path)
    book["Funnel"]["C3"] = round(3900 * 0.45)
    book.save(path)
    what_if = recalculated(path, tmp_path / "what-if")["Funnel"]
    assert what_if["E3"].value == pytest.approx(0.45)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    after = growth_revenue(journey)
    assert after["registration"] == pytest.approx(what_if["H2"].value, abs=0.01)
    assert after["registration"] != pytest.approx(expected["registration"])


def test_fields_kept_from_a_clients_workbook_cannot_be_filled_in_it(tmp_path: pathlib.Path) -> None:
    journey = copy_example(tmp_path, "email-shop") / "journey.yaml"
    text = journey.read_text(encoding="utf-8")
    journey.write_text(
        text.replace("    name: Registration\n", "    name: Registration\n    internal: [thoughts]\n")
    )
    path = render(journey, tmp_path / "out", EMAIL)  # for the client: the internal thoughts are not in it
    book = openpyxl.load_workbook(path)
    assert book["Map"]["B5"].value is None
    book["Map"]["B5"] = "Looks nice"
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 1
    assert "Map!B5: this stage's thoughts are internal, not in a client's workbook" in result.stderr
    # a team workbook holds them, and they can be edited there
    team = run_cjm(
        "render", str(journey), "--to", "xlsx", "--out", str(tmp_path / "team"), "--audience", "team"
    )
    assert team.exit_code == 0, team.stderr
    team_path = tmp_path / "team" / f"{EMAIL}.xlsx"
    book = openpyxl.load_workbook(team_path)
    book["Map"]["B5"] = "Looks nice"
    book.save(team_path)
    result = run_cjm("convert", str(team_path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    assert "    thoughts:\n      - Looks nice\n" in journey.read_text(encoding="utf-8")


JOURNEYS = sorted(
    path.relative_to(EXAMPLES)
    for path in EXAMPLES.rglob("*.yaml")
    if path.name != "cjm.yaml" and "cjm: 1" in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("relative", JOURNEYS, ids=str)
def test_every_example_comes_back_unchanged_and_makes_a_valid_new_map(
    tmp_path: pathlib.Path, relative: pathlib.Path
) -> None:
    examples = tmp_path / "examples"
    shutil.copytree(EXAMPLES, examples)
    journey = examples / relative
    before = journey.read_bytes()
    out = tmp_path / "out"
    assert run_cjm("render", str(journey), "--to", "xlsx", "--out", str(out)).exit_code == 0
    (book,) = out.glob("*.xlsx")
    result = run_cjm("convert", str(book), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    assert "no changes" in result.stdout and journey.read_bytes() == before
    # a new map of the workbook, next to the original (under another id), validates in its workspace
    copy = journey.with_name("copy-" + journey.name)
    result = run_cjm("convert", str(book), "-o", str(copy))
    assert result.exit_code == 0, result.stderr
    text = copy.read_text(encoding="utf-8")
    identifier = next(line for line in text.splitlines() if line.startswith("id: "))
    copy.write_text(text.replace(identifier, "id: copy-of-the-map", 1), encoding="utf-8")
    validated = run_cjm("validate", str(copy.parent))
    assert validated.exit_code == 0, validated.stdout


def test_hostile_cells_come_back_as_inert_text(shop: tuple[pathlib.Path, pathlib.Path]) -> None:
    journey, path = shop
    book = openpyxl.load_workbook(path)
    book["Map"]["B3"] = "Goal \u202eevil\u200b"  # a bidi override and a zero-width space
    book["Map"]["C3"] = '=HYPERLINK("http://x","click")'  # typed as a formula by the client
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    assert "\u202e" not in result.stdout and "\\u202e" in result.stdout
    text = journey.read_text(encoding="utf-8")
    assert '    customer_goal: "Goal \\u202eevil\\u200b"\n' in text
    assert '    customer_goal: "=HYPERLINK(\\"http://x\\",\\"click\\")"\n' in text
    validated = run_cjm("validate", str(journey))
    assert validated.exit_code == 0, validated.stdout


def test_a_cell_typed_with_line_breaks_comes_back_as_a_literal_block(
    shop: tuple[pathlib.Path, pathlib.Path],
) -> None:
    journey, path = shop
    book = openpyxl.load_workbook(path)
    book["Map"]["B3"] = "Get a discount\nand follow a store she likes"  # Alt+Enter in the cell
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    text = journey.read_text(encoding="utf-8")
    assert (
        "    customer_goal: |-\n      Get a discount\n      and follow a store she likes\n    actions:\n"
        in text
    )


def test_an_overwritten_formula_is_a_warning_and_not_brought_back(
    shop: tuple[pathlib.Path, pathlib.Path],
) -> None:
    journey, path = shop
    before = journey.read_bytes()
    book = openpyxl.load_workbook(path)
    book["Funnel"]["E3"] = 0.5  # the conversion typed over its formula
    book["KPIs"]["G2"] = "fine"
    book.save(path)
    result = run_cjm("convert", str(path), "--into", str(journey))
    assert result.exit_code == 0, result.stderr
    assert "warning C104 Funnel!E3: computed from entered, advanced, target" in result.stderr
    assert "warning C104 KPIs!G2: computed from target, actual and direction" in result.stderr
    assert "no changes" in result.stdout and journey.read_bytes() == before


def test_a_sheet_the_client_added_is_said_to_be_not_read(
    shop: tuple[pathlib.Path, pathlib.Path], tmp_path: pathlib.Path
) -> None:
    journey, path = shop
    book = openpyxl.load_workbook(path)
    book.create_sheet("Notes")["A1"] = "Call Maya on Monday"
    book["Map"]["B3"] = "A goal from the client"
    book.save(path)
    merged = run_cjm("convert", str(path), "--into", str(journey))
    assert merged.exit_code == 0, merged.stderr
    assert "not read: the sheet 'Notes', which is none of the workbook's layout" in merged.stderr
    created = run_cjm("convert", str(path), "-o", str(tmp_path / "new.yaml"))
    assert created.exit_code == 0, created.stderr
    assert (
        "sheet 'Notes': the whole sheet (it is none of the sheets of the CJM workbook layout)"
        in created.stderr
    )
