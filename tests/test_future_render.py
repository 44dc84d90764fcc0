"""Rendering a future map against its baseline, `cjm compare --format html`, and the index's
journeys-by-phase chart and matrix, against hand-computed figures."""

from __future__ import annotations

import html
import json
import pathlib
import re
from typing import Any

import pytest

from conftest import EXAMPLES, run_cjm
from test_compare import CURRENT as COMPARE_CURRENT
from test_compare import FUTURE as COMPARE_FUTURE

WORKSPACE = "cjm: 1\nname: Trial workspace\n{locale}"
# A trial of 2,000 sign-ups converting 0.5 -> 0.3 -> 0.8 -> 0.4 to purchase at 1,500 EUR per order:
# 2,000 x 0.5 x 0.3 x 0.8 x 0.4 = 96 purchases = 144,000 EUR today. The future map raises Setup to a
# 0.6 target: 2,000 x 0.5 x 0.6 x 0.8 x 0.4 = 192 purchases = 288,000 EUR, +144,000 EUR.
# The maps of test_compare without the KPI and the barrier that only the JSON report checks.
CURRENT = COMPARE_CURRENT.replace(
    "    kpis: [{id: signups, name: Sign-ups, target: 2000, actual: 2000}]\n", ""
).replace("      - {id: no-api, text: No API, recommendation: Publish the API}\n", "")
FUTURE = COMPARE_FUTURE.replace("    kpis: [{id: signups, name: Sign-ups, target: 2500}]\n", "")
assert CURRENT != COMPARE_CURRENT and FUTURE != COMPARE_FUTURE


def workspace(
    folder: pathlib.Path, locale: str = "", current: str = CURRENT, future: str = FUTURE
) -> pathlib.Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cjm.yaml").write_text(WORKSPACE.format(locale=locale), encoding="utf-8")
    (folder / "trial.yaml").write_text(current, encoding="utf-8")
    (folder / "trial-future.yaml").write_text(future, encoding="utf-8")
    return folder


