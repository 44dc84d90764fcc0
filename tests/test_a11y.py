"""Accessible colours and valid markup in the HTML deliverable.

The emotion and evidence colours are checked by computation: WCAG 2 relative luminance gives
each colour's contrast on white (>= 3:1, non-text contrast), and the Machado, Oliveira and
Fernandes (2009) matrices simulate deuteranopia, protanopia and tritanopia at full severity
before CIE76 colour differences are measured between neighbouring emotion levels.

Every rendered example page and the index are checked with html-validate (its `recommended`,
`document` and `a11y` presets, settings in .htmlvalidate.mjs), installed by scripts/test.sh into
.tools/node: `npm install --prefix .tools/node html-validate@<version in scripts/test.sh>`.
"""

from __future__ import annotations

import itertools
import json
import pathlib
import re
import subprocess

import pytest
from typer.testing import CliRunner

from cjmkit.cli import app
from cjmkit.renderers.context import EMOTION_COLORS, EVIDENCE_COLORS, PALETTE
from conftest import EXAMPLES, ROOT

HTML_VALIDATE = ROOT / ".tools" / "node" / "node_modules" / ".bin" / "html-validate"
CONFIG = ROOT / ".htmlvalidate.mjs"

#: Machado et al. 2009, severity 1.0, applied to linear RGB.
CVD = {
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}  # fmt: skip
Vector = tuple[float, float, float]


def linear(color: str) -> Vector:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b))  # type: ignore[return-value]


def luminance(rgb: Vector) -> float:
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]


def contrast_on_white(color: str) -> float:
    return 1.05 / (luminance(linear(color)) + 0.05)


def lab(rgb: Vector) -> Vector:
    """CIELAB (D65) of a linear sRGB colour."""
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def simulate(color: str, kind: str) -> Vector:
    rgb = linear(color)
    return tuple(min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in CVD[kind])  # type: ignore[return-value]


def delta_e(a: Vector, b: Vector) -> float:
    return float(sum((p - q) ** 2 for p, q in zip(lab(a), lab(b), strict=True)) ** 0.5)


# --- Colours -------------------------------------------------------------------------------------


def test_the_old_palette_fails_the_checks_the_new_one_passes() -> None:
    """The checks below would catch the red-yellow-green palette the deliverable used to have."""
    old = {-2: "#d73027", -1: "#fc8d59", 0: "#fee08b", 1: "#91cf60", 2: "#1a9850"}
    assert contrast_on_white(old[0]) < 3 and contrast_on_white(old[1]) < 3
    assert delta_e(simulate(old[-1], "deuteranopia"), simulate(old[1], "deuteranopia")) < 10


@pytest.mark.parametrize("color", sorted({*EMOTION_COLORS.values(), *EVIDENCE_COLORS.values()}))
def test_every_emotion_and_evidence_colour_reaches_3_to_1_on_white(color: str) -> None:
    assert contrast_on_white(color) >= 3.0, color


@pytest.mark.parametrize("color", sorted(EMOTION_COLORS.values()))
def test_emotion_colours_keep_black_diagram_labels_readable(color: str) -> None:
    """The Graphviz diagram fills touchpoint nodes with these colours under black text."""
    assert (luminance(linear(color)) + 0.05) / 0.05 >= 4.5, color


@pytest.mark.parametrize("kind", [*CVD, "normal"])
def test_emotion_levels_stay_apart_under_colour_blindness(kind: str) -> None:
    seen = {e: linear(c) if kind == "normal" else simulate(c, kind) for e, c in EMOTION_COLORS.items()}
    levels = sorted(seen)
    assert levels == [-2, -1, 0, 1, 2]
    for low, high in itertools.pairwise(levels):
        assert delta_e(seen[low], seen[high]) >= 15, (kind, low, high)
    # Not only neighbours: no two levels of the scale may look alike.
    for i, a in enumerate(levels):
        for b in levels[i + 1 :]:
            assert delta_e(seen[a], seen[b]) >= 10, (kind, a, b)


def test_the_palette_names_every_level_and_rounds_averages_to_the_nearest() -> None:
    assert PALETTE.emotions == tuple(sorted(EMOTION_COLORS.items()))
    assert [key for key, _ in PALETTE.evidence] == ["data", "partial", "assumption", "none"]
    cases = {2.0: 2, 1.5: 2, 1.4: 1, 0.5: 1, 0.4: 0, 0.0: 0, -0.4: 0, -0.5: -1, -1.5: -2, -7.0: -2, 9.0: 2}
    for value, level in cases.items():
        assert PALETTE.nearest(value) == EMOTION_COLORS[level], value


