"""`cjm compare CURRENT FUTURE`: every item of the JSON report against hand-computed figures,
the future-map format checks, and the reports for people."""

from __future__ import annotations

import pathlib
import re
from typing import Any

import pytest

from conftest import run_cjm

# The worked example: a trial of 2,000 sign-ups converting 0.5 -> 0.3 -> 0.8 -> 0.4 to
# purchase at 1,500 EUR per order earns 2,000 x 0.5 x 0.3 x 0.8 x 0.4 = 96 purchases = 144,000;
# raising the second stage to a 0.6 target projects 2,000 x 0.5 x 0.6 x 0.8 x 0.4 = 192
# purchases = 288,000.
CURRENT = """\
cjm: 1
id: trial
title: Software trial
economics: {currency: EUR, average_order_value: 1500}
channels: [{id: web, name: Website}, {id: phone, name: Phone}]
stages:
  - id: signup
    name: Sign-up
    phase: awareness
    emotion: 1
    kpis: [{id: signups, name: Sign-ups, target: 2000, actual: 2000}]
    funnel: {entered: 2000, advanced: 1000}
  - id: setup
    name: Setup
    phase: consideration
    emotion: -1
    barriers:
      - {id: no-import, text: Cannot import old data, recommendation: Offer an importer}
      - {id: no-sso, text: No single sign-on, recommendation: Add SSO}
      - {id: no-api, text: No API, recommendation: Publish the API}
    objections:
      - {id: too-long, text: Setup takes too long, response: Templates}
    touchpoints: [{id: setup-wizard, name: Setup wizard, channel: web}]
    funnel: {entered: 1000, advanced: 300}
  - id: trial-use
    name: Trial use
    phase: consideration
    emotion: 0
    funnel: {entered: 300, advanced: 240}
  - id: sales-call
    name: Sales call
    phase: consideration
    touchpoints: [{id: call, name: Call, channel: phone}]
  - id: buy
    name: Purchase
    phase: purchase
    emotion: 1
    funnel: {entered: 240, advanced: 96}
"""
FUTURE = """\
cjm: 1
id: trial-future
title: Software trial, redesigned
state: future
baseline: trial
economics: {currency: EUR, average_order_value: 1500}
channels: [{id: web, name: Website}, {id: chat, name: Live chat}]
stages:
  - id: signup
    name: Sign-up
    phase: awareness
    emotion: 1
    kpis: [{id: signups, name: Sign-ups, target: 2500}]
  - id: setup
    name: Setup
    phase: consideration
    emotion: 1
    barriers:
      - {id: no-sso, text: No single sign-on, recommendation: Add SSO}
    touchpoints:
      - {id: importer, name: One-click importer, channel: web, resolves: [no-import]}
      - {id: setup-chat, name: Setup chat, channel: chat, resolves: [too-long, no-import]}
    funnel: {target: 0.6}
  - id: trial-use
    name: Trial use
    phase: consideration
    emotion: -1
  - id: buy
    name: Purchase
    phase: purchase
    emotion: 1
  - id: check-in
    name: Check-in after a month
    phase: retention
    emotion: 2
"""


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def pair(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    return write(tmp_path / "trial.yaml", CURRENT), write(tmp_path / "trial-future.yaml", FUTURE)


def report(*paths: pathlib.Path) -> dict[str, Any]:
    result = run_cjm("compare", *map(str, paths), "--format", "json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = result.json()
    return document


def test_the_worked_example_item_by_item(pair: tuple[pathlib.Path, pathlib.Path]) -> None:
    found = report(*pair)
    assert (found["current"], found["future"]) == ("trial", "trial-future")
    # (stage, emotion current/future/delta, conversion current/projected/source)
    assert [(s["stage"], *s["emotion"].values(), *s["conversion"].values()) for s in found["stages"]] == [
        ("signup", 1, 1, 0, 0.5, 0.5, "baseline"),
        ("setup", -1, 1, 2, 0.3, 0.6, "target"),
        ("trial-use", 0, -1, -1, 0.8, 0.8, "baseline"),
        ("buy", 1, 1, 0, 0.4, 0.4, "baseline"),
    ]
    assert list(found["stages"][0]["emotion"]) == ["current", "future", "delta"]
    assert list(found["stages"][0]["conversion"]) == ["current", "future", "source"]
    assert found["stages"][0]["kpis"] == [{"kpi": "signups", "current": 2000, "future": 2500}]
    assert found["resolved"] == [
        {"kind": "barrier", "id": "no-import", "stage": "setup", "by": ["importer", "setup-chat"]},
        {"kind": "objection", "id": "too-long", "stage": "setup", "by": ["setup-chat"]},
    ]
    assert found["unresolved"] == [
        {"kind": "barrier", "id": "no-sso", "stage": "setup", "in_future": True},  # still stands
        {"kind": "barrier", "id": "no-api", "stage": "setup", "in_future": False},  # dropped silently
    ]
    assert found["added"] == [
        {"kind": "stage", "id": "check-in", "name": "Check-in after a month"},
        {"kind": "touchpoint", "id": "importer", "name": "One-click importer", "stage": "setup"},
        {"kind": "touchpoint", "id": "setup-chat", "name": "Setup chat", "stage": "setup"},
        {"kind": "channel", "id": "chat", "name": "Live chat"},
    ]
    assert found["removed"] == [
        {"kind": "stage", "id": "sales-call", "name": "Sales call"},
        {"kind": "touchpoint", "id": "setup-wizard", "name": "Setup wizard", "stage": "setup"},
        {"kind": "touchpoint", "id": "call", "name": "Call", "stage": "sales-call"},
        {"kind": "channel", "id": "phone", "name": "Phone"},
    ]
    revenue = found["revenue"]
    assert {key: revenue[key] for key in ("current", "future", "delta", "currency")} == {
        "current": 144000.0, "future": 288000.0, "delta": 144000.0, "currency": "EUR",
    }  # fmt: skip
    assert revenue["purchases"] == {"current": 96.0, "future": 192.0}
    # Setup alone: 144,000 x (0.6 / 0.3) - 144,000 = 144,000.
    assert revenue["contributions"] == [
        {"stage": "setup", "current": 0.3, "future": 0.6, "revenue": 144000.0}
    ]
    # The sales call has no funnel figures today: it passes everyone on, in both projections.
    assert revenue["assumed"] == ["sales-call"]


def test_a_stage_added_before_the_purchase_without_a_target_is_assumed_to_pass_everyone(
    pair: tuple[pathlib.Path, pathlib.Path],
) -> None:
    current, future = pair
    text = FUTURE.replace(
        "  - id: buy\n", "  - id: demo\n    name: Demo\n    phase: consideration\n  - id: buy\n"
    )
    write(future, text)
    revenue = report(current, future)["revenue"]
    assert revenue["future"] == 288000.0 and revenue["assumed"] == ["sales-call", "demo"]
    # With a 0.5 target the demo halves the projected purchases: 192 x 0.5 = 96.
    write(future, text.replace("    name: Demo\n", "    name: Demo\n    funnel: {target: 0.5}\n"))
    revenue = report(current, future)["revenue"]
    assert (
        revenue["purchases"]["future"] == 96.0
        and revenue["future"] == 144000.0
        and revenue["assumed"] == ["sales-call"]
    )


def test_one_future_map_finds_its_baseline_in_the_workspace(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "cjm.yaml", "cjm: 1\nchannels: [{id: chat, name: Live chat}]\n")
    write(tmp_path / "maps" / "trial.yaml", CURRENT)
    future = write(tmp_path / "maps" / "trial-future.yaml", FUTURE.replace("{id: chat, name: Live chat}", ""))
    assert report(future)["revenue"]["delta"] == 144000.0


def test_a_future_map_whose_baseline_is_missing(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "ws" / "cjm.yaml", "cjm: 1\n")
    future = write(
        tmp_path / "ws" / "trial-future.yaml", FUTURE.replace("baseline: trial", "baseline: trail")
    )
    lint = run_cjm("lint", "--format", "json", str(tmp_path / "ws")).json()
    [error] = [f for f in lint["findings"] if f["code"].startswith("V")]
    assert (error["line"], error["column"], error["code"]) == (5, 11, "V202")
    assert "baseline journey 'trail' is not defined in the workspace" in error["message"]
    result = run_cjm("compare", str(future))
    assert result.exit_code == 1 and "V202" in result.stderr and "Traceback" not in result.stderr
    no_baseline = write(tmp_path / "alone" / "future.yaml", FUTURE.replace("baseline: trial\n", ""))
    result = run_cjm("compare", str(no_baseline))
    assert result.exit_code == 1 and "names no `baseline`" in result.stderr


def test_a_resolves_id_that_the_baseline_does_not_have(pair: tuple[pathlib.Path, pathlib.Path]) -> None:
    current, future = pair
    write(future, FUTURE.replace("resolves: [no-import]", "resolves: [no-imports]"))
    result = run_cjm("validate", "--format", "json", str(current), str(future))
    assert result.exit_code == 1
    [error] = result.json()["errors"]
    assert (error["line"], error["column"], error["code"]) == (21, 75, "V202")  # at the id
    assert error["message"].startswith("barrier or objection 'no-imports' is not defined among the barriers")
    assert "(did you mean 'no-import'?)" in error["message"]
    assert run_cjm("compare", str(current), str(future)).exit_code == 1


BASELINE_ON_CURRENT = CURRENT.replace("title: Software trial\n", "title: T\nbaseline: trial\n")
RESOLVES_ON_CURRENT = CURRENT.replace(
    "channel: web}]\n    funnel", "channel: web, resolves: [no-sso]}]\n    funnel"
)
TARGET_ALONE_ON_CURRENT = CURRENT.replace("{entered: 300, advanced: 240}", "{target: 0.8}")
ONE_FIGURE_ON_FUTURE = FUTURE.replace("{target: 0.6}", "{entered: 1000, target: 0.6}")


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (BASELINE_ON_CURRENT, (4, 11), "`baseline` is for a future map"),
        (RESOLVES_ON_CURRENT, (23, 82), "`resolves` is for a future map"),
        (TARGET_ALONE_ON_CURRENT, (29, 13), "missing required key 'entered'"),
        (ONE_FIGURE_ON_FUTURE, (23, 13), "missing required key 'advanced'"),
    ],
)
def test_future_fields_are_checked_by_state(
    tmp_path: pathlib.Path, text: str, where: tuple[int, int], message: str
) -> None:
    path = write(tmp_path / "map.yaml", text)
    result = run_cjm("validate", "--format", "json", str(path))
    assert result.exit_code == 1
    errors = result.json()["errors"]
    assert [(e["line"], e["column"]) for e in errors if message in e["message"]] == [where], errors


