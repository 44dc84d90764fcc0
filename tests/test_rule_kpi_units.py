"""CJM207 kpi-unit-mismatch: a unit mix-up is a lint hint; validation never limits KPI values by unit."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest

from conftest import run_cjm

RULE = "kpi-unit-mismatch"


def journey_with(target: float, unit: str, actual: float | None = None) -> str:
    text = (
        "cjm: 1\nid: shop\ntitle: Shop\nstages:\n"
        "  - id: checkout\n    name: Checkout\n    kpis:\n"
        "      - id: conversion\n        name: Conversion\n"
        f"        target: {target}\n"
    )
    if actual is not None:
        text += f"        actual: {actual}\n"
    return text + f"        unit: {unit}\n"


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def findings(path: pathlib.Path) -> list[dict[str, Any]]:
    result = run_cjm("lint", "--format", "json", "--select", RULE, str(path))
    assert result.exit_code == 0, result.stdout
    report = result.json()
    assert [f for f in report["findings"] if f["code"].startswith("V")] == [], "the map must be valid"
    return [f for f in report["findings"] if f["slug"] == RULE]


def validate(path: pathlib.Path) -> tuple[int, str]:
    result = run_cjm("validate", str(path))
    return result.exit_code, result.stdout


def test_a_percent_written_as_a_ratio_is_a_hint_at_the_value(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "shop.yaml", journey_with(45, "ratio"))
    [finding] = findings(path)
    assert finding["code"] == "CJM207"
    assert finding["severity"] == "info"
    assert finding["path"] == "stages[0].kpis[0].target"
    assert (finding["line"], finding["column"]) == (10, 17)
    assert finding["message"] == (
        "KPI 'Conversion' has unit ratio but its target is 45: did you mean unit: percent (or 0.45)?"
    )
    assert (finding["journey"], finding["stage"], finding["subject"]) == ("shop", "checkout", "conversion")


def test_one_hit_per_offending_value(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "shop.yaml", journey_with(45, "ratio", actual=38))
    hits = findings(path)
    assert [f["path"] for f in hits] == ["stages[0].kpis[0].target", "stages[0].kpis[0].actual"]
    assert "its actual is 38: did you mean unit: percent (or 0.38)?" in hits[1]["message"]
    path = write(tmp_path / "shop.yaml", journey_with(0.4, "ratio", actual=38))
    assert [f["path"] for f in findings(path)] == ["stages[0].kpis[0].actual"]


@pytest.mark.parametrize(
    ("target", "unit"),
    [
        (1.1, "ratio"),  # a net revenue retention of 110 %
        (2, "ratio"),  # the default threshold itself
        (-0.05, "ratio"),  # a decline
        (250, "ratio"),  # above 100: not a percent either
        (110, "percent"),
        (250, "percent"),
        (45, "count"),
    ],
)
def test_plausible_values_are_clean(tmp_path: pathlib.Path, target: float, unit: str) -> None:
    assert findings(write(tmp_path / "shop.yaml", journey_with(target, unit))) == []


def test_the_threshold_comes_from_the_workspace(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "maps" / "shop.yaml", journey_with(1.1, "ratio"))
    write(tmp_path / "cjm.yaml", "cjm: 1\n")
    assert findings(tmp_path) == []
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis: {thresholds: {max_ratio_value: 1}}\n")
    [finding] = findings(tmp_path)
    assert finding["path"] == "stages[0].kpis[0].target"
    assert pathlib.Path(finding["file"]).resolve() == path.resolve()
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis: {thresholds: {max_ratio_value: 50}}\n")
    write(path, journey_with(45, "ratio"))
    assert findings(tmp_path) == []


def test_the_threshold_is_at_least_one(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "maps" / "shop.yaml", journey_with(0.5, "ratio"))
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis: {thresholds: {max_ratio_value: 0.5}}\n")
    code, output = validate(tmp_path)
    assert code == 1
    assert "max_ratio_value must be >= 1, got 0.5" in output


@pytest.mark.parametrize(
    ("target", "actual", "unit"),
    [
        (-0.05, -0.05, "ratio"),
        (45, 1.5, "ratio"),
        (250, -5, "percent"),
        (110, 150, "percent"),
    ],
)
def test_validation_does_not_limit_kpi_values_by_unit(
    tmp_path: pathlib.Path, target: float, actual: float, unit: str
) -> None:
    path = write(tmp_path / "shop.yaml", journey_with(target, unit, actual=actual))
    code, output = validate(path)
    assert code == 0, output
    assert "V204" not in output and "unit-range" not in output
    result = run_cjm("validate", "--format", "json", str(path))
    assert result.exit_code == 0
    assert "V204" not in result.stdout
