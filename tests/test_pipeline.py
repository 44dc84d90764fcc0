"""One validation pass: `cjm validate` runs every check of a file, and lint reuses it."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from conftest import EXAMPLES, FIXTURES, run_cjm
from test_lint import journey, write

INVALID = sorted((FIXTURES / "invalid").iterdir())


def errors(report: dict[str, Any], key: str) -> set[tuple[str, int, int, str, str]]:
    """The validation errors (V-codes) of a JSON report: findings of lint, errors of validate."""
    return {
        (item["file"], item["line"], item["column"], item["code"], item["message"])
        for item in report[key]
        if item["code"].startswith("V")
    }


def both(*paths: pathlib.Path) -> tuple[tuple[int, set[Any]], tuple[int, set[Any]]]:
    validate = run_cjm("validate", "--format", "json", *map(str, paths))
    lint = run_cjm("lint", "--format", "json", *map(str, paths))
    return (validate.exit_code, errors(validate.json(), "errors")), (
        lint.exit_code,
        errors(lint.json(), "findings"),
    )


@pytest.mark.parametrize("fixture", INVALID, ids=[p.name for p in INVALID])
def test_validate_and_lint_agree_on_every_invalid_fixture(fixture: pathlib.Path) -> None:
    (validate_code, validate_errors), (lint_code, lint_errors) = both(fixture)
    assert validate_errors, "each invalid fixture has at least one validation error"
    assert validate_errors == lint_errors
    assert validate_code == lint_code == 1


def test_validate_and_lint_agree_on_the_examples() -> None:
    (validate_code, validate_errors), (_, lint_errors) = both(EXAMPLES)
    assert validate_code == 0
    assert validate_errors == lint_errors == set()


SETTINGS = """\
cjm: 1
analysis:
  ignore: [stage-no-kpis]
  severity:
    kpi-below: info
  thresholds:
    min_stage_conversions: 0.1
    min_stage_conversion: 1.5
"""


def test_validate_reports_the_analysis_settings_lint_reports(tmp_path: pathlib.Path) -> None:
    """An unknown rule or rule option in `cjm.yaml` is a validation error, found by `cjm validate`."""
    write(tmp_path / "shop.yaml", journey({"id": "a", "name": "A"}))
    workspace = write(tmp_path / "cjm.yaml", SETTINGS)
    (validate_code, validate_errors), (lint_code, lint_errors) = both(tmp_path)
    shown = str(workspace)
    assert validate_errors == {
        (shown, 3, 12, "V104", "unknown rule 'stage-no-kpis' (did you mean 'stage-no-kpi'?)"),
        (shown, 5, 5, "V104", "unknown rule 'kpi-below' (did you mean 'kpi-off-target'?)"),
        (
            shown,
            7,
            5,
            "V101",
            "unknown rule option 'min_stage_conversions' (did you mean 'min_stage_conversion'?)",
        ),
        (shown, 8, 27, "V105", "min_stage_conversion must be <= 1, got 1.5"),
    }
    assert validate_errors == lint_errors
    assert validate_code == lint_code == 1


def test_validating_a_journey_alone_reports_its_workspace_settings(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "maps" / "shop.yaml", journey({"id": "a", "name": "A"}))
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis:\n  ignore: [no-such-rule]\n")
    result = run_cjm("validate", "--format", "json", str(path))
    assert result.exit_code == 1
    assert [e["code"] for e in result.json()["errors"]] == ["V104"]


@pytest.mark.parametrize(
    ("value", "line", "column"),
    [(".nan", 6, 24), (".inf", 6, 24), ("-.inf", 6, 24)],
)
def test_numbers_must_be_finite(tmp_path: pathlib.Path, value: str, line: int, column: int) -> None:
    text = journey({"id": "a", "name": "A"}).replace(
        "average_order_value: 100", f"average_order_value: {value}"
    )
    result = run_cjm("validate", "--format", "json", str(write(tmp_path / "shop.yaml", text)))
    [error] = result.json()["errors"]
    assert (error["line"], error["column"], error["code"]) == (line, column, "V105")
    assert "finite number" in error["message"]


def test_a_rule_option_keeps_working_from_the_workspace(tmp_path: pathlib.Path) -> None:
    """The option is declared with its rule; the schema and README read it from there."""
    from cjmkit.analysis.rules import RULES
    from cjmkit.schema import build_schemas

    [rule] = [r for r in RULES.values() if r.slug == "high-drop-off"]
    [option] = rule.options
    schema = build_schemas()["workspace.schema.json"]
    assert f'"{option.name}"' in schema
    assert f"`{option.name}`" in (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")


def test_one_channel_row_per_definition_across_many_journeys(tmp_path: pathlib.Path) -> None:
    """Journey-local channels with the same id count only their own journey's touchpoints."""
    write(tmp_path / "cjm.yaml", "cjm: 1\nname: One workspace, five journeys with their own `web`\n")
    for number in range(5):
        text = journey({"id": "a", "name": "A"}).replace("id: shop", f"id: shop-{number}")
        write(tmp_path / f"shop-{number}.yaml", text)
    result = run_cjm("lint", "--format", "json", str(tmp_path))
    channels = result.json()["channels"]
    assert len(channels) == 5
    assert sorted(c["touchpoints"] for c in channels) == [[f"shop-{n}/a-tp"] for n in range(5)]


