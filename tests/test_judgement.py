"""Findings with judgement: KPI tolerance and graded severity, scores that count only what
nothing answers yet, no ranking of ties, `--quiet`, blocking findings first, new settings
checked by `cjm validate`."""

from __future__ import annotations

import os
import pathlib
from typing import Any

import pytest

from conftest import run_cjm

KPI_STAGE = """\
cjm: 1
id: shop
title: Shop
stages:
  - id: landing
    name: Landing
    kpis:
      - id: reach
        name: Visitors reaching the form
        target: {target}
        actual: {actual}
        unit: ratio
{extra}"""


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def kpi_findings(folder: pathlib.Path) -> list[tuple[str, str]]:
    result = run_cjm("lint", "--format", "json", "--select", "kpi-off-target", str(folder))
    return [(f["severity"], f["message"]) for f in result.json()["findings"]]


@pytest.mark.parametrize(
    ("target", "actual", "severity"),
    [
        (0.45, 0.44, None),  # 2 % off: within the default 5 % tolerance
        (0.5, 0.475, None),  # exactly 5 % off: still on target
        (0.5, 0.46, "info"),  # 8 % off: a small miss
        (0.7, 0.52, "warning"),  # 26 % off: a real miss
        (0, -0.1, "warning"),  # any miss of a target of 0
    ],
)
def test_kpi_misses_are_graded_by_their_size(
    tmp_path: pathlib.Path, target: float, actual: float, severity: str | None
) -> None:
    write(tmp_path / "shop.yaml", KPI_STAGE.format(target=target, actual=actual, extra=""))
    found = kpi_findings(tmp_path)
    assert [s for s, _ in found] == ([severity] if severity else [])


def test_lower_is_better_kpis_read_right(tmp_path: pathlib.Path) -> None:
    extra = "        direction: lower\n"
    write(tmp_path / "shop.yaml", KPI_STAGE.format(target=0.4, actual=0.52, extra=extra))
    [(severity, message)] = kpi_findings(tmp_path)
    assert severity == "warning"
    assert message == "KPI 'Visitors reaching the form' at stage 'Landing' is 30% above target: 52% vs 40%"


def test_tolerance_threshold_and_severity_come_from_the_workspace(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "shop.yaml", KPI_STAGE.format(target=0.5, actual=0.4, extra=""))  # 20 % off
    assert [s for s, _ in kpi_findings(tmp_path)] == ["info"]  # not above kpi_major_miss 0.2
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis:\n  thresholds:\n    kpi_major_miss: 0.1\n")
    assert [s for s, _ in kpi_findings(tmp_path)] == ["warning"]
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis:\n  kpi_tolerance: 0.25\n")
    assert kpi_findings(tmp_path) == []
    # An explicit severity applies to every miss, small or large, under the old slug too.
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis:\n  severity:\n    kpi-below-target: error\n")
    assert [s for s, _ in kpi_findings(tmp_path)] == ["error"]


STAGES = """\
cjm: 1
id: shop
title: Shop
stages:
  - id: order
    name: Order
    emotion: -2
    evidence:
      level: data
{remedy}  - id: delivery
    name: Delivery
    emotion: 1
    evidence:
      level: data
"""


def stage_report(folder: pathlib.Path) -> dict[str, Any]:
    result = run_cjm("lint", "--format", "json", str(folder))
    report: dict[str, Any] = result.json()
    return report


def test_an_addressed_negative_emotion_does_not_weaken_the_stage(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "shop.yaml", STAGES.format(remedy=""))
    [order] = stage_report(tmp_path)["stages"]
    assert (order["stage"], order["score"]) == ("order", 2.0)
    assert order["explanation"] == "2.00 = negative emotion 2"
    assert order["signals"] == ["customers feel very negative (-2) and nothing at the stage addresses it"]
    assert order["reasons"] == [{"signal": "negative-emotion", "points": 2.0, "text": order["signals"][0]}]
    remedy = (
        "    objections:\n      - id: slow\n        text: Too slow\n        response: Same-day delivery\n"
    )
    write(tmp_path / "shop.yaml", STAGES.format(remedy=remedy))
    assert stage_report(tmp_path)["stages"] == []


def test_ties_are_not_ranked(tmp_path: pathlib.Path) -> None:
    """A map converted from a drawing: no figures, every stage 'no data'."""
    text = "cjm: 1\nid: drawn\ntitle: Drawn\nstages:\n" + "".join(
        f"  - id: s{i}\n    name: Stage {i}\n" for i in range(5)
    )
    write(tmp_path / "drawn.yaml", text)
    report = stage_report(tmp_path)
    assert report["stages"] == []
    [unranked] = report["unranked"]
    assert (unranked["journey"], unranked["stages"], unranked["score"]) == ("drawn", 5, 0.5)
    output = run_cjm("lint", str(tmp_path)).stdout
    assert "drawn: not ranked: all 5 stages score 0.50 (no data)" in output
    assert "1. drawn" not in output
    for locale, note in (
        ("en", "Not ranked: all 5 stages score the same."),
        ("ru", "Этапы не ранжированы: у всех 5 этапов одинаковый балл."),
    ):
        out = tmp_path / f"out-{locale}"
        rendered = run_cjm("render", str(tmp_path), "--to", "md,html", "--locale", locale, "--out", str(out))
        assert rendered.exit_code == 0, rendered.stderr
        assert note in (out / "drawn.md").read_text(encoding="utf-8")
        assert note in (out / "drawn.html").read_text(encoding="utf-8")


