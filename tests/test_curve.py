"""Per-touchpoint emotion on the curve: a point for every touchpoint with its own emotion,
inside its stage's column, in touchpoint order, with an escaped accessible title."""

from __future__ import annotations

import html
import pathlib
import re

from typer.testing import CliRunner

from cjmkit.analysis import analyse, selected_rules
from cjmkit.cli import app
from cjmkit.project import load_project
from cjmkit.renderers.context import EMOTION_COLORS, Brand, JourneyView, journey_view
from conftest import EXAMPLES

HOSTILE_NAME = "<script>alert(1)</script> & \"quoted\" 'it'"

MAP = f"""\
cjm: 1
id: dips
title: Dips inside a stage
channels:
  - id: web
    name: Website
stages:
  - id: browse
    name: Browse
    emotion: 1
    touchpoints:
      - {{id: home, name: Home page, channel: web, emotion: 2}}
      - {{id: search, name: Search, channel: web, emotion: -2}}
      - {{id: listing, name: Listing, channel: web}}
      - {{id: product, name: Product page, channel: web, emotion: 1}}
  - id: buy
    name: Buy
    emotion: 0
    touchpoints:
      - id: checkout
        name: '{HOSTILE_NAME.replace("'", "''")}'
        channel: web
        emotion: -1
  - id: wait
    name: Wait
    touchpoints:
      - {{id: tracking, name: Tracking page, channel: web}}
"""


def view_of(path: pathlib.Path) -> JourneyView:
    project = load_project([path])
    analysis = analyse(project, selected_rules([], []))
    (document,) = [d for d in project.journeys if d.journey is not None]
    return journey_view(document, project.workspace_for(document), analysis, Brand())


def write_map(tmp_path: pathlib.Path) -> pathlib.Path:
    source = tmp_path / "maps" / "dips.yaml"
    source.parent.mkdir()
    source.write_text(MAP, encoding="utf-8")
    return source


def test_one_point_per_touchpoint_with_an_emotion_inside_its_column_in_order(tmp_path: pathlib.Path) -> None:
    curve = view_of(write_map(tmp_path)).curve
    # Listing and Tracking page have no emotion of their own: no point, not even the stage's.
    assert [p.label for p in curve.touchpoints] == [
        "Home page: +2", "Search: -2", "Product page: +1", f"{HOSTILE_NAME}: -1",
    ]  # fmt: skip
    assert [p.emotion for p in curve.touchpoints] == [2, -2, 1, -1]
    assert [p.color for p in curve.touchpoints] == [EMOTION_COLORS[e] for e in (2, -2, 1, -1)]
    browse, buy = curve.touchpoints[:3], curve.touchpoints[3]
    assert all(0 < p.x < curve.column for p in browse)
    assert [p.x for p in browse] == sorted(p.x for p in browse) and len({p.x for p in browse}) == 3
    # A lone touchpoint sits in the middle of its column, under the stage's own marker.
    assert buy.x == curve.column * 1.5
    # Levels: +2 at the top, -2 at the bottom, the same scale as the stage markers.
    assert [p.y for p in browse] == [curve.level(2), curve.level(-2), curve.level(1)]
    assert curve.level(2) < curve.level(0) < curve.level(-2)
    assert curve.touchpoint_path.startswith(f"M{browse[0].x:.1f},{browse[0].y:.1f} L")
    assert curve.touchpoint_path.count("L") == 3


def test_a_map_without_touchpoint_emotions_draws_no_touchpoint_points(tmp_path: pathlib.Path) -> None:
    source = write_map(tmp_path)
    source.write_text(re.sub(r", emotion: -?\d\}", "}", MAP).replace("        emotion: -1\n", ""), "utf-8")
    curve = view_of(source).curve
    assert curve.touchpoints == () and curve.touchpoint_path == ""
    assert len(curve.points) == 2  # the stage markers stay


def test_rendered_svg_has_a_titled_point_per_touchpoint_and_escapes_names(tmp_path: pathlib.Path) -> None:
    source = write_map(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["render", str(source), "--to", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = (out / "dips.html").read_text(encoding="utf-8")
    svg = page[page.index('<svg class="curve"') : page.index("</svg>", page.index('<svg class="curve"'))]
    titles = re.findall(r'<path class="tp-point" d="M([\d.]+),[^"]*"[^>]*><title>([^<]*)</title></path>', svg)
    assert [html.unescape(t) for _, t in titles] == [
        "Home page: +2", "Search: -2", "Product page: +1", f"{HOSTILE_NAME}: -1",
    ]  # fmt: skip
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quoted&#34;" in svg
    xs = [float(x) for x, _ in titles]
    assert xs[:3] == sorted(xs[:3]) and all(0 < x < 220 for x in xs[:3]) and 220 < xs[3] < 440
    # The stage markers are still one circle per stage with an emotion.
    assert svg.count("<circle") == 2
    assert svg.count('class="tp-line"') == 1


def test_examples_draw_every_touchpoint_emotion() -> None:
    project = load_project([EXAMPLES], whole_workspaces=True)
    analysis = analyse(project, selected_rules([], []))
    for document in project.journeys:
        if document.journey is None or document.diagnostics:
            continue
        view = journey_view(document, project.workspace_for(document), analysis, Brand())
        felt = [(s.index, tp) for s in view.stages for tp in s.touchpoints if tp.emotion is not None]
        assert len(view.curve.touchpoints) == len(felt), view.id
        for (index, tp), point in zip(felt, view.curve.touchpoints, strict=True):
            left = view.curve.column * index
            assert left < point.x < left + view.curve.column, (view.id, tp.name)
            assert point.label.startswith(tp.name + ": ")