def test_a_journey_deliverable_counts_its_own_touchpoints_only(tmp_path: pathlib.Path) -> None:
    """Per-map output must not grow with the workspace: a shared channel's row in one journey's
    JSON lists that journey's touchpoints, not every journey's."""
    write(tmp_path / "cjm.yaml", "cjm: 1\nchannels:\n  - id: web\n    name: Website\n")
    for number in range(3):
        text = journey({"id": "a", "name": "A"}, {"id": "b", "name": "B"})
        text = text.replace("id: shop\n", f"id: shop-{number}\n").replace(
            "channels:\n  - id: web\n    name: Website\n", ""
        )
        write(tmp_path / f"shop-{number}.yaml", text)
    result = run_cjm("render", str(tmp_path), "--to", "json", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    for number in range(3):
        rendered = json.loads((tmp_path / "out" / f"shop-{number}.json").read_text(encoding="utf-8"))
        [web] = rendered["analysis"]["channels"]
        assert web["touchpoints"] == [f"shop-{number}/a-tp", f"shop-{number}/b-tp"]
    lint = run_cjm("lint", "--format", "json", str(tmp_path)).json()
    [shared] = lint["channels"]
    assert len(shared["touchpoints"]) == 6  # the workspace-wide ranking still counts them all


def strict_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise AssertionError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_every_json_output_is_strict_json(tmp_path: pathlib.Path) -> None:
    """NaN and Infinity are not JSON: the maps refuse them, and the writers would refuse to emit one."""
    strict_json(run_cjm("validate", "--format", "json", str(EXAMPLES)).stdout)
    strict_json(run_cjm("lint", "--format", "json", str(EXAMPLES)).stdout)
    strict_json(run_cjm("lint", "--format", "sarif", str(EXAMPLES)).stdout)
    run_cjm("render", str(EXAMPLES), "--to", "json", "--out", str(tmp_path))
    for rendered in tmp_path.glob("*.json"):
        strict_json(rendered.read_text(encoding="utf-8"))


def test_a_non_finite_number_is_never_written_as_json() -> None:
    import io

    from cjmkit.analysis import AnalysisResult, StageHealth
    from cjmkit.reporters import REPORTERS, Run

    weak = StageHealth("j", "s", "S", "f.yaml", 1, 1, float("nan"), [], [], "", None, None)
    run = Run(files=1, diagnostics=[], analysis=AnalysisResult(stages=[weak]))
    with pytest.raises(ValueError, match="not JSON compliant"):
        REPORTERS["json"](run, io.StringIO())


def test_an_inline_persona_needs_no_id(tmp_path: pathlib.Path) -> None:
    """FORMAT.md: `persona` is a reference or an inline persona object, no id needed inline."""
    text = journey({"id": "a", "name": "A"}).replace(
        "title: Shop\n", "title: Shop\npersona:\n  name: Anna, 38\n  goals: [A door that fits]\n"
    )
    path = write(tmp_path / "shop.yaml", text)
    assert run_cjm("validate", str(path)).exit_code == 0
    result = run_cjm("render", str(path), "--to", "html,md,json", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert "Anna, 38" in (tmp_path / "out" / "shop.html").read_text(encoding="utf-8")
    assert run_cjm("fmt", str(path)).exit_code == 0
    assert run_cjm("fmt", "--check", str(path)).exit_code == 0
    assert "  name: Anna, 38\n" in path.read_text(encoding="utf-8")
