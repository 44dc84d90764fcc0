"""The HTML deliverable in a real browser: Debian's Chromium driven by Playwright.

One browser serves the whole module. Every rendered page must load with no console
error and no request except its own file:// URL and data: URIs, show the map's texts
and localized headings, and draw the emotion curve aligned with the stage columns.
A map full of hostile text must render as inert text. Full-page screenshots go to
tests/artifacts/ (git-ignored) for a human to look at.

Needs `apt-get install chromium` and `pip install playwright` (no `playwright install`:
the system Chromium is used).
"""

from __future__ import annotations

import json
import pathlib
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from cjmkit.cli import app
from cjmkit.renderers.i18n import Locale
from conftest import EXAMPLES, ROOT, run_cjm

ARTIFACTS = ROOT / "tests" / "artifacts"
#: Output file stem -> expected language of the page; the rest are English.
LOCALES = {"doors-homeowners": "ru", "doors-homeowners-future": "ru"}
#: Headings that every example page shows, checked in the page's language.
HEADINGS = ["journey_map", "persona", "stage", "customer_goal", "actions", "thoughts", "touchpoints",
            "emotion_curve", "kpis", "funnel", "findings"]  # fmt: skip
HTML_NAMES = [
    "b2b-champion",
    "b2b-economic-buyer",
    "b2b-end-users",
    "b2b-it-security",
    "doors-homeowners",
    "doors-homeowners-future",
    "email-shop-lifecycle",
]


def render(paths: list[pathlib.Path], out: pathlib.Path, fmt: str) -> None:
    result = CliRunner().invoke(app, ["render", *map(str, paths), "--to", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    """The examples rendered to HTML, plus their JSON export as the expected data."""
    out = tmp_path_factory.mktemp("html")
    render([EXAMPLES], out, "html,json")
    return out


class Visit:
    """A page opened from a file, with what it asked the network for and logged as errors."""

    def __init__(self, browser: Any, path: pathlib.Path) -> None:
        self.url = path.resolve().as_uri()
        self.context = browser.new_context(viewport={"width": 1600, "height": 1000}, java_script_enabled=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url, wait_until="load")

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]

    def screenshot(self, name: str) -> pathlib.Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        return target

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    opened: list[Visit] = []

    def open_page(path: pathlib.Path) -> Visit:
        page = Visit(browser, path)
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        page.close()


def visible(locator: Any) -> bool:
    return locator.count() > 0 and bool(locator.first.is_visible())


def check_screenshot(page: Visit, name: str) -> None:
    shot = page.screenshot(name)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000, f"empty screenshot {shot}"


def test_every_example_is_rendered(rendered: pathlib.Path) -> None:
    assert sorted(p.stem for p in rendered.glob("*.html")) == sorted([*HTML_NAMES, "index"])


@pytest.mark.parametrize("name", HTML_NAMES)
def test_journey_page_in_chromium(rendered: pathlib.Path, visit: Any, name: str) -> None:
    data = json.loads((rendered / f"{name}.json").read_text(encoding="utf-8"))
    journey = data["journey"]
    page = visit(rendered / f"{name}.html")
    p = page.page

    assert page.errors == []
    assert page.foreign_requests() == []
    assert p.locator("script").count() == 0

    locale = LOCALES.get(name, "en")
    assert p.locator("html").get_attribute("lang") == locale
    assert p.title().startswith(journey["title"])
    assert visible(p.get_by_role("heading", level=1, name=journey["title"]))

    header = p.locator("table.grid thead")
    for stage in journey["stages"]:
        assert visible(header.get_by_text(stage["name"], exact=True)), stage["name"]
    touchpoints = [tp["name"] for s in journey["stages"] for tp in s["touchpoints"]]
    kpis = [k["name"] for s in journey["stages"] for k in s["kpis"]]
    assert visible(p.locator("table.grid .tp-name").get_by_text(touchpoints[0], exact=True))
    assert visible(p.locator("table.grid .tp-name").get_by_text(touchpoints[-1], exact=True))
    assert visible(p.locator("table.grid .kpi-name").get_by_text(kpis[0], exact=True))
    assert visible(p.get_by_text(data["persona"]["name"], exact=True))

    labels = Locale(locale).labels
    # The funnel row shows measured volumes; a future map holds targets alone, so it has none.
    measured = any("entered" in (s.get("funnel") or {}) for s in journey["stages"])
    assert measured != (journey.get("state") == "future")
    for key in HEADINGS if measured else [h for h in HEADINGS if h != "funnel"]:
        assert visible(p.get_by_text(labels[key], exact=True)), f"heading {key!r}: {labels[key]!r}"
    if locale == "ru":
        assert visible(p.get_by_text("Точки контакта", exact=True))
    else:
        assert visible(p.get_by_text("Touchpoints", exact=True))

    # The emotion curve: one polyline, one marker per stage with an emotion, each over its column.
    # A future map also draws its baseline's curve, dashed: the front-door one has 11 stages.
    assert p.locator("svg.curve polyline:not(.baseline-line)").count() == 1
    future = journey.get("state") == "future"
    assert p.locator("svg.curve .baseline-line").count() == (1 if future else 0)
    assert p.locator("svg.curve circle.baseline-point").count() == (11 if future else 0)
    markers = p.locator("svg.curve g.marker circle")
    with_emotion = [i for i, s in enumerate(journey["stages"]) if s.get("emotion") is not None]
    assert markers.count() == len(with_emotion)
    columns = p.locator("table.grid thead th.stage")
    assert columns.count() == len(journey["stages"])
    p.locator(".scroll").evaluate("node => { node.scrollLeft = 0; }")
    for marker, index in zip(markers.all(), with_emotion, strict=True):
        dot, column = marker.bounding_box(), columns.nth(index).bounding_box()
        assert dot is not None and column is not None
        assert abs((dot["x"] + dot["width"] / 2) - (column["x"] + column["width"] / 2)) < 2.5, index
        assert marker.locator("title").text_content().startswith(journey["stages"][index]["name"] + ": ")

    check_screenshot(page, name)


def test_index_page_in_chromium(rendered: pathlib.Path, visit: Any) -> None:
    page = visit(rendered / "index.html")
    p = page.page
    assert page.errors == []
    assert page.foreign_requests() == []
    assert p.locator("script").count() == 0
    assert visible(p.get_by_role("heading", level=1, name=Locale("en").labels["maps"]))
    for name in HTML_NAMES:
        title = json.loads((rendered / f"{name}.json").read_text(encoding="utf-8"))["journey"]["title"]
        link = p.get_by_role("link", name=title, exact=True)
        assert visible(link), title
        assert link.get_attribute("href") == f"{name}.html"
    check_screenshot(page, "index")


# --- Hostile text -------------------------------------------------------------------------------

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "js-url": "javascript:alert(1)",
    "style": "</style><script>alert(2)</script>",
    "expression": "{{ 7*7 }}",
    "statement": "{% raw %}{% if true %}x{% endif %}{% endraw %}",
    "comment": "{# hidden? #} and ${7*7}",
    "quotes": "It's \"quoted\" & 'single' <b>bold</b>",
    "svg": '<svg onload="alert(3)"><a href="javascript:alert(4)">x</a></svg>',
    "attribute": '" onmouseover="alert(5)" x="',
}