def render(folder: pathlib.Path, out: pathlib.Path, formats: str = "html,md") -> pathlib.Path:
    result = run_cjm("render", str(folder), "--to", formats, "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture
def rendered(tmp_path: pathlib.Path) -> pathlib.Path:
    return render(workspace(tmp_path / "maps"), tmp_path / "out")


def attribute(tag: str, name: str) -> str:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    assert found, (name, tag)
    return html.unescape(found.group(1))


def test_the_baseline_curve_is_dashed_with_one_point_per_matched_stage(rendered: pathlib.Path) -> None:
    page = (rendered / "trial-future.html").read_text(encoding="utf-8")
    line = re.search(r"<polyline class=\"baseline-line\"[^>]*>", page)
    assert line is not None
    assert attribute(line.group(0), "stroke-dasharray") == "6 4"
    # Columns of 220, emotion -> y = 60 - 23 x emotion; check-in is only in the future map.
    assert attribute(line.group(0), "points") == "110.0,37.0 330.0,83.0 550.0,60.0 770.0,37.0"
    points = re.findall(
        r'<circle class="baseline-point" cx="([^"]+)" cy="([^"]+)"[^>]*data-emotion="([^"]+)"', page
    )
    assert points == [
        ("110.0", "37.0", "1"),
        ("330.0", "83.0", "-1"),
        ("550.0", "60.0", "0"),
        ("770.0", "37.0", "1"),
    ]
    # The future curve is drawn over it, solid, with a point for check-in too.
    solid = re.search(r'<polyline points="([^"]+)" fill="none" stroke="#3e4c59"', page)
    assert solid and solid.group(1) == "110.0,37.0 330.0,37.0 550.0,83.0 770.0,37.0 990.0,14.0"
    assert page.index('class="baseline-line"') < page.index(solid.group(0))
    # The current map has neither.
    assert "baseline" not in (rendered / "trial.html").read_text(encoding="utf-8").split("<body>")[1]


def test_resolving_touchpoints_carry_a_badge_naming_what_they_resolve(rendered: pathlib.Path) -> None:
    page = (rendered / "trial-future.html").read_text(encoding="utf-8")
    badges = {
        name: attribute(tag, "title")
        for name, tag in re.findall(
            r'<span class="tp-name">([^<]+)</span>.*?(<span class="resolved-badge"[^>]*>)', page
        )
    }
    assert badges == {
        "One-click importer": "Resolves: Cannot import old data",
        "Setup chat": "Resolves: Cannot import old data; Setup takes too long",
    }
    summary = page[page.index('class="card future-summary"') :]
    summary = summary[: summary.index("</section>")]
    assert "Resolved: 2" in summary and "Still open: 1" in summary
    assert "No single sign-on" in summary.split("Still open")[1]


def test_the_revenue_delta_is_hand_computed_and_locale_formatted(tmp_path: pathlib.Path) -> None:
    english = (render(workspace(tmp_path / "en"), tmp_path / "out-en") / "trial-future.html").read_text(
        encoding="utf-8"
    )
    stats = "<dt>{}</dt><dd>{}</dd></div>"
    assert stats.format("Revenue today", "€144,000") in english
    assert stats.format("Projected revenue", "€288,000") in english
    assert '<b class="delta">+€144,000</b>' in english
    workspace(tmp_path / "ru", locale="locale: ru\n")
    russian = (render(tmp_path / "ru", tmp_path / "out-ru") / "trial-future.html").read_text(encoding="utf-8")
    assert "<dd>144\xa0000\xa0€</dd>" in russian and "<dd>288\xa0000\xa0€</dd>" in russian
    assert '<b class="delta">+144\xa0000\xa0€</b>' in russian
    assert "Сравнение с текущей картой" in russian and "Устраняет: " in russian


def test_the_markdown_deliverable_has_the_compare_tables(rendered: pathlib.Path) -> None:
    text = (rendered / "trial-future.md").read_text(encoding="utf-8")
    section = text[text.index("## Compared with the current map") :]
    assert "| Stage | emotion | conversion |" in section
    assert "| Setup | -1 → +1 | 30% → 60% |" in section
    assert "| Software trial, redesigned | €144,000 | €288,000 | +€144,000 |" in section
    assert "resolved by importer, setup-chat" in section
    assert "## Compared with" not in (rendered / "trial.md").read_text(encoding="utf-8")


def open_page(browser: Any, path: pathlib.Path) -> tuple[Any, list[str], list[str]]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, errors, [url for url in requests if url != path.resolve().as_uri()]


def test_compare_html_is_a_self_contained_page(tmp_path: pathlib.Path, browser: Any) -> None:
    folder = workspace(tmp_path / "maps")
    result = run_cjm("compare", str(folder / "trial-future.yaml"), "--format", "html")
    assert result.exit_code == 0, result.stderr
    again = run_cjm("compare", str(folder / "trial-future.yaml"), "--format", "html")
    assert again.stdout == result.stdout  # deterministic
    target = tmp_path / "compare.html"
    target.write_text(result.stdout, encoding="utf-8")
    page, errors, requests = open_page(browser, target)
    try:
        assert errors == [] and requests == []
        assert page.locator("h1").inner_text() == "'Software trial, redesigned' against 'Software trial'"
        assert page.locator(".figures .delta").inner_text() == "+€144,000"
        rows = page.locator("table.stages tbody tr").all_inner_texts()
        assert rows[1].split("\t") == ["Setup", "-1 → +1", "30% → 60%"]
        assert page.locator("tr.resolved").count() == 2 and page.locator("tr.still-open").count() == 1
    finally:
        page.context.close()
    russian = run_cjm("compare", str(folder / "trial-future.yaml"), "--format", "html", "--locale", "ru")
    assert '<html lang="ru">' in russian.stdout and "Прогноз выручки" in russian.stdout


def test_the_index_overlays_every_journey_by_phase(rendered: pathlib.Path) -> None:
    page = (rendered / "index.html").read_text(encoding="utf-8")
    lines = re.findall(
        r'<g class="journey-line" data-journey="([^"]+)">\s*<polyline points="([^"]*)"([^>]*)>', page
    )
    # x = 40 + 120 x phase + 60; y = 80 - 33 x mean. Software trial: awareness +1; consideration
    # (-1 + 0) / 2 = -0.5 (the sales call has no emotion); purchase +1. The future map: awareness +1,
    # consideration (1 - 1) / 2 = 0, purchase +1, retention +2.
    assert {name: points for name, points, _ in lines} == {
        "trial": "100.0,47.0 220.0,96.5 340.0,47.0",
        "trial-future": "100.0,47.0 220.0,80.0 340.0,47.0 700.0,14.0",
    }
    assert len(lines) == 2
    # Told apart without colour: the second line is dashed, the first solid; markers differ.
    assert "stroke-dasharray" not in lines[0][2] and 'stroke-dasharray="8 4"' in lines[1][2]
    groups = re.findall(r'<g class="journey-line".*?</g>', page, re.S)
    assert "<circle" in groups[0] and "<circle" not in groups[1] and "<rect" in groups[1]
    legend = page[page.index('<ul class="overlay-legend">') :]
    assert "Software trial" in legend and "Software trial, redesigned" in legend


def phase_cells(page: str) -> dict[tuple[str, str], str]:
    table = page[page.index('<table class="data matrix">') :]
    table = table[: table.index("</table>")]
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        name = html.unescape(re.search(r'<span class="m-title">([^<]+)</span>', row).group(1))  # type: ignore[union-attr]
        for phase, body in re.findall(r'<td class="cell[^"]*" data-phase="([^"]+)">(.*?)</td>', row, re.S):
            text = html.unescape(re.sub(r"<[^>]+>", " ", body))
            cells[(name, phase)] = " ".join(text.split())
    return cells


def test_the_phase_matrix_of_the_b2b_committee(tmp_path: pathlib.Path) -> None:
    page = (render(EXAMPLES / "b2b-crm", tmp_path, "html") / "index.html").read_text(encoding="utf-8")
    cells = phase_cells(page)
    cfo, sales = (
        "CFO — from business case to renewal decision",
        "Head of Sales — from a missed quarter to renewal",
    )
    lint = run_cjm("lint", str(EXAMPLES / "b2b-crm"), "--format", "json")
    findings: dict[str, int] = {}
    for finding in json.loads(lint.stdout)["findings"]:
        findings[finding.get("stage") or ""] = findings.get(finding.get("stage") or "", 0) + 1
    # CFO: business case -1, 30/62; negotiation 0, 21/30; value tracking +1, 19/21; renewal +1, 16/19.
    assert cells[(cfo, "consideration")] == f"-1 48.4% open findings: {findings['business-case']}"
    assert cells[(cfo, "purchase")] == f"0 70% open findings: {findings['negotiation']}"
    assert cells[(cfo, "usage")] == f"+1 90.5% open findings: {findings['value-tracking']}"
    assert cells[(cfo, "awareness")] == "—"
    # Head of sales: evaluation +1 and pilot -1 average 0; 140/380 x 62/140 = 16.3%.
    stages = findings.get("evaluation", 0) + findings.get("pilot", 0)
    assert cells[(sales, "consideration")] == f"0 16.3% open findings: {stages}"
    assert cells[(sales, "awareness")] == f"-1 9% open findings: {findings['trigger']}"
    assert cells[(sales, "retention")].startswith("+2 88.9%")
    assert len(cells) == 4 * 7
    assert len(re.findall(r'<g class="journey-line"', page)) == 4


HOSTILE = '<img src=x onerror=alert(1)>"&'


def test_hostile_names_stay_escaped(tmp_path: pathlib.Path) -> None:
    current = CURRENT.replace("title: Software trial", f"title: '{HOSTILE}'").replace(
        "text: Cannot import old data", f"text: '{HOSTILE} data'"
    )
    future = FUTURE.replace("name: Setup chat", f"name: '{HOSTILE} chat'").replace(
        "title: Software trial, redesigned", f"title: '{HOSTILE} future'"
    )
    folder = workspace(tmp_path / "maps", current=current, future=future)
    out = render(folder, tmp_path / "out")
    compared = run_cjm("compare", str(folder / "trial-future.yaml"), "--format", "html")
    assert compared.exit_code == 0, compared.stderr
    pages = [(out / name).read_text(encoding="utf-8") for name in ("trial-future.html", "index.html")]
    for page in (*pages, compared.stdout):
        assert "<img src=x" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Resolves: &lt;img src=x onerror=alert(1)&gt;&#34;&amp; data" in pages[0]
    markdown = (out / "trial-future.md").read_text(encoding="utf-8")
    assert "<img src=x" not in markdown


def test_a_target_alone_shows_in_the_funnel_row(rendered: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """A future funnel may hold only its target conversion: the deliverables show it."""
    page = (rendered / "trial-future.html").read_text(encoding="utf-8")
    assert "<dt>target conversion</dt><dd>60%</dd>" in page
    report = (rendered / "trial-future.md").read_text(encoding="utf-8")
    assert "| target conversion: 60% |" in report
    russian = render(workspace(tmp_path / "ru", locale="locale: ru\n"), tmp_path / "out-ru", "html")
    assert "<dt>целевая конверсия</dt><dd>60\u00a0%</dd>" in (russian / "trial-future.html").read_text(
        encoding="utf-8"
    )
