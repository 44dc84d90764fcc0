"""Growth points from target conversions, hand-computed; segments and channels ranked by them.

Each funnel below states its figures and the expected growth points worked out by hand:
customers gained = entered x (target - actual) x downstream conversion to the purchase,
revenue = customers gained x average order value, profit = revenue x margin, lifetime
revenue = customers gained x lifetime value.
"""

from __future__ import annotations

import pathlib
from typing import Any

import pytest

from conftest import run_cjm

Stage = tuple[str, str, int, int, float | None]  # id, phase, entered, advanced, funnel.target


def journey_text(
    stages: list[Stage],
    *,
    identifier: str = "shop",
    aov: float | None = 30000,
    currency: str = "RUB",
    margin: float | None = None,
    lifetime: float | None = None,
    segment: str | None = None,
    channels: dict[str, str] | None = None,
    motivations: dict[str, dict[str, list[str]]] | None = None,
) -> str:
    text = f"cjm: 1\nid: {identifier}\ntitle: {identifier.title()}\n"
    if segment:
        text += f"segment: {segment}\n"
    if aov is not None:
        text += f"economics:\n  currency: {currency}\n  average_order_value: {aov}\n"
        if margin is not None:
            text += f"  margin: {margin}\n"
        if lifetime is not None:
            text += f"  lifetime_value: {lifetime}\n"
    text += "channels:\n  - id: web\n    name: Website\n  - id: mail\n    name: Email\nstages:\n"
    for stage_id, phase, entered, advanced, target in stages:
        text += f"  - id: {stage_id}\n    name: Stage {stage_id}\n    phase: {phase}\n"
        channel = (channels or {}).get(stage_id)
        if channel:
            text += f"    touchpoints:\n      - id: {stage_id}-tp\n        name: At {stage_id}\n"
            text += f"        channel: {channel}\n        emotion: -1\n"
        found = (motivations or {}).get(stage_id)
        if found:
            text += "    motivations:\n"
            for kind, items in found.items():
                text += f"      {kind}: [{', '.join(items)}]\n"
        text += f"    funnel:\n      entered: {entered}\n      advanced: {advanced}\n"
        if target is not None:
            text += f"      target: {target}\n"
    return text


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lint_json(*paths: pathlib.Path) -> dict[str, Any]:
    result = run_cjm("lint", "--format", "json", *map(str, paths))
    assert result.exit_code in (0, 1), result.stderr
    report: dict[str, Any] = result.json()
    return report


def points(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (p["stage"], p["target"], p["actual"], p["customers_gained"], p["revenue"], p["profit"],
         p["lifetime_revenue"], p["currency"])
        for p in report["growth_points"]
    ]  # fmt: skip


def unvalued(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(u["stage"], u["reason"]) for u in report["unvalued"]]


# The worked example: awareness at 3 % with target 3 % has no growth point; a
# consideration stage entered by 4,000 at 10 % with target 18 %, followed by 25 % and 40 %
# to purchase, at 30,000 RUB per order: 4,000 x 0.08 = 320 more advance, x 0.25 x 0.40 = 32
# more customers, x 30,000 = 960,000 RUB; margin 0.25 -> 240,000 profit; lifetime value
# 90,000 -> 2,880,000 RUB over the customers' lifetime (720,000 profit).
WORKED: list[Stage] = [
    ("search", "awareness", 200000, 6000, 0.03),
    ("compare", "consideration", 4000, 400, 0.18),
    ("select", "consideration", 400, 100, None),
    ("buy", "purchase", 100, 40, None),
]