def test_a_target_alone_is_a_valid_future_funnel(pair: tuple[pathlib.Path, pathlib.Path]) -> None:
    assert run_cjm("validate", *map(str, pair)).exit_code == 0


def test_the_order_of_the_maps_is_checked(pair: tuple[pathlib.Path, pathlib.Path]) -> None:
    current, future = pair
    result = run_cjm("compare", str(future), str(current))
    assert result.exit_code == 2 and "the first map must be the current one" in result.stderr
    assert run_cjm("compare", str(current), str(current)).exit_code == 2


def test_text_and_markdown_reports(pair: tuple[pathlib.Path, pathlib.Path]) -> None:
    text = run_cjm("compare", *map(str, pair)).stdout
    assert "Revenue: €144,000 today, €288,000 projected (+€144,000)" in text
    assert "barrier 'Cannot import old data' at 'Setup': resolved by importer, setup-chat" in text
    assert "barrier 'No single sign-on' at 'Setup': still there" in text
    table = run_cjm("compare", *map(str, pair), "--format", "md").stdout
    assert "| Software trial, redesigned | €144,000 | €288,000 | +€144,000 |" in table
    assert "| Setup | -1 → +1 | 30% → 60% |" in table


def test_a_russian_future_map_gets_a_russian_report(pair: tuple[pathlib.Path, pathlib.Path]) -> None:
    current, future = pair
    write(future, FUTURE.replace("state: future\n", "state: future\nlocale: ru\n"))
    text = run_cjm("compare", str(current), str(future)).stdout
    assert "Выручка: сейчас 144\u00a0000\u00a0€, прогноз 288\u00a0000\u00a0€ (+144\u00a0000\u00a0€)" in text
    maps = " ".join((current.read_text(encoding="utf-8") + future.read_text(encoding="utf-8")).split())
    runs = re.findall(r"[A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'-]*){2,}", " ".join(text.split()))
    assert [run for run in runs if run not in maps] == []
    assert "Revenue" in run_cjm("compare", str(current), str(future), "--locale", "en").stdout
