"""The future-map rules (CJM4xx) compare a future map with its baseline and stay silent on
current maps; their messages translate."""

from __future__ import annotations

import pathlib
import re
import shutil

from cjmkit.analysis.engine import analyse
from cjmkit.analysis.rules import RULES
from cjmkit.i18n import Translator
from cjmkit.pipeline import load
from conftest import run_cjm

CASES = pathlib.Path(__file__).parent / "rules"
FUTURE_SLUGS = {"future-barrier-unresolved", "future-emotion-regression", "future-without-baseline"}
FUTURE_CODES = {"CJM401", "CJM402", "CJM403"}


def findings(*args: str) -> list[dict[str, object]]:
    result = run_cjm("lint", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.stdout
    report = result.json()
    assert [f for f in report["findings"] if f["code"].startswith("V")] == [], "the maps must be valid"
    return list(report["findings"])


def copy_case(slug: str, destination: pathlib.Path) -> pathlib.Path:
    target = destination / slug
    shutil.copytree(CASES / slug / "trigger", target)
    return target


def test_the_rules_are_registered_in_their_family() -> None:
    assert {RULES[code].slug for code in FUTURE_CODES} == FUTURE_SLUGS
    assert {RULES[code].family for code in FUTURE_CODES} == {"future"}


def test_a_current_map_alone_triggers_none_of_them(tmp_path: pathlib.Path) -> None:
    for slug in sorted(FUTURE_SLUGS):
        case = copy_case(slug, tmp_path)
        (case / "future.yaml").unlink()
        assert [f["code"] for f in findings(str(case)) if f["code"] in FUTURE_CODES] == []


def test_the_same_maps_both_current_trigger_none_of_them(tmp_path: pathlib.Path) -> None:
    """The trigger cases with `state: future`, `baseline` and `resolves` taken out: two current
    maps with the same stages, barriers and falling emotions are not compared."""
    for slug in sorted(FUTURE_SLUGS):
        case = copy_case(slug, tmp_path)
        future = case / "future.yaml"
        text = future.read_text(encoding="utf-8")
        text = re.sub(r"^(state: future|baseline: .*|\s+resolves: .*)\n", "", text, flags=re.MULTILINE)
        future.write_text(text, encoding="utf-8")
        assert "future" not in text.split("stages:")[0]
        assert [f["code"] for f in findings(str(case)) if f["code"] in FUTURE_CODES] == []


def test_each_trigger_fires_only_its_own_future_rule() -> None:
    for slug in sorted(FUTURE_SLUGS):
        fired = {f["slug"] for f in findings(str(CASES / slug / "trigger")) if f["code"] in FUTURE_CODES}
        assert fired == {slug}


def test_a_standalone_future_map_cannot_see_its_baseline(tmp_path: pathlib.Path) -> None:
    """Linted alone, a future map's baseline is not among the journeys of its scope."""
    source = CASES / "future-barrier-unresolved" / "trigger" / "future.yaml"
    text = source.read_text(encoding="utf-8").replace("channel: showroom", "channel: web")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    path = tmp_path / "future.yaml"
    path.write_text("\n".join(lines) + "\nchannels:\n  - id: web\n    name: Website\n", encoding="utf-8")
    found = [f for f in findings(str(path)) if f["code"] in FUTURE_CODES]
    assert [(f["code"], f["line"], f["column"], f["path"], f["severity"]) for f in found] == [
        ("CJM403", 5, 11, "baseline", "info")
    ]
    assert found[0]["message"] == (
        "the baseline 'doors-now' of future map 'Front doors next year' is not among the maps loaded with it"
    )


def test_the_russian_message_of_an_unresolved_barrier() -> None:
    project = load([CASES / "future-barrier-unresolved" / "trigger"], jobs=1)
    result = analyse(project, [RULES["CJM401"]])
    hits = sorted((d for d in result.findings if d.code == "CJM401"), key=lambda d: d.sort_key)
    ru = Translator("ru")
    assert [d.text(ru) for d in hits] == [
        "возражение «Doors are too expensive here» из карты «Front doors today» остаётся на этапе "
        "«Choosing a door»: ни одна точка контакта его не снимает",
        "барьер «The showroom is far away» из карты «Front doors today» остаётся на этапе "
        "«Choosing a door»: ни одна точка контакта его не устраняет",
    ]
    assert [d.advice.render(ru) for d in hits if d.advice] == [
        "Продумайте точку контакта, которая снимет возражение «Doors are too expensive here» на этапе "
        "«Choosing a door».",
        "Продумайте точку контакта, которая устранит барьер «The showroom is far away» на этапе "
        "«Choosing a door».",
    ]
    output = run_cjm(
        "lint", "--locale", "ru", "--select", "CJM4", str(CASES / "future-barrier-unresolved" / "trigger")
    ).stdout
    assert "барьер «The showroom is far away» из карты «Front doors today»" in output


def test_rules_command_explains_a_future_rule() -> None:
    explained = run_cjm("rules", "future-barrier-unresolved")
    assert explained.exit_code == 0
    assert "CJM401 future-barrier-unresolved (default severity: warning)" in explained.stdout
    assert "resolves: [size-unknown]" in explained.stdout and "Fix:" in explained.stdout
