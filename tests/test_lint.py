"""`cjm lint`: configuration, suppression, selection, exit codes, output formats, ranking."""

from __future__ import annotations

import json
import pathlib

import jsonschema
import pytest

from conftest import EXAMPLES, ROOT, run_cjm

GOLDEN = pathlib.Path(__file__).parent / "golden"
SARIF_SCHEMA = json.loads((pathlib.Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())

STAGE = """\
  - id: {id}
    name: {name}
    phase: {phase}
    customer_goal: Goal of {name}
    emotion: {emotion}
    touchpoints:
      - id: {id}-tp
        name: Touchpoint of {name}
        channel: web
    kpis:
      - id: {id}-kpi
        name: KPI of {name}
        target: 0.5
        actual: {actual}
        unit: ratio
    funnel:
      entered: {entered}
      advanced: {advanced}
    evidence:
      level: data
      sources: [analytics]
"""


def journey(*stages: dict[str, object], economics: bool = True, head: str = "") -> str:
    text = "cjm: 1\nid: shop\ntitle: Shop\n" + head
    if economics:
        text += "economics:\n  currency: EUR\n  average_order_value: 100\n"
    text += "channels:\n  - id: web\n    name: Website\nstages:\n"
    for stage in stages:
        values = {"phase": "consideration", "emotion": 1, "actual": 0.6, "entered": 100, "advanced": 80}
        values.update(stage)
        text += STAGE.format(**values)
    return text


def write(path: pathlib.Path, text: str) -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def lint(*args: str) -> tuple[int, dict[str, object]]:
    result = run_cjm("lint", "--format", "json", *args)
    return result.exit_code, result.json()


def slugs(report: dict[str, object]) -> list[str]:
    return [f["slug"] for f in report["findings"]]  # type: ignore[index, union-attr]


def test_examples_lint_without_error_findings() -> None:
    code, report = lint(str(EXAMPLES))
    assert [f for f in report["findings"] if f["severity"] == "error"] == []  # type: ignore[union-attr]
    assert code == 0
    # Two workspaces, six current journeys and the front-door future map.
    assert report["files"] == 9
    assert "doors-homeowners-future" in {f["journey"] for f in report["findings"]}  # type: ignore[union-attr]


def test_golden_json_of_an_example(monkeypatch: pytest.MonkeyPatch, update_golden: bool) -> None:
    monkeypatch.chdir(ROOT)
    result = run_cjm("lint", "--format", "json", "examples/email-shop/journey.yaml")
    golden = GOLDEN / "lint-email-shop.json"
    if update_golden:
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_sarif_validates_against_the_official_schema(tmp_path: pathlib.Path) -> None:
    broken = write(
        tmp_path / "broken.yaml", journey({"id": "a", "name": "A"}).replace("emotion: 1", "emotion: 7")
    )
    for target in (str(EXAMPLES), str(broken)):
        result = run_cjm("lint", "--format", "sarif", target)
        log = json.loads(result.stdout)
        jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
        results = log["runs"][0]["results"]
        assert results, target
        rules = log["runs"][0]["tool"]["driver"]["rules"]
        for item in results:
            assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
            region = item["locations"][0]["physicalLocation"]["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1
    assert any(r["ruleId"] == "V105" and r["level"] == "error" for r in results)


def test_threshold_from_the_workspace(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "maps" / "shop.yaml", journey({"id": "a", "name": "A", "entered": 100, "advanced": 15}))
    write(tmp_path / "cjm.yaml", "cjm: 1\nchannels: []\n")
    assert "high-drop-off" in slugs(lint(str(tmp_path))[1])  # 15% < default 20%
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis:\n  thresholds:\n    min_stage_conversion: 0.1\n")
    assert "high-drop-off" not in slugs(lint(str(tmp_path))[1])
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis:\n  thresholds:\n    min_stage_conversion: 0.5\n")
    _, report = lint(str(tmp_path))
    [finding] = [f for f in report["findings"] if f["slug"] == "high-drop-off"]  # type: ignore[union-attr]
    assert "threshold 50%" in finding["message"]


def test_ignore_and_severity_from_the_workspace(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "shop.yaml", journey({"id": "a", "name": "A", "actual": 0.3}))
    assert lint(str(tmp_path))[0] == 0
    assert "kpi-off-target" in slugs(lint(str(tmp_path))[1])
    # The rule's former slug still names it in the workspace settings.
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis:\n  severity:\n    kpi-below-target: error\n")
    code, report = lint(str(tmp_path))
    [finding] = [f for f in report["findings"] if f["slug"] == "kpi-off-target"]  # type: ignore[union-attr]
    assert finding["severity"] == "error"
    assert code == 1
    write(tmp_path / "cjm.yaml", "cjm: 1\nanalysis:\n  ignore: [kpi-below-target, CJM2]\n")
    code, report = lint(str(tmp_path))
    assert not [s for s in slugs(report) if s in ("kpi-off-target", "emotion-dip")]
    assert code == 0


def test_unknown_rule_in_the_workspace_settings_is_located(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "shop.yaml", journey({"id": "a", "name": "A"}))
    write(
        tmp_path / "cjm.yaml",
        "cjm: 1\nanalysis:\n  ignore: [stage-no-kpis]\n  severity:\n    kpi-below: info\n",
    )
    code, report = lint(str(tmp_path))
    errors = [
        (f["line"], f["column"], f["code"], f["message"]) for f in report["findings"] if f["code"] == "V104"
    ]
    assert code == 1
    assert errors == [
        (3, 12, "V104", "unknown rule 'stage-no-kpis' (did you mean 'stage-no-kpi'?)"),
        (5, 5, "V104", "unknown rule 'kpi-below' (did you mean 'kpi-off-target'?)"),
    ]


@pytest.mark.parametrize(
    ("comment", "suppressed"),
    [
        ("  # cjm: ignore[kpi-off-target]", True),
        ("  # cjm: ignore[kpi-below-target]", True),  # the rule's former slug
        ("  # cjm: ignore[CJM201]", True),
        ("  # cjm: ignore[stage-no-kpi, kpi-below-target]", True),
        ("  # cjm: ignore", True),
        ("  # cjm: ignore[stage-no-kpi]", False),
    ],
)
def test_inline_suppression_on_the_element_line(
    tmp_path: pathlib.Path, comment: str, suppressed: bool
) -> None:
    text = journey({"id": "a", "name": "A", "actual": 0.3}).replace(
        "      - id: a-kpi\n", f"      - id: a-kpi{comment}\n"
    )
    write(tmp_path / "shop.yaml", text)
    assert ("kpi-off-target" not in slugs(lint(str(tmp_path))[1])) is suppressed


def test_inline_suppression_on_the_line_above(tmp_path: pathlib.Path) -> None:
    text = journey({"id": "a", "name": "A", "actual": 0.3})
    text = text.replace(
        "      - id: a-kpi\n",
        "      # cjm: ignore[kpi-below-target]: agreed with the client\n      - id: a-kpi\n",
    )
    write(tmp_path / "shop.yaml", text)
    report = lint(str(tmp_path))[1]
    assert "kpi-off-target" not in slugs(report)
    assert "kpi-unmeasured" not in slugs(report)


def test_select_and_ignore_options(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "shop.yaml", journey({"id": "a", "name": "A", "actual": 0.3, "emotion": -2}))
    everything = set(slugs(lint(str(path))[1]))
    assert {"kpi-off-target", "negative-emotion-unaddressed"} <= everything
    assert set(slugs(lint("--select", "kpi-off-target", str(path))[1])) == {"kpi-off-target"}
    assert set(slugs(lint("--select", "kpi-below-target", str(path))[1])) == {"kpi-off-target"}
    assert set(slugs(lint("--select", "CJM201,CJM204", str(path))[1])) == {
        "kpi-off-target", "negative-emotion-unaddressed"
    }  # fmt: skip
    assert set(slugs(lint("--select", "CJM2", "--ignore", "CJM201", str(path))[1])) == {
        "negative-emotion-unaddressed"
    }
    assert "kpi-off-target" not in slugs(lint("--ignore", "kpi-below-target", str(path))[1])


def test_unknown_selector_is_a_usage_error(tmp_path: pathlib.Path) -> None:
    result = run_cjm("lint", "--select", "kpi-belowtarget", str(EXAMPLES))
    assert result.exit_code == 2
    assert "did you mean 'kpi-off-target'" in result.stderr


def test_fail_on_decides_the_exit_code() -> None:
    assert run_cjm("lint", str(EXAMPLES)).exit_code == 0
    assert run_cjm("lint", "--fail-on", "warning", str(EXAMPLES)).exit_code == 1
    assert run_cjm("lint", "--fail-on", "fatal", str(EXAMPLES)).exit_code == 2


def test_an_invalid_map_is_reported_and_the_rest_still_linted(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "bad.yaml", journey({"id": "a", "name": "A"}).replace("emotion: 1", "emotion: 9"))
    write(
        tmp_path / "good.yaml",
        journey({"id": "b", "name": "B", "actual": 0.3}).replace("id: shop", "id: shop2"),
    )
    code, report = lint(str(tmp_path))
    by_file = {(pathlib.Path(f["file"]).name, f["code"]) for f in report["findings"]}  # type: ignore[union-attr]
    assert ("bad.yaml", "V105") in by_file
    assert ("good.yaml", "CJM201") in by_file
    assert code == 1


def test_linting_one_journey_sees_its_whole_workspace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, report = lint("examples/b2b-crm/journeys/it-security.yaml")
    files = {f["file"] for f in report["findings"]}  # type: ignore[union-attr]
    assert files == {"examples/b2b-crm/journeys/it-security.yaml"}
    assert report["files"] == 1
    # channels used only by the other journeys are not reported unused
    assert "unused-channel" not in slugs(lint("examples/b2b-crm")[1])


def test_segment_without_journey_counts_every_journey_of_the_workspace(tmp_path: pathlib.Path) -> None:
    write(tmp_path / "cjm.yaml", "cjm: 1\nsegments:\n  - id: shoppers\n    name: Shoppers\n"
                                 "  - id: owners\n    name: Owners\n")  # fmt: skip
    write(tmp_path / "shop.yaml", journey({"id": "a", "name": "A"}, head="segment: shoppers\n"))
    _, report = lint(str(tmp_path))
    [finding] = [f for f in report["findings"] if f["slug"] == "segment-without-journey"]  # type: ignore[union-attr]
    assert (pathlib.Path(finding["file"]).name, finding["line"], finding["column"]) == ("cjm.yaml", 5, 5)
    assert finding["subject"] == "owners"
    assert "'Owners'" in finding["message"]


def test_weakest_stages_ranking(tmp_path: pathlib.Path) -> None:
    path = write(
        tmp_path / "shop.yaml",
        journey(
            {"id": "a", "name": "A"},
            {"id": "b", "name": "B", "emotion": -2, "entered": 80, "advanced": 8, "actual": 0.25},
            {"id": "c", "name": "C", "emotion": -1, "entered": 8, "advanced": 7},
        ),
    )
    stages = lint(str(path))[1]["stages"]
    assert [s["stage"] for s in stages] == ["b", "c"]  # type: ignore[index]
    b = stages[0]  # type: ignore[index]
    # emotion -2 (2) + dip 1 -> -2 (1) + drop-off 2*(0.2-0.1)/0.2 (1) + KPI gap 0.5 (0.5)
    assert b["score"] == pytest.approx(4.5)
    assert b["conversion"] == 0.1
    assert (b["line"], b["column"]) == (32, 5)


def test_channel_summary(tmp_path: pathlib.Path) -> None:
    text = journey({"id": "a", "name": "A", "emotion": 2}, {"id": "b", "name": "B", "emotion": -1})
    text = text.replace(
        "    name: Website\n", "    name: Website\n  - id: mail\n    name: Email\n    kind: owned\n"
    )
    text = text.replace("        channel: web\n", "        channel: mail\n", 1)
    path = write(tmp_path / "shop.yaml", text)
    channels = {c["channel"]: c for c in lint(str(path))[1]["channels"]}  # type: ignore[union-attr]
    assert channels["mail"] == {
        "channel": "mail", "name": "Email", "kind": "owned", "touchpoints": ["shop/a-tp"],
        "stages": ["shop/a"], "average_emotion": 2.0, "negative_touchpoints": 0, "revenue_at_stake": {},
    }  # fmt: skip
    assert channels["web"]["stages"] == ["shop/b"] and channels["web"]["average_emotion"] == -1.0


def test_text_output_is_grouped_by_file_with_a_summary(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "shop.yaml", journey({"id": "a", "name": "A", "actual": 0.3}))
    result = run_cjm("lint", str(path))
    lines = result.stdout.splitlines()
    assert lines[0] == str(path)
    assert lines[1].split()[:2] == ["21:9", "warning"] and "kpi-off-target (CJM201)" in lines[1]
    assert lines[-1] == "Nothing blocking; 1 warning in 1 file."


def test_github_annotations_for_findings(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path / "shop.yaml", journey({"id": "a", "name": "A", "actual": 0.3}))
    result = run_cjm("lint", "--format", "github", str(path))
    assert result.stdout.startswith(f"::warning file={path},line=21,col=9,title=CJM201 kpi-off-target::")


def test_rules_command() -> None:
    from cjmkit.analysis.rules import RULES

    listing = run_cjm("rules")
    assert listing.exit_code == 0
    assert len(listing.stdout.splitlines()) == len(RULES) >= 19
    explained = run_cjm("rules", "objection-unanswered")
    assert explained.exit_code == 0
    assert "CJM104 objection-unanswered (default severity: error)" in explained.stdout
    assert "Fix:" in explained.stdout and "Example" in explained.stdout
    assert run_cjm("rules", "CJM104").stdout == explained.stdout
    unknown = run_cjm("rules", "objection-unanswerd")
    assert unknown.exit_code == 2 and "did you mean 'objection-unanswered'" in unknown.stderr


def test_every_rule_documents_why_example_and_fix() -> None:
    from cjmkit.analysis.rules import RULES

    for rule in RULES.values():
        assert "Why:" in rule.explanation and "Example" in rule.explanation and "Fix:" in rule.explanation, (
            rule.slug
        )


def test_registry_refuses_duplicates() -> None:
    from cjmkit.analysis.rules import rule

    with pytest.raises(ValueError, match="registered twice"):
        rule("CJM101", "another-slug", "info", "x")(lambda scope: [])
    with pytest.raises(ValueError, match="registered twice"):
        rule("CJM999", "stage-no-kpi", "info", "x")(lambda scope: [])


def test_control_characters_in_map_text_never_reach_the_terminal(tmp_path: pathlib.Path) -> None:
    text = journey({"id": "a", "name": "A"}).replace("    name: A\n", '    name: "A\\e[2J\\a"\n', 1)
    path = write(tmp_path / "shop.yaml", text.replace("    customer_goal: Goal of A\n", ""))
    for fmt in ("text", "github", "json"):
        output = run_cjm("lint", "--format", fmt, str(path)).stdout
        assert "stage-no-goal" in output
        assert "\x1b" not in output and "\x07" not in output
    assert "\\u001b[2J" in run_cjm("lint", str(path)).stdout


def test_control_characters_never_reach_the_terminal_in_the_ranking(tmp_path: pathlib.Path) -> None:
    """Stage names also appear in the weakest stages and growth points, not only in findings."""
    text = journey({"id": "a", "name": "A", "phase": "purchase", "emotion": -2, "advanced": 10})
    path = write(tmp_path / "shop\x1b[1m.yaml", text.replace("    name: A\n", '    name: "A\\e[2J"\n', 1))
    output = run_cjm("lint", str(path)).stdout
    assert "Weakest stages" in output and "Growth points" in output
    assert "\x1b" not in output
    assert output.count("A\\u001b[2J") >= 2