def test_a_mermaid_map_is_not_ranked_as_ties(tmp_path: pathlib.Path) -> None:
    source = write(
        tmp_path / "journey.mmd",
        "journey\n  title Buying a door\n  section Search\n    Google: 3: Me\n"
        "  section Visit\n    Showroom: 4: Me\n  section Order\n    Contract: 3: Me\n",
    )
    converted = tmp_path / "maps" / "door.yaml"
    result = run_cjm("convert", str(source), "--to", "yaml", "--output", str(converted))
    assert result.exit_code == 0, result.stderr
    report = stage_report(converted.parent)
    assert report["stages"] == [] and len(report["unranked"]) == 1


def test_quiet_prints_the_findings_alone(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "shop.yaml", STAGES.format(remedy=""))
    full = run_cjm("lint", str(tmp_path)).stdout
    quiet = run_cjm("lint", "--quiet", str(tmp_path))
    assert "Weakest stages" in full and "Weakest stages" not in quiet.stdout
    assert quiet.stdout.splitlines() == full.splitlines()[: len(quiet.stdout.splitlines())]
    assert "negative-emotion-unaddressed" in quiet.stdout and "1 warning" not in quiet.stdout
    assert quiet.exit_code == 0


def test_summary_names_the_blocking_findings_first(tmp_path: pathlib.Path) -> None:
    text = STAGES.format(remedy="    objections:\n      - id: slow\n        text: Too slow\n")
    write(tmp_path / "shop.yaml", text)
    result = run_cjm("lint", str(tmp_path))
    assert result.exit_code == 1
    last = result.stdout.splitlines()[-1]
    assert last.startswith("Blocking: 1 error (objection-unanswered 1); also ")
    blocking_warnings = run_cjm("lint", "--fail-on", "warning", str(tmp_path)).stdout.splitlines()[-1]
    assert blocking_warnings.startswith("Blocking: 1 error and ")
    summary = run_cjm("lint", "--format", "json", "--fail-on", "warning", str(tmp_path)).json()["summary"]
    assert summary["error"] == 1 and summary["fail_on"] == "warning"
    assert summary["blocking"] == summary["error"] + summary["warning"]


@pytest.mark.parametrize(
    ("workspace", "journey_extra", "expected"),
    [
        ("analysis:\n  conversion_targets:\n    decision: 0.2\n", "", (4, 5)),
        ("analysis:\n  conversion_targets:\n    consideration: 1.5\n", "", (4, 20)),
        ("analysis:\n  kpi_tolerance: -0.1\n", "", (3, 18)),
        ("analysis:\n  ignore: [kpi-below-targets]\n", "", (3, 12)),
        ("", "    funnel:\n      entered: 10\n      advanced: 5\n      target: 2\n", (10, 15)),
        ("", "economics:\n  currency: EUR\n  average_order_value: 10\n  margin: 1.2\n", None),
    ],
)
def test_validate_reports_every_new_setting_at_its_line(
    tmp_path: pathlib.Path, workspace: str, journey_extra: str, expected: tuple[int, int] | None
) -> None:
    write(tmp_path / "cjm.yaml", "cjm: 1\n" + workspace)
    body = "cjm: 1\nid: shop\ntitle: Shop\n"
    if journey_extra.startswith("economics"):
        body += journey_extra + "stages:\n  - id: a\n    name: A\n"
    else:
        body += "stages:\n  - id: a\n    name: A\n" + journey_extra
    write(tmp_path / "shop.yaml", body)
    result = run_cjm("validate", "--format", "json", str(tmp_path))
    assert result.exit_code == 1
    [error] = result.json()["errors"]
    if expected is not None:
        assert (error["line"], error["column"]) == expected
    lint = run_cjm("lint", "--format", "json", str(tmp_path)).json()
    assert [(e["file"], e["line"], e["code"]) for e in lint["findings"] if e["code"].startswith("V")] == [
        (error["file"], error["line"], error["code"])
    ]


MERMAID_CORPUS = sorted(
    (pathlib.Path(os.environ.get("CJM_CORPUS", "/work/shared/corpus")) / "mermaid").glob("*.mmd")
)


def test_no_corpus_diagram_is_ranked_as_ties(tmp_path: pathlib.Path) -> None:
    """Every real Mermaid journey, converted: a journey's stages are either told apart by their
    scores (touchpoint emotions) or reported as unranked, never listed as equal ties."""
    assert len(MERMAID_CORPUS) == 29
    for index, source in enumerate(MERMAID_CORPUS):
        target = tmp_path / f"map-{index:02d}" / "journey.yaml"
        assert run_cjm("convert", str(source), "-o", str(target)).exit_code == 0
    report = stage_report(tmp_path)
    listed: dict[str, list[float]] = {}
    for health in report["stages"]:
        listed.setdefault(health["file"], []).append(health["score"])
    unranked = {journey["file"] for journey in report["unranked"]}
    assert not unranked & set(listed)
    for file, scores in listed.items():
        assert len(scores) == 1 or len(set(scores)) > 1, file