# --- Rendered pages ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("a11y")
    result = CliRunner().invoke(app, ["render", str(EXAMPLES), "--to", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


JOURNEYS = ["b2b-champion", "b2b-economic-buyer", "b2b-end-users", "b2b-it-security", "doors-homeowners",
            "doors-homeowners-future", "email-shop-lifecycle"]  # fmt: skip


def kpi_cards(page: str) -> list[tuple[str, str]]:
    """(state, inner markup) of every KPI card: state is met, miss or na."""
    return re.findall(r'<div class="kpi (met|miss|na)">(.*?)\n          </div>', page, flags=re.S)


@pytest.mark.parametrize("name", JOURNEYS)
def test_kpi_cards_say_met_or_missed_in_text_not_only_colour(rendered: pathlib.Path, name: str) -> None:
    page = (rendered / f"{name}.html").read_text(encoding="utf-8")
    cards = kpi_cards(page)
    assert cards and page.count('<div class="kpi ') == len(cards)
    for state, inner in cards:
        status = re.search(r'<p class="kpi-status">(.*?)</p>', inner)
        if state == "na":
            assert status is None
            continue
        assert status is not None, inner
        assert ("✓" in status.group(1)) == (state == "met") and ("✗" in status.group(1)) == (state == "miss")
        direction = r'<span aria-hidden="true">[▲▼]</span><span class="visually-hidden">[^<]+</span>'
        assert re.search(direction, inner)
    if name == "email-shop-lifecycle":  # has both, so the test sees both signs
        assert {state for state, _ in cards} >= {"met", "miss"}


@pytest.mark.parametrize("name", JOURNEYS)
def test_coloured_emotions_carry_their_signed_value(rendered: pathlib.Path, name: str) -> None:
    page = (rendered / f"{name}.html").read_text(encoding="utf-8")
    chips = re.findall(r'<span class="chip( unknown)?" style="background: (#[0-9a-f]{6})"></span>', page)
    values = re.findall(
        r'<span class="emo(?: inherited)?"><span class="visually-hidden">[^<]+</span>([^<]+)</span>', page
    )
    coloured = [color for unknown, color in chips if not unknown]
    assert len(coloured) == len(values) > 0
    by_color = {c: e for e, c in EMOTION_COLORS.items()}
    signed = {2: "+2", 1: "+1", 0: "0", -1: "&minus;1", -2: "&minus;2"}
    for color, value in zip(coloured, values, strict=True):
        assert value == signed[by_color[color]]
    start = page.index('<div class="legend"')
    legend = page[start : page.index("</div>\n  </div>", start)]
    for e, c in EMOTION_COLORS.items():
        assert f'style="background: {c}"></span>{signed[e]}</span>' in legend
    for key in ("data", "partial", "assumption", "none"):
        assert f'class="dot ev-{key}"' in legend


def html_validate(paths: list[pathlib.Path]) -> dict[str, list[str]]:
    if not HTML_VALIDATE.exists():
        pytest.fail(
            "html-validate is missing: scripts/test.sh installs it, or run "
            "`npm install --prefix .tools/node html-validate@10.2.1`",
            pytrace=False,
        )
    done = subprocess.run(
        [str(HTML_VALIDATE), "--config", str(CONFIG), "--formatter", "json", *map(str, paths)],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=120,
    )  # fmt: skip
    assert done.stdout.strip(), done.stderr
    # The JSON report lists only the files with messages; every other file is clean.
    clean: dict[str, list[str]] = {path.stem: [] for path in paths}
    return clean | {
        pathlib.Path(result["filePath"]).stem: [
            f"{m['line']}:{m['column']} {m['ruleId']}: {m['message']}"
            for m in result["messages"]
            if m["severity"] >= 2
        ]
        for result in json.loads(done.stdout)
    }


@pytest.fixture(scope="module")
def findings(rendered: pathlib.Path) -> dict[str, list[str]]:
    return html_validate(sorted(rendered.glob("*.html")))


@pytest.mark.parametrize("name", JOURNEYS)
def test_html_validate_finds_no_error_in_a_journey_page(findings: dict[str, list[str]], name: str) -> None:
    assert findings[name] == []


def test_html_validate_finds_no_error_in_a_map_full_of_hostile_text(tmp_path: pathlib.Path) -> None:
    """The hostile fixture fills every field (stage motivations, objections, barriers...)."""
    source = ROOT / "tests" / "fixtures" / "hostile" / "journey.yaml"
    result = CliRunner().invoke(app, ["render", str(source), "--to", "html", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (page,) = tmp_path.glob("*.html")
    assert "<h3>" in page.read_text(encoding="utf-8")
    assert html_validate([page]) == {page.stem: []}


def test_html_validate_finds_no_error_in_the_index(findings: dict[str, list[str]]) -> None:
    assert findings["index"] == []


def test_html_validate_catches_what_it_should(tmp_path: pathlib.Path) -> None:
    """The checker runs with our settings and does report errors: an aria-label on a plain div
    and a skipped heading level are what the journey pages used to have."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>t</title>\n</head>\n'
        '<body>\n<main>\n<h1>a</h1>\n<div aria-labelledby="x"><h2 id="x">b</h2><h4>c</h4></div>\n'
        "</main>\n</body>\n</html>\n",
        encoding="utf-8",
    )
    rules = {line.split(" ")[1].rstrip(":") for line in html_validate([bad])["bad"]}
    assert {"aria-label-misuse", "heading-level"} <= rules