CASES: dict[str, tuple[list[Stage], dict[str, Any], list[tuple[Any, ...]], list[tuple[str, str]]]] = {
    "worked example": (
        WORKED,
        {"margin": 0.25, "lifetime": 90000},
        [("compare", 0.18, 0.1, 32.0, 960000.0, 240000.0, 2880000.0, "RUB")],
        [("select", "no-target"), ("buy", "no-target")],
    ),
    "no targets": (
        [(s, p, e, a, None) for s, p, e, a, _ in WORKED],
        {},
        [],
        [("search", "no-target"), ("compare", "no-target"), ("select", "no-target"), ("buy", "no-target")],
    ),
    # Every stage meets or beats its target: customers are lost, but no growth point.
    "targets met": (
        [("search", "awareness", 1000, 100, 0.1), ("buy", "purchase", 100, 60, 0.5)],
        {},
        [],
        [],
    ),
    # A loyalty loop after the purchase: retention, advocacy, retention again, a repeat
    # purchase. Only the stages up to the first purchase are valued: 1,000 x (0.3 - 0.2) x
    # 0.5 = 50 customers x 1,000; 200 x (0.6 - 0.5) = 20 customers x 1,000. No margin: no profit.
    "loop after purchase": (
        [
            ("compare", "consideration", 1000, 200, 0.3),
            ("buy", "purchase", 200, 100, 0.6),
            ("keep", "retention", 100, 50, 0.9),
            ("praise", "advocacy", 50, 40, 0.9),
            ("win-back", "retention", 40, 30, 0.9),
            ("repeat", "purchase", 30, 20, 0.9),
        ],
        {"aov": 1000, "currency": "EUR"},
        [
            ("compare", 0.3, 0.2, 50.0, 50000.0, None, None, "EUR"),
            ("buy", 0.6, 0.5, 20.0, 20000.0, None, None, "EUR"),
        ],
        [],
    ),
    # Nobody entered the purchase stage: it has no conversion to value, and the stage before
    # it has no downstream figures, so neither gets a made-up number.
    "zero entered": (
        [("compare", "consideration", 1000, 0, 0.1), ("buy", "purchase", 0, 0, 0.5)],
        {},
        [],
        [("compare", "no-downstream-data")],
    ),
    # Checkout then payment are one purchase: 1,000 x 0.1 x 0.5 x 0.8 = 40 customers;
    # 300 x 0.1 x 0.8 = 24; 150 x 0.1 = 15; at 2,000 per order, margin 0.5.
    "several purchase stages": (
        [
            ("compare", "consideration", 1000, 300, 0.4),
            ("checkout", "purchase", 300, 150, 0.6),
            ("payment", "purchase", 150, 120, 0.9),
            ("install", "onboarding", 120, 100, 0.95),
        ],
        {"aov": 2000, "margin": 0.5},
        [
            ("compare", 0.4, 0.3, 40.0, 80000.0, 40000.0, None, "RUB"),
            ("checkout", 0.6, 0.5, 24.0, 48000.0, 24000.0, None, "RUB"),
            ("payment", 0.9, 0.8, 15.0, 30000.0, 15000.0, None, "RUB"),
        ],
        [],
    ),
    "no economics": (WORKED, {"aov": None}, [], []),
    "no purchase stage": (
        [("search", "awareness", 1000, 10, 0.1), ("compare", "consideration", 10, 1, 0.5)],
        {},
        [],
        [],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_growth_points_by_hand(tmp_path: pathlib.Path, case: str) -> None:
    stages, options, expected, expected_unvalued = CASES[case]
    path = write(tmp_path / "shop.yaml", journey_text(stages, **options))
    report = lint_json(path)
    assert points(report) == expected
    assert unvalued(report) == expected_unvalued


def test_the_json_shape_of_a_growth_point_is_stable(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "shop.yaml", journey_text(WORKED, margin=0.25, lifetime=90000))
    [point] = lint_json(path)["growth_points"]
    assert {
        "journey", "stage", "target", "actual", "customers_gained", "revenue", "profit", "currency",
    } <= set(point)  # fmt: skip
    assert point["journey"] == "shop" and point["file"] == str(path)
    assert point["downstream_conversion"] == 0.1 and point["entered"] == 4000
    assert point["target_source"] == "stage" and point["lifetime_profit"] == 720000.0


def test_workspace_targets_per_phase_and_the_stage_target_wins(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis:\n  conversion_targets:\n    consideration: 0.18\n")
    stages: list[Stage] = [
        ("compare", "consideration", 4000, 400, None),  # phase target 0.18: 4,000 x 0.08 x 0.25 x 0.4 = 32
        ("select", "consideration", 400, 100, 0.3),  # own target 0.3: 400 x 0.05 x 0.4 = 8
        ("buy", "purchase", 100, 40, None),  # no target for purchase
    ]
    write(tmp_path / "shop.yaml", journey_text(stages))
    report = lint_json(tmp_path)
    found = [
        (p["stage"], p["target_source"], p["customers_gained"], p["revenue"]) for p in report["growth_points"]
    ]
    assert found == [
        ("compare", "phase", 32.0, 960000.0),
        ("select", "stage", 8.0, 240000.0),
    ]  # fmt: skip
    assert unvalued(report) == [("buy", "no-target")]


def test_text_report_says_how_to_set_missing_targets(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "shop.yaml", journey_text([(s, p, e, a, None) for s, p, e, a, _ in WORKED]))
    output = run_cjm("lint", str(path)).stdout
    assert "4 stages before the purchase have no target conversion" in output
    assert "funnel.target" in output and "conversion_targets" in output


def test_text_report_of_the_worked_example(tmp_path: pathlib.Path) -> None:
    motivations = {"compare": {"rational": ["Price per square metre"], "emotional": ["Safety of the family"]}}
    text = journey_text(WORKED, margin=0.25, lifetime=90000, motivations=motivations)
    output = run_cjm("lint", str(write(tmp_path / "shop.yaml", text))).stdout
    assert (
        "1. shop / Stage compare  +RUB\u00a0960,000, profit +RUB\u00a0240,000, lifetime +RUB\u00a02,880,000"
        in output
    )
    assert "conversion 10% -> 18%: +32 customers at 10% downstream" in output
    assert "appeal to: rational (Price per square metre); emotional (Safety of the family)" in output


def test_segments_and_stakeholders_are_ranked_by_revenue_at_stake(tmp_path: pathlib.Path) -> None:
    write(
        tmp_path / "cjm.yaml",
        "cjm: 1\nsegments:\n"
        "  - id: homes\n    name: Homeowners\n    kind: b2c\n"
        "  - id: cfo\n    name: Chief financial officer\n    kind: b2b-stakeholder\n",
    )
    small: list[Stage] = [("compare", "consideration", 1000, 100, 0.12), ("buy", "purchase", 100, 50, None)]
    # homes: two journeys, 1,000 x 0.02 x 0.5 = 10 customers x 30,000 = 300,000 each
    write(tmp_path / "a.yaml", journey_text(small, identifier="homes-a", segment="homes"))
    write(tmp_path / "b.yaml", journey_text(small, identifier="homes-b", segment="homes"))
    # cfo: the worked example, 960,000
    write(tmp_path / "c.yaml", journey_text(WORKED, identifier="cfo-map", segment="cfo", margin=0.25))
    report = lint_json(tmp_path)
    assert [
        (s["segment"], s["kind"], s["journeys"], s["growth_points"], s["revenue"], s["profit"])
        for s in report["segments"]
    ] == [
        ("cfo", "b2b-stakeholder", ["cfo-map"], 1, 960000.0, 240000.0),
        ("homes", "b2c", ["homes-a", "homes-b"], 2, 600000.0, None),
    ]
    output = run_cjm("lint", str(tmp_path)).stdout
    assert "1. Chief financial officer (B2B stakeholder)  RUB\u00a0960,000, profit RUB\u00a0240,000" in output
    assert "2. Homeowners  RUB\u00a0600,000 (2 growth points, 2 journeys)" in output


def test_channels_are_ranked_by_the_revenue_of_the_stages_they_serve(tmp_path: pathlib.Path) -> None:
    channels = {"compare": "mail", "select": "web", "buy": "web"}
    stages: list[Stage] = [
        ("compare", "consideration", 4000, 400, 0.18),  # 960,000
        ("select", "consideration", 400, 100, 0.3),  # 400 x 0.05 x 0.4 = 8 -> 240,000
        ("buy", "purchase", 100, 40, 0.5),  # 100 x 0.1 = 10 -> 300,000
    ]
    path = write(tmp_path / "shop.yaml", journey_text(stages, channels=channels))
    report = lint_json(path)
    assert [
        (c["channel"], c["revenue_at_stake"], len(c["touchpoints"]), c["negative_touchpoints"])
        for c in report["channels"]
    ] == [("mail", {"RUB": 960000.0}, 1, 1), ("web", {"RUB": 540000.0}, 2, 2)]


def test_maps_sharing_an_id_keep_their_own_results(tmp_path: pathlib.Path) -> None:
    """Two standalone maps with one id: each file's growth points and stages are its own."""
    first = write(tmp_path / "one" / "shop.yaml", journey_text(WORKED))
    other: list[Stage] = [("look", "consideration", 500, 50, 0.2), ("pay", "purchase", 50, 25, None)]
    second = write(tmp_path / "two" / "shop.yaml", journey_text(other))
    report = lint_json(first, second)
    by_file = {(p["file"], p["stage"]) for p in report["growth_points"]}
    assert by_file == {(str(first), "compare"), (str(second), "look")}
    out = tmp_path / "out"
    result = run_cjm("render", str(first), str(second), "--to", "json", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    import json

    exports = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("*.json")}
    stages_seen = sorted(
        sorted(point["stage"] for point in export["analysis"]["growth_points"]) for export in exports.values()
    )
    assert stages_seen == [["compare"], ["look"]]