def q(text: str) -> str:
    """A single-quoted YAML scalar: the only escape is a doubled single quote."""
    return "'" + text.replace("'", "''") + "'"


def hostile_journey() -> str:
    h = {key: q(value) for key, value in HOSTILE.items()}
    return f"""\
cjm: 1
id: hostile-map
title: {h["script"]}
description: {h["style"]}
owner: {h["quotes"]}
persona:
  id: mallory
  name: {h["img"]}
  description: {h["expression"]}
  goals: [{h["statement"]}]
  pains: [{h["svg"]}]
  jtbd: {h["comment"]}
channels:
  - id: evil-channel
    name: {h["js-url"]}
    kind: owned
stages:
  - id: first
    name: {h["script"]}
    customer_goal: {h["attribute"]}
    actions: [{h["img"]}, {h["js-url"]}]
    thoughts: [{h["expression"]}, {h["quotes"]}]
    emotion: -1
    strategy: {h["style"]}
    touchpoints:
      - id: evil-touchpoint
        name: {h["img"]}
        channel: evil-channel
        description: {h["svg"]}
    objections:
      - id: evil-objection
        text: {h["statement"]}
    kpis:
      - id: evil-kpi
        name: {h["expression"]}
        target: 0.5
        actual: 0.25
        unit: ratio
        source: {h["js-url"]}
    opportunities: [{h["comment"]}]
  - id: second
    name: {h["expression"]}
    emotion: 1
    barriers:
      - id: evil-barrier
        text: {h["attribute"]}
        recommendation: {h["quotes"]}
"""


def test_hostile_text_is_inert(tmp_path: pathlib.Path, visit: Any) -> None:
    source = tmp_path / "maps" / "hostile.yaml"
    source.parent.mkdir()
    source.write_text(hostile_journey(), encoding="utf-8")
    validated = run_cjm("validate", str(source))
    assert validated.exit_code == 0, validated.stdout + validated.stderr
    out = tmp_path / "out"
    render([source], out, "html")
    html = (out / "hostile-map.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "<img" not in html and "<svg onload" not in html and "<b>bold</b>" not in html

    page = visit(out / "hostile-map.html")
    p = page.page
    for y in range(0, 1000, 25):  # sweep the mouse over the page: would fire injected on* handlers
        p.mouse.move(400, y)
    assert page.dialogs == []
    assert page.errors == []
    assert page.foreign_requests() == []
    assert p.locator("script").count() == 0
    for attribute in ("onerror", "onload", "onmouseover"):
        assert p.locator(f"[{attribute}]").count() == 0, attribute
    assert p.locator("[href^='javascript' i], [src^='javascript' i]").count() == 0
    assert p.locator("img, svg a, svg [onload]").count() == 0

    body = p.locator("body").inner_text()
    for key, text in HOSTILE.items():
        assert text in body, key
        assert visible(p.get_by_text(text, exact=True)), key
    assert p.get_by_role("heading", level=1).inner_text() == HOSTILE["script"]
    assert p.title().startswith(HOSTILE["script"])
    assert p.locator("table.grid thead .stage-name").nth(1).inner_text() == "{{ 7*7 }}"
    assert p.locator("table.grid .kpi-name").inner_text() == "{{ 7*7 }}"
    assert "49" not in body
    check_screenshot(page, "hostile")
